//! Assembling the PDF objects of a PDF/A document with lopdf.
//!
//! [`Pdf`] holds a lopdf document and knows the PDF/A furniture every file
//! needs (XMP, Info, sRGB OutputIntent, fonts, trailer `/ID`); [`build`] lays
//! out the ögonblicksbild itself: cover pages, then screenshot pages.
//!
//! Image data never enters the lopdf document: it stays in the caller's PNG
//! bytes until [`Pdf::finish`] copies it once, straight into the output.

use std::collections::BTreeMap;
use std::io::Write as _;

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};

use crate::bidi::Base;
use crate::font::{CidFont, Program};
use crate::image::{self, RgbImage};
use crate::num::num;
use crate::xmp::{self, Meta};
use crate::{Attachment, Document, Error, Flavour, Options};

/// sRGB IEC 61966-2.1, ICC v2, from Debian's icc-profiles-free (zlib licence; see `assets/sRGB.icc.LICENSE`).
const SRGB_ICC: &[u8] = include_bytes!("../assets/sRGB.icc");

/// A PDF/A document under construction; `'a` is the life of the tiles' PNG bytes.
#[derive(Debug)]
pub(crate) struct Pdf<'a> {
    doc: lopdf::Document,
    flavour: Flavour,
    pages_id: ObjectId,
    page_ids: Vec<ObjectId>,
    /// Fonts whose objects are written at [`Pdf::finish`], by reserved id.
    fonts: Vec<(ObjectId, CidFont)>,
    /// Data of the image XObjects, by id; the document holds only their dictionaries.
    images: BTreeMap<ObjectId, image::Data<'a>>,
}

