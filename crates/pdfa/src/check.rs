//! The project's own PDF/A checker: the ISO 19005 rules that matter for our documents.
//!
//! Not a full validator (PDFBox Preflight and veraPDF are), but a fast,
//! dependency-free gate that names the clause and says what to do. It reads
//! the file with lopdf, never panics on hostile bytes, and bounds every
//! decompression and recursion.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::{Dictionary, Object, ObjectId};

use crate::Flavour;

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

macro_rules! rules {
    ($($name:ident => $c1:literal, $c2:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        enum Rule { $($name),* }
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

rules! {
    Header => "6.1.2", "6.1.2";
    Trailer => "6.1.3", "6.1.3";
    Xref => "6.1.4", "6.1.4";
    StreamKeys => "6.1.7", "6.1.7.1";
    Filters => "6.1.10", "6.1.7.2";
    Embedded => "6.1.11", "6.8";
    Limits => "6.1.12", "6.1.13";
    OptionalContent => "6.1.13", "6.9";
    OutputIntent => "6.2.2", "6.2.3";
    DeviceColour => "6.2.3.3", "6.2.4.3";
    Images => "6.2.4", "6.2.8";
    FormXObject => "6.2.5", "6.2.9";
    PostScript => "6.2.7", "6.2.9";
    ExtGState => "6.2.8", "6.2.5";
    FontEmbedding => "6.3.4", "6.2.11.4.1";
    ToUnicode => "6.3.8", "6.2.11.7.2";
    Notdef => "6.3.4", "6.2.11.8";
    Transparency => "6.4", "6.2.10";
    AnnotTypes => "6.5.2", "6.3.1";
    AnnotFlags => "6.5.3", "6.3.2";
    Actions => "6.6.1", "6.5.1";
    TriggerEvents => "6.6.2", "6.5.2";
    Metadata => "6.7.2", "6.6.2.1";
    InfoXmp => "6.7.3", "6.6.3";
    XmpHeader => "6.7.5", "6.6.2.1";
    Extension => "6.7.8", "6.6.2.3";
    XmpValid => "6.7.9", "6.6.2.1";
    Identification => "6.7.11", "6.6.4";
    Forms => "6.9", "6.4.1";
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
    let xmp = metadata_packet(&doc);
    let parsed = xmp.as_ref().and_then(|(text, _)| xml::parse(text).ok());
    let claimed = parsed.as_ref().and_then(claimed_flavour);
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

    file_structure(&mut cx, bytes, header_at, raw_encrypt);
    catalog(&mut cx);
    metadata(&mut cx, xmp.as_ref(), parsed.as_ref(), claimed);
    objects(&mut cx);
    pages(&mut cx);
    Ok(Report {
        claimed,
        checked_as,
        failures: cx.failures,
        unreachable_text: cx.unreachable_text,
    })
}

/// Header, binary comment, trailer, cross-reference table, end of file.
fn file_structure(cx: &mut Ctx, bytes: &[u8], header_at: usize, raw_encrypt: bool) {
    if header_at != 0 {
        cx.fail(
            Rule::Header,
            format!("the %PDF header starts at byte {header_at}, not 0"),
            "remove the bytes before %PDF-",
        );
    }
    let line_end = bytes[header_at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|i| header_at + i);
    let version = line_end
        .map(|e| String::from_utf8_lossy(&bytes[header_at + 5..e]).to_string())
        .unwrap_or_default();
    let ok_version = match cx.part {
        1 => matches!(version.as_str(), "1.0" | "1.1" | "1.2" | "1.3" | "1.4"),
        _ => version.len() == 3 && version.starts_with("1."),
    };
    if !ok_version {
        cx.fail(
            Rule::Header,
            format!(
                "the header says PDF version `{version}`, not allowed for PDF/A-{}",
                cx.flavour
            ),
            if cx.part == 1 {
                "PDF/A-1 files are PDF 1.4: write %PDF-1.4"
            } else {
                "write %PDF-1.7"
            },
        );
    }
    let comment_ok = line_end.is_some_and(|e| {
        let mut at = e;
        while at < bytes.len() && (bytes[at] == b'\r' || bytes[at] == b'\n') {
            at += 1;
        }
        let line: Vec<u8> = bytes[at..]
            .iter()
            .take_while(|&&b| b != b'\r' && b != b'\n')
            .copied()
            .collect();
        line.first() == Some(&b'%') && line.len() >= 5 && line[1..5].iter().all(|&b| b > 127)
    });
    if !comment_ok {
        cx.fail(
            Rule::Header,
            "the header is not followed by a comment of at least four bytes above 127",
            "add a binary comment line such as `%\\xE2\\xE3\\xCF\\xD3` after %PDF-x.y",
        );
    }
    if raw_encrypt && (cx.doc.trailer.has(b"Encrypt") || cx.doc.was_encrypted()) {
        cx.fail(
            Rule::Trailer,
            "the file is encrypted (/Encrypt in the trailer)",
            "PDF/A forbids encryption; save the document again without a password or permissions",
        );
    }
    if !cx.doc.trailer.has(b"ID") {
        cx.fail(
            Rule::Trailer,
            "the trailer has no /ID",
            "write a file identifier /ID [<…> <…>] into the trailer",
        );
    }
    // Nothing but an end-of-line after the last %%EOF.
    match rfind(bytes, b"%%EOF") {
        Some(at) => {
            let tail = &bytes[at + 5..];
            if !(tail.is_empty() || tail == b"\n" || tail == b"\r\n" || tail == b"\r") {
                cx.fail(
                    Rule::Trailer,
                    format!("{} byte(s) follow the last %%EOF", tail.len()),
                    "end the file right after %%EOF and one end-of-line",
                );
            }
        }
        None => cx.fail(
            Rule::Trailer,
            "the file does not end with %%EOF",
            "the file may be truncated; write it again",
        ),
    }
    if cx.part == 1 {
        let xref_ok = rfind(bytes, b"startxref")
            .and_then(|at| {
                let digits: String = bytes[at + 9..]
                    .iter()
                    .skip_while(|b| b.is_ascii_whitespace())
                    .take_while(|b| b.is_ascii_digit())
                    .map(|&b| b as char)
                    .collect();
                digits.parse::<usize>().ok()
            })
            .is_some_and(|off| bytes.get(off..off + 4) == Some(b"xref"));
        if !xref_ok {
            cx.fail(
                Rule::Xref,
                "the cross-reference data is not a classic xref table (or startxref is wrong)",
                "PDF/A-1 needs a classic `xref` table: no cross-reference or object streams",
            );
        }
    }
}

fn catalog(cx: &mut Ctx) {
    let Ok(root) = cx.doc.catalog() else { return };
    if root.has(b"AA") {
        cx.fail(
            Rule::TriggerEvents,
            "the catalog has additional actions (/AA)",
            "remove /AA from the document catalog",
        );
    }
    if cx.part == 1 && root.has(b"OCProperties") {
        cx.fail(
            Rule::OptionalContent,
            "the catalog has optional content (/OCProperties)",
            "PDF/A-1 has no optional content: flatten the layers",
        );
    }
    if let Some(names) = cx.dict(root, b"Names") {
        if names.has(b"JavaScript") {
            cx.fail(
                Rule::Actions,
                "the name dictionary holds JavaScript",
                "remove /JavaScript from the catalog's /Names",
            );
        }
        if cx.part == 1 && names.has(b"EmbeddedFiles") {
            cx.fail(
                Rule::Embedded,
                "the name dictionary holds embedded files",
                "PDF/A-1 forbids embedded files: remove /EmbeddedFiles (or use PDF/A-3b)",
            );
        }
    }
    if let Some(form) = cx.dict(root, b"AcroForm") {
        if matches!(
            cx.get(form, b"NeedAppearances"),
            Some(Object::Boolean(true))
        ) {
            cx.fail(
                Rule::Forms,
                "the interactive form sets /NeedAppearances true",
                "generate appearance streams and remove /NeedAppearances",
            );
        }
    }
    output_intents(cx, root);
}

fn output_intents(cx: &mut Ctx, root: &Dictionary) {
    let intents: Vec<&Object> = match cx.get(root, b"OutputIntents") {
        Some(Object::Array(a)) => a.iter().collect(),
        _ => Vec::new(),
    };
    let mut profile_components = None;
    let mut profiles = BTreeSet::new();
    for intent in intents {
        let Some(Object::Dictionary(d)) = cx.resolve(intent) else {
            continue;
        };
        if cx.name(d, b"S") != Some(b"GTS_PDFA1") {
            continue;
        }
        let Some(Object::Stream(icc)) =
            d.get(b"DestOutputProfile").ok().and_then(|o| cx.resolve(o))
        else {
            cx.fail(
                Rule::OutputIntent,
                "the GTS_PDFA1 output intent has no /DestOutputProfile",
                "embed an ICC profile (e.g. sRGB) as /DestOutputProfile",
            );
            continue;
        };
        if let Ok(Object::Reference(id)) = d.get(b"DestOutputProfile") {
            profiles.insert(*id);
        }
        let data = match icc.get_plain_content_with_limit(MAX_DECODE) {
            Ok(d) => d,
            Err(_) => {
                cx.fail(
                    Rule::OutputIntent,
                    "the output intent's ICC profile cannot be decoded",
                    "embed the ICC profile uncompressed or Flate-compressed",
                );
                continue;
            }
        };
        if data.len() < 128 || &data[36..40] != b"acsp" {
            cx.fail(
                Rule::OutputIntent,
                "the output intent's ICC profile has no valid ICC header",
                "embed a real ICC profile (sRGB IEC61966-2.1)",
            );
            continue;
        }
        let major = data[8];
        let max = if cx.part == 1 { 2 } else { 4 };
        if major > max {
            cx.fail(Rule::OutputIntent, format!("the output intent's ICC profile is version {major}, PDF/A-{} allows up to {max}", cx.part), "use an ICC version 2 profile for PDF/A-1");
        }
        if !matches!(&data[12..16], b"mntr" | b"prtr") {
            cx.fail(
                Rule::OutputIntent,
                format!(
                    "the ICC profile's device class is `{}`, not mntr or prtr",
                    String::from_utf8_lossy(&data[12..16])
                ),
                "use a monitor (mntr) or printer (prtr) profile",
            );
        }
        let components = match &data[16..20] {
            b"RGB " => 3,
            b"GRAY" => 1,
            b"CMYK" => 4,
            _ => 0,
        };
        if let Some(n) = cx.number(&icc.dict, b"N") {
            if components != 0 && n as i64 != components {
                cx.fail(
                    Rule::OutputIntent,
                    format!(
                        "the ICC stream says /N {n} but the profile has {components} components"
                    ),
                    "set /N to the profile's number of colour components",
                );
            }
        }
        profile_components = Some(components);
    }
    if profiles.len() > 1 {
        cx.fail(
            Rule::OutputIntent,
            "the output intents name different destination profiles",
            "use one and the same ICC profile in every output intent",
        );
    }
    cx.intent_components = profile_components;
}

/// The XMP packet text and whether its stream is filtered.
fn metadata_packet(doc: &lopdf::Document) -> Option<(String, bool)> {
    let root = doc.catalog().ok()?;
    let mut obj = root.get(b"Metadata").ok()?;
    for _ in 0..MAX_DEPTH {
        match obj {
            Object::Reference(id) => obj = doc.objects.get(id)?,
            _ => break,
        }
    }
    let Object::Stream(s) = obj else { return None };
    let filtered = s.dict.has(b"Filter");
    let data = s.get_plain_content_with_limit(MAX_DECODE).ok()?;
    Some((String::from_utf8_lossy(&data).into_owned(), filtered))
}

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const PDFAID: &str = "http://www.aiim.org/pdfa/ns/id/";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const XMP: &str = "http://ns.adobe.com/xap/1.0/";
const PDF: &str = "http://ns.adobe.com/pdf/1.3/";

/// Every property of every rdf:Description: (namespace, name, element or attribute value).
fn properties(root: &xml::Element) -> Vec<(String, String, Option<&xml::Element>, String)> {
    let mut all = Vec::new();
    root.walk(&mut all);
    let mut out = Vec::new();
    for d in all.into_iter().filter(|e| e.is(RDF, "Description")) {
        // Only top-level descriptions (directly under rdf:RDF) define schema properties.
        for (ns, local, value) in &d.attrs {
            if ns != RDF && !ns.is_empty() && ns != "http://www.w3.org/XML/1998/namespace" {
                out.push((ns.clone(), local.clone(), None, value.clone()));
            }
        }
        for c in &d.children {
            out.push((c.ns.clone(), c.local.clone(), Some(c), simple_value(c)));
        }
    }
    out
}

/// The value of a property: its text, or the x-default / first item of an Alt/Seq/Bag.
fn simple_value(e: &xml::Element) -> String {
    if let Some(container) = e
        .children
        .iter()
        .find(|c| c.ns == RDF && matches!(c.local.as_str(), "Alt" | "Seq" | "Bag"))
    {
        let items: Vec<&xml::Element> = container
            .children
            .iter()
            .filter(|c| c.is(RDF, "li"))
            .collect();
        let pick = items
            .iter()
            .find(|li| li.attr("http://www.w3.org/XML/1998/namespace", "lang") == Some("x-default"))
            .or(items.first());
        return pick
            .map(|li| li.text.trim().to_string())
            .unwrap_or_default();
    }
    e.text.trim().to_string()
}

fn claimed_flavour(root: &xml::Element) -> Option<Flavour> {
    let props = properties(root);
    let get = |name: &str| {
        props
            .iter()
            .find(|(ns, l, _, _)| ns == PDFAID && l == name)
            .map(|p| p.3.clone())
    };
    let part = get("part")?.trim().parse::<u8>().ok()?;
    let conformance = get("conformance").unwrap_or_default();
    Flavour::from_part(part, conformance.trim())
}

/// Namespaces XMP predefines; anything else needs a PDF/A extension schema.
const PREDEFINED: &[&str] = &[
    DC,
    XMP,
    PDF,
    PDFAID,
    "http://ns.adobe.com/xap/1.0/rights/",
    "http://ns.adobe.com/xap/1.0/mm/",
    "http://ns.adobe.com/xap/1.0/bj/",
    "http://ns.adobe.com/xap/1.0/t/pg/",
    "http://ns.adobe.com/xmp/1.0/DynamicMedia/",
    "http://ns.adobe.com/photoshop/1.0/",
    "http://ns.adobe.com/camera-raw-settings/1.0/",
    "http://ns.adobe.com/tiff/1.0/",
    "http://ns.adobe.com/exif/1.0/",
    "http://ns.adobe.com/exif/1.0/aux/",
    "http://www.aiim.org/pdfa/ns/extension/",
];

fn metadata(
    cx: &mut Ctx,
    xmp: Option<&(String, bool)>,
    parsed: Option<&xml::Element>,
    claimed: Option<Flavour>,
) {
    let Some((text, filtered)) = xmp else {
        cx.fail(
            Rule::Metadata,
            "the catalog has no XMP /Metadata stream",
            "add an XMP metadata stream with pdfaid:part and pdfaid:conformance",
        );
        return;
    };
    if *filtered && cx.part == 1 {
        cx.fail(
            Rule::Metadata,
            "the XMP metadata stream is compressed (/Filter)",
            "write the metadata stream uncompressed",
        );
    }
    let trimmed = text.trim_start_matches('\u{FEFF}').trim_start();
    if !trimmed.starts_with("<?xpacket begin=") {
        cx.fail(Rule::XmpHeader, "the XMP packet has no <?xpacket begin=…?> header", "wrap the XMP in <?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?> … <?xpacket end=\"w\"?>");
    } else if let Some(end) = trimmed.find("?>") {
        let pi = &trimmed[..end];
        if pi.contains("bytes=") || pi.contains("encoding=") {
            cx.fail(
                Rule::XmpHeader,
                "the xpacket header has a bytes or encoding attribute",
                "remove bytes= and encoding= from the xpacket header",
            );
        }
    }
    let root = match (parsed, xml::parse(text)) {
        (Some(root), _) => root.clone(),
        (None, Ok(root)) => root,
        (None, Err(e)) => {
            cx.fail(
                Rule::XmpValid,
                format!("the XMP packet is not well-formed XML: {e}"),
                "write well-formed XMP (RDF/XML, UTF-8)",
            );
            return;
        }
    };
    match claimed {
        None => cx.fail(
            Rule::Identification,
            "the XMP has no valid pdfaid:part and pdfaid:conformance",
            "add pdfaid:part and pdfaid:conformance to the XMP",
        ),
        Some(c) if c.part() != cx.part || (cx.flavour == Flavour::A2u && c != Flavour::A2u) => cx
            .fail(
                Rule::Identification,
                format!(
                    "the XMP claims PDF/A-{c} but the file is checked as PDF/A-{}",
                    cx.flavour
                ),
                "make pdfaid:part and pdfaid:conformance name the flavour the file is made for",
            ),
        Some(_) => {}
    }
    let props = properties(&root);
    extension_schemas(cx, &root, &props);
    if cx.part == 1 {
        info_consistency(cx, &props);
    }
}

fn extension_schemas(
    cx: &mut Ctx,
    root: &xml::Element,
    props: &[(String, String, Option<&xml::Element>, String)],
) {
    let mut declared: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut all = Vec::new();
    root.walk(&mut all);
    for schema in all.iter().filter(|e| {
        e.children
            .iter()
            .any(|c| c.is("http://www.aiim.org/pdfa/ns/schema#", "namespaceURI"))
            || e.attr("http://www.aiim.org/pdfa/ns/schema#", "namespaceURI")
                .is_some()
    }) {
        let uri = schema
            .children
            .iter()
            .find(|c| c.is("http://www.aiim.org/pdfa/ns/schema#", "namespaceURI"))
            .map(|c| c.text.trim().to_string())
            .or_else(|| {
                schema
                    .attr("http://www.aiim.org/pdfa/ns/schema#", "namespaceURI")
                    .map(str::to_string)
            })
            .unwrap_or_default();
        let mut inner = Vec::new();
        schema.walk(&mut inner);
        let names = declared.entry(uri).or_default();
        for e in inner {
            if e.is("http://www.aiim.org/pdfa/ns/property#", "name") {
                names.insert(e.text.trim().to_string());
            }
            if let Some(n) = e.attr("http://www.aiim.org/pdfa/ns/property#", "name") {
                names.insert(n.to_string());
            }
        }
    }
    for (ns, local, _, _) in props {
        if PREDEFINED.contains(&ns.as_str()) {
            continue;
        }
        match declared.get(ns) {
            None => cx.fail(
                Rule::Extension,
                format!("XMP property {local} in namespace {ns} has no PDF/A extension schema"),
                "declare the namespace and each of its properties in a pdfaExtension:schemas block",
            ),
            Some(names) if !names.contains(local) => cx.fail(
                Rule::Extension,
                format!("XMP property {local} is not declared in the extension schema of {ns}"),
                "add a pdfaProperty entry for it to the extension schema",
            ),
            Some(_) => {}
        }
    }
}

/// A PDF text string as Unicode.
fn text_of(obj: &Object) -> Option<String> {
    let Object::String(bytes, _) = obj else {
        return None;
    };
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Some(String::from_utf8_lossy(&bytes[3..]).into_owned())
    } else {
        Some(bytes.iter().map(|&b| b as char).collect())
    }
}

/// Seconds since the epoch of a PDF date (`D:YYYYMMDDHHmmSS+HH'mm'`) or an XMP date.
fn instant(s: &str) -> Option<i64> {
    let s = s.trim().trim_start_matches("D:");
    let digits: String = s.chars().filter(char::is_ascii_digit).take(14).collect();
    let field = |from: usize, len: usize, default: u32| -> u32 {
        digits
            .get(from..from + len)
            .and_then(|d| d.parse().ok())
            .unwrap_or(default)
    };
    let date =
        chrono::NaiveDate::from_ymd_opt(field(0, 4, 0) as i32, field(4, 2, 1), field(6, 2, 1))?;
    let time = chrono::NaiveTime::from_hms_opt(field(8, 2, 0), field(10, 2, 0), field(12, 2, 0))?;
    let local = date.and_time(time).and_utc().timestamp();
    // Offset: the part after the time digits, `Z`, `+HH'mm'` or `+HH:mm`.
    let tz_at = s
        .find(['Z', '+'])
        .or_else(|| s.get(10..).and_then(|t| t.find('-').map(|i| i + 10)));
    let offset = match tz_at.map(|i| &s[i..]) {
        Some(t) if t.starts_with('+') || t.starts_with('-') => {
            let sign = if t.starts_with('-') { -1 } else { 1 };
            let d: String = t.chars().filter(char::is_ascii_digit).collect();
            let h: i64 = d.get(0..2).and_then(|x| x.parse().ok()).unwrap_or(0);
            let m: i64 = d.get(2..4).and_then(|x| x.parse().ok()).unwrap_or(0);
            sign * (h * 3600 + m * 60)
        }
        _ => 0,
    };
    Some(local - offset)
}

fn info_consistency(cx: &mut Ctx, props: &[(String, String, Option<&xml::Element>, String)]) {
    let Some(info) = cx.doc.trailer.get(b"Info").ok().and_then(|o| cx.resolve(o)) else {
        return;
    };
    let Object::Dictionary(info) = info.clone() else {
        return;
    };
    let pairs: [(&[u8], &str, &str, bool); 8] = [
        (b"Title", DC, "title", false),
        (b"Author", DC, "creator", false),
        (b"Subject", DC, "description", false),
        (b"Keywords", PDF, "Keywords", false),
        (b"Creator", XMP, "CreatorTool", false),
        (b"Producer", PDF, "Producer", false),
        (b"CreationDate", XMP, "CreateDate", true),
        (b"ModDate", XMP, "ModifyDate", true),
    ];
    for (key, ns, name, is_date) in pairs {
        let Some(value) = cx.get(&info, key).and_then(text_of) else {
            continue;
        };
        let key = String::from_utf8_lossy(key).into_owned();
        let xmp = props
            .iter()
            .find(|(n, l, _, _)| n == ns && l == name)
            .map(|p| p.3.clone());
        let same = match &xmp {
            None => false,
            Some(x) if is_date => instant(x).is_some() && instant(x) == instant(&value),
            Some(x) => *x == value,
        };
        if !same {
            cx.fail(
                Rule::InfoXmp,
                format!(
                    "Info /{key} `{value}` does not match XMP {name} `{}`",
                    xmp.unwrap_or_default()
                ),
                format!(
                    "write the same value into the Info dictionary's /{key} and the XMP {name}"
                ),
            );
        }
    }
}

const FORBIDDEN_ACTIONS: &[&[u8]] = &[
    b"Launch",
    b"Sound",
    b"Movie",
    b"ResetForm",
    b"ImportData",
    b"JavaScript",
    b"Hide",
    b"SetOCGState",
    b"Rendition",
    b"Trans",
    b"GoTo3DView",
];

/// Rules that can be checked object by object.
fn objects(cx: &mut Ctx) {
    let count = cx.doc.objects.len();
    if count > 8_388_607 {
        cx.fail(
            Rule::Limits,
            format!("{count} indirect objects, more than 8 388 607"),
            "split the document",
        );
    }
    let mut af_targets = BTreeSet::new();
    let mut embedded = Vec::new();
    let ids: Vec<ObjectId> = cx.doc.objects.keys().copied().collect();
    for id in ids {
        let Some(obj) = cx.doc.objects.get(&id) else {
            continue;
        };
        walk(cx, obj, 0);
        let dict = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => {
                stream_rules(cx, s);
                &s.dict
            }
            _ => continue,
        };
        if let Some(Object::Array(af)) = cx.get(dict, b"AF") {
            for r in af {
                if let Object::Reference(r) = r {
                    af_targets.insert(*r);
                }
            }
        }
        if dict.has(b"EF") {
            embedded.push(id);
        }
    }
    for id in embedded {
        let Some(Object::Dictionary(spec)) = cx.doc.objects.get(&id) else {
            continue;
        };
        match cx.part {
            1 => cx.fail(
                Rule::Embedded,
                "the file embeds files (/EF)",
                "PDF/A-1 forbids embedded files; use PDF/A-3b for attachments",
            ),
            2 => {
                let is_pdf = cx
                    .dict(spec, b"EF")
                    .and_then(|ef| ef.get(b"F").ok())
                    .and_then(|f| cx.resolve(f))
                    .and_then(|f| f.as_stream().ok())
                    .and_then(|s| s.get_plain_content_with_limit(MAX_DECODE).ok())
                    .is_some_and(|d| d.starts_with(b"%PDF-"));
                if !is_pdf {
                    cx.fail(
                        Rule::Embedded,
                        "an embedded file is not a PDF/A file",
                        "PDF/A-2 embeds only PDF/A files; use PDF/A-3b for other attachments",
                    );
                }
            }
            _ => {
                let spec = spec.clone();
                if !af_targets.contains(&id) {
                    cx.fail(Rule::Embedded, "an embedded file's file specification is not listed in any /AF array", "reference the file specification from the catalog's (or a page's) /AF array");
                }
                if cx.name(&spec, b"AFRelationship").is_none() {
                    cx.fail(Rule::Embedded, "an embedded file's file specification has no /AFRelationship", "set /AFRelationship (Source, Data, Alternative, Supplement or Unspecified)");
                }
                if !spec.has(b"F") || !spec.has(b"UF") {
                    cx.fail(
                        Rule::Embedded,
                        "an embedded file's file specification lacks /F or /UF",
                        "give the file specification both /F and /UF",
                    );
                }
                let stream_dict = cx
                    .dict(&spec, b"EF")
                    .and_then(|ef| cx.dict(ef, b"F"))
                    .cloned();
                match stream_dict {
                    Some(sd) => {
                        if cx.name(&sd, b"Subtype").is_none() {
                            cx.fail(
                                Rule::Embedded,
                                "an embedded file stream has no /Subtype (MIME type)",
                                "set /Subtype to the file's MIME type, e.g. /application#2Fjson",
                            );
                        }
                        if !cx.dict(&sd, b"Params").is_some_and(|p| p.has(b"ModDate")) {
                            cx.fail(
                                Rule::Embedded,
                                "an embedded file stream has no /Params with /ModDate",
                                "add /Params << /ModDate (D:…) >> to the embedded file stream",
                            );
                        }
                    }
                    None => cx.fail(
                        Rule::Embedded,
                        "a file specification's /EF has no /F stream",
                        "put the embedded file stream in /EF /F",
                    ),
                }
            }
        }
    }
}

/// Implementation limits on values and the rules of every dictionary, direct ones included (bounded).
fn walk(cx: &mut Ctx, obj: &Object, depth: usize) {
    if depth > MAX_DEPTH {
        cx.fail(
            Rule::Limits,
            "objects are nested more than 64 levels deep",
            "flatten the object structure",
        );
        return;
    }
    let p1 = cx.part == 1;
    match obj {
        Object::Integer(i) if *i > i64::from(i32::MAX) || *i < i64::from(i32::MIN) => {
            cx.fail(
                Rule::Limits,
                format!("integer {i} outside ±2³¹"),
                "keep integers within 32 bits",
            );
        }
        Object::Real(r) if p1 && r.abs() > 32_767.0 => {
            cx.fail(
                Rule::Limits,
                format!("real number {r} outside ±32 767"),
                "PDF/A-1 reals must stay within ±32 767",
            );
        }
        Object::String(s, _) if s.len() > if p1 { 65_535 } else { 32_767 } => {
            cx.fail(
                Rule::Limits,
                format!("a string of {} bytes", s.len()),
                "split long strings (PDF/A-1: 65 535 bytes, PDF/A-2/3: 32 767)",
            );
        }
        Object::Name(n) if n.len() > 127 => {
            cx.fail(
                Rule::Limits,
                format!("a name of {} bytes", n.len()),
                "names may be at most 127 bytes",
            );
        }
        Object::Array(a) => {
            if p1 && a.len() > 8191 {
                cx.fail(
                    Rule::Limits,
                    format!("an array of {} elements", a.len()),
                    "PDF/A-1 arrays hold at most 8191 elements",
                );
            }
            for o in a {
                walk(cx, o, depth + 1);
            }
        }
        Object::Dictionary(d) => {
            dict_rules(cx, d);
            dict_limits(cx, d, depth);
        }
        Object::Stream(s) => {
            dict_rules(cx, &s.dict);
            dict_limits(cx, &s.dict, depth);
        }
        _ => {}
    }
}

fn dict_limits(cx: &mut Ctx, d: &Dictionary, depth: usize) {
    if cx.part == 1 && d.len() > 4095 {
        cx.fail(
            Rule::Limits,
            format!("a dictionary of {} entries", d.len()),
            "PDF/A-1 dictionaries hold at most 4095 entries",
        );
    }
    for (k, v) in d.iter() {
        if k.len() > 127 {
            cx.fail(
                Rule::Limits,
                format!("a name of {} bytes", k.len()),
                "names may be at most 127 bytes",
            );
        }
        walk(cx, v, depth + 1);
    }
}

fn filters(cx: &Ctx, dict: &Dictionary) -> Vec<Vec<u8>> {
    match cx.get(dict, b"Filter") {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| cx.resolve(o))
            .filter_map(|o| o.as_name().ok())
            .map(<[u8]>::to_vec)
            .collect(),
        _ => Vec::new(),
    }
}

