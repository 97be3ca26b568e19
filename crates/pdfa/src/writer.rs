//! Assembling the PDF objects of a PDF/A document with lopdf.
//!
//! [`Pdf`] holds a lopdf document and knows the PDF/A furniture every file
//! needs (XMP, Info, sRGB OutputIntent, fonts, trailer `/ID`); [`build`] lays
//! out the ögonblicksbild itself: cover pages, then screenshot pages.

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};

use crate::font::{CidFont, Program};
use crate::image::{self, RgbImage};
use crate::layout::num;
use crate::xmp::{self, Meta};
use crate::{Attachment, Document, Error, Flavour, Options};

/// sRGB IEC 61966-2.1, ICC v2, from Debian's icc-profiles-free (zlib licence; see `assets/sRGB.icc.LICENSE`).
const SRGB_ICC: &[u8] = include_bytes!("../assets/sRGB.icc");

/// Placeholder for the trailer `/ID`, replaced by a hash of the finished file.
const ID_PLACEHOLDER: &[u8; 16] = b"ogonblick-id-tbd";

/// A PDF/A document under construction.
#[derive(Debug)]
pub(crate) struct Pdf {
    doc: lopdf::Document,
    flavour: Flavour,
    pages_id: ObjectId,
    page_ids: Vec<ObjectId>,
    /// Fonts whose objects are written at [`Pdf::finish`], by reserved id.
    fonts: Vec<(ObjectId, CidFont)>,
}

impl Pdf {
    pub fn new(flavour: Flavour) -> Pdf {
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
        let placeholder = Object::String(ID_PLACEHOLDER.to_vec(), StringFormat::Hexadecimal);
        self.doc
            .trailer
            .set("ID", vec![placeholder.clone(), placeholder]);

        let mut out = Vec::new();
        self.doc.save_to(&mut out).map_err(Error::Write)?;
        // The /ID is a hash of the file's content: same input, same bytes, yet unique per document.
        let digest = Sha256::digest(&out);
        let id_hex: String = digest.iter().take(16).map(|b| format!("{b:02X}")).collect();
        let placeholder_hex: String = ID_PLACEHOLDER.iter().map(|b| format!("{b:02X}")).collect();
        let trailer_at = find_last(&out, b"trailer").unwrap_or(0);
        let mut at = trailer_at;
        while let Some(pos) = find(&out[at..], placeholder_hex.as_bytes()) {
            let start = at + pos;
            out[start..start + id_hex.len()].copy_from_slice(id_hex.as_bytes());
            at = start + id_hex.len();
        }
        Ok(out)
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

/// A PDF number: an integer when whole, else a real rounded to 3 decimals.
fn real(x: f64) -> Object {
    let r = (x * 1000.0).round() / 1000.0;
    if r.fract() == 0.0 {
        Object::Integer(r as i64)
    } else {
        Object::Real(r as f32)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
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
struct Placed {
    image: RgbImage,
    /// Top row in device pixels from the top of the document.
    top: u64,
}

pub(crate) fn build(doc: &Document, opts: &Options) -> Result<Vec<u8>, Error> {
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
        )
    };
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
    pdf.finish(&meta, &doc.attachments)
}

/// A screenshot page, laid out but not yet added.
struct Shot {
    width: f64,
    height: f64,
    content: Vec<u8>,
    resources: Dictionary,
}

/// Cut one captured page's screenshot into PDF pages of about A4 proportions.
fn screenshot_pages(
    pdf: &mut Pdf,
    page: &crate::PageInput,
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

    // Image XObjects, shared by every page they overlap.
    let mut image_ids = Vec::new();
    for p in &mut placed {
        let img = &mut p.image;
        let id = pdf.stream(
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
            std::mem::take(&mut img.data),
            false,
        );
        image_ids.push(id);
    }

    // Page cuts in device pixels; a thin last slice joins the page before it.
    let mut cuts = Vec::new();
    let mut y = 0;
    while y < total_px {
        let end = (y + page_px).min(total_px);
        cuts.push((y, end));
        y = end;
    }
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

    // Text runs in device pixels, assigned to the page holding their middle.
    let css_to_px = scale;
    let mut shots = Vec::new();
    for &(start, end) in &cuts {
        // A sliver that could not join the page before it still gets the minimum page height.
        let height_pt = ((end - start) as f64 * pt_per_px).max(MIN_PAGE);
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
        let mut text = String::new();
        let font = pdf.font_mut(glyphless).expect("font reserved by build");
        for run in page.text_runs {
            let vals = [run.x, run.y, run.width, run.height, run.font_size];
            if vals.iter().any(|v| !v.is_finite()) || run.width <= 0.0 || run.height <= 0.0 {
                continue;
            }
            let mid = (run.y + run.height / 2.0) * css_to_px;
            if mid < start as f64 || mid >= end as f64 {
                continue;
            }
            // Right-to-left text goes in visual order: readers put it back into logical order.
            let mut shown: String = if is_rtl(run) {
                run.text.trim().chars().rev().collect()
            } else {
                run.text.trim().to_string()
            };
            let n = shown.chars().filter(|&c| crate::font::printable(c)).count();
            if n == 0 {
                continue;
            }
            // A space after the run, just past its right edge, keeps it a separate word
            // when a reader joins runs that touch (a name in bold, then the comment).
            shown.push(' ');
            let (hex, _) = font.encode(&shown);
            // Kept on the page: PDF/A-1 numbers stay within ±32 767.
            let x = (run.x * css_to_px * pt_per_px).clamp(0.0, (width_pt - 1.0).max(0.0));
            let top = (run.y * css_to_px - start as f64) * pt_per_px;
            let h = (run.height * css_to_px * pt_per_px).clamp(1.0, 1000.0);
            let w = run.width * css_to_px * pt_per_px;
            let baseline = height_pt - top - h * 0.8;
            // The glyphs stop a little short of the run's right edge: readers only see a word
            // break where there is a gap between glyphs (the trailing space alone is not enough).
            let w = w - (0.2 * h).min(0.3 * w);
            let tz = (100.0 * w / (n as f64 * h)).clamp(0.01, 30_000.0);
            text.push_str(&format!(
                "/G {} Tf {} Tz 1 0 0 1 {} {} Tm {} Tj\n",
                num(h),
                num(tz),
                num(x),
                num(baseline),
                hex
            ));
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
        });
    }
    Ok(shots)
}