impl<'a> Pdf<'a> {
    pub fn new(flavour: Flavour) -> Pdf<'a> {
        let version = if flavour.part() == 1 { "1.4" } else { "1.7" };
        let mut doc = lopdf::Document::with_version(version);
        // A classic cross-reference table: PDF/A-1 (PDF 1.4) has no xref streams.
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let pages_id = doc.new_object_id();
        Pdf {
            doc,
            flavour,
            pages_id,
            page_ids: Vec::new(),
            fonts: Vec::new(),
            images: BTreeMap::new(),
        }
    }

    pub fn add(&mut self, object: impl Into<Object>) -> ObjectId {
        self.doc.add_object(object)
    }

    /// Add a stream, Flate-compressed when `compress`.
    pub fn stream(&mut self, dict: Dictionary, content: Vec<u8>, compress: bool) -> ObjectId {
        let mut stream = Stream::new(dict, content);
        if compress {
            // Compression only fails on I/O into a Vec, which cannot happen; uncompressed is valid too.
            let _ = stream.compress();
        }
        self.add(stream)
    }

    /// Add a stream whose data is written, uncompressed and uncopied, only by [`Pdf::finish`].
    pub fn image(&mut self, mut dict: Dictionary, data: image::Data<'a>) -> ObjectId {
        dict.set("Length", data.len() as i64);
        let id = self.add(dict);
        self.images.insert(id, data);
        id
    }

    /// Reserve the id of a font that is filled while pages are laid out.
    pub fn reserve_font(&mut self, font: CidFont) -> ObjectId {
        let id = self.doc.new_object_id();
        self.fonts.push((id, font));
        id
    }

    pub fn font_mut(&mut self, id: ObjectId) -> Option<&mut CidFont> {
        self.fonts
            .iter_mut()
            .find(|(i, _)| *i == id)
            .map(|(_, f)| f)
    }

    /// Add a page of `width` × `height` points.
    pub fn page(&mut self, width: f64, height: f64, content: Vec<u8>, resources: Dictionary) {
        let content = self.stream(Dictionary::new(), content, true);
        let box_ = vec![0.into(), 0.into(), real(width), real(height)];
        let page = self.add(dictionary! {
            "Type" => "Page",
            "Parent" => self.pages_id,
            "MediaBox" => box_,
            "Contents" => content,
            "Resources" => resources,
        });
        self.page_ids.push(page);
    }

    /// Copy page `page` of `src` in as the next page, with everything it uses
    /// (contents, resources: images, fonts), stream data byte for byte. `map`
    /// carries what was copied from one page to the next, so an image or a
    /// font that several pages share is copied once. Attributes a page inherits
    /// from its page tree are set on the copy; what belongs to the source
    /// document's structure (annotations, thumbnails, article beads, structure
    /// parents) is left behind.
    pub fn import_page(
        &mut self,
        src: &lopdf::Document,
        page: ObjectId,
        map: &mut BTreeMap<ObjectId, ObjectId>,
    ) -> Result<(), String> {
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
        const INHERITED: [&[u8]; 4] = [b"MediaBox", b"CropBox", b"Rotate", b"Resources"];
        let dict = src
            .get_dictionary(page)
            .map_err(|e| format!("page object {} {}: {e}", page.0, page.1))?;
        let mut copy = dictionary! { "Type" => "Page", "Parent" => self.pages_id };
        let mut todo = Vec::new();
        for key in KEEP {
            let value = match dict.get(key) {
                Ok(v) => Some(v),
                Err(_) if INHERITED.contains(&key) => inherited(src, dict, key),
                Err(_) => None,
            };
            if let Some(v) = value {
                let v = self.copy_object(v, map, &mut todo, 0);
                copy.set(key, v);
            }
        }
        if !copy.has(b"MediaBox") {
            return Err(format!(
                "page object {} {} has no /MediaBox",
                page.0, page.1
            ));
        }
        while let Some((from, to)) = todo.pop() {
            let object = src.objects.get(&from).cloned().unwrap_or(Object::Null);
            let object = self.copy_object(&object, map, &mut todo, 0);
            self.doc.objects.insert(to, object);
        }
        let id = self.add(copy);
        self.page_ids.push(id);
        Ok(())
    }

    /// `object` with every reference into the source renumbered into this
    /// document; referenced objects not yet copied are queued in `todo`.
    fn copy_object(
        &mut self,
        object: &Object,
        map: &mut BTreeMap<ObjectId, ObjectId>,
        todo: &mut Vec<(ObjectId, ObjectId)>,
        depth: usize,
    ) -> Object {
        if depth > MAX_COPY_DEPTH {
            return Object::Null;
        }
        match object {
            Object::Reference(id) => {
                let new = match map.get(id) {
                    Some(&new) => new,
                    None => {
                        let new = self.doc.new_object_id();
                        map.insert(*id, new);
                        todo.push((*id, new));
                        new
                    }
                };
                Object::Reference(new)
            }
            Object::Array(items) => Object::Array(
                items
                    .iter()
                    .map(|o| self.copy_object(o, map, todo, depth + 1))
                    .collect(),
            ),
            Object::Dictionary(d) => Object::Dictionary(self.copy_dict(d, map, todo, depth)),
            Object::Stream(s) => {
                let mut dict = s.dict.clone();
                // The length is the data's own (it may have been an indirect object).
                dict.remove(b"Length");
                let dict = self.copy_dict(&dict, map, todo, depth);
                Object::Stream(Stream::new(dict, s.content.clone()).with_compression(false))
            }
            other => other.clone(),
        }
    }

    fn copy_dict(
        &mut self,
        dict: &Dictionary,
        map: &mut BTreeMap<ObjectId, ObjectId>,
        todo: &mut Vec<(ObjectId, ObjectId)>,
        depth: usize,
    ) -> Dictionary {
        let mut out = Dictionary::new();
        for (k, v) in dict.iter() {
            // A /Parent would pull in the source's page tree.
            if k.as_slice() == b"Parent" {
                continue;
            }
            out.set(k.clone(), self.copy_object(v, map, todo, depth + 1));
        }
        out
    }

    fn write_font(&mut self, id: ObjectId, font: &CidFont) -> Result<(), Error> {
        let built = font.build().map_err(Error::Font)?;
        let program_len = built.program.len() as i64;
        let file = self.stream(
            dictionary! { "Length1" => program_len },
            built.program,
            true,
        );
        let mut descriptor = dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => Object::Name(built.base_font.clone().into_bytes()),
            "Flags" => 4,
            "FontBBox" => built.bbox.iter().map(|&v| Object::Integer(v as i64)).collect::<Vec<_>>(),
            "ItalicAngle" => 0,
            "Ascent" => built.ascent as i64,
            "Descent" => built.descent as i64,
            "CapHeight" => built.ascent as i64,
            "StemV" => 80,
            "FontFile2" => file,
        };
        if let Some(set) = built.cid_set {
            let set = self.stream(Dictionary::new(), set, true);
            descriptor.set("CIDSet", set);
        }
        let descriptor = self.add(descriptor);
        let map = self.stream(Dictionary::new(), built.cid_to_gid, true);
        // /W as [1 [w1 w2 ...] 8001 [...]]: at most 8000 numbers per array (PDF/A-1 limit 8191).
        let mut widths = Vec::new();
        for (i, chunk) in built.widths.chunks(8000).enumerate() {
            widths.push(Object::Integer(1 + 8000 * i as i64));
            widths.push(Object::Array(
                chunk.iter().map(|&w| Object::Integer(w as i64)).collect(),
            ));
        }
        let mut cid_font = dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => Object::Name(built.base_font.clone().into_bytes()),
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "CIDToGIDMap" => map,
        };
        if font.program == Program::Glyphless {
            cid_font.set("DW", crate::font::GLYPHLESS_ADVANCE as i64);
        } else {
            cid_font.set("DW", 0);
            if !widths.is_empty() {
                cid_font.set("W", widths);
            }
        }
        let cid_font = self.add(cid_font);
        let to_unicode = self.stream(Dictionary::new(), font.to_unicode(), true);
        self.doc.set_object(
            id,
            dictionary! {
                "Type" => "Font",
                "Subtype" => "Type0",
                "BaseFont" => Object::Name(built.base_font.into_bytes()),
                "Encoding" => "Identity-H",
                "DescendantFonts" => vec![Object::Reference(cid_font)],
                "ToUnicode" => to_unicode,
            },
        );
        Ok(())
    }

    /// Write the catalog, metadata, output intent and trailer, and serialise.
    pub fn finish(mut self, meta: &Meta, attachments: &[Attachment]) -> Result<Vec<u8>, Error> {
        for (id, font) in std::mem::take(&mut self.fonts) {
            if font.is_empty() {
                self.doc.set_object(id, Object::Null);
            } else {
                self.write_font(id, &font)?;
            }
        }
        let kids: Vec<Object> = self
            .page_ids
            .iter()
            .map(|&id| Object::Reference(id))
            .collect();
        let count = kids.len() as i64;
        self.doc.set_object(
            self.pages_id,
            dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count },
        );

        let metadata = self.stream(
            dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
            xmp::packet(meta, self.flavour),
            false,
        );
        let icc = self.stream(dictionary! { "N" => 3 }, SRGB_ICC.to_vec(), true);
        let intent = self.add(dictionary! {
            "Type" => "OutputIntent",
            "S" => "GTS_PDFA1",
            "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
            "RegistryName" => Object::string_literal("http://www.color.org"),
            "Info" => Object::string_literal("sRGB IEC61966-2.1"),
            "DestOutputProfile" => icc,
        });
        let mut catalog = dictionary! {
            "Type" => "Catalog",
            "Pages" => self.pages_id,
            "Metadata" => metadata,
            "OutputIntents" => vec![Object::Reference(intent)],
            "Lang" => Object::string_literal("sv-SE"),
        };
        if self.flavour == Flavour::A3b && !attachments.is_empty() {
            let mut specs: Vec<(String, ObjectId)> = Vec::new();
            for a in attachments {
                specs.push((a.name.clone(), self.attachment(a, meta)));
            }
            catalog.set(
                "AF",
                specs
                    .iter()
                    .map(|(_, id)| Object::Reference(*id))
                    .collect::<Vec<_>>(),
            );
            specs.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let mut names = Vec::new();
            for (name, id) in specs {
                names.push(xmp::text_string(&name));
                names.push(Object::Reference(id));
            }
            catalog.set(
                "Names",
                dictionary! { "EmbeddedFiles" => dictionary! { "Names" => names } },
            );
        }
        let catalog = self.add(catalog);
        let info = self.add(xmp::info(meta));
        self.doc.trailer.set("Root", catalog);
        self.doc.trailer.set("Info", info);
        serialise(&self.doc, &self.images).map_err(Error::Write)
    }

    /// An embedded file with its file specification (PDF/A-3 associated file).
    fn attachment(&mut self, a: &Attachment, meta: &Meta) -> ObjectId {
        let size = a.bytes.len() as i64;
        let file = self.stream(
            dictionary! {
                "Type" => "EmbeddedFile",
                "Subtype" => Object::Name(a.mime.clone().into_bytes()),
                "Params" => dictionary! {
                    "ModDate" => Object::string_literal(xmp::pdf_date(meta.created)),
                    "Size" => size,
                },
            },
            a.bytes.clone(),
            true,
        );
        let ascii_name: String = a
            .name
            .chars()
            .map(|c| {
                if c.is_ascii() && !c.is_control() {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.add(dictionary! {
            "Type" => "Filespec",
            "F" => Object::string_literal(ascii_name),
            "UF" => xmp::text_string(&a.name),
            "Desc" => xmp::text_string(&a.description),
            "AFRelationship" => a.relationship.pdf_name(),
            "EF" => dictionary! { "F" => file, "UF" => file },
        })
    }
}

/// How deep nested arrays and dictionaries of a copied page are followed.
const MAX_COPY_DEPTH: usize = 64;

/// An attribute page `dict` inherits from its page tree (ISO 32000-1 7.7.3.4).
fn inherited<'a>(src: &'a lopdf::Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = dict;
    for _ in 0..MAX_COPY_DEPTH {
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        node = src.get_dictionary(parent).ok()?;
        if let Ok(v) = node.get(key) {
            return Some(v);
        }
    }
    None
}

/// A PDF number: an integer when whole, else a real rounded to 3 decimals.
fn real(x: f64) -> Object {
    let r = (x * 1000.0).round() / 1000.0;
    if r.fract() == 0.0 {
        Object::Integer(r as i64)
    } else {
        Object::Real(r as f32)
    }
}

/// Write `doc` byte for byte as lopdf's `save_to` writes it with a cross-reference table
/// (the kind every [`Pdf`] uses), but with each image's data copied straight from
/// `images`, and the trailer `/ID` derived while writing.
///
/// The `/ID` is the first 16 bytes of a SHA-256 over everything written before the
/// cross-reference table, except that each image's data enters as its length and CRC-32
/// (computed while it is copied) instead of byte for byte: the output is not read a
/// second time, yet any change to a page, the text, the metadata, the flavour or a tile
/// changes the `/ID`, and the same input gives the same `/ID`.
fn serialise(
    doc: &lopdf::Document,
    images: &BTreeMap<ObjectId, image::Data>,
) -> std::io::Result<Vec<u8>> {
    use lopdf::Writer;

    let image_bytes: usize = images.values().map(image::Data::len).sum();
    let stream_bytes: usize = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .map(|s| s.content.len())
        .sum();
    // Room for every stream plus generous room for the dictionaries, so the buffer is
    // never moved; capacity beyond what is written is never touched and costs no memory.
    let mut out = Vec::with_capacity(image_bytes + stream_bytes + 512 * doc.objects.len() + 4096);
    let mut id_hash = Sha256::new();
    write!(out, "%PDF-{}\n%", doc.version)?;
    out.extend_from_slice(&doc.binary_mark);
    out.push(b'\n');
    id_hash.update(&out);

    let mut offsets: Vec<(u32, u16, usize)> = Vec::with_capacity(doc.objects.len());
    for (&(id, generation), object) in &doc.objects {
        let start = out.len();
        offsets.push((id, generation, start));
        writeln!(out, "{id} {generation} obj")?;
        if Writer::need_separator(object) {
            out.push(b' ');
        }
        Writer::write_object(&mut out, object)?;
        match images.get(&(id, generation)) {
            Some(data) => {
                out.extend_from_slice(b"stream\n");
                id_hash.update(&out[start..]);
                let mut crc = crc32fast::Hasher::new();
                for part in data.parts() {
                    // In cache-sized pieces: each is checksummed right after it is copied.
                    for piece in part.chunks(1 << 16) {
                        out.extend_from_slice(piece);
                        crc.update(piece);
                    }
                }
                id_hash.update((data.len() as u64).to_be_bytes());
                id_hash.update(crc.finalize().to_be_bytes());
                let end = out.len();
                // A stream object ends as lopdf ends it: a blank before `endobj`.
                out.extend_from_slice(b"\nendstream \nendobj\n");
                id_hash.update(&out[end..]);
            }
            None => {
                if Writer::need_end_separator(object) {
                    out.push(b' ');
                }
                out.extend_from_slice(b"\nendobj\n");
                id_hash.update(&out[start..]);
            }
        }
    }
    let digest = id_hash.finalize();
    let file_id = Object::String(digest[..16].to_vec(), StringFormat::Hexadecimal);

    // A classic cross-reference table in contiguous sections; object 0 is the head of the
    // free list and joins the first section when that starts at object 1.
    let xref_start = out.len();
    out.extend_from_slice(b"xref\n");
    let mut sections: Vec<Vec<(u32, u16, usize)>> = Vec::new();
    for &entry in &offsets {
        match sections.last_mut() {
            Some(section)
                if section
                    .last()
                    .is_some_and(|last| last.0.checked_add(1) == Some(entry.0)) =>
            {
                section.push(entry)
            }
            _ => sections.push(vec![entry]),
        }
    }
    let joins = sections.first().and_then(|s| s.first()).map(|e| e.0) == Some(1);
    if !joins {
        out.extend_from_slice(b"0 1\n0000000000 65535 f \n");
    }
    for (i, section) in sections.iter().enumerate() {
        if i == 0 && joins {
            write!(out, "0 {}\n0000000000 65535 f \n", section.len() + 1)?;
        } else {
            writeln!(out, "{} {}", section[0].0, section.len())?;
        }
        for &(_, generation, offset) in section {
            writeln!(out, "{offset:>010} {generation:>05} n ")?;
        }
    }

    let mut trailer = doc.trailer.clone();
    trailer.set("ID", vec![file_id.clone(), file_id]);
    trailer.set("Size", i64::from(doc.max_id) + 1);
    out.extend_from_slice(b"trailer\n");
    Writer::write_object(&mut out, &Object::Dictionary(trailer))?;
    write!(out, "\nstartxref\n{xref_start}\n%%EOF")?;
    Ok(out)
}

/// Whether a run reads right to left: flagged so, or its first strong character is Hebrew or Arabic.
fn is_rtl(run: &model::TextRun) -> bool {
    run.rtl
        || run
            .text
            .chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(|c| matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}'))
}

/// PDF points per CSS px at device scale 1: 96 dpi.
const PT_PER_CSS_PX: f64 = 0.75;
/// The PDF/A implementation limits on page size, in units.
const MAX_PAGE: f64 = 14_400.0;
const MIN_PAGE: f64 = 3.0;

/// One tile placed in the page's full picture.
struct Placed<'a> {
    image: RgbImage<'a>,
    /// Top row in device pixels from the top of the document.
    top: u64,
}

