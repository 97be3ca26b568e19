//! Rules checked object by object: implementation limits, streams and filters,
//! embedded files, actions, transparency, images, forms, annotations, fonts and
//! device colour.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Object, ObjectId};

use super::{Ctx, Rule, MAX_DECODE, MAX_DEPTH};
use crate::Flavour;

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
pub(super) fn objects(cx: &mut Ctx) {
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
            _ => embedded_part3(cx, spec.clone(), af_targets.contains(&id)),
        }
    }
}

/// PDF/A-3's rules for one embedded file's specification: listed in an
/// `/AF` array, with `/AFRelationship`, `/F` and `/UF`, and a stream with a
/// MIME type and a modification date.
fn embedded_part3(cx: &mut Ctx, spec: Dictionary, listed_in_af: bool) {
    if !listed_in_af {
        cx.fail(
            Rule::Embedded,
            "an embedded file's file specification is not listed in any /AF array",
            "reference the file specification from the catalog's (or a page's) /AF array",
        );
    }
    if cx.name(&spec, b"AFRelationship").is_none() {
        cx.fail(
            Rule::Embedded,
            "an embedded file's file specification has no /AFRelationship",
            "set /AFRelationship (Source, Data, Alternative, Supplement or Unspecified)",
        );
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
    action_rules(cx, d, ty.as_deref());
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
            image_rules(cx, d);
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
    ext_gstate_rules(cx, d, ty.as_deref());
}

/// Actions: none of the forbidden kinds, no JavaScript, no additional
/// actions; PDF/A-1 allows only the four page-navigation named actions.
fn action_rules(cx: &mut Ctx, d: &Dictionary, ty: Option<&[u8]>) {
    let p1 = cx.part == 1;
    if let Some(s) = cx.name(d, b"S") {
        if FORBIDDEN_ACTIONS.contains(&s)
            && (ty == Some(b"Action") || d.has(b"JS") || d.has(b"Next") || !d.has(b"Type"))
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
}

/// An image XObject: no interpolation, alternates or OPI, a known rendering
/// intent, its colour space; PDF/A-1 no soft mask.
fn image_rules(cx: &mut Ctx, d: &Dictionary) {
    let p1 = cx.part == 1;
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
            b"RelativeColorimetric" | b"AbsoluteColorimetric" | b"Perceptual" | b"Saturation"
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

/// An extended graphics state (by type, or by its tell-tale keys): no
/// transfer functions; PDF/A-1 no soft mask, constant alpha below 1 or
/// blend mode other than Normal.
fn ext_gstate_rules(cx: &mut Ctx, d: &Dictionary, ty: Option<&[u8]>) {
    let p1 = cx.part == 1;
    if ty == Some(b"ExtGState") || d.has(b"ca") || d.has(b"CA") || d.has(b"BM") || d.has(b"TR") {
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

pub(super) fn device_colour(cx: &mut Ctx, cs: &[u8]) {
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
