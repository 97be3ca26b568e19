//! File structure (header, trailer, cross-reference table, end of file), the
//! document catalog and the PDF/A output intents.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Object};

use super::{rfind, Ctx, Rule, MAX_DECODE};

/// Header, binary comment, trailer, cross-reference table, end of file.
pub(super) fn file_structure(cx: &mut Ctx, bytes: &[u8], header_at: usize, raw_encrypt: bool) {
    header(cx, bytes, header_at);
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
    file_end(cx, bytes);
}

/// The header: `%PDF-x.y` at byte 0 with a version the part allows, then a
/// comment of at least four bytes above 127.
fn header(cx: &mut Ctx, bytes: &[u8], header_at: usize) {
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
}

/// The file's end: nothing but an end-of-line after the last `%%EOF`; for
/// PDF/A-1, `startxref` pointing at a classic `xref` table.
fn file_end(cx: &mut Ctx, bytes: &[u8]) {
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

pub(super) fn catalog(cx: &mut Ctx) {
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
