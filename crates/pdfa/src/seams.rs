//! Where a tall screenshot is cut into pages: in a gap between lines of text.
//!
//! A break goes at a row boundary that no text run crosses and that touches a
//! row of one flat colour (the background between lines), as low as it can
//! within `reach` rows above the ideal break. Where there is none (a picture
//! taller than the reach), it goes where no text run is cut, and only where
//! even that is impossible, at the ideal break.

/// What the page breaks of one screenshot must respect, in device pixels.
#[derive(Debug)]
pub(crate) struct Picture<'a> {
    /// Rows in the whole picture.
    pub rows: u64,
    /// Top and bottom of every text run.
    pub text: &'a [(f64, f64)],
    /// Whether each row is one flat colour; shorter than `rows` (or empty) where unknown.
    pub flat: &'a [bool],
}

/// Cut `0..picture.rows` into pages `[start, end)` of at most `ideal` rows, each
/// break chosen at most `reach` rows above the ideal one.
pub(crate) fn cuts(picture: &Picture, ideal: u64, reach: u64) -> Vec<(u64, u64)> {
    let rows = picture.rows;
    let ideal = ideal.max(1);
    let reach = reach.min(ideal - 1);
    // crossed[c]: a text run has rows both above and below boundary c (between rows c-1 and c).
    let mut delta = vec![0i32; rows as usize + 2];
    for &(top, bottom) in picture.text {
        if !(top.is_finite() && bottom.is_finite()) || bottom <= top {
            continue;
        }
        let first = (top.floor().max(0.0) as u64)
            .saturating_add(1)
            .min(rows + 1);
        let last = (bottom.ceil().max(0.0) as u64).min(rows + 1);
        if first < last {
            delta[first as usize] += 1;
            delta[last as usize] -= 1;
        }
    }
    let mut depth = 0;
    let crossed: Vec<bool> = delta
        .iter()
        .map(|d| {
            depth += d;
            depth > 0
        })
        .collect();
    let flat = |y: u64| picture.flat.get(y as usize).copied().unwrap_or(false);
    let clean = |c: u64| !crossed[c as usize];
    let gap = |c: u64| clean(c) && (flat(c - 1) || flat(c));

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
            .find(|&c| gap(c))
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
        let got = cuts(&Picture { rows, text, flat }, ideal, reach);
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
        // The ideal break 95 cuts the line 90-110: the break goes to 90 (touching flat row 89).
        check(300, &text, &flat, 95, 25, &[90, 180, 270, 300]);
        // Without pixel knowledge, the text boxes alone still find the gaps.
        check(300, &text, &[], 95, 25, &[90, 180, 270, 300]);
        // Out of reach: a break inside a line only where nothing else is possible.
        check(300, &text, &flat, 95, 2, &[95, 190, 285, 300]);
        // A short page needs no break.
        check(50, &text, &flat, 95, 25, &[50]);
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
