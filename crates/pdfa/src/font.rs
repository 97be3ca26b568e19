//! Fonts: the embedded DejaVu Sans subset for visible text and the glyphless font for the text layer.
//!
//! Both are written as Type 0 fonts over a CIDFontType2 with `Identity-H`
//! encoding. CIDs are handed out per distinct character in order of first use
//! (CID 0 stays unused), a `/CIDToGIDMap` stream maps each CID to its glyph and
//! the ToUnicode CMap maps it back to the character, so text extraction gives
//! the original text even where the visible glyph is a stand-in.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// DejaVu Sans, Bitstream Vera licence (see `assets/DejaVuSans.ttf.LICENSE`).
const DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The font program could not be built.
#[derive(Debug, thiserror::Error)]
#[error("font subsetting failed: {0}")]
pub struct FontError(pub String);

/// The metrics and character map of a TrueType font.
#[derive(Debug)]
pub(crate) struct Face {
    pub data: &'static [u8],
    pub units_per_em: u16,
    pub ascent: i16,
    pub descent: i16,
    pub bbox: [i16; 4],
    cmap: BTreeMap<u32, u16>,
    advances: Vec<u16>,
    num_glyphs: u16,
}

/// DejaVu Sans, parsed once.
pub(crate) fn dejavu() -> &'static Face {
    static FACE: OnceLock<Face> = OnceLock::new();
    FACE.get_or_init(|| Face::parse(DEJAVU_SANS).unwrap_or_else(|| Face::empty(DEJAVU_SANS)))
}

fn u16_at(data: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(off..off + 2)?.try_into().ok()?))
}

fn i16_at(data: &[u8], off: usize) -> Option<i16> {
    u16_at(data, off).map(|v| v as i16)
}

fn u32_at(data: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(off..off + 4)?.try_into().ok()?))
}

/// The bytes of table `tag` of an sfnt font.
pub(crate) fn table<'a>(data: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let count = u16_at(data, 4)? as usize;
    (0..count).find_map(|i| {
        let rec = 12 + 16 * i;
        if data.get(rec..rec + 4)? != tag {
            return None;
        }
        let off = u32_at(data, rec + 8)? as usize;
        let len = u32_at(data, rec + 12)? as usize;
        data.get(off..off.checked_add(len)?)
    })
}

impl Face {
    fn empty(data: &'static [u8]) -> Face {
        Face {
            data,
            units_per_em: 1000,
            ascent: 800,
            descent: -200,
            bbox: [0, -200, 1000, 800],
            cmap: BTreeMap::new(),
            advances: vec![1000],
            num_glyphs: 1,
        }
    }

    fn parse(data: &'static [u8]) -> Option<Face> {
        let head = table(data, b"head")?;
        let hhea = table(data, b"hhea")?;
        let maxp = table(data, b"maxp")?;
        let hmtx = table(data, b"hmtx")?;
        let num_glyphs = u16_at(maxp, 4)?;
        let metrics = u16_at(hhea, 34)? as usize;
        let mut advances = Vec::with_capacity(num_glyphs as usize);
        let mut last = 0;
        for gid in 0..num_glyphs as usize {
            if gid < metrics {
                last = u16_at(hmtx, gid * 4)?;
            }
            advances.push(last);
        }
        Some(Face {
            data,
            units_per_em: u16_at(head, 18)?,
            ascent: i16_at(hhea, 4)?,
            descent: i16_at(hhea, 6)?,
            bbox: [
                i16_at(head, 36)?,
                i16_at(head, 38)?,
                i16_at(head, 40)?,
                i16_at(head, 42)?,
            ],
            cmap: parse_cmap(table(data, b"cmap")?)?,
            advances,
            num_glyphs,
        })
    }

