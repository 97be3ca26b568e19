//! JSON as ogonblick writes it: exact values, but every character that can
//! hide or reorder text on a terminal written as a `\u` escape.
//!
//! Text taken from a page goes into `record.json`, `posts.json`,
//! `changes.json`, `text.json` and the journal. serde_json writes it raw,
//! so a title with U+202E (right-to-left override) reads backwards under
//! `cat` and `less`, and C1 controls can drive a terminal. Here bidi
//! controls (U+202A–U+202E, U+2066–U+2069), C0 and C1 controls and DEL are
//! written as `\uXXXX`: the file shows an auditor what is there, and reading
//! it back gives the exact text.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// True for a character written as a `\u` escape.
pub fn is_escaped(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `value` as pretty JSON (two-space indent), escaped as above.
pub fn to_vec_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Safe(PrettyFormatter::new()));
    value.serialize(&mut ser)?;
    Ok(out)
}

/// `value` as compact JSON on one line (a journal line's values), escaped as above.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Safe(CompactFormatter));
    value.serialize(&mut ser)?;
    // Only valid UTF-8 goes in: serde_json writes `str`s and ASCII.
    String::from_utf8(out).map_err(|e| serde_json::Error::io(io::Error::other(e)))
}

/// A formatter that writes like `F`, with the escapes above.
struct Safe<F>(F);

impl<F: Formatter> Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_escaped(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_read_back_exactly() {
        let text = "Kommun\u{202e}nummoK\u{2066}x\u{2069} \u{1b}[31m\u{85}\u{7f} åäö \"q\" \\ \n\t";
        for json in [
            String::from_utf8(to_vec_pretty(&vec![text]).unwrap()).unwrap(),
            to_string(&serde_json::json!({ "title": text })).unwrap(),
        ] {
            assert!(
                !json.chars().any(|c| is_escaped(c) && c != '\n'),
                "{json:?}"
            );
            assert!(
                json.contains("\\u202e") && json.contains("\\u001b") && json.contains("\\u0085"),
                "{json}"
            );
            assert!(json.contains("åäö"), "other text stays as it is: {json}");
            let back: serde_json::Value = serde_json::from_str(&json).unwrap();
            let back = back.get(0).or_else(|| back.get("title")).unwrap();
            assert_eq!(back.as_str(), Some(text));
        }
        // Pretty output is serde_json's own, layout for layout.
        let v = serde_json::json!({ "a": [1, { "b": "c" }], "d": {} });
        assert_eq!(
            to_vec_pretty(&v).unwrap(),
            serde_json::to_vec_pretty(&v).unwrap()
        );
        assert_eq!(to_string(&v).unwrap(), serde_json::to_string(&v).unwrap());
    }
}
