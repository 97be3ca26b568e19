//! Where a tall screenshot is cut into pages: in a gap between lines of text.
//!
//! Each break is looked for within `reach` rows above the ideal one, lowest first:
//! 1. in the gap between two lines of text (a run ending above, a run starting
//!    below, closer together than the taller of the two is high), at its middle;
//! 2. else at a boundary no text run crosses that touches a row of one flat
//!    colour (the background between blocks, pictures and headings);
//! 3. else at a boundary no text run crosses (a picture taller than the reach);
//! 4. else at the ideal break, where a run that straddles it goes on the page
//!    that holds most of it.
//!
//! Pixels are asked for only in step 2, so a page of text is never decoded.

/// What the page breaks of one screenshot must respect, in device pixels.
#[derive(Debug)]
pub(crate) struct Picture<'a> {
    /// Rows in the whole picture.
    pub rows: u64,
    /// Top and bottom of every text run.
    pub text: &'a [(f64, f64)],
}

/// Cut `0..picture.rows` into pages `[start, end)` of at most `ideal` rows, each break
/// at most `reach` rows above the ideal one. `flat(y)` says whether row `y` is one colour.
pub(crate) fn cuts(
    picture: &Picture,
    ideal: u64,
    reach: u64,
    flat: &mut dyn FnMut(u64) -> bool,
) -> Vec<(u64, u64)> {
    let rows = picture.rows;
    let ideal = ideal.max(1);
    let reach = reach.min(ideal - 1);
    let n = rows as usize + 2;
    // Runs as whole rows [top, bottom), dropped where not finite or empty.
    let runs: Vec<(u64, u64)> = picture
        .text
        .iter()
        .filter(|(t, b)| t.is_finite() && b.is_finite() && b > t)
        .map(|&(t, b)| {
            let top = (t.floor().max(0.0) as u64).min(rows);
            let bottom = (b.ceil().max(0.0) as u64).min(rows);
            (top, bottom)
        })
        .filter(|(t, b)| b > t)
        .collect();
    // crossed[c]: a run has rows both above and below boundary c (between rows c-1 and c).
    let mut delta = vec![0i32; n];
    // Nearest run end at or above each boundary, and nearest run start at or below it,
    // with the height of that run.
    let mut ends: Vec<Option<(u64, u64)>> = vec![None; n];
    let mut starts: Vec<Option<(u64, u64)>> = vec![None; n];
    for &(top, bottom) in &runs {
        if bottom > top + 1 {
            delta[top as usize + 1] += 1;
            delta[bottom as usize] -= 1;
        }
        let h = bottom - top;
        let e = &mut ends[bottom as usize];
        *e = Some(e.map_or(h, |(_, old)| old.max(h))).map(|h| (bottom, h));
        let s = &mut starts[top as usize];
        *s = Some(s.map_or(h, |(_, old)| old.max(h))).map(|h| (top, h));
    }
    let mut depth = 0;
    let crossed: Vec<bool> = delta
        .iter()
        .map(|d| {
            depth += d;
            depth > 0
        })
        .collect();
    for c in 1..n {
        if ends[c].is_none() {
            ends[c] = ends[c - 1];
        }
    }
    for c in (0..n - 1).rev() {
        if starts[c].is_none() {
            starts[c] = starts[c + 1];
        }
    }
    let clean = |c: u64| !crossed[c as usize];
    // Between two lines of one block of text: the gap is shorter than the taller line.
    let line_gap = |c: u64| match (ends[c as usize], starts[c as usize]) {
        (Some((above, ha)), Some((below, hb))) => clean(c) && below - above <= ha.max(hb),
        _ => false,
    };

    let mut out = Vec::new();
    let mut start = 0;
    while start < rows {
        if rows - start <= ideal {
            out.push((start, rows));
            break;
        }
        let hi = start + ideal;
        let lo = hi - reach;
        let end = (lo..=hi)
            .rev()
            .find(|&c| line_gap(c))
            .map(|c| {
                // The middle of the gap (within the reach), clear of ink that spills out of its box.
                let low = (lo..=c)
                    .rev()
                    .take_while(|&b| line_gap(b))
                    .last()
                    .unwrap_or(c);
                (low + c).div_ceil(2)
            })
            .or_else(|| {
                (lo..=hi)
                    .rev()
                    .find(|&c| clean(c) && (flat(c - 1) || flat(c)))
            })
            .or_else(|| (lo..=hi).rev().find(|&c| clean(c)))
            .unwrap_or(hi);
        out.push((start, end));
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rows: u64, text: &[(f64, f64)], flat: &[bool], ideal: u64, reach: u64, want: &[u64]) {
        let mut asked = 0;
        let mut flat = |y: u64| {
            asked += 1;
            flat.get(y as usize).copied().unwrap_or(false)
        };
        let got = cuts(&Picture { rows, text }, ideal, reach, &mut flat);
        let ends: Vec<u64> = got.iter().map(|c| c.1).collect();
        assert_eq!(ends, want);
        // Contiguous from 0 to the end: no row lost, none repeated.
        assert_eq!(got[0].0, 0);
        for w in got.windows(2) {
            assert_eq!(w[0].1, w[1].0);
        }
    }

    #[test]
    fn breaks_go_between_lines() {
        // Lines of 20 rows every 30 rows (10-row gaps, flat): 0-20, 30-50, 60-80, 90-110 ...
        let text: Vec<(f64, f64)> = (0..10)
            .map(|i| (30.0 * i as f64, 30.0 * i as f64 + 20.0))
            .collect();
        let flat: Vec<bool> = (0..300).map(|y| y % 30 >= 20).collect();
        // The ideal break 95 cuts the line 90-110: the break goes to the middle of the gap 80-90.
        check(300, &text, &flat, 95, 25, &[85, 175, 265, 300]);
        // The pixels are not needed for that.
        check(300, &text, &[], 95, 25, &[85, 175, 265, 300]);
        // Out of reach: a break inside a line only where nothing else is possible.
        check(300, &text, &flat, 95, 2, &[95, 190, 285, 300]);
        // A short page needs no break.
        check(50, &text, &flat, 95, 25, &[50]);
    }

    #[test]
    fn flat_rows_decide_between_blocks() {
        // A heading 0-40, a picture 40-160 with one white row at 100, a heading 200-240:
        // no two lines close enough to be a paragraph, so the pixels choose.
        let text = [(0.0, 40.0), (200.0, 240.0)];
        let mut flat = vec![false; 300];
        flat[100] = true;
        check(300, &text, &flat, 150, 60, &[101, 251, 300]);
    }

    #[test]
    fn a_tall_picture_is_cut_where_no_text_is() {
        // Rows 0-200 a picture (no flat row, no text), then text lines.
        let text = [(200.0, 215.0), (220.0, 235.0)];
        check(240, &text, &[], 100, 30, &[100, 200, 240]);
        // A text run taller than the reach is cut at the ideal break.
        check(240, &[(50.0, 190.0)], &[], 100, 30, &[100, 200, 240]);
    }

    #[test]
    fn hostile_runs_do_not_panic() {
        let text = [(f64::NAN, 3.0), (-50.0, 1e30), (5.0, 4.0)];
        check(10, &text, &[true; 10], 4, 2, &[4, 8, 10]);
    }
}
