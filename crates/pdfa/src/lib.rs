//! Turning a capture into PDF/A bytes, and checking any PDF against PDF/A rules. No I/O.
//!
//! [`build`] makes the ögonblicksbild document (cover page, then every captured
//! page as lossless screenshots with an invisible text layer), [`delivery_list`]
//! makes the PDF/A leveranslista of a delivery, [`excerpt`] copies pages of a
//! sealed snapshot into an *utdrag* with a cover that traces it, and [`check`]
//! reads any PDF and reports which ISO 19005 rules it breaks. The caller reads and writes files.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

mod bidi;
mod changes;
mod check;
mod cover;
mod delivery;
mod excerpt;
mod font;
mod image;
mod layout;
mod num;
mod seams;
mod shape;
mod sv;
mod writer;
mod xmp;

pub use check::{check, Failure, Report, Unreadable};
pub use excerpt::{excerpt, trace, Excerpt, ExcerptBuilt, Trace};

/// The PDF/A part and conformance level of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Flavour {
    /// PDF/A-1b (ISO 19005-1, level B): what RA-FS 2009:2 names. The default.
    #[default]
    A1b,
    /// PDF/A-2b (ISO 19005-2, level B).
    A2b,
    /// PDF/A-2u (ISO 19005-2, level U): every glyph maps to Unicode.
    A2u,
    /// PDF/A-3b (ISO 19005-3, level B): embeds the raw capture as associated files.
    A3b,
}

impl Flavour {
    /// Every flavour, in the order the CLI lists them.
    pub const ALL: [Flavour; 4] = [Flavour::A1b, Flavour::A2b, Flavour::A2u, Flavour::A3b];

    /// The ISO 19005 part: 1, 2 or 3.
    pub fn part(self) -> u8 {
        match self {
            Flavour::A1b => 1,
            Flavour::A2b | Flavour::A2u => 2,
            Flavour::A3b => 3,
        }
    }

    /// The conformance level letter as XMP writes it: `B` or `U`.
    pub fn conformance(self) -> &'static str {
        match self {
            Flavour::A2u => "U",
            _ => "B",
        }
    }

    /// The flavour for an XMP `pdfaid:part` and `pdfaid:conformance`, if we know it.
    pub fn from_part(part: u8, conformance: &str) -> Option<Flavour> {
        match (part, conformance.to_ascii_uppercase().as_str()) {
            (1, "B") | (1, "A") => Some(Flavour::A1b),
            (2, "B") | (2, "A") => Some(Flavour::A2b),
            (2, "U") => Some(Flavour::A2u),
            (3, "B") | (3, "A") | (3, "U") => Some(Flavour::A3b),
            _ => None,
        }
    }
}

impl fmt::Display for Flavour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Flavour::A1b => "1b",
            Flavour::A2b => "2b",
            Flavour::A2u => "2u",
            Flavour::A3b => "3b",
        })
    }
}

impl FromStr for Flavour {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().trim_start_matches("pdf/a-") {
            "1b" => Ok(Flavour::A1b),
            "2b" => Ok(Flavour::A2b),
            "2u" => Ok(Flavour::A2u),
            "3b" => Ok(Flavour::A3b),
            _ => Err(Error::UnknownFlavour {
                given: s.to_string(),
            }),
        }
    }
}

/// How to build a document.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub flavour: Flavour,
}

/// One captured page: its facts, its tiles' PNG bytes and its text runs.
#[derive(Debug, Clone)]
pub struct PageInput<'a> {
    pub facts: &'a model::PageFacts,
    /// PNG bytes of every tile, in `facts.tiles` order.
    pub tiles: Vec<Vec<u8>>,
    /// The page's text runs (CSS px, document coordinates).
    pub text_runs: &'a [model::TextRun],
}

/// How an associated file relates to the document (PDF 2.0 `/AFRelationship`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfRelationship {
    /// The file the document was made from (the MHTML snapshot).
    Source,
    /// Data the document presents (record.json).
    Data,
    /// Supplementary material.
    Supplement,
}

impl AfRelationship {
    pub(crate) fn pdf_name(self) -> &'static str {
        match self {
            AfRelationship::Source => "Source",
            AfRelationship::Data => "Data",
            AfRelationship::Supplement => "Supplement",
        }
    }
}