pub(crate) fn build(
    doc: &Document,
    opts: &Options,
    extras: crate::Extras,
) -> Result<crate::Built, Error> {
    let mut pdf = Pdf::new(opts.flavour);
    let f1 = pdf.reserve_font(CidFont::new(Program::DejaVu));
    let glyphless = pdf.reserve_font(CidFont::new(Program::Glyphless));

    // Screenshot pages are laid out first (the cover lists where each page starts),
    // then the cover pages are put in front.
    let mut shots = Vec::new();
    for page in &doc.pages {
        shots.push(screenshot_pages(&mut pdf, page, glyphless)?);
    }
    let cover_pages = {
        let font = pdf.font_mut(f1).expect("font reserved above");
        crate::cover::pages(
            doc.record,
            &doc.pages,
            &shots.iter().map(Vec::len).collect::<Vec<_>>(),
            font,
            extras,
        )
    };
    // Where each screenshot page lands: after the cover pages, in order.
    let mut pdf_pages = Vec::new();
    let mut next = cover_pages.len() as u32 + 1;
    for (page, shot) in doc.pages.iter().zip(&shots) {
        for s in shot {
            pdf_pages.push(model::PdfSlice {
                label: page.facts.label.clone(),
                pdf_page: next,
                css_top: s.css_top,
                css_bottom: s.css_bottom,
            });
            next += 1;
        }
    }
    let font_res = dictionary! { "F1" => f1 };
    for content in cover_pages {
        let (w, h) = crate::layout::A4;
        pdf.page(
            w,
            h,
            content.into_bytes(),
            dictionary! { "Font" => font_res.clone() },
        );
    }
    for shot in shots.into_iter().flatten() {
        pdf.page(shot.width, shot.height, shot.content, shot.resources);
    }

    let meta = crate::cover::meta(doc.record);
    Ok(crate::Built {
        bytes: pdf.finish(&meta, &doc.attachments)?,
        pdf_pages,
    })
}