    /// The glyph for `c`, if the font has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        self.cmap
            .get(&(c as u32))
            .copied()
            .filter(|&g| g != 0 && g < self.num_glyphs)
    }

    /// Advance width of glyph `gid` in 1/1000 em.
    pub fn advance(&self, gid: u16) -> f64 {
        let units = self.advances.get(gid as usize).copied().unwrap_or(0);
        f64::from(units) * 1000.0 / f64::from(self.units_per_em.max(1))
    }

    /// The glyph drawn for `c`: its own, or a white square standing in for it.
    pub fn glyph_or_standin(&self, c: char) -> u16 {
        self.glyph(c)
            .or_else(|| self.glyph('\u{25A1}'))
            .or_else(|| self.glyph('?'))
            .unwrap_or(0)
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f64) -> f64 {
        text.chars()
            .map(|c| self.advance(self.glyph_or_standin(c)))
            .sum::<f64>()
            * size
            / 1000.0
    }
}

/// The Unicode → glyph map from a `cmap` table (formats 4 and 12).
fn parse_cmap(cmap: &[u8]) -> Option<BTreeMap<u32, u16>> {
    let count = u16_at(cmap, 2)? as usize;
    let mut best: Option<(u8, usize)> = None;
    for i in 0..count {
        let rec = 4 + 8 * i;
        let platform = u16_at(cmap, rec)?;
        let encoding = u16_at(cmap, rec + 2)?;
        let off = u32_at(cmap, rec + 4)? as usize;
        let rank = match (platform, encoding) {
            (3, 10) | (0, 4) | (0, 6) => 2,
            (3, 1) | (0, 3) => 1,
            _ => continue,
        };
        if best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, off));
        }
    }
    let (_, off) = best?;
    let sub = cmap.get(off..)?;
    let mut map = BTreeMap::new();
    match u16_at(sub, 0)? {
        4 => {
            let segs = u16_at(sub, 6)? as usize / 2;
            let ends = 14;
            let starts = ends + 2 * segs + 2;
            let deltas = starts + 2 * segs;
            let ranges = deltas + 2 * segs;
            for s in 0..segs {
                let end = u16_at(sub, ends + 2 * s)?;
                let start = u16_at(sub, starts + 2 * s)?;
                let delta = u16_at(sub, deltas + 2 * s)?;
                let range = u16_at(sub, ranges + 2 * s)? as usize;
                if start == 0xFFFF {
                    continue;
                }
                for c in start..=end {
                    let gid = if range == 0 {
                        c.wrapping_add(delta)
                    } else {
                        let at = ranges + 2 * s + range + 2 * (c - start) as usize;
                        match u16_at(sub, at)? {
                            0 => 0,
                            g => g.wrapping_add(delta),
                        }
                    };
                    if gid != 0 {
                        map.insert(u32::from(c), gid);
                    }
                }
            }
        }
        12 => {
            let groups = u32_at(sub, 12)? as usize;
            for g in 0..groups.min(100_000) {
                let rec = 16 + 12 * g;
                let (start, end, gid) = (
                    u32_at(sub, rec)?,
                    u32_at(sub, rec + 4)?,
                    u32_at(sub, rec + 8)?,
                );
                for (i, c) in (start..=end.min(start.saturating_add(0x10000))).enumerate() {
                    if let Ok(g) = u16::try_from(gid as usize + i) {
                        map.insert(c, g);
                    }
                }
            }
        }
        _ => return None,
    }
    Some(map)
}

/// Which font program a [`CidFont`] embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Program {
    /// A subset of DejaVu Sans: visible text.
    DejaVu,
    /// One empty glyph for every character: the invisible text layer.
    Glyphless,
}

/// Highest CID handed out; further new characters share the last one.
const MAX_CID: u16 = 65_000;

/// What a CID stands for: a character drawn with its own glyph, or a glyph a shaper
/// chose (an Arabic letter's joining form, a ligature) and the text it shows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Entry {
    Char(char),
    Glyph(u16, String),
}

impl Entry {
    /// The text a reader gets for this CID (ToUnicode).
    fn text(&self) -> String {
        match self {
            Entry::Char(c) => c.to_string(),
            Entry::Glyph(_, t) => t.clone(),
        }
    }
}

/// A composite font being filled with the characters a document uses.
#[derive(Debug)]
pub(crate) struct CidFont {
    pub program: Program,
    cids: BTreeMap<Entry, u16>,
    /// Entries by CID (index 0 = CID 1).
    chars: Vec<Entry>,
}

