//! An excerpt (*utdrag*) of a sealed snapshot: a new cover page that traces it
//! to the sealed original, then the chosen pages copied out of the original.
//!
//! The pages are copied, not drawn again: the excerpt shows the sealed file's
//! own objects (screenshot data, text layer, fonts) byte for byte, so page N of
//! the excerpt is page N of the record whatever version of ogonblick sealed it,
//! and a cover page of the original can be handed out too. Only the document
//! around them is new: catalog, XMP, output intent, trailer, cover.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{DateTime, Utc};
use lopdf::dictionary;
use model::display::{neutralise, shorten};
use model::{PdfSlice, Record};

use crate::font::{CidFont, Program};
use crate::layout::{Canvas, A4};
use crate::writer::Pdf;
use crate::xmp::Meta;
use crate::{sv, Error, Flavour};

use crate::cover::{subject_name, BODY, H1, H2, LABEL, SMALL, TITLE_MAX, URL_MAX};
/// The largest stream lopdf may inflate while reading the source (object streams).
const MAX_DECODE: usize = 64 * 1024 * 1024;

/// What an excerpt is taken from and what its cover says about it.
#[derive(Debug, Clone)]
pub struct Excerpt<'a> {
    /// The source record (`record.json`).
    pub record: &'a Record,
    /// First and last page of the source `snapshot.pdf` to copy, 1-based, inclusive.
    pub first: u32,
    pub last: u32,
    /// SHA-256 (hex) of the source `snapshot.pdf`: of exactly the bytes given to [`excerpt`].
    pub snapshot_sha256: &'a str,
    /// SHA-256 (hex) of the record's `manifest-sha256.txt`.
    pub manifest_sha256: &'a str,
    /// When the record was sealed and on which line of the archive's journal, if it is in one.
    pub sealed: Option<(DateTime<Utc>, u64)>,
    /// The diarienummer the registrar gave the record (the journal's newest), if any.
    pub diarienummer: Option<&'a str>,
    /// Where each captured page lies in the source (`posts.json`); may be empty.
    pub slices: &'a [PdfSlice],
    /// When the excerpt is made (from the caller; never `now()` in here).
    pub created: DateTime<Utc>,
    /// Who makes it; empty when not known (the cover then names the organisation).
    pub operator: &'a str,
    /// The ogonblick version making it.
    pub tool_version: &'a str,
}

/// A built excerpt.
#[derive(Debug, Clone)]
pub struct ExcerptBuilt {
    pub bytes: Vec<u8>,
    /// Pages of the source.
    pub source_pages: u32,
    /// Cover pages in front of the copied pages.
    pub cover_pages: u32,
    /// The flavour of the source, and of the excerpt.
    pub flavour: Flavour,
}

/// Build the excerpt of `source` (the sealed `snapshot.pdf`'s bytes) that `ex` describes.
///
/// The excerpt is PDF/A of the flavour the source's XMP claims. Never panics
/// on malformed bytes: the parser is fenced with `catch_unwind`.
pub fn excerpt(source: &[u8], ex: &Excerpt) -> Result<ExcerptBuilt, Error> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_DECODE),
        ..Default::default()
    };
    let loaded = catch_unwind(AssertUnwindSafe(|| {
        lopdf::Document::load_mem_with_options(source, options)
    }));
    let src = match loaded {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) => {
            return Err(Error::Source {
                reason: e.to_string(),
            })
        }
        Err(_) => {
            return Err(Error::Source {
                reason: "the PDF parser gave up on malformed data".into(),
            })
        }
    };
    let pages = src.get_pages();
    let count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
    if ex.first == 0 || ex.last < ex.first || ex.last > count {
        return Err(Error::PageRange {
            first: ex.first,
            last: ex.last,
            count,
        });
    }
    let flavour = crate::check::claimed(&src).ok_or_else(|| Error::Source {
        reason: "its XMP claims no PDF/A flavour (pdfaid:part, pdfaid:conformance)".into(),
    })?;

    let mut pdf = Pdf::new(flavour);
    let f1 = pdf.reserve_font(CidFont::new(Program::DejaVu));
    let cover = {
        let font = pdf.font_mut(f1).expect("font reserved above");
        cover_pages(ex, count, font)
    };
    let cover_pages = u32::try_from(cover.len()).unwrap_or(u32::MAX);
    let font_res = dictionary! { "F1" => f1 };
    for content in cover {
        let (w, h) = A4;
        pdf.page(
            w,
            h,
            content.into_bytes(),
            dictionary! { "Font" => font_res.clone() },
        );
    }
    let mut map = BTreeMap::new();
    for n in ex.first..=ex.last {
        let Some(&id) = pages.get(&n) else {
            return Err(Error::Source {
                reason: format!("page {n} is missing from the page tree"),
            });
        };
        pdf.import_page(&src, id, &mut map)
            .map_err(|reason| Error::Source {
                reason: format!("page {n}: {reason}"),
            })?;
    }
    let bytes = pdf.finish(&meta(ex, count), &[])?;
    Ok(ExcerptBuilt {
        bytes,
        source_pages: count,
        cover_pages,
        flavour,
    })
}