/// A screenshot page, laid out but not yet added.
struct Shot {
    width: f64,
    height: f64,
    content: Vec<u8>,
    resources: Dictionary,
    /// The rows of the captured page it shows, in CSS px.
    css_top: f64,
    css_bottom: f64,
}

/// Cut one captured page's screenshot into PDF pages of about A4 proportions.
fn screenshot_pages<'a>(
    pdf: &mut Pdf<'a>,
    page: &'a crate::PageInput,
    glyphless: ObjectId,
) -> Result<Vec<Shot>, Error> {
    let facts = page.facts;
    if page.tiles.len() != facts.tiles.len() {
        return Err(Error::TileCount {
            page: facts.label.clone(),
            tiles: page.tiles.len(),
            facts: facts.tiles.len(),
        });
    }
    if page.tiles.is_empty() {
        return Ok(Vec::new());
    }
    let scale = if facts.device_scale.is_finite() && facts.device_scale > 0.0 {
        facts.device_scale
    } else {
        1.0
    };
    let mut placed = place_tiles(page, scale)?;
    let width_px = placed
        .iter()
        .map(|p| p.image.width)
        .max()
        .unwrap_or(1)
        .max(1);
    let total_px = placed
        .iter()
        .map(|p| p.top + u64::from(p.image.height))
        .max()
        .unwrap_or(1)
        .max(1);
    // Points per device pixel: 96 dpi at device scale 1, smaller if the page would be too wide.
    let page_px = ((f64::from(width_px) * std::f64::consts::SQRT_2).round() as u64).max(1);
    let pt_per_px = (PT_PER_CSS_PX / scale)
        .min(MAX_PAGE / f64::from(width_px))
        .min(MAX_PAGE / page_px as f64)
        .max(MIN_PAGE / f64::from(width_px));
    let width_pt = f64::from(width_px) * pt_per_px;

    let image_ids = image_xobjects(pdf, &mut placed);

    // Text runs that can be placed, with their top and bottom in device pixels.
    let runs: Vec<&model::TextRun> = page
        .text_runs
        .iter()
        .filter(|r| {
            [r.x, r.y, r.width, r.height, r.font_size]
                .iter()
                .all(|v| v.is_finite())
                && r.width > 0.0
                && r.height > 0.0
        })
        .collect();
    let spans: Vec<(f64, f64)> = runs
        .iter()
        .map(|r| (r.y * scale, (r.y + r.height) * scale))
        .collect();
    let cuts = page_breaks(page, &placed, &spans, (total_px, page_px), pt_per_px);

    let mut shots = Vec::new();
    for &(start, end) in &cuts {
        // A sliver that could not join the page before it still gets the minimum page height.
        let height_pt = ((end - start) as f64 * pt_per_px).max(MIN_PAGE);
        let (mut content, xobjects) =
            draw_tiles(&placed, &image_ids, (start, end), height_pt, pt_per_px);
        let mut text = String::new();
        let font = pdf.font_mut(glyphless).expect("font reserved by build");
        for (run, &(top_px, bottom_px)) in runs.iter().zip(&spans) {
            // Each run goes on the one page that holds most of it (its middle row).
            let mid = (top_px + bottom_px) / 2.0;
            if mid < start as f64 || mid >= end as f64 {
                continue;
            }
            let geometry = RunGeometry {
                page: (start, end),
                px: (top_px, bottom_px),
                scale,
                pt_per_px,
                width_pt,
                height_pt,
            };
            if let Some(line) = run_text(font, run, &geometry) {
                text.push_str(&line);
            }
        }
        let mut resources = dictionary! { "XObject" => xobjects };
        if !text.is_empty() {
            content.push_str("BT 3 Tr\n");
            content.push_str(&text);
            content.push_str("ET\n");
            resources.set("Font", dictionary! { "G" => glyphless });
        }
        shots.push(Shot {
            width: width_pt,
            height: height_pt,
            content: content.into_bytes(),
            resources,
            css_top: start as f64 / scale,
            css_bottom: end as f64 / scale,
        });
    }
    Ok(shots)
}