fn stream_rules(cx: &mut Ctx, s: &lopdf::Stream) {
    for key in [&b"F"[..], b"FFilter", b"FDecodeParms"] {
        if s.dict.has(key) && cx.name(&s.dict, b"Type") != Some(b"EmbeddedFile") {
            cx.fail(
                Rule::StreamKeys,
                format!(
                    "a stream has /{} (external stream data)",
                    String::from_utf8_lossy(key)
                ),
                "keep all stream data inside the file",
            );
        }
    }
    for f in filters(cx, &s.dict) {
        let bad = match f.as_slice() {
            b"LZWDecode" | b"LZW" => Some("LZWDecode is not allowed; re-compress with FlateDecode"),
            b"Crypt" => Some("the Crypt filter is not allowed; store the data unencrypted"),
            b"JPXDecode" if cx.part == 1 => {
                Some("JPXDecode (JPEG 2000) is not part of PDF 1.4; use FlateDecode or DCTDecode")
            }
            _ => None,
        };
        if let Some(hint) = bad {
            cx.fail(
                Rule::Filters,
                format!("a stream uses the {} filter", String::from_utf8_lossy(&f)),
                hint,
            );
        }
    }
}

fn dict_rules(cx: &mut Ctx, d: &Dictionary) {
    let p1 = cx.part == 1;
    let ty = cx.name(d, b"Type").map(<[u8]>::to_vec);
    let subtype = cx.name(d, b"Subtype").map(<[u8]>::to_vec);
    // Actions.
    if let Some(s) = cx.name(d, b"S") {
        if FORBIDDEN_ACTIONS.contains(&s)
            && (ty.as_deref() == Some(b"Action")
                || d.has(b"JS")
                || d.has(b"Next")
                || !d.has(b"Type"))
            && !d.has(b"DestOutputProfile")
        {
            let name = String::from_utf8_lossy(s).into_owned();
            if !matches!(name.as_str(), "Transparency" | "GTS_PDFA1") {
                cx.fail(
                    Rule::Actions,
                    format!("the file contains a {name} action"),
                    "remove JavaScript, Launch, Sound, Movie and similar actions",
                );
            }
        }
        if p1 && s == b"Named" {
            let n = cx.name(d, b"N").unwrap_or_default();
            if !matches!(n, b"NextPage" | b"PrevPage" | b"FirstPage" | b"LastPage") {
                cx.fail(
                    Rule::Actions,
                    "a named action other than Next/Prev/First/LastPage",
                    "use only the four page-navigation named actions",
                );
            }
        }
    }
    if d.has(b"JS") {
        cx.fail(
            Rule::Actions,
            "the file contains JavaScript (/JS)",
            "remove every JavaScript action",
        );
    }
    if d.has(b"AA") {
        cx.fail(
            Rule::TriggerEvents,
            "an object has additional actions (/AA)",
            "remove /AA entries from pages, annotations and form fields",
        );
    }
    // Transparency groups.
    if let Some(group) = cx.dict(d, b"Group") {
        if p1 && cx.name(group, b"S") == Some(b"Transparency") {
            cx.fail(
                Rule::Transparency,
                "a page or form uses a transparency group (/Group /S /Transparency)",
                "PDF/A-1 forbids transparency: flatten it or use PDF/A-2b",
            );
        }
    }
    match (ty.as_deref(), subtype.as_deref()) {
        (_, Some(b"Image")) if d.has(b"Width") => {
            if matches!(cx.get(d, b"Interpolate"), Some(Object::Boolean(true))) {
                cx.fail(
                    Rule::Images,
                    "an image has /Interpolate true",
                    "set /Interpolate false or remove it",
                );
            }
            if d.has(b"Alternates") || d.has(b"OPI") {
                cx.fail(
                    Rule::Images,
                    "an image has /Alternates or /OPI",
                    "remove /Alternates and /OPI from images",
                );
            }
            if p1 && d.has(b"SMask") {
                cx.fail(
                    Rule::Transparency,
                    "an image has a soft mask (/SMask)",
                    "PDF/A-1 forbids transparency: composite the image over its background",
                );
            }
            if let Some(intent) = cx.name(d, b"Intent") {
                if !matches!(
                    intent,
                    b"RelativeColorimetric"
                        | b"AbsoluteColorimetric"
                        | b"Perceptual"
                        | b"Saturation"
                ) {
                    cx.fail(
                        Rule::Images,
                        "an image has an unknown rendering /Intent",
                        "use one of the four standard rendering intents",
                    );
                }
            }
            colour_space_use(cx, d);
        }
        (_, Some(b"Form")) if d.has(b"BBox") => {
            if d.has(b"OPI") || d.has(b"Ref") {
                cx.fail(
                    Rule::FormXObject,
                    "a form XObject has /OPI or /Ref",
                    "remove /OPI and reference XObjects",
                );
            }
            if cx.name(d, b"Subtype2") == Some(b"PS") {
                cx.fail(
                    Rule::PostScript,
                    "a form XObject is PostScript (/Subtype2 /PS)",
                    "remove PostScript XObjects",
                );
            }
        }
        (_, Some(b"PS")) => cx.fail(
            Rule::PostScript,
            "a PostScript XObject",
            "remove PostScript XObjects",
        ),
        (Some(b"Font"), _) => font_rules(cx, d),
        (Some(b"Annot"), _) | (None, Some(b"Link" | b"Widget" | b"Text" | b"Popup"))
            if d.has(b"Rect") =>
        {
            annotation_rules(cx, d)
        }
        _ => {}
    }
    // Extended graphics state (by type, or by its tell-tale keys).
    if ty.as_deref() == Some(b"ExtGState")
        || d.has(b"ca")
        || d.has(b"CA")
        || d.has(b"BM")
        || d.has(b"TR")
    {
        if d.has(b"TR") {
            cx.fail(
                Rule::ExtGState,
                "a graphics state has a transfer function (/TR)",
                "remove /TR from the ExtGState",
            );
        }
        if let Some(tr2) = cx.get(d, b"TR2") {
            if tr2.as_name().ok() != Some(b"Default") {
                cx.fail(
                    Rule::ExtGState,
                    "a graphics state has /TR2 other than /Default",
                    "remove /TR2 or set it to /Default",
                );
            }
        }
        if p1 {
            if let Some(mask) = cx.get(d, b"SMask") {
                if mask.as_name().ok() != Some(b"None") {
                    cx.fail(
                        Rule::Transparency,
                        "a graphics state has a soft mask (/SMask)",
                        "PDF/A-1 forbids transparency: flatten it or use PDF/A-2b",
                    );
                }
            }
            for key in [&b"CA"[..], b"ca"] {
                if cx.number(d, key).is_some_and(|v| (v - 1.0).abs() > 1e-6) {
                    cx.fail(
                        Rule::Transparency,
                        format!(
                            "a graphics state sets /{} below 1.0",
                            String::from_utf8_lossy(key)
                        ),
                        "PDF/A-1 forbids transparency: use opaque colours or PDF/A-2b",
                    );
                }
            }
            if let Some(bm) = cx.get(d, b"BM") {
                let ok = match bm {
                    Object::Name(n) => matches!(n.as_slice(), b"Normal" | b"Compatible"),
                    Object::Array(a) => a
                        .iter()
                        .all(|n| matches!(n.as_name(), Ok(b"Normal" | b"Compatible"))),
                    _ => false,
                };
                if !ok {
                    cx.fail(
                        Rule::Transparency,
                        "a graphics state uses a blend mode other than Normal",
                        "PDF/A-1 forbids blend modes: use /BM /Normal",
                    );
                }
            }
        }
    }
}

