//! Right-to-left text put in visual order by the Unicode bidi algorithm (UAX #9, `unicode-bidi`).
//!
//! A PDF shows characters in the order they are drawn, left to right; readers
//! (`pdftotext`, copy and paste in a viewer) run the bidi algorithm backwards to
//! get the logical order back. So every string we draw goes in visual order:
//! Arabic and Hebrew reversed, Latin words and numbers inside them not, each
//! resolved against the paragraph direction the page gave it.

use unicode_bidi::{BidiInfo, Level};

/// The direction of the paragraph a string sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    /// Left to right (a Swedish cover page, an ordinary web page).
    Ltr,
    /// Right to left (`dir="rtl"`, an Arabic or Hebrew page).
    Rtl,
}

/// Whether `text` has any character that can make the bidi algorithm reorder it.
pub(crate) fn may_reorder(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c,
            '\u{0590}'..='\u{08FF}'
            | '\u{FB1D}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
            | '\u{200F}'
            | '\u{202B}'
            | '\u{202E}'
            | '\u{2067}'
            | '\u{10800}'..='\u{10FFF}'
            | '\u{1E800}'..='\u{1EFFF}')
    })
}

/// `text` in visual order, laid out in a paragraph of direction `base`.
///
/// The characters are the same, only their order changes; bidi formatting
/// characters stay in place (the font encoder drops them).
pub(crate) fn visual(text: &str, base: Base) -> String {
    // Text in a right-to-left paragraph without a strong right-to-left character
    // ("Lorem ipsum", "2026") is shown as it is: the only reordering the algorithm
    // would do is of neutrals at its ends, which readers do not undo.
    if !may_reorder(text) {
        return text.to_string();
    }
    let level = match base {
        Base::Ltr => Level::ltr(),
        Base::Rtl => Level::rtl(),
    };
    let info = BidiInfo::new(text, Some(level));
    let mut out = String::with_capacity(text.len());
    for para in &info.paragraphs {
        out.push_str(&info.reorder_line(para, para.range.clone()));
    }
    out
}

/// The bidi runs of `text` in visual order: each byte range with whether it runs right to left.
pub(crate) fn runs(text: &str, base: Base) -> Vec<(std::ops::Range<usize>, bool)> {
    if text.is_empty() {
        return Vec::new();
    }
    if !may_reorder(text) {
        return vec![(0..text.len(), false)];
    }
    let level = match base {
        Base::Ltr => Level::ltr(),
        Base::Rtl => Level::rtl(),
    };
    let info = BidiInfo::new(text, Some(level));
    let mut out = Vec::new();
    for para in &info.paragraphs {
        let (levels, runs) = info.visual_runs(para, para.range.clone());
        out.extend(runs.into_iter().map(|r| {
            let rtl = levels[r.start].is_rtl();
            (r, rtl)
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, base: Base, want: &str) {
        assert_eq!(visual(text, base), want, "{text:?} in a {base:?} paragraph");
    }

    #[test]
    fn logical_to_visual() {
        // Latin in a right-to-left paragraph stays as it is (the bug was "meroL muspi").
        check("Lorem ipsum", Base::Rtl, "Lorem ipsum");
        check("Lorem ipsum", Base::Ltr, "Lorem ipsum");
        check("åäö 2026", Base::Rtl, "åäö 2026");
        // Arabic and Hebrew are reversed, in either paragraph direction.
        check("مرحبا بكم", Base::Rtl, "مكب ابحرم");
        check("שלום עולם", Base::Ltr, "םלוע םולש");
        // Numbers inside right-to-left text keep their own order.
        check("مرحبا 2026 بكم", Base::Rtl, "مكب 2026 ابحرم");
        check("עמוד 12 מתוך 30", Base::Rtl, "30 ךותמ 12 דומע");
        // A Latin name inside Arabic, and Arabic inside a Swedish sentence.
        check("شكرا Karin Lind", Base::Rtl, "Karin Lind اركش");
        check("Titel: مرحبا بكم ok", Base::Ltr, "Titel: مكب ابحرم ok");
        // Two numbers with a space between them in a right-to-left paragraph swap places,
        // on the screen as here (the space takes the paragraph's direction).
        check("טלפון 0371-810 00", Base::Rtl, "00 0371-810 ןופלט");
    }
}