/// Page breaks in device pixels for a picture `total_px` rows tall cut into
/// pages of about `page_px` rows: in gaps between lines of text (`spans`)
/// where there are any within a quarter page, else on rows of one flat
/// colour; a thin last slice joins the page before it.
fn page_breaks(
    page: &crate::PageInput,
    placed: &[Placed<'_>],
    spans: &[(f64, f64)],
    (total_px, page_px): (u64, u64),
    pt_per_px: f64,
) -> Vec<(u64, u64)> {
    // Rows of one flat colour, where a break can go without cutting anything drawn:
    // a tile is decoded the first time a break is looked for in it without a gap
    // between lines of text (most pages of text are never decoded).
    let mut decoded: Vec<Option<Vec<bool>>> = vec![None; placed.len()];
    let mut flat = |y: u64| -> bool {
        // The tile drawn last over row `y` is the one seen there.
        let Some(i) = placed
            .iter()
            .rposition(|p| p.top <= y && y < p.top + u64::from(p.image.height))
        else {
            return false;
        };
        let rows = decoded[i].get_or_insert_with(|| {
            image::flat_rows(&page.tiles[i], placed[i].image.height).unwrap_or_default()
        });
        rows.get((y - placed[i].top) as usize)
            .copied()
            .unwrap_or(false)
    };
    // Page breaks in device pixels, in gaps between lines where there are any
    // within a quarter page; a thin last slice joins the page before it.
    let mut cuts = crate::seams::cuts(
        &crate::seams::Picture {
            rows: total_px,
            text: spans,
        },
        page_px,
        page_px / 4,
        &mut flat,
    );
    join_thin_last(&mut cuts, pt_per_px);
    cuts
}

/// Each tile decoded, with its top row in device pixels: a tile may overlap
/// the ones above it, never leave a gap.
fn place_tiles<'a>(page: &'a crate::PageInput<'a>, scale: f64) -> Result<Vec<Placed<'a>>, Error> {
    let facts = page.facts;
    let mut placed: Vec<Placed> = Vec::new();
    // Bottom of the picture so far: a tile may overlap the ones above it, never leave a gap.
    let mut bottom = 0u64;
    for (bytes, tile) in page.tiles.iter().zip(&facts.tiles) {
        let image = image::load(bytes).map_err(|source| Error::Png {
            page: facts.label.clone(),
            file: tile.file.clone(),
            source,
        })?;
        let top = if tile.css_y.is_finite() && tile.css_y > 0.0 {
            ((tile.css_y * scale).round() as u64).min(bottom)
        } else {
            0
        };
        bottom = bottom.max(top + u64::from(image.height));
        placed.push(Placed { image, top });
    }
    Ok(placed)
}

/// One image XObject per tile, shared by every page it overlaps; the
/// tiles' data moves into the document.
fn image_xobjects<'a>(pdf: &mut Pdf<'a>, placed: &mut [Placed<'a>]) -> Vec<ObjectId> {
    let mut image_ids = Vec::new();
    for p in placed.iter_mut() {
        let img = &mut p.image;
        let data = std::mem::replace(&mut img.data, image::Data::Owned(Vec::new()));
        let id = pdf.image(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => i64::from(img.width),
                "Height" => i64::from(img.height),
                "ColorSpace" => "DeviceRGB",
                "BitsPerComponent" => 8,
                "Filter" => "FlateDecode",
                "DecodeParms" => dictionary! {
                    "Predictor" => 15,
                    "Colors" => 3,
                    "BitsPerComponent" => 8,
                    "Columns" => i64::from(img.width),
                },
            },
            data,
        );
        image_ids.push(id);
    }
    image_ids
}

