//! The project's own PDF/A checker: the ISO 19005 rules that matter for our documents.
//!
//! Not a full validator (PDFBox Preflight and veraPDF are), but a fast,
//! dependency-free gate that names the clause and says what to do. It reads
//! the file with lopdf, never panics on hostile bytes, and bounds every
//! decompression and recursion.
//!
//! The rules are grouped by family, one module each; [`Rule`] is the table of
//! every rule with its clauses and the module that checks it:
//! - [`structure`]: file structure, the catalog, output intents;
//! - [`metadata`]: the XMP packet, Info/XMP consistency, extension schemas;
//! - [`objects`]: the walk over every object: limits, streams, dictionaries,
//!   actions, annotations, fonts, colour;
//! - [`content`]: pages, their content streams, text outside the page boxes.
//!
//! A new rule gets a row in the table below and a `cx.fail(Rule::…)` in its family's module.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::{Dictionary, Object};

use crate::Flavour;

mod content;
mod metadata;
mod objects;
mod structure;
mod xml;

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The clause broken, e.g. `ISO 19005-1 6.1.3`.
    pub clause: &'static str,
    /// What is wrong, in English.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

/// The outcome of [`check`]: conformant when `failures` is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The flavour the file's XMP claims (`pdfaid:part` + `pdfaid:conformance`), if any.
    pub claimed: Option<Flavour>,
    /// The flavour the rules were checked for.
    pub checked_as: Flavour,
    pub failures: Vec<Failure>,
    /// Text that breaks no PDF/A rule but that no reader finds: text shown outside
    /// every box of its page (`pdftotext` and viewers drop it). Clause `text layer`.
    pub unreachable_text: Vec<Failure>,
}

impl Report {
    /// No rule is broken.
    pub fn is_conformant(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The bytes are not a PDF we can read at all.
#[derive(Debug, thiserror::Error)]
#[error("not a readable PDF: {reason}")]
pub struct Unreadable {
    pub reason: String,
}

/// The rule table: each rule, the family module that checks it, and its clause in
/// ISO 19005-1 and in ISO 19005-2 (PDF/A-3 uses the part 2 numbering).
macro_rules! rules {
    ($($name:ident => $family:ident, $c1:literal, $c2:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        enum Rule {
            $(
                #[doc = concat!("ISO 19005-1 ", $c1, ", ISO 19005-2/3 ", $c2,
                    "; checked in [`", stringify!($family), "`].")]
                $name,
            )*
        }
        fn clause(rule: Rule, part: u8) -> &'static str {
            match (rule, part) {
                $(
                    (Rule::$name, 1) => concat!("ISO 19005-1 ", $c1),
                    (Rule::$name, 2) => concat!("ISO 19005-2 ", $c2),
                    (Rule::$name, _) => concat!("ISO 19005-3 ", $c2),
                )*
            }
        }
    };
}

// Some rules are also raised outside their family: the catalog (structure) finds
// /AA, JavaScript, embedded files and forms; pages (content) find device colour
// and broken limits; an unreadable encrypted file fails Trailer in `check` itself.
rules! {
    Header => structure, "6.1.2", "6.1.2";
    Trailer => structure, "6.1.3", "6.1.3";
    Xref => structure, "6.1.4", "6.1.4";
    OptionalContent => structure, "6.1.13", "6.9";
    OutputIntent => structure, "6.2.2", "6.2.3";
    Forms => structure, "6.9", "6.4.1";
    Metadata => metadata, "6.7.2", "6.6.2.1";
    InfoXmp => metadata, "6.7.3", "6.6.3";
    XmpHeader => metadata, "6.7.5", "6.6.2.1";
    Extension => metadata, "6.7.8", "6.6.2.3";
    XmpValid => metadata, "6.7.9", "6.6.2.1";
    Identification => metadata, "6.7.11", "6.6.4";
    StreamKeys => objects, "6.1.7", "6.1.7.1";
    Filters => objects, "6.1.10", "6.1.7.2";
    Embedded => objects, "6.1.11", "6.8";
    Limits => objects, "6.1.12", "6.1.13";
    DeviceColour => objects, "6.2.3.3", "6.2.4.3";
    Images => objects, "6.2.4", "6.2.8";
    FormXObject => objects, "6.2.5", "6.2.9";
    PostScript => objects, "6.2.7", "6.2.9";
    ExtGState => objects, "6.2.8", "6.2.5";
    FontEmbedding => objects, "6.3.4", "6.2.11.4.1";
    ToUnicode => objects, "6.3.8", "6.2.11.7.2";
    Transparency => objects, "6.4", "6.2.10";
    AnnotTypes => objects, "6.5.2", "6.3.1";
    AnnotFlags => objects, "6.5.3", "6.3.2";
    Actions => objects, "6.6.1", "6.5.1";
    TriggerEvents => objects, "6.6.2", "6.5.2";
    Notdef => content, "6.3.4", "6.2.11.8";
}

/// Largest stream we decompress while checking.
const MAX_DECODE: usize = 64 * 1024 * 1024;
/// How deep nested arrays/dictionaries and reference chains are followed.
const MAX_DEPTH: usize = 64;

/// Check `bytes` against the PDF/A rules of `flavour`, or of the flavour the
/// file claims in its XMP when `flavour` is `None` (PDF/A-1b when it claims none).
///
/// Never panics, whatever the bytes: the parser is additionally fenced with
/// `catch_unwind`, and a parser panic counts as unreadable.
pub fn check(bytes: &[u8], flavour: Option<Flavour>) -> Result<Report, Unreadable> {
    match catch_unwind(AssertUnwindSafe(|| check_inner(bytes, flavour))) {
        Ok(result) => result,
        Err(_) => Err(Unreadable {
            reason: "the PDF parser gave up on malformed data".into(),
        }),
    }
}