/// `PDF-sidan 3` or `PDF-sidorna 3–5`: pages of a PDF, never captured web pages.
fn pages_sv(first: u32, last: u32) -> String {
    if first == last {
        format!("PDF-sidan {first}")
    } else {
        format!("PDF-sidorna {first}–{last}")
    }
}

/// The archive a record is kept in, in archival terms: the arkivbildare's
/// archive and the organisation (`Kommunstyrelsens arkiv, Gislaveds kommun`).
fn archive_sv(record: &Record) -> Option<String> {
    let org = record.organisation.as_ref()?;
    let creator = neutralise(org.archive_creator.trim());
    let name = neutralise(org.name.trim());
    if creator.is_empty() {
        return (!name.is_empty()).then(|| format!("{name}s arkiv"));
    }
    // Swedish genitive: no extra s after s, x or z.
    let genitive = if creator.ends_with(['s', 'x', 'z']) {
        creator.clone()
    } else {
        format!("{creator}s")
    };
    Some(if name.is_empty() {
        format!("{genitive} arkiv")
    } else {
        format!("{genitive} arkiv, {name}")
    })
}

/// Who made the excerpt: the operator, else the organisation.
fn made_by(ex: &Excerpt) -> String {
    let operator = ex.operator.trim();
    if !operator.is_empty() {
        return neutralise(operator);
    }
    ex.record
        .organisation
        .as_ref()
        .map(|o| neutralise(o.name.trim()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "uppgift saknas".to_string())
}

fn meta(ex: &Excerpt, count: u32) -> Meta {
    let record = ex.record;
    let pages = pages_sv(ex.first, ex.last);
    let author = record
        .organisation
        .as_ref()
        .map(|o| o.name.clone())
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| ex.operator.to_string());
    Meta {
        title: format!(
            "Utdrag ur ögonblicksbild av {}, {pages}",
            subject_name(record)
        ),
        author,
        subject: format!(
            "Utdrag ur {}: {pages} av {count} i snapshot.pdf (SHA-256 {})",
            record.record_id, ex.snapshot_sha256
        ),
        creator_tool: format!("ogonblick {}", ex.tool_version),
        producer: format!("ogonblick {} (pdfa, lopdf)", ex.tool_version),
        created: ex.created,
        modified: ex.created,
        custom: vec![
            (
                "sourceRecordId",
                "Record id of the sealed record this excerpt is taken from",
                record.record_id.clone(),
            ),
            (
                "sourceSnapshotSha256",
                "SHA-256 of the sealed record's snapshot.pdf",
                ex.snapshot_sha256.to_string(),
            ),
            (
                "sourceManifestSha256",
                "SHA-256 of the sealed record's manifest-sha256.txt",
                ex.manifest_sha256.to_string(),
            ),
            (
                "sourcePages",
                "Pages of snapshot.pdf copied into this excerpt",
                format!("{}-{} of {count}", ex.first, ex.last),
            ),
            (
                "ogonblickVersion",
                "ogonblick version",
                ex.tool_version.to_string(),
            ),
        ],
    }
}