fn annotation_rules(cx: &mut Ctx, d: &Dictionary) {
    let sub = cx.name(d, b"Subtype").unwrap_or_default().to_vec();
    let forbidden: &[&[u8]] = if cx.part == 1 {
        &[
            b"Sound",
            b"Movie",
            b"FileAttachment",
            b"3D",
            b"Screen",
            b"RichMedia",
        ]
    } else {
        &[b"Sound", b"Movie", b"3D", b"Screen", b"RichMedia"]
    };
    if forbidden.contains(&sub.as_slice()) {
        cx.fail(
            Rule::AnnotTypes,
            format!("a {} annotation", String::from_utf8_lossy(&sub)),
            "remove annotations of this type",
        );
    }
    if sub != b"Popup" {
        let flags = cx.number(d, b"F").unwrap_or(0.0) as i64;
        let forbidden = if cx.part == 1 {
            1 | 2 | 32
        } else {
            1 | 2 | 32 | 256
        };
        if flags & 4 == 0 || flags & forbidden != 0 {
            cx.fail(Rule::AnnotFlags, format!("an annotation has flags {flags}: Print must be set, Hidden, Invisible, NoView and ToggleNoView not"), "set the annotation flags to 4 (Print)");
        }
    }
    if cx.part == 1 && cx.number(d, b"CA").is_some_and(|v| (v - 1.0).abs() > 1e-6) {
        cx.fail(
            Rule::AnnotFlags,
            "an annotation has /CA below 1.0",
            "remove /CA or set it to 1.0",
        );
    }
}

