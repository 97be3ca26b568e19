//! Pages and their content streams: page boxes, q/Q nesting, device colour
//! operators, .notdef glyphs, and text shown outside every box of its page.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Object};

use super::objects::device_colour;
use super::{Ctx, Failure, Rule, MAX_DECODE, MAX_DEPTH};

/// Content-stream rules: q nesting, device colour operators, .notdef glyphs.
pub(super) fn pages(cx: &mut Ctx) {
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
                let notdef = shows_notdef(info, &op.operands);
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

/// Whether a text-showing operator's strings (two-byte CIDs) show a glyph
/// the font lacks: GID 0 (.notdef) or one past its glyph count.
fn shows_notdef(info: &CidInfo, operands: &[Object]) -> bool {
    let mut strings = Vec::new();
    for o in operands {
        match o {
            Object::String(s, _) => strings.push(s.clone()),
            Object::Array(a) => {
                strings.extend(a.iter().filter_map(|x| x.as_str().ok()).map(<[u8]>::to_vec))
            }
            _ => {}
        }
    }
    strings.iter().flat_map(|s| s.chunks_exact(2)).any(|c| {
        let cid = usize::from(u16::from_be_bytes([c[0], c[1]]));
        let gid = match &info.map {
            Some(m) => m
                .get(2 * cid..2 * cid + 2)
                .map_or(0, |b| u16::from_be_bytes([b[0], b[1]])),
            None => cid as u16,
        };
        gid == 0 || info.glyphs.is_some_and(|n| gid >= n)
    })
}
