//! Arabic and Hebrew on the cover page, shaped by `rustybuzz` (a port of HarfBuzz).
//!
//! Arabic letters change form with their neighbours (initial, medial, final,
//! ligatures such as lam-alef); drawn one character at a time they come out
//! as isolated letters no reader recognises. A line with right-to-left text is
//! cut into bidi runs in visual order, each run is shaped in its own direction,
//! and every glyph keeps the characters it stands for, so text extraction and
//! copying still give the text itself.

use std::sync::OnceLock;

use crate::bidi::Base;
use crate::font::dejavu;
pub(crate) use crate::font::Glyph;

fn face() -> Option<&'static rustybuzz::Face<'static>> {
    static FACE: OnceLock<Option<rustybuzz::Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| rustybuzz::Face::from_slice(dejavu().data, 0))
        .as_ref()
}

/// Shape one line of a paragraph of direction `base` into glyphs in visual order.
/// `None` when the font cannot be read (the caller then draws character by character).
pub(crate) fn line(text: &str, base: Base) -> Option<Vec<Glyph>> {
    let face = face()?;
    let scale = 1000.0 / f64::from(face.units_per_em().max(1));
    let standin = dejavu();
    let mut out = Vec::new();
    for (range, rtl) in crate::bidi::runs(text, base) {
        let run = &text[range];
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(run);
        buffer.set_direction(if rtl {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        });
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        // Cluster starts in logical order, to find where each cluster's text ends.
        let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        // Filled glyph by glyph, in the order drawn.
        let mut slots: Vec<Option<Glyph>> = vec![None; infos.len()];
        let mut i = 0;
        while i < infos.len() {
            // The glyphs of one cluster, in the order drawn.
            let cluster = infos[i].cluster as usize;
            let mut j = i;
            while j < infos.len() && infos[j].cluster as usize == cluster {
                j += 1;
            }
            let end = starts
                .iter()
                .find(|&&s| s > cluster)
                .copied()
                .unwrap_or(run.len());
            let chars: Vec<char> = run[cluster..end].chars().collect();
            // In logical order, glyph k shows character k; the last shows the rest.
            let mut order: Vec<usize> = (i..j).collect();
            if rtl {
                order.reverse();
            }
            for (k, &g) in order.iter().enumerate() {
                let mut shows: String = if k + 1 == order.len() {
                    chars.iter().skip(k).collect()
                } else {
                    chars.get(k).map(|c| c.to_string()).unwrap_or_default()
                };
                if shows.is_empty() {
                    // More glyphs than characters (a split vowel): an invisible joiner.
                    shows.push('\u{200C}');
                }
                if rtl {
                    shows = shows.chars().rev().collect();
                }
                let first = chars.first().copied().unwrap_or('?');
                // A character the font lacks is drawn as the stand-in square, at its own width.
                let (gid, advance) = match u16::try_from(infos[g].glyph_id) {
                    Ok(0) | Err(_) => {
                        let standin = standin.glyph_or_standin(first);
                        (standin, dejavu().advance(standin))
                    }
                    Ok(gid) => (gid, f64::from(positions[g].x_advance) * scale),
                };
                slots[g] = Some(Glyph {
                    gid,
                    text: shows,
                    advance,
                });
            }
            i = j;
        }
        out.extend(slots.into_iter().flatten());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_joins_and_keeps_its_text() {
        let glyphs = line("مرحبا", Base::Ltr).expect("DejaVu Sans reads");
        // Joined forms are not the isolated letters' glyphs.
        let isolated: Vec<u16> = "مرحبا"
            .chars()
            .map(|c| dejavu().glyph_or_standin(c))
            .collect();
        let drawn: Vec<u16> = glyphs.iter().map(|g| g.gid).collect();
        assert_ne!(drawn, isolated.iter().rev().copied().collect::<Vec<_>>());
        // Read right to left, the glyphs' text is the word.
        let visual: String = glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(visual.chars().rev().collect::<String>(), "مرحبا");
        assert!(glyphs.iter().all(|g| g.gid != 0 && !g.text.is_empty()));
    }

    #[test]
    fn mixed_lines_keep_every_character_once() {
        for text in ["Konto: مرحبا بكم (id 12)", "שלום Karin", "Gislaveds kommun"] {
            let glyphs = line(text, Base::Ltr).expect("shaped");
            let mut got: Vec<char> = glyphs.iter().flat_map(|g| g.text.chars()).collect();
            let mut want: Vec<char> = text.chars().collect();
            got.sort_unstable();
            want.sort_unstable();
            assert_eq!(got, want, "{text}");
        }
    }
}