/// Whether `c` can be written to a PDF text layer at all.
/// Control characters, byte-order marks, non-characters and bidi formatting controls
/// (readers order the text themselves) are dropped; joiners such as U+200D stay, as emoji
/// sequences need them.
pub(crate) fn printable(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' | '\u{200E}' | '\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

impl CidFont {
    pub fn new(program: Program) -> CidFont {
        CidFont {
            program,
            cids: BTreeMap::new(),
            chars: Vec::new(),
        }
    }

    /// The CID of `c`, handing out a new one on first use.
    pub fn cid(&mut self, c: char) -> u16 {
        self.entry(Entry::Char(c))
    }

    fn entry(&mut self, e: Entry) -> u16 {
        if let Some(&cid) = self.cids.get(&e) {
            return cid;
        }
        if self.chars.len() >= usize::from(MAX_CID) {
            return MAX_CID;
        }
        self.chars.push(e.clone());
        let cid = self.chars.len() as u16;
        self.cids.insert(e, cid);
        cid
    }

    /// Shaped glyphs (in the order drawn) as a `TJ` array of 2-byte CIDs, with the
    /// shaper's advances where they differ from the font's own (1/1000 em).
    pub fn encode_shaped(&mut self, glyphs: &[Glyph]) -> String {
        let face = dejavu();
        let mut out = String::from("[");
        for g in glyphs {
            let cid = self.entry(Entry::Glyph(g.gid, g.text.clone()));
            out.push_str(&format!("<{cid:04X}>"));
            let adjust = face.advance(g.gid) - g.advance;
            if adjust.abs() > 0.5 {
                out.push_str(&crate::num::num(adjust.round()));
            }
        }
        out.push(']');
        out
    }

    /// `text` as a PDF hex string of 2-byte CIDs (unprintable characters dropped).
    pub fn encode(&mut self, text: &str) -> (String, usize) {
        let mut hex = String::with_capacity(text.len() * 4 + 2);
        let mut n = 0;
        hex.push('<');
        for c in text.chars().filter(|&c| printable(c)) {
            hex.push_str(&format!("{:04X}", self.cid(c)));
            n += 1;
        }
        hex.push('>');
        (hex, n)
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The ToUnicode CMap: every CID to its character in UTF-16BE.
    pub fn to_unicode(&self) -> Vec<u8> {
        let mut out = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        for chunk in self.chars.chunks(100).enumerate() {
            let (block, chars) = chunk;
            out.push_str(&format!("{} beginbfchar\n", chars.len()));
            for (i, c) in chars.iter().enumerate() {
                let cid = block * 100 + i + 1;
                let units: String = c
                    .text()
                    .encode_utf16()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                out.push_str(&format!("<{cid:04X}> <{units}>\n"));
            }
            out.push_str("endbfchar\n");
        }
        out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        out.into_bytes()
    }
}

/// The pieces of a composite font as PDF needs them.
#[derive(Debug)]
pub(crate) struct Built {
    /// `ABCDEF+DejaVuSans` or `GlyphLessFont`.
    pub base_font: String,
    pub program: Vec<u8>,
    /// CID → GID, two bytes per CID from CID 0.
    pub cid_to_gid: Vec<u8>,
    /// Width of every CID from 1, in 1/1000 em.
    pub widths: Vec<f64>,
    /// The `/CIDSet` bits for a subset, `None` for the glyphless font.
    pub cid_set: Option<Vec<u8>>,
    pub ascent: f64,
    pub descent: f64,
    pub bbox: [f64; 4],
}

impl CidFont {
    /// Build the font program and tables for the characters used so far.
    pub fn build(&self) -> Result<Built, FontError> {
        match self.program {
            Program::Glyphless => Ok(Built {
                base_font: "GlyphLessFont".into(),
                program: glyphless_program(),
                cid_to_gid: std::iter::once([0u8, 0u8])
                    .chain(self.chars.iter().map(|_| [0u8, 1u8]))
                    .flatten()
                    .collect(),
                widths: vec![GLYPHLESS_ADVANCE; self.chars.len()],
                cid_set: None,
                ascent: 800.0,
                descent: -200.0,
                bbox: [0.0, -200.0, 1000.0, 800.0],
            }),
            Program::DejaVu => {
                let face = dejavu();
                let mut remapper = subsetter::GlyphRemapper::new();
                remapper.remap(0);
                let gids: Vec<u16> = self
                    .chars
                    .iter()
                    .map(|e| match e {
                        Entry::Char(c) => face.glyph_or_standin(*c),
                        Entry::Glyph(g, _) => *g,
                    })
                    .collect();
                for &g in &gids {
                    remapper.remap(g);
                }
                let program = subsetter::subset(face.data, 0, &remapper)
                    .map_err(|e| FontError(format!("{e:?}")))?;
                let mut cid_to_gid = vec![0u8, 0u8];
                for &g in &gids {
                    let new = remapper.get(g).unwrap_or(0);
                    cid_to_gid.extend_from_slice(&new.to_be_bytes());
                }
                let ncids = self.chars.len() + 1;
                let mut cid_set = vec![0u8; ncids.div_ceil(8)];
                for cid in 0..ncids {
                    cid_set[cid / 8] |= 0x80 >> (cid % 8);
                }
                let mut hasher = Sha256::new();
                for g in &gids {
                    hasher.update(g.to_be_bytes());
                }
                let digest = hasher.finalize();
                let tag: String = digest
                    .iter()
                    .take(6)
                    .map(|b| char::from(b'A' + b % 26))
                    .collect();
                let scale = 1000.0 / f64::from(face.units_per_em.max(1));
                Ok(Built {
                    base_font: format!("{tag}+DejaVuSans"),
                    program,
                    cid_to_gid,
                    widths: gids.iter().map(|&g| face.advance(g).round()).collect(),
                    cid_set: Some(cid_set),
                    ascent: (f64::from(face.ascent) * scale).round(),
                    descent: (f64::from(face.descent) * scale).round(),
                    bbox: face.bbox.map(|v| (f64::from(v) * scale).round()),
                })
            }
        }
    }
}

/// Advance of the glyphless font's one glyph, in 1/1000 em (units per em = 1000).
pub(crate) const GLYPHLESS_ADVANCE: f64 = 1000.0;

/// A TrueType font with two empty glyphs (.notdef and the one every CID maps to),
/// both 1000 units wide at 1000 units per em. Tesseract's "glyphless font" idea.
pub(crate) fn glyphless_program() -> Vec<u8> {
    let mut head = Vec::new();
    be32(&mut head, 0x0001_0000); // version
    be32(&mut head, 0x0001_0000); // fontRevision
    be32(&mut head, 0); // checkSumAdjustment, patched below
    be32(&mut head, 0x5F0F_3CF5); // magicNumber
    be16(&mut head, 0x000B); // flags
    be16(&mut head, 1000); // unitsPerEm
    head.extend_from_slice(&[0; 16]); // created, modified
    for v in [0i16, -200, 1000, 800] {
        be16(&mut head, v as u16); // xMin yMin xMax yMax
    }
    be16(&mut head, 0); // macStyle
    be16(&mut head, 8); // lowestRecPPEM
    be16(&mut head, 2); // fontDirectionHint
    be16(&mut head, 0); // indexToLocFormat: short
    be16(&mut head, 0); // glyphDataFormat

    let mut hhea = Vec::new();
    be32(&mut hhea, 0x0001_0000);
    for v in [800i16, -200, 0] {
        be16(&mut hhea, v as u16); // ascender descender lineGap
    }
    be16(&mut hhea, 1000); // advanceWidthMax
    for v in [0i16, 0, 1000, 1, 0, 0, 0, 0, 0, 0, 0] {
        be16(&mut hhea, v as u16); // minLSB minRSB xMaxExtent caretSlopeRise caretSlopeRun caretOffset reserved×4 metricDataFormat
    }
    be16(&mut hhea, 2); // numberOfHMetrics

    let mut maxp = Vec::new();
    be32(&mut maxp, 0x0001_0000);
    be16(&mut maxp, 2); // numGlyphs
    for v in [0u16, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0] {
        be16(&mut maxp, v);
    }

    let mut hmtx = Vec::new();
    for _ in 0..2 {
        be16(&mut hmtx, GLYPHLESS_ADVANCE as u16);
        be16(&mut hmtx, 0);
    }
    let loca = vec![0u8; 6];
    let glyf = vec![0u8; 4];

    let mut post = Vec::new();
    be32(&mut post, 0x0003_0000);
    be32(&mut post, 0); // italicAngle
    be16(&mut post, (-100i16) as u16);
    be16(&mut post, 50);
    be32(&mut post, 0); // isFixedPitch
    post.extend_from_slice(&[0; 16]);

    let name = glyphless_name();
    let cmap = glyphless_cmap();

    let tables: [(&[u8; 4], Vec<u8>); 9] = [
        (b"cmap", cmap),
        (b"glyf", glyf),
        (b"head", head),
        (b"hhea", hhea),
        (b"hmtx", hmtx),
        (b"loca", loca),
        (b"maxp", maxp),
        (b"name", name),
        (b"post", post),
    ];
    sfnt(&tables)
}

/// The glyphless font's `name` table: its family, style and full names.
fn glyphless_name() -> Vec<u8> {
    let names: [(u16, &str); 4] = [
        (1, "GlyphLessFont"),
        (2, "Regular"),
        (4, "GlyphLessFont"),
        (6, "GlyphLessFont"),
    ];
    let mut name = Vec::new();
    let mut strings = Vec::new();
    be16(&mut name, 0);
    be16(&mut name, names.len() as u16);
    be16(&mut name, 6 + 12 * names.len() as u16);
    for (id, text) in names {
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for v in [3u16, 1, 0x409, id, bytes.len() as u16, strings.len() as u16] {
            be16(&mut name, v);
        }
        strings.extend_from_slice(&bytes);
    }
    name.extend_from_slice(&strings);
    name
}

/// The glyphless font's `cmap` table.
fn glyphless_cmap() -> Vec<u8> {
    let mut cmap = Vec::new();
    // One format-4 subtable mapping the space to glyph 1 (CIDs reach glyphs through /CIDToGIDMap).
    for v in [0u16, 1, 3, 1] {
        be16(&mut cmap, v);
    }
    be32(&mut cmap, 12);
    for v in [
        4u16,
        32,
        0,
        4,
        4,
        1,
        0,
        0x20,
        0xFFFF,
        0,
        0x20,
        0xFFFF,
        1u16.wrapping_sub(0x20),
        1,
        0,
        0,
    ] {
        be16(&mut cmap, v);
    }
    cmap
}

fn be16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_be_bytes());
}