/// The cover pages, laid out twice when the first guess at their number was wrong.
fn cover_pages(ex: &Excerpt, count: u32, font: &mut CidFont) -> Vec<String> {
    let first = layout(ex, count, 1, font).len();
    let cover = layout(ex, count, first, font);
    if cover.len() == first {
        cover
    } else {
        layout(ex, count, cover.len(), font)
    }
}

/// What the copied pages show, one line per captured page (or the source's cover).
fn contents(ex: &Excerpt) -> Vec<String> {
    let record = ex.record;
    let first_shot = ex
        .slices
        .iter()
        .map(|s| s.pdf_page)
        .min()
        .unwrap_or(u32::MAX);
    // (what, first page, last page), in page order.
    let mut groups: Vec<(String, u32, u32)> = Vec::new();
    for n in ex.first..=ex.last {
        let what = match ex.slices.iter().find(|s| s.pdf_page == n) {
            Some(slice) => {
                match record
                    .pages
                    .iter()
                    .enumerate()
                    .find(|(_, p)| p.label == slice.label)
                {
                    Some((i, p)) => {
                        let title = if p.title.trim().is_empty() {
                            "(utan titel)".to_string()
                        } else {
                            shorten(p.title.trim(), TITLE_MAX)
                        };
                        format!(
                            "skärmbild av fångad webbsida {}, {title} ({})",
                            i + 1,
                            shorten(&p.final_url, URL_MAX)
                        )
                    }
                    None => format!("skärmbild av {}", neutralise(&slice.label)),
                }
            }
            None if n < first_shot => "ögonblicksbildens följeblad".to_string(),
            None => "uppgift saknas".to_string(),
        };
        match groups.last_mut() {
            Some((w, _, last)) if *w == what => *last = n,
            _ => groups.push((what, n, n)),
        }
    }
    groups
        .into_iter()
        .map(|(what, a, b)| {
            let mut p = pages_sv(a, b);
            if let Some(c) = p.get_mut(..1) {
                c.make_ascii_uppercase();
            }
            format!("{p}: {what}")
        })
        .collect()
}

fn layout(ex: &Excerpt, count: u32, cover_pages: usize, font: &mut CidFont) -> Vec<String> {
    let record = ex.record;
    let mut c = Canvas::new(font, A4, 50.0);
    c.paragraph("Följeblad för utdrag", BODY, 0.0);
    c.paragraph(
        &format!("Utdrag ur ögonblicksbild av {}", subject_name(record)),
        H1,
        0.0,
    );
    c.rule();
    c.paragraph(
        &format!(
            "Detta dokument är ett utdrag ur en förseglad ögonblicksbild. Det innehåller {} av \
             ögonblicksbildens {count} PDF-sidor, kopierade oförändrade (samma bilder och samma \
             sökbara text), efter detta följeblad. Kontrollsummorna nedan visar vilken förseglad \
             fil sidorna kommer från.",
            pages_sv(ex.first, ex.last)
        ),
        BODY,
        0.0,
    );
    c.space(4.0);

    source_section(&mut c, ex);

    hashes_section(&mut c, ex);

    excerpt_section(&mut c, ex, count, cover_pages);
    let footer = format!(
        "Följeblad för utdrag ur {}, {}",
        neutralise(&record.record_id),
        pages_sv(ex.first, ex.last)
    );
    c.finish(&footer)
}

