//! Text from a page shown to a person (terminal, cover page, delivery
//! list) is data, never control: bidi and C0/C1 control characters are
//! shown as `<U+202E>`, and long text is shortened with an ellipsis. The
//! record itself (record.json) keeps the page's text exactly.

/// A character that would steer how the text around it is shown: C0 and
/// C1 controls, DEL, and the bidi embeddings, overrides, isolates and marks.
pub fn is_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        // Line and paragraph separators break a terminal line like a newline.
        | '\u{2028}' | '\u{2029}')
}

/// `text` with every control character (see [`is_control`]) written as
/// `<U+XXXX>`.
pub fn neutralise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_control(c) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// [`neutralise`]d `text`, at most `max` characters of it, with `…` where
/// it was cut.
pub fn shorten(text: &str, max: usize) -> String {
    let safe = neutralise(text);
    if safe.chars().count() <= max {
        return safe;
    }
    let mut out: String = safe.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_not_obeyed() {
        let check = |input: &str, want: &str| assert_eq!(neutralise(input), want);
        check("Kommun", "Kommun");
        check("abc\u{202e}fed", "abc<U+202E>fed");
        check("a\u{85}b\u{9b}c", "a<U+0085>b<U+009B>c");
        check(
            "rad\nrad\r\t\u{1b}[31m",
            "rad<U+000A>rad<U+000D><U+0009><U+001B>[31m",
        );
        check("\u{2067}x\u{2069}\u{200f}", "<U+2067>x<U+2069><U+200F>");
        check("Åäö مرحبا 你好 🙂", "Åäö مرحبا 你好 🙂");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(shorten("kort", 10), "kort");
        assert_eq!(shorten("0123456789abc", 10), "012345678…");
        assert_eq!(shorten(&"å".repeat(100_000), 5).chars().count(), 5);
        assert_eq!(shorten("\u{202e}abc", 100), "<U+202E>abc");
    }
}