struct Ctx<'a> {
    doc: &'a lopdf::Document,
    flavour: Flavour,
    part: u8,
    failures: Vec<Failure>,
    seen: BTreeSet<(Rule, String)>,
    /// Colour components of the PDF/A output intent's profile (None: no output intent).
    intent_components: Option<i64>,
    /// Form XObjects already checked (by address in the loaded document).
    forms_seen: BTreeSet<usize>,
    unreachable_text: Vec<Failure>,
}

impl<'a> Ctx<'a> {
    fn fail(&mut self, rule: Rule, message: impl Into<String>, hint: impl Into<String>) {
        let message = message.into();
        // One failure per rule and message: a file with 500 bad images reports it once.
        if self.seen.insert((rule, message.clone())) {
            self.failures.push(Failure {
                clause: clause(rule, self.part),
                message,
                hint: hint.into(),
            });
        }
    }

    fn resolve<'b>(&self, mut obj: &'b Object) -> Option<&'b Object>
    where
        'a: 'b,
    {
        let doc: &'a lopdf::Document = self.doc;
        for _ in 0..MAX_DEPTH {
            match obj {
                Object::Reference(id) => obj = doc.objects.get(id)?,
                other => return Some(other),
            }
        }
        None
    }

    fn get<'b>(&self, dict: &'b Dictionary, key: &[u8]) -> Option<&'b Object>
    where
        'a: 'b,
    {
        dict.get(key).ok().and_then(|o| self.resolve(o))
    }

    fn dict<'b>(&self, dict: &'b Dictionary, key: &[u8]) -> Option<&'b Dictionary>
    where
        'a: 'b,
    {
        match self.get(dict, key)? {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        }
    }

    fn name<'b>(&self, dict: &'b Dictionary, key: &[u8]) -> Option<&'b [u8]>
    where
        'a: 'b,
    {
        match self.get(dict, key)? {
            Object::Name(n) => Some(n.as_slice()),
            _ => None,
        }
    }

    fn number(&self, dict: &Dictionary, key: &[u8]) -> Option<f64> {
        match self.get(dict, key)? {
            Object::Integer(i) => Some(*i as f64),
            Object::Real(r) => Some(f64::from(*r)),
            _ => None,
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The flavour a loaded document's XMP claims (`pdfaid:part` and
/// `pdfaid:conformance`), if it claims one we know.
pub(crate) fn claimed(doc: &lopdf::Document) -> Option<Flavour> {
    let (text, _) = metadata::metadata_packet(doc)?;
    metadata::claimed_flavour(&xml::parse(&text).ok()?)
}

fn check_inner(bytes: &[u8], flavour: Option<Flavour>) -> Result<Report, Unreadable> {
    let head = &bytes[..bytes.len().min(1024)];
    let Some(header_at) = find(head, b"%PDF-") else {
        return Err(Unreadable {
            reason: "no %PDF- header in the first 1024 bytes".into(),
        });
    };
    let raw_encrypt = find(bytes, b"/Encrypt").is_some();
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_DECODE),
        ..Default::default()
    };
    let doc = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(e) if raw_encrypt => {
            // An encrypted file we cannot open is still a clear verdict.
            let checked_as = flavour.unwrap_or_default();
            let part = checked_as.part();
            return Ok(Report {
                claimed: None,
                checked_as,
                unreachable_text: Vec::new(),
                failures: vec![Failure {
                    clause: clause(Rule::Trailer, part),
                    message: format!("the file is encrypted (/Encrypt in the trailer) and cannot be read: {e}"),
                    hint: "PDF/A forbids encryption; save the document again without a password or permissions".into(),
                }],
            });
        }
        Err(e) => {
            return Err(Unreadable {
                reason: e.to_string(),
            })
        }
    };
    if doc.catalog().is_err() {
        return Err(Unreadable {
            reason: "the trailer has no usable /Root catalog".into(),
        });
    }

    // The claimed flavour comes from the XMP, read before anything else.
    let xmp = metadata::metadata_packet(&doc);
    let parsed = xmp.as_ref().and_then(|(text, _)| xml::parse(text).ok());
    let claimed = parsed.as_ref().and_then(metadata::claimed_flavour);
    let checked_as = flavour.or(claimed).unwrap_or_default();
    let mut cx = Ctx {
        doc: &doc,
        flavour: checked_as,
        part: checked_as.part(),
        failures: Vec::new(),
        seen: BTreeSet::new(),
        intent_components: None,
        forms_seen: BTreeSet::new(),
        unreachable_text: Vec::new(),
    };

    structure::file_structure(&mut cx, bytes, header_at, raw_encrypt);
    structure::catalog(&mut cx);
    metadata::metadata(&mut cx, xmp.as_ref(), parsed.as_ref(), claimed);
    objects::objects(&mut cx);
    content::pages(&mut cx);
    Ok(Report {
        claimed,
        checked_as,
        failures: cx.failures,
        unreachable_text: cx.unreachable_text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        let verdict = |bytes: &[u8]| check(bytes, None).map(|r| r.failures).map_err(|e| e.reason);
        let unreadable = |reason: &str| Err(reason.to_string());
        assert_eq!(
            verdict(b""),
            unreadable("no %PDF- header in the first 1024 bytes")
        );
        // lopdf says why, rather than panicking into the catch_unwind fence.
        assert_eq!(
            verdict(b"%PDF-1.4\n"),
            unreadable("failed parsing cross reference table")
        );
        assert_eq!(
            verdict(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >>"),
            unreadable("failed parsing cross reference table")
        );
    }
}