/// Whether a font dictionary's glyphs are embedded, and maps to Unicode when the flavour asks.
fn font_rules(cx: &mut Ctx, d: &Dictionary) {
    let sub = cx.name(d, b"Subtype").unwrap_or_default().to_vec();
    // Type 3 glyphs live in the file; CIDFonts are checked through their Type 0 parent.
    if matches!(sub.as_slice(), b"Type3" | b"CIDFontType0" | b"CIDFontType2") {
        return;
    }
    let base = String::from_utf8_lossy(cx.name(d, b"BaseFont").unwrap_or(b"?")).into_owned();
    let descriptor_owner = if sub == b"Type0" {
        match cx.get(d, b"DescendantFonts") {
            Some(Object::Array(a)) => a
                .first()
                .and_then(|o| cx.resolve(o))
                .and_then(|o| o.as_dict().ok())
                .cloned(),
            _ => None,
        }
    } else {
        Some(d.clone())
    };
    let embedded = descriptor_owner
        .as_ref()
        .and_then(|owner| cx.dict(owner, b"FontDescriptor"))
        .is_some_and(|fd| fd.has(b"FontFile") || fd.has(b"FontFile2") || fd.has(b"FontFile3"));
    if !embedded {
        cx.fail(
            Rule::FontEmbedding,
            format!("font {base} is not embedded"),
            "embed every font program (FontFile, FontFile2 or FontFile3)",
        );
    }
    if cx.flavour == Flavour::A2u && !d.has(b"ToUnicode") {
        let standard = matches!(
            cx.name(d, b"Encoding"),
            Some(b"WinAnsiEncoding" | b"MacRomanEncoding" | b"StandardEncoding")
        );
        if sub == b"Type0" || !standard {
            cx.fail(
                Rule::ToUnicode,
                format!("font {base} has no /ToUnicode map"),
                "add a ToUnicode CMap so every glyph maps to Unicode",
            );
        }
    }
}