/// *Källan*: the record the pages come from, as an archivist names it.
fn source_section(c: &mut Canvas<'_>, ex: &Excerpt) {
    let record = ex.record;
    c.heading("Källan", H2);
    let org = record.organisation.as_ref();
    if let Some(o) = org.filter(|o| !o.name.trim().is_empty()) {
        c.field("Organisation:", &neutralise(&o.name), BODY, LABEL);
    }
    match &record.account {
        Some(a) => {
            c.field(
                "Konto:",
                &format!(
                    "{} (id {}), {}",
                    neutralise(&a.name),
                    neutralise(&a.id),
                    a.platform.display_sv()
                ),
                BODY,
                LABEL,
            );
            c.field("Adress:", &shorten(&a.url, URL_MAX), BODY, LABEL);
        }
        None => {
            let url = record
                .pages
                .first()
                .map(|p| shorten(&p.requested_url, URL_MAX))
                .unwrap_or_else(|| "uppgift saknas".into());
            c.field(
                "Konto:",
                "inget konto i förteckningen (manuell ögonblicksbild)",
                BODY,
                LABEL,
            );
            c.field("Adress:", &url, BODY, LABEL);
        }
    }
    if let Some(period) = record.period.as_deref().filter(|p| !p.trim().is_empty()) {
        c.field("Period:", &neutralise(period), BODY, LABEL);
    }
    c.field("Typ:", record.kind.display_sv(), BODY, LABEL);
    c.field("Handlingstyp:", record.handling.display_sv(), BODY, LABEL);
    // Where the record is kept, as an archivist would say it: the archive
    // and the record's id in it (never a path on the archive's computer).
    c.field(
        "Förvaras i:",
        &archive_sv(record).unwrap_or_else(|| {
            "uppgift saknas (ögonblicksbilden hör inte till någon organisation)".into()
        }),
        BODY,
        LABEL,
    );
    c.field("Id i arkivet:", &neutralise(&record.record_id), BODY, LABEL);
    let dnr = ex
        .diarienummer
        .filter(|d| !d.trim().is_empty())
        .map(neutralise)
        .or_else(|| {
            Some(record.diarienummer.trim())
                .filter(|d| !d.is_empty())
                .map(neutralise)
        })
        .unwrap_or_else(|| "inget diarienummer har registrerats".into());
    c.field("Diarienummer:", &dnr, BODY, LABEL);
    if let Some(start) = record.captured_at() {
        c.field(
            "Tagen:",
            &format!("{}; {}", sv::moment(start), sv::moment_utc(start)),
            BODY,
            LABEL,
        );
    }
    match ex.sealed {
        Some((at, seq)) => c.field(
            "Förseglad:",
            &format!(
                "{}; {}; rad {seq} i arkivets journal",
                sv::moment(at),
                sv::moment_utc(at)
            ),
            BODY,
            LABEL,
        ),
        None => c.field(
            "Förseglad:",
            "ögonblicksbilden togs som en fristående fångst utanför arkivet och står inte i någon journal",
            BODY,
            LABEL,
        ),
    }
}

/// The sealed source's SHA-256s, and what they were checked against.
fn hashes_section(c: &mut Canvas<'_>, ex: &Excerpt) {
    c.heading("Kontrollsummor (SHA-256) för den förseglade källan", H2);
    c.paragraph("Ögonblicksbildens PDF-fil (snapshot.pdf):", BODY, 0.0);
    c.paragraph(ex.snapshot_sha256, SMALL, 12.0);
    c.paragraph(
        "Dess förteckning över kontrollsummor (manifest-sha256.txt):",
        BODY,
        0.0,
    );
    c.paragraph(ex.manifest_sha256, SMALL, 12.0);
    c.space(2.0);
    let checked = if ex.sealed.is_some() {
        "mot sitt manifest och mot arkivets journal"
    } else {
        "mot sitt manifest"
    };
    c.paragraph(
        &format!(
            "Källan kontrollerades {checked} innan utdraget gjordes, utan avvikelser. Den som \
             vill pröva spårningen räknar ut kontrollsumman (SHA-256) för ögonblicksbildens \
             PDF-fil i arkivet och jämför den med summan ovan."
        ),
        BODY,
        0.0,
    );
}

/// *Utdraget*: which pages of the source, where they are here, what they
/// hold, when and by whom the excerpt was made.
fn excerpt_section(c: &mut Canvas<'_>, ex: &Excerpt, count: u32, cover_pages: usize) {
    c.heading("Utdraget", H2);
    c.field(
        "Sidor i källan:",
        &format!("{} av {count}", pages_sv(ex.first, ex.last)),
        BODY,
        LABEL,
    );
    let n = ex.last - ex.first + 1;
    let here_first = u32::try_from(cover_pages)
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    let here = format!(
        "{} (efter följebladet)",
        pages_sv(here_first, here_first + n - 1)
    );
    c.field("I detta dokument:", &here, BODY, LABEL);
    for line in contents(ex) {
        c.paragraph(&format!("• {line}"), BODY, 12.0);
    }
    c.field(
        "Utdraget gjort:",
        &format!("{}; {}", sv::moment(ex.created), sv::moment_utc(ex.created)),
        BODY,
        LABEL,
    );
    c.field("Utfört av:", &made_by(ex), BODY, LABEL);
    c.field(
        "Verktyg:",
        &format!("ogonblick {}", ex.tool_version),
        BODY,
        LABEL,
    );
}

