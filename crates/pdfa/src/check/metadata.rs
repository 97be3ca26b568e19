//! The XMP metadata packet: its header, well-formedness, the claimed flavour
//! (pdfaid), extension schemas for non-predefined namespaces, and (PDF/A-1) its
//! consistency with the Info dictionary.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::Object;

use super::{xml, Ctx, Rule, MAX_DECODE, MAX_DEPTH};
use crate::Flavour;

/// The XMP packet text and whether its stream is filtered.
pub(super) fn metadata_packet(doc: &lopdf::Document) -> Option<(String, bool)> {
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

pub(super) fn claimed_flavour(root: &xml::Element) -> Option<Flavour> {
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

pub(super) fn metadata(
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
}