fn be32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_be_bytes());
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// An sfnt file from tables sorted by tag.
fn sfnt(tables: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let pow = 1u16 << (15 - n.leading_zeros() as u16);
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [n, pow * 16, pow.trailing_zeros() as u16, n * 16 - pow * 16] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(*tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if *tag == b"head" {
            head_at = Some(offset - 12 - 16 * tables.len());
        }
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + 16 * tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        let at = 12 + 16 * tables.len() + at + 8;
        out[at..at + 4].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

/// One shaped glyph of DejaVu Sans, in the order it is drawn (left to right).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    pub gid: u16,
    /// The characters it shows, in visual order (reversed for right-to-left glyphs),
    /// so that a reader undoing the visual order gets the logical text.
    pub text: String,
    /// Advance in 1/1000 em, as the shaper placed it.
    pub advance: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_maps_swedish_letters() {
        let face = dejavu();
        for c in "åäöÅÄÖé".chars() {
            assert!(face.glyph(c).is_some(), "{c}");
        }
        assert!(face.glyph('中').is_none());
        assert!(face.width("Diarienummer", 10.0) > 40.0);
    }

    #[test]
    fn glyphless_program_has_valid_table_directory() {
        let font = glyphless_program();
        assert_eq!(checksum(&font), 0xB1B0_AFBA);
        assert_eq!(table(&font, b"maxp").and_then(|m| u16_at(m, 4)), Some(2));
    }
}