/// A file to embed as an associated file (PDF/A-3b only; ignored otherwise).
#[derive(Debug, Clone)]
pub struct Attachment {
    /// File name as shown in a PDF reader (`record.json`).
    pub name: String,
    pub bytes: Vec<u8>,
    /// MIME type (`application/json`, `multipart/related`).
    pub mime: String,
    pub description: String,
    pub relationship: AfRelationship,
}

/// Everything one ögonblicksbild document is made of.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The record: cover-page data; `record.files` is the SHA-256 of every raw file.
    pub record: &'a model::Record,
    pub pages: Vec<PageInput<'a>>,
    /// Embedded only for [`Flavour::A3b`].
    pub attachments: Vec<Attachment>,
}

/// The header of a PDF/A leveranslista (delivery list).
#[derive(Debug, Clone)]
pub struct DeliveryList {
    pub organisation: String,
    /// Arkivbildare.
    pub archive_creator: String,
    /// Organisationsnummer (`NNNNNN-NNNN`); empty when the register has none.
    pub organisation_number: String,
    /// `2026-H1`.
    pub period: String,
    /// When the delivery was made (from the caller; never `now()` in here).
    pub created: DateTime<Utc>,
    pub rows: Vec<DeliveryRow>,
}

/// One record in a delivery list.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub record_id: String,
    /// "Ögonblicksbild av Facebooksidan Gislaveds kommun, 2026 H1".
    pub description: String,
    pub captured: DateTime<Utc>,
    /// Handlingstyp: `upprättad` or `inkommen`.
    pub handling: String,
    /// Empty until the registrar assigns one.
    pub diarienummer: String,
    /// Path of the file inside the delivery.
    pub file: String,
    pub sha256: String,
}

/// Why a document could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("unknown PDF/A flavour `{given}`; use one of 1b, 2b, 2u, 3b")]
    UnknownFlavour { given: String },
    #[error("page `{page}` has {tiles} tile file(s) for {facts} tile(s) in its facts")]
    TileCount {
        page: String,
        tiles: usize,
        facts: usize,
    },
    #[error("tile {file} of page `{page}` is not a usable PNG; re-run the capture of that page")]
    Png {
        page: String,
        /// The tile's path as the page facts give it.
        file: String,
        #[source]
        source: image::PngError,
    },
    #[error("the embedded font could not be subset")]
    Font(#[source] font::FontError),
    #[error(
        "pages {first}-{last} are not in the document: it has {count} page(s), numbered from 1"
    )]
    PageRange { first: u32, last: u32, count: u32 },
    #[error("the sealed snapshot.pdf cannot be read as PDF/A: {reason}")]
    Source { reason: String },
    #[error("the PDF could not be serialised")]
    Write(#[source] std::io::Error),
}

/// Build the ögonblicksbild PDF/A document: cover page, then every captured page.
///
/// The result depends only on `doc` and `opts`: two builds give the same bytes.
pub fn build(doc: &Document, opts: &Options) -> Result<Vec<u8>, Error> {
    writer::build(doc, opts, Extras::default()).map(|b| b.bytes)
}

/// What the cover page says beyond the record itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Extras<'a> {
    /// The comparison with the account's previous half-year record
    /// (*förändringar sedan föregående ögonblicksbild*); `None` says nothing.
    pub changes: Option<&'a model::Changes>,
}

/// A built document and where each captured page lies in it.
#[derive(Debug, Clone)]
pub struct Built {
    pub bytes: Vec<u8>,
    /// One slice per screenshot page, in page order.
    pub pdf_pages: Vec<model::PdfSlice>,
}

/// Like [`build`], with `extras` on the cover page, and says which PDF page
/// shows which rows of each captured page (for `posts.json` and the search index).
pub fn build_placed(doc: &Document, opts: &Options, extras: Extras) -> Result<Built, Error> {
    writer::build(doc, opts, extras)
}

/// Build the PDF/A-1b leveranslista (delivery list) in Swedish.
pub fn delivery_list(list: &DeliveryList) -> Result<Vec<u8>, Error> {
    delivery::build(list)
}