/// What an excerpt says it was taken from (its XMP), and how that holds
/// against a source `snapshot.pdf`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// The source's record id, SHA-256 and pages, as the excerpt names them.
    pub record_id: String,
    pub source_sha256: String,
    pub first: u32,
    pub last: u32,
    pub source_pages: u32,
    /// Everything that does not hold, one sentence each; empty when the
    /// excerpt's pages are the source's pages, object for object.
    pub problems: Vec<String>,
}

/// Checks the excerpt `excerpt` against the sealed `source` (its bytes and
/// their SHA-256): the excerpt must name that SHA-256 and a page range of
/// the source, and its last pages must be those source pages: every object
/// a page uses (content, images, fonts, resources), decoded, the same.
pub fn trace(excerpt: &[u8], source: &[u8], source_sha256: &str) -> Result<Trace, Error> {
    let ex = load(excerpt)?;
    let src = load(source)?;
    let xmp = metadata(&ex).unwrap_or_default();
    let field = |name: &str| {
        let open = format!(":{name}>");
        let start = xmp.find(&open)? + open.len();
        let len = xmp[start..].find('<')?;
        Some(xmp[start..start + len].trim().to_string())
    };
    let mut t = Trace {
        record_id: field("sourceRecordId").unwrap_or_default(),
        source_sha256: field("sourceSnapshotSha256").unwrap_or_default(),
        ..Trace::default()
    };
    let range = field("sourcePages").and_then(|p| {
        let (range, count) = p.split_once(" of ")?;
        let (a, b) = range.split_once('-')?;
        Some((a.parse().ok()?, b.parse().ok()?, count.parse().ok()?))
    });
    let Some((first, last, count)) = range else {
        t.problems.push(
            "its XMP names no source pages (ogonblick's sourcePages): not an excerpt made by ogonblick extract".into(),
        );
        return Ok(t);
    };
    (t.first, t.last, t.source_pages) = (first, last, count);
    if t.source_sha256 != source_sha256 {
        t.problems.push(format!(
            "it names the source snapshot.pdf {}, but the one given is {source_sha256}",
            t.source_sha256
        ));
    }
    let src_pages = src.get_pages();
    let ex_pages = ex.get_pages();
    if u32::try_from(src_pages.len()).ok() != Some(count) {
        t.problems.push(format!(
            "it names a source of {count} pages, but the one given has {}",
            src_pages.len()
        ));
    }
    let n = (last + 1).saturating_sub(first) as usize;
    if first == 0 || n == 0 || ex_pages.len() <= n {
        t.problems.push(format!(
            "it has {} pages, too few for a cover and pages {first}-{last}",
            ex_pages.len()
        ));
        return Ok(t);
    }
    let ex_ids: Vec<lopdf::ObjectId> = ex_pages.values().copied().collect();
    let copied = &ex_ids[ex_ids.len() - n..];
    for (k, ex_id) in copied.iter().enumerate() {
        let number = first + u32::try_from(k).unwrap_or(u32::MAX);
        let same = src_pages
            .get(&number)
            .is_some_and(|&id| fingerprint(&src, id) == fingerprint(&ex, *ex_id));
        if !same {
            t.problems.push(format!(
                "its page {} is not page {number} of the source",
                ex_ids.len() - n + k + 1
            ));
        }
    }
    Ok(t)
}

fn load(bytes: &[u8]) -> Result<lopdf::Document, Error> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_DECODE),
        ..Default::default()
    };
    match catch_unwind(AssertUnwindSafe(|| {
        lopdf::Document::load_mem_with_options(bytes, options)
    })) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(Error::Source {
            reason: e.to_string(),
        }),
        Err(_) => Err(Error::Source {
            reason: "the PDF parser gave up on malformed data".into(),
        }),
    }
}

