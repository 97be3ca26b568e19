//! The XMP metadata packet and the matching document information dictionary.
//!
//! PDF/A-1 6.7.3 wants every Info entry mirrored in XMP with the same value;
//! both are made here from one [`Meta`] so they cannot drift apart. Capture
//! facts go into our own namespace, declared with a PDF/A extension schema.

use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Object, StringFormat};

use crate::Flavour;

/// Namespace of the capture facts in XMP.
pub(crate) const NS: &str = "https://example.invalid/ogonblick/ns/capture/1.0/";
pub(crate) const PREFIX: &str = "ogonblick";

/// What the metadata says about a document.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub creator_tool: String,
    pub producer: String,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    /// Capture facts: (property name, description, value); empty values are left out.
    pub custom: Vec<(&'static str, &'static str, String)>,
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// `2026-07-01T08:00:00+00:00`
pub(crate) fn xmp_date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

/// `D:20260701080000+00'00'`
pub(crate) fn pdf_date(t: DateTime<Utc>) -> String {
    t.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}

/// A PDF text string: PDFDocEncoding-safe ASCII as a literal, anything else UTF-16BE.
pub(crate) fn text_string(s: &str) -> Object {
    let clean: String = s.chars().filter(|c| !c.is_control()).collect();
    if clean.is_ascii() {
        Object::String(clean.into_bytes(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(clean.encode_utf16().flat_map(u16::to_be_bytes));
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// The document information dictionary, consistent with [`packet`].
pub(crate) fn info(meta: &Meta) -> Dictionary {
    let mut d = Dictionary::new();
    d.set("Title", text_string(&meta.title));
    d.set("Author", text_string(&meta.author));
    d.set("Subject", text_string(&meta.subject));
    d.set("Creator", text_string(&meta.creator_tool));
    d.set("Producer", text_string(&meta.producer));
    d.set(
        "CreationDate",
        Object::string_literal(pdf_date(meta.created)),
    );
    d.set("ModDate", Object::string_literal(pdf_date(meta.modified)));
    d
}

/// Strip what Info cannot carry so that XMP and Info say the same.
fn same(s: &str) -> String {
    esc(&s.chars().filter(|c| !c.is_control()).collect::<String>())
}

/// The XMP packet (UTF-8, with the xpacket wrapper, no padding variability).
pub(crate) fn packet(meta: &Meta, flavour: Flavour) -> Vec<u8> {
    let mut x = String::new();
    x.push_str("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    x.push_str("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
    x.push_str("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");

    x.push_str(
        "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n",
    );
    x.push_str(&format!("<pdfaid:part>{}</pdfaid:part>\n", flavour.part()));
    x.push_str(&format!(
        "<pdfaid:conformance>{}</pdfaid:conformance>\n",
        flavour.conformance()
    ));
    x.push_str("</rdf:Description>\n");

    x.push_str("<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
    x.push_str("<dc:format>application/pdf</dc:format>\n");
    x.push_str(&format!(
        "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\n",
        same(&meta.title)
    ));
    x.push_str(&format!(
        "<dc:creator><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:creator>\n",
        same(&meta.author)
    ));
    x.push_str(&format!(
        "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>\n",
        same(&meta.subject)
    ));
    x.push_str(&format!(
        "<dc:date><rdf:Seq><rdf:li>{}</rdf:li></rdf:Seq></dc:date>\n",
        xmp_date(meta.created)
    ));
    x.push_str("<dc:language><rdf:Bag><rdf:li>sv</rdf:li></rdf:Bag></dc:language>\n");
    x.push_str("</rdf:Description>\n");

    x.push_str("<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    x.push_str(&format!(
        "<xmp:CreatorTool>{}</xmp:CreatorTool>\n",
        same(&meta.creator_tool)
    ));
    x.push_str(&format!(
        "<xmp:CreateDate>{}</xmp:CreateDate>\n",
        xmp_date(meta.created)
    ));
    x.push_str(&format!(
        "<xmp:ModifyDate>{}</xmp:ModifyDate>\n",
        xmp_date(meta.modified)
    ));
    x.push_str(&format!(
        "<xmp:MetadataDate>{}</xmp:MetadataDate>\n",
        xmp_date(meta.modified)
    ));
    x.push_str("</rdf:Description>\n");

    x.push_str("<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n");
    x.push_str(&format!(
        "<pdf:Producer>{}</pdf:Producer>\n",
        same(&meta.producer)
    ));
    x.push_str("</rdf:Description>\n");

    let custom: Vec<_> = meta
        .custom
        .iter()
        .filter(|(_, _, v)| !v.trim().is_empty())
        .collect();
    if !custom.is_empty() {
        custom_properties(&mut x, &custom);
    }

    x.push_str("</rdf:RDF>\n</x:xmpmeta>\n");
    // Padding lets an editor update the packet in place.
    for _ in 0..20 {
        x.push_str(&" ".repeat(99));
        x.push('\n');
    }
    x.push_str("<?xpacket end=\"w\"?>");
    x.into_bytes()
}

/// Our own properties (`custom`, none empty) and the PDF/A extension schema
/// that declares their namespace (ISO 19005-1 6.7.8).
fn custom_properties(x: &mut String, custom: &[&(&str, &str, String)]) {
    // The extension schema that declares our namespace (ISO 19005-1 6.7.8).
    x.push_str(
        "<rdf:Description rdf:about=\"\" \
         xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
         xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n\
         <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n\
         <pdfaSchema:schema>ogonblick capture facts</pdfaSchema:schema>\n",
    );
    x.push_str(&format!(
        "<pdfaSchema:namespaceURI>{NS}</pdfaSchema:namespaceURI>\n"
    ));
    x.push_str(&format!(
        "<pdfaSchema:prefix>{PREFIX}</pdfaSchema:prefix>\n"
    ));
    x.push_str("<pdfaSchema:property><rdf:Seq>\n");
    for (name, description, _) in custom {
        x.push_str(&format!(
            "<rdf:li rdf:parseType=\"Resource\">\
             <pdfaProperty:name>{name}</pdfaProperty:name>\
             <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
             <pdfaProperty:category>external</pdfaProperty:category>\
             <pdfaProperty:description>{}</pdfaProperty:description></rdf:li>\n",
            esc(description)
        ));
    }
    x.push_str("</rdf:Seq></pdfaSchema:property>\n</rdf:li></rdf:Bag></pdfaExtension:schemas>\n</rdf:Description>\n");

    x.push_str(&format!(
        "<rdf:Description rdf:about=\"\" xmlns:{PREFIX}=\"{NS}\">\n"
    ));
    for (name, _, value) in custom {
        x.push_str(&format!(
            "<{PREFIX}:{name}>{}</{PREFIX}:{name}>\n",
            esc(value)
        ));
    }
    x.push_str("</rdf:Description>\n");
}