/// Device colour spaces need an output intent with the same number of components.
fn colour_space_use(cx: &mut Ctx, d: &Dictionary) {
    if let Some(Object::Name(cs)) = cx.get(d, b"ColorSpace") {
        device_colour(cx, cs.as_slice());
    }
}

fn device_colour(cx: &mut Ctx, cs: &[u8]) {
    let need = match cs {
        b"DeviceRGB" | b"RGB" => 3,
        b"DeviceCMYK" | b"CMYK" => 4,
        _ => return,
    };
    if cx.intent_components != Some(need) {
        let name = if need == 3 { "DeviceRGB" } else { "DeviceCMYK" };
        let hint = if need == 3 {
            "add an sRGB output intent (GTS_PDFA1) or use ICC-based colour"
        } else {
            "add a CMYK output intent or use ICC-based colour"
        };
        cx.fail(
            Rule::DeviceColour,
            format!("{name} is used without a matching PDF/A output intent"),
            hint,
        );
    }
}

/// Content-stream rules: q nesting, device colour operators, .notdef glyphs.
fn pages(cx: &mut Ctx) {
    let pages = cx.doc.get_pages();
    if pages.is_empty() {
        cx.fail(
            Rule::Limits,
            "the document has no pages",
            "a PDF/A document needs at least one page",
        );
    }
    for (n, id) in pages {
        let Some(Object::Dictionary(page)) = cx.doc.objects.get(&id) else {
            continue;
        };
        let page = page.clone();
        let mut boxes: BTreeMap<&[u8], [f64; 4]> = BTreeMap::new();
        for key in [
            &b"MediaBox"[..],
            b"CropBox",
            b"BleedBox",
            b"TrimBox",
            b"ArtBox",
        ] {
            let Some(found) = inherited(cx, &page, key) else {
                if key == b"MediaBox" {
                    cx.fail(
                        Rule::Limits,
                        format!("page {n} has no /MediaBox"),
                        "give every page a /MediaBox of 3–14 400 units each way",
                    );
                }
                continue;
            };
            let v: Vec<f64> = match found {
                Object::Array(b) => b
                    .iter()
                    .filter_map(|o| cx.resolve(o))
                    .filter_map(|o| o.as_float().ok())
                    .map(f64::from)
                    .filter(|v| v.is_finite())
                    .collect(),
                _ => Vec::new(),
            };
            let name = String::from_utf8_lossy(key);
            if v.len() != 4 {
                cx.fail(
                    Rule::Limits,
                    format!("page {n}: /{name} is not four numbers"),
                    "write each page box as [llx lly urx ury]",
                );
                continue;
            }
            let (w, h) = ((v[2] - v[0]).abs(), (v[3] - v[1]).abs());
            if !(3.0..=14_400.0).contains(&w) || !(3.0..=14_400.0).contains(&h) {
                cx.fail(
                    Rule::Limits,
                    format!("page {n}: /{name} is {w:.0} × {h:.0} units, outside 3–14 400"),
                    "keep page boxes within 14 400 units (200 inches); cut a tall screenshot into more pages",
                );
            }
            boxes.insert(
                key,
                [
                    v[0].min(v[2]),
                    v[1].min(v[3]),
                    v[0].max(v[2]),
                    v[1].max(v[3]),
                ],
            );
        }
        let resources = inherited(cx, &page, b"Resources")
            .and_then(|r| r.as_dict().ok())
            .cloned()
            .unwrap_or_default();
        let content = page_content(cx, &page);
        content_rules(cx, n, &content, &resources, 0);
        // What a reader shows and searches is the crop box, which defaults to the media box.
        if let Some(shown) = boxes.get(&b"CropBox"[..]).or(boxes.get(&b"MediaBox"[..])) {
            text_outside(cx, n, &content, *shown);
        }
    }
}