/// The catalog's XMP packet as text.
fn metadata(doc: &lopdf::Document) -> Option<String> {
    let id = doc
        .catalog()
        .ok()?
        .get(b"Metadata")
        .ok()?
        .as_reference()
        .ok()?;
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// SHA-256 over everything a page shows: its boxes, rotation, content and
/// every object its resources reach, streams decoded, references numbered
/// in the order met (so two documents holding the same page compare equal
/// whatever their object numbers). The page tree's `Parent` and what
/// belongs to the document's structure are left out, as `import_page` does.
fn fingerprint(doc: &lopdf::Document, page: lopdf::ObjectId) -> [u8; 32] {
    use sha2::Digest;
    const KEEP: [&[u8]; 9] = [
        b"MediaBox",
        b"CropBox",
        b"BleedBox",
        b"TrimBox",
        b"ArtBox",
        b"Rotate",
        b"Resources",
        b"Contents",
        b"Group",
    ];
    let mut h = sha2::Sha256::new();
    let mut seen: BTreeMap<lopdf::ObjectId, usize> = BTreeMap::new();
    if let Ok(dict) = doc.get_dictionary(page) {
        for key in KEEP {
            let value = dict
                .get(key)
                .ok()
                .or_else(|| inherited_value(doc, dict, key));
            if let Some(v) = value {
                h.update(key);
                walk(doc, v, &mut seen, &mut h);
            }
        }
    }
    h.finalize().into()
}

fn inherited_value<'a>(
    doc: &'a lopdf::Document,
    dict: &'a lopdf::Dictionary,
    key: &[u8],
) -> Option<&'a lopdf::Object> {
    let mut parent = dict.get(b"Parent").ok()?.as_reference().ok()?;
    for _ in 0..64 {
        let d = doc.get_dictionary(parent).ok()?;
        if let Ok(v) = d.get(key) {
            return Some(v);
        }
        parent = d.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

fn walk(
    doc: &lopdf::Document,
    obj: &lopdf::Object,
    seen: &mut BTreeMap<lopdf::ObjectId, usize>,
    h: &mut sha2::Sha256,
) {
    use lopdf::Object;
    use sha2::Digest;
    match obj {
        Object::Reference(id) => {
            if let Some(n) = seen.get(id) {
                h.update(format!("R{n};"));
                return;
            }
            let n = seen.len();
            seen.insert(*id, n);
            h.update(format!("D{n}{{"));
            if let Ok(target) = doc.get_object(*id) {
                walk(doc, target, seen, h);
            }
            h.update("}");
        }
        Object::Dictionary(d) => walk_dict(doc, d, seen, h),
        Object::Stream(s) => {
            walk_dict(doc, &s.dict, seen, h);
            let content = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            h.update(format!("S{}:", content.len()));
            h.update(&content);
        }
        Object::Array(items) => {
            h.update("[");
            for i in items {
                walk(doc, i, seen, h);
                h.update(",");
            }
            h.update("]");
        }
        Object::String(bytes, _) => {
            h.update(format!("T{}:", bytes.len()));
            h.update(bytes);
        }
        other => h.update(format!("{other:?};")),
    }
}

fn walk_dict(
    doc: &lopdf::Document,
    d: &lopdf::Dictionary,
    seen: &mut BTreeMap<lopdf::ObjectId, usize>,
    h: &mut sha2::Sha256,
) {
    use sha2::Digest;
    let mut keys: Vec<&Vec<u8>> = d.iter().map(|(k, _)| k).collect();
    keys.sort();
    h.update("<<");
    for k in keys {
        // How a stream is stored, not what it holds; and the page tree.
        if [&b"Length"[..], b"Filter", b"DecodeParms", b"Parent"].contains(&k.as_slice()) {
            continue;
        }
        h.update(k);
        h.update("=");
        if let Ok(v) = d.get(k) {
            walk(doc, v, seen, h);
        }
    }
    h.update(">>");
}