/// A thin last slice (under an inch) joins the page before it, if that
/// page stays within the largest page size.
fn join_thin_last(cuts: &mut Vec<(u64, u64)>, pt_per_px: f64) {
    if cuts.len() > 1 {
        let (last_start, last_end) = cuts[cuts.len() - 1];
        let (prev_start, _) = cuts[cuts.len() - 2];
        let thin = ((last_end - last_start) as f64) * pt_per_px < 72.0;
        if thin && ((last_end - prev_start) as f64) * pt_per_px <= MAX_PAGE {
            cuts.pop();
            if let Some(prev) = cuts.last_mut() {
                *prev = (prev_start, last_end);
            }
        }
    }
}

/// The drawing of the tiles that overlap device rows `start..end` on a page
/// `height_pt` tall: its content and its XObjects.
fn draw_tiles(
    placed: &[Placed<'_>],
    image_ids: &[ObjectId],
    (start, end): (u64, u64),
    height_pt: f64,
    pt_per_px: f64,
) -> (String, Dictionary) {
    let mut content = String::new();
    let mut xobjects = Dictionary::new();
    for (i, p) in placed.iter().enumerate() {
        let (top, bottom) = (p.top, p.top + u64::from(p.image.height));
        if bottom <= start || top >= end {
            continue;
        }
        let name = format!("T{i}");
        xobjects.set(name.clone(), image_ids[i]);
        let w = f64::from(p.image.width) * pt_per_px;
        let h = f64::from(p.image.height) * pt_per_px;
        // Image bottom edge relative to the page's bottom edge.
        let y0 = height_pt - (top as f64 - start as f64) * pt_per_px - h;
        content.push_str(&format!(
            "q {} 0 0 {} 0 {} cm /{name} Do Q\n",
            num(w),
            num(h),
            num(y0)
        ));
    }
    (content, xobjects)
}

/// Where a text run falls: the page's device rows, the run's top and
/// bottom in device pixels, and the page's scale and size.
struct RunGeometry {
    page: (u64, u64),
    px: (f64, f64),
    scale: f64,
    pt_per_px: f64,
    width_pt: f64,
    height_pt: f64,
}

/// One run in the invisible text layer, or `None` when it shows nothing printable.
fn run_text(font: &mut CidFont, run: &model::TextRun, g: &RunGeometry) -> Option<String> {
    let RunGeometry {
        page: (start, _),
        px: (top_px, bottom_px),
        scale,
        pt_per_px,
        width_pt,
        height_pt,
    } = *g;
    let start = start as f64;
    // Visual order by the bidi algorithm, in the run's own paragraph direction:
    // readers put it back into logical order.
    let base = if is_rtl(run) { Base::Rtl } else { Base::Ltr };
    let mut shown = crate::bidi::visual(run.text.trim(), base);
    let n = shown.chars().filter(|&c| crate::font::printable(c)).count();
    if n == 0 {
        return None;
    }
    // A space after the run, just past its right edge, keeps it a separate word
    // when a reader joins runs that touch (a name in bold, then the comment).
    shown.push(' ');
    let (hex, _) = font.encode(&shown);
    // The whole glyph box is kept on the page (a reader drops a character whose
    // origin is off the page), and PDF/A-1 numbers stay within ±32 767.
    let h = (bottom_px - top_px) * pt_per_px;
    let h = h.clamp(1.0, 1000.0).min(height_pt);
    let top = ((top_px - start) * pt_per_px).clamp(0.0, height_pt - h);
    let x = (run.x * scale * pt_per_px).clamp(0.0, (width_pt - 1.0).max(0.0));
    let w = (run.width * scale * pt_per_px).min(width_pt - x);
    let baseline = height_pt - top - h * 0.8;
    // The glyphs stop a little short of the run's right edge: readers only see a word
    // break where there is a gap between glyphs (the trailing space alone is not enough).
    let w = w - (0.2 * h).min(0.3 * w);
    let tz = (100.0 * w / (n as f64 * h)).clamp(0.01, 30_000.0);
    Some(format!(
        "/G {} Tf {} Tz 1 0 0 1 {} {} Tm {} Tj\n",
        num(h),
        num(tz),
        num(x),
        num(baseline),
        hex
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small document with two image streams (one in pieces), fonts and text, as `build` makes it.
    fn document() -> (lopdf::Document, BTreeMap<ObjectId, Vec<Vec<u8>>>) {
        let mut doc = lopdf::Document::with_version("1.4");
        doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
        let pages = doc.new_object_id();
        let mut images = BTreeMap::new();
        let mut kids = Vec::new();
        for (i, parts) in [
            vec![b"abc".to_vec(), b"\n\r()".to_vec()],
            vec![vec![0xff; 70_000]],
        ]
        .into_iter()
        .enumerate()
        {
            let mut dict = dictionary! { "Type" => "XObject", "Width" => i as i64 + 1 };
            dict.set("Length", parts.iter().map(Vec::len).sum::<usize>() as i64);
            let image = doc.add_object(dict);
            images.insert(image, parts);
            let content = doc.add_object(Stream::new(Dictionary::new(), b"q /T0 Do Q".to_vec()));
            kids.push(Object::Reference(doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages,
                "MediaBox" => vec![0.into(), 0.into(), real(595.5), 842.into()],
                "Contents" => content,
                "Resources" => dictionary! { "XObject" => dictionary! { "T0" => image } },
            })));
        }
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Count" => 2, "Kids" => kids }),
        );
        let null = doc.add_object(Object::Null);
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages,
            "Lang" => Object::string_literal("sv-SE"),
            "Spare" => null,
        });
        doc.trailer.set("Root", catalog);
        (doc, images)
    }

    fn ours(doc: &lopdf::Document, images: &BTreeMap<ObjectId, Vec<Vec<u8>>>) -> Vec<u8> {
        let data = images
            .iter()
            .map(|(&id, parts)| {
                (
                    id,
                    image::Data::Chunks(parts.iter().map(Vec::as_slice).collect()),
                )
            })
            .collect();
        serialise(doc, &data).unwrap()
    }

    #[test]
    fn serialise_writes_what_lopdf_writes() {
        let (doc, images) = document();
        let mine = ours(&doc, &images);
        // lopdf with the data inside the document and our /ID in the trailer.
        let mut theirs = doc.clone();
        for (&id, parts) in &images {
            let Ok(Object::Dictionary(dict)) = theirs.get_object(id).cloned() else {
                panic!("image {id:?} is a dictionary");
            };
            let stream = Stream::new(dict, parts.concat());
            theirs.objects.insert(id, Object::Stream(stream));
        }
        let s = String::from_utf8_lossy(&mine).into_owned();
        let at = s.rfind("/ID[<").unwrap() + 5;
        let id: Vec<u8> = (0..16)
            .map(|i| u8::from_str_radix(&s[at + 2 * i..at + 2 * i + 2], 16).unwrap())
            .collect();
        let id = Object::String(id, StringFormat::Hexadecimal);
        theirs.trailer.set("ID", vec![id.clone(), id]);
        let mut expected = Vec::new();
        theirs.save_to(&mut expected).unwrap();
        let first_difference = mine.iter().zip(&expected).position(|(a, b)| a != b);
        assert!(
            mine == expected,
            "lengths {} and {}, first difference at {first_difference:?}",
            mine.len(),
            expected.len()
        );
    }

    #[test]
    fn id_changes_with_image_data_and_with_the_rest() {
        let (doc, images) = document();
        let id = |pdf: &[u8]| {
            let s = String::from_utf8_lossy(pdf).into_owned();
            let at = s.rfind("/ID[<").unwrap();
            s[at..at + 38].to_string()
        };
        let base = id(&ours(&doc, &images));
        assert_eq!(base, id(&ours(&doc, &images)));
        let mut one_byte = images.clone();
        if let Some(parts) = one_byte.values_mut().last() {
            parts[0][69_999] = 0xfe;
        }
        assert_ne!(base, id(&ours(&doc, &one_byte)));
        let mut moved = images.clone();
        if let Some(parts) = moved.values_mut().next() {
            // Same bytes, split differently: the same stream, the same /ID.
            *parts = vec![b"ab".to_vec(), b"c\n\r()".to_vec()];
        }
        assert_eq!(base, id(&ours(&doc, &moved)));
        let mut other = doc.clone();
        other.trailer.set("Info", Object::Null);
        other.objects.insert((1, 0), Object::Null);
        assert_ne!(base, id(&ours(&other, &images)));
    }
}