/// `a × b` for PDF matrices `[a b c d e f]`.
fn concat(a: [f64; 6], b: [f64; 6]) -> [f64; 6] {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

const IDENTITY: [f64; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// Report text a page shows with its origin outside `shown` (llx lly urx ury): readers
/// drop such characters, so it is in the file but never found. Follows `cm`, `q`/`Q`
/// and the text-positioning operators of the page's own content (not of forms).
fn text_outside(cx: &mut Ctx, page: u32, content: &[u8], shown: [f64; 4]) {
    let Ok(ops) = lopdf::content::Content::decode(content) else {
        return;
    };
    let nums = |op: &lopdf::content::Operation| -> Vec<f64> {
        op.operands
            .iter()
            .filter_map(|o| o.as_float().ok())
            .map(f64::from)
            .collect()
    };
    let mut ctm = IDENTITY;
    let mut stack: Vec<[f64; 6]> = Vec::new();
    let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
    let mut leading = 0.0;
    let (mut outside, mut first) = (0usize, None);
    for op in &ops.operations {
        let v = nums(op);
        let next_line = |tlm: &mut [f64; 6], tm: &mut [f64; 6], tx: f64, ty: f64| {
            *tlm = concat([1.0, 0.0, 0.0, 1.0, tx, ty], *tlm);
            *tm = *tlm;
        };
        match op.operator.as_str() {
            "q" if stack.len() < 64 => stack.push(ctm),
            "Q" => ctm = stack.pop().unwrap_or(IDENTITY),
            "cm" if v.len() == 6 => ctm = concat([v[0], v[1], v[2], v[3], v[4], v[5]], ctm),
            "BT" => (tm, tlm) = (IDENTITY, IDENTITY),
            "Tm" if v.len() == 6 => {
                tlm = [v[0], v[1], v[2], v[3], v[4], v[5]];
                tm = tlm;
            }
            "Td" if v.len() == 2 => next_line(&mut tlm, &mut tm, v[0], v[1]),
            "TD" if v.len() == 2 => {
                leading = -v[1];
                next_line(&mut tlm, &mut tm, v[0], v[1]);
            }
            "TL" if v.len() == 1 => leading = v[0],
            "T*" => next_line(&mut tlm, &mut tm, 0.0, -leading),
            "Tj" | "TJ" | "'" | "\"" => {
                if matches!(op.operator.as_str(), "'" | "\"") {
                    next_line(&mut tlm, &mut tm, 0.0, -leading);
                }
                let m = concat(tm, ctm);
                let (x, y) = (m[4], m[5]);
                let inside = x >= shown[0] - 0.5
                    && x <= shown[2] + 0.5
                    && y >= shown[1] - 0.5
                    && y <= shown[3] + 0.5;
                if !inside {
                    outside += 1;
                    first.get_or_insert((x, y));
                }
            }
            _ => {}
        }
    }
    if let Some((x, y)) = first {
        cx.unreachable_text.push(Failure {
            clause: "text layer",
            message: format!(
                "page {page}: {outside} text run(s) start outside the page box [{:.0} {:.0} {:.0} {:.0}], the first at ({x:.1}, {y:.1}); readers drop them, so search never finds them",
                shown[0], shown[1], shown[2], shown[3]
            ),
            hint: "place every run of the text layer inside the page it belongs to".into(),
        });
    }
}

fn inherited<'a>(cx: &'a Ctx, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut d = page;
    for _ in 0..MAX_DEPTH {
        if let Some(v) = cx.get(d, key) {
            return Some(v);
        }
        d = cx.dict(d, b"Parent")?;
    }
    None
}

fn page_content(cx: &Ctx, page: &Dictionary) -> Vec<u8> {
    let streams: Vec<&Object> = match page.get(b"Contents").ok().and_then(|o| cx.resolve(o)) {
        Some(Object::Array(a)) => a.iter().collect(),
        Some(o) => vec![o],
        None => Vec::new(),
    };
    let mut out = Vec::new();
    for s in streams {
        if let Some(Object::Stream(s)) = cx.resolve(s) {
            if let Ok(data) = s.get_plain_content_with_limit(MAX_DECODE) {
                out.extend_from_slice(&data);
                out.push(b'\n');
            }
        }
    }
    out
}

/// What a composite font maps CIDs to: the CIDToGIDMap and the glyph count of its program.
struct CidInfo {
    map: Option<Vec<u8>>,
    glyphs: Option<u16>,
}

fn cid_info(cx: &Ctx, font: &Dictionary) -> Option<CidInfo> {
    if cx.name(font, b"Subtype") != Some(b"Type0")
        || !matches!(
            cx.name(font, b"Encoding"),
            Some(b"Identity-H" | b"Identity-V")
        )
    {
        return None;
    }
    let Some(Object::Array(desc)) = cx.get(font, b"DescendantFonts") else {
        return None;
    };
    let cid = desc
        .first()
        .and_then(|o| cx.resolve(o))
        .and_then(|o| o.as_dict().ok())?;
    if cx.name(cid, b"Subtype") != Some(b"CIDFontType2") {
        return None;
    }
    let map = match cx.get(cid, b"CIDToGIDMap") {
        Some(Object::Stream(s)) => s.get_plain_content_with_limit(MAX_DECODE).ok(),
        _ => None,
    };
    let glyphs = cx
        .dict(cid, b"FontDescriptor")
        .and_then(|fd| cx.get(fd, b"FontFile2"))
        .and_then(|f| f.as_stream().ok())
        .and_then(|s| s.get_plain_content_with_limit(MAX_DECODE).ok())
        .and_then(|data| {
            crate::font::table(&data, b"maxp")
                .and_then(|m| m.get(4..6).map(|b| u16::from_be_bytes([b[0], b[1]])))
        });
    Some(CidInfo { map, glyphs })
}

fn content_rules(cx: &mut Ctx, page: u32, content: &[u8], resources: &Dictionary, depth: usize) {
    if depth > 8 || content.is_empty() {
        return;
    }
    let Ok(ops) = lopdf::content::Content::decode(content) else {
        cx.fail(
            Rule::Limits,
            format!("page {page}: the content stream cannot be parsed"),
            "write valid content-stream syntax",
        );
        return;
    };
    let fonts = cx.dict(resources, b"Font").cloned().unwrap_or_default();
    let xobjects = cx.dict(resources, b"XObject").cloned().unwrap_or_default();
    let mut font_cache: BTreeMap<Vec<u8>, Option<CidInfo>> = BTreeMap::new();
    let mut current: Option<Vec<u8>> = None;
    let mut q = 0usize;
    for op in ops.operations {
        match op.operator.as_str() {
            "q" => {
                q += 1;
                if q > 28 {
                    cx.fail(
                        Rule::Limits,
                        format!("page {page}: q/Q nesting deeper than 28"),
                        "reduce the nesting of graphics states",
                    );
                }
            }
            "Q" => q = q.saturating_sub(1),
            "rg" | "RG" => device_colour(cx, b"DeviceRGB"),
            "k" | "K" => device_colour(cx, b"DeviceCMYK"),
            "cs" | "CS" => {
                if let Some(Object::Name(n)) = op.operands.first() {
                    device_colour(cx, n);
                }
            }
            "Tf" => {
                current = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .map(<[u8]>::to_vec)
            }
            "Tj" | "TJ" | "'" | "\"" if cx.part >= 2 => {
                let Some(name) = current.clone() else {
                    continue;
                };
                let info = font_cache
                    .entry(name.clone())
                    .or_insert_with(|| cx.dict(&fonts, &name).and_then(|f| cid_info(cx, f)));
                let Some(info) = info else { continue };
                let mut strings = Vec::new();
                for o in &op.operands {
                    match o {
                        Object::String(s, _) => strings.push(s.clone()),
                        Object::Array(a) => strings
                            .extend(a.iter().filter_map(|x| x.as_str().ok()).map(<[u8]>::to_vec)),
                        _ => {}
                    }
                }
                let notdef = strings.iter().flat_map(|s| s.chunks_exact(2)).any(|c| {
                    let cid = usize::from(u16::from_be_bytes([c[0], c[1]]));
                    let gid = match &info.map {
                        Some(m) => m
                            .get(2 * cid..2 * cid + 2)
                            .map_or(0, |b| u16::from_be_bytes([b[0], b[1]])),
                        None => cid as u16,
                    };
                    gid == 0 || info.glyphs.is_some_and(|n| gid >= n)
                });
                if notdef {
                    cx.fail(
                        Rule::Notdef,
                        format!("page {page}: text shows the .notdef glyph (font {})", String::from_utf8_lossy(&name)),
                        "map every shown character to a real glyph (CIDToGIDMap) or drop characters the font lacks",
                    );
                }
            }
            "Do" => {
                let Some(Object::Name(n)) = op.operands.first() else {
                    continue;
                };
                let Some(Object::Stream(x)) = xobjects.get(n).ok().and_then(|o| cx.resolve(o))
                else {
                    continue;
                };
                // Each form is read once per document: no exponential blow-up from forms drawing forms.
                let key = x as *const lopdf::Stream as usize;
                if cx.name(&x.dict, b"Subtype") == Some(b"Form") && cx.forms_seen.insert(key) {
                    let inner = x
                        .get_plain_content_with_limit(MAX_DECODE)
                        .unwrap_or_default();
                    let res = cx
                        .dict(&x.dict, b"Resources")
                        .cloned()
                        .unwrap_or_else(|| resources.clone());
                    content_rules(cx, page, &inner, &res, depth + 1);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_compare_as_instants() {
        assert_eq!(
            instant("D:20260701080000+00'00'"),
            instant("2026-07-01T08:00:00+00:00")
        );
        assert_eq!(
            instant("D:20260701100000+02'00'"),
            instant("2026-07-01T08:00:00Z")
        );
        assert_ne!(
            instant("D:20260701080000"),
            instant("2026-07-01T09:00:00+00:00")
        );
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        assert!(check(b"", None).is_err());
        assert!(
            check(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << >>", None).is_err()
                || check(b"%PDF-1.4\n", None).is_ok()
        );
    }
}
