//! The plain data that crosses crate boundaries: what a capture produced,
//! what a register entry says, what a sealed record describes.
//!
//! Only serde types live here: no I/O, no browser, no PDF, no archive layout.
//! `capture` fills [`PageFacts`] and [`TextRun`]s, `pdfa` reads them to build
//! the document, `registry` stores them in `record.json`.

pub mod display;
pub mod json;
mod note;

pub use note::{Finding, Note};

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A contact person or function in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The `[organisation]` table of `accounts.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    /// Arkivbildare: the body that creates the archive.
    pub archive_creator: String,
    /// Organisationsnummer, `NNNNNN-NNNN` with a valid check digit: who
    /// delivered, in the E-ARK agents, bag-info and the delivery list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

/// The platform an account lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Facebook,
    Instagram,
    X,
    Youtube,
    Linkedin,
    Blog,
    Other,
}

impl Platform {
    /// The platform's name as a Swedish reader writes it ("Facebook", "X", "blogg").
    pub fn display_sv(self) -> &'static str {
        match self {
            Platform::Facebook => "Facebook",
            Platform::Instagram => "Instagram",
            Platform::X => "X",
            Platform::Youtube => "YouTube",
            Platform::Linkedin => "LinkedIn",
            Platform::Blog => "blogg",
            Platform::Other => "annan plattform",
        }
    }
}

/// How long records of the account are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Retention {
    /// Kept for ever.
    Bevaras,
    /// Disposed of when no longer relevant.
    GallrasVidInaktualitet,
}

/// One `[[account]]` table of `accounts.toml`, as written by the
/// communications office. Validation beyond types lives in `registry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Slug used in paths: `[a-z0-9-]`, unique in the register.
    pub id: String,
    pub platform: Platform,
    pub name: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_pages: Vec<String>,
    /// The pages that list the account's posts, captured after the start
    /// page; `None` takes the platform's own (a YouTube channel's videos
    /// tab), an empty list none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_pages: Option<Vec<String>>,
    /// The verksamhet that runs the account.
    pub unit: String,
    /// The responsible nämnd.
    pub board: String,
    pub purpose: String,
    pub audience: String,
    pub responsible: Contact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deputy: Option<Contact>,
    #[serde(default)]
    pub administrators: Vec<String>,
    pub opened: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<NaiveDate>,
    #[serde(default = "default_retention")]
    pub retention: Retention,
}

fn default_retention() -> Retention {
    Retention::Bevaras
}

/// One run of visible text in the page, in page coordinates (CSS px from the
/// top-left corner of the whole document, not the viewport).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextRun {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Computed font size in CSS px.
    pub font_size: f64,
    /// Right-to-left run (Arabic, Hebrew): the text is in logical order.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rtl: bool,
    /// The colour the text is painted in (`[r, g, b]`), as the page gives
    /// it while the capture runs: a flat band of that colour is no sign that
    /// the text is missing (white text on a white page). Used by that check
    /// only: not kept in `text.json` or the capture's answer.
    #[serde(default, skip_serializing)]
    pub ink: Option<[u8; 3]>,
}

/// One screenshot tile on disk, part of a page's full-page picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    /// Path relative to the record directory, with `/` separators
    /// (`capture/01-start/tile-001.png`).
    pub file: String,
    /// Top of the tile in CSS px from the top of the document.
    pub css_y: f64,
    /// Height of the tile in CSS px.
    pub css_height: f64,
    pub width_px: u32,
    pub height_px: u32,
}

/// What kept a page from being captured as a person would see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObstructionKind {
    /// The platform showed a login wall instead of (or over) the content.
    LoginWall,
    /// A cookie-consent dialog could not be dismissed and is in the picture.
    ConsentWall,
    /// HTTP status ≥ 400 or an error page ("Sidan finns inte").
    ErrorPage,
    /// A tile or part of one came back blank.
    BlankRegion,
    /// Content seen while scrolling is not in the record (a feed that
    /// unmounted or lost posts), with the numbers.
    Incomplete,
    /// The page's check reported an obstruction this version of ogonblick
    /// does not know ([`Finding::Unrecognised`]): flagged for a person.
    Unrecognised,
}

impl ObstructionKind {
    /// Swedish wording for the cover page.
    pub fn display_sv(self) -> &'static str {
        match self {
            ObstructionKind::LoginWall => "inloggningsvägg",
            ObstructionKind::ConsentWall => "samtyckesdialog kvar",
            ObstructionKind::ErrorPage => "felsida",
            ObstructionKind::BlankRegion => "tomt område i bilden",
            ObstructionKind::Incomplete => "ofullständig: innehåll saknas",
            ObstructionKind::Unrecognised => "okänt hinder",
        }
    }
}

/// One obstruction finding with the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Obstruction {
    pub kind: ObstructionKind,
    /// What was seen, in English for the log (`HTTP 404`, `tile-003.png rows 0-1200 blank`),
    /// rendered from `finding`.
    pub detail: String,
    /// The same evidence as data (`None` in records made before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
}

impl Obstruction {
    /// The obstruction `finding` shows, with its English line.
    pub fn found(finding: Finding) -> Obstruction {
        Obstruction {
            kind: finding.kind(),
            detail: finding.to_string(),
            finding: Some(finding),
        }
    }
}

/// The facts behind the cover page's summary (*sammanfattning av innehållet*).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Platform the markup was recognised as, if any (`facebook`, `x`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headings: Vec<String>,
    pub word_count: u64,
    /// Number of posts visible in the capture, where the markup tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posts_visible: Option<u32>,
    /// Newest and oldest post dates visible (ISO 8601 date or date-time as found).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_post: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_post: Option<String>,
    /// The newest and oldest post dates where they are read from the text
    /// a reader sees ("för 4 veckor sedan", "12 mars"), not from the
    /// markup; `newest_post` and `oldest_post` are then absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_post_read: Option<DateRead>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_post_read: Option<DateRead>,
    /// Follower count as shown on the page ("12 345 följare" → "12 345").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<String>,
}

/// A post date read from the text a reader sees, not from the markup: the
/// text as shown ("för 4 veckor sedan", "3 d", "igår kl. 10:15", "12 mars")
/// and the span it can mean, read relative to the capture's start in the
/// capture's time zone (Europe/Stockholm for the CLI): the post was made at
/// or after `from` and before `until`. A count of units ("4 veckor") spans
/// from N+1 to N−½ units before the capture, a day word or a date the whole
/// day, a clock time its minute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRead {
    pub text: String,
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// How much of a page the capture holds, beyond its height.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extent {
    /// Full document width in CSS px as the page reported it (0 in records
    /// made before it was recorded).
    #[serde(default)]
    pub full_width: f64,
    /// Width captured in CSS px: the page's width up to the width cap, and
    /// never less than the viewport.
    #[serde(default)]
    pub captured_width: f64,
    /// The element the page scrolls instead of the document (an app shell's
    /// `main`), which the capture scrolled and then let out to full height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scroller: Option<String>,
    /// Feed items (posts, videos, articles) seen while the page was
    /// scrolled, within the captured height; `None` where the page has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_seen: Option<u32>,
    /// How many of the items seen are in the screenshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_in_record: Option<u32>,
    /// Which rule ended the capture down the page (`None` in records made
    /// before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_rule: Option<StopRule>,
    /// The start of the period the capture follows a feed back to (`--since`,
    /// or the period's first day for `run`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<chrono::NaiveDate>,
    /// The oldest post date the feed showed when the capture stopped
    /// (ISO 8601 as found), where post dates could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_post_reached: Option<String>,
    /// The same, where that date is read from the text a reader sees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_post_reached_read: Option<DateRead>,
    /// "Visa fler" / "Load more" buttons clicked to load more of the same list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub load_more_clicks: Vec<String>,
    /// Frames from other sites (out-of-process iframes) on the page, and how
    /// many of them gave their text to the text layer.
    #[serde(default)]
    pub cross_site_frames: u32,
    #[serde(default)]
    pub cross_site_frames_read: u32,
    /// Words the page showed a reader while it was scrolled, within the
    /// captured height, and how many words the text layer holds (`None` in
    /// records made before they were counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words_seen: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words_in_record: Option<u64>,
    /// How many posts or videos the platform says the account has, where
    /// the page says so, and how many of them the record holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared: Option<Declared>,
    /// The platform shows a reader who is not logged in only the newest
    /// items of this page's list (Instagram, X; see `docs/platforms.md`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub list_needs_login: bool,
    /// Where the list needs a login, the capture had none (no cookies for
    /// its site) and no page of the record declares a count: what the
    /// record holds of the list, once every page of it is captured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_login: Option<WithoutLogin>,
}

/// A list the platform shows in full only after a login, captured without
/// one, on an account that declares no count: the record cannot tell how
/// much of the account's list it lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithoutLogin {
    /// Distinct posts the record holds, over all its pages.
    pub held: u32,
    /// The list reaches back past the period's start (a post older than it
    /// is held, or the depth rule stopped there): the period's posts are
    /// all shown even without a login. `false` where no period was given.
    pub past_start: bool,
}

/// A count the platform shows for the whole account ("412 inlägg", "86
/// videoklipp"): what it counts, the number, where on the page it was read,
/// and, once every page of the record is captured, how many of them the
/// record holds and why the rest are not there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Declared {
    pub what: DeclaredWhat,
    /// The number as read; a lower bound where the page rounds it ("1,2 tn").
    pub count: u64,
    /// The page shows the number rounded (`1,2 tn`, `12K`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
    /// The words as the page shows them (`412 inlägg`).
    pub text: String,
    pub read_from: DeclaredSource,
    /// The platform shows more of the account's list only to a reader who
    /// is logged in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub login_for_more: bool,
    /// Distinct posts the record holds, over all its pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<u32>,
    /// How many of them are dated on or after the period's start (the
    /// capture knows the start, not the end), where every one has a date
    /// that is surely on one side of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_in_period: Option<u32>,
    /// Why the record holds fewer than declared (`None` before the record's
    /// pages were compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<DeclaredRest>,
}

/// What a declared count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeclaredWhat {
    Posts,
    Videos,
}

impl DeclaredWhat {
    /// The Swedish noun, the same in the singular and plural ("412 inlägg").
    pub fn noun_sv(self) -> &'static str {
        match self {
            DeclaredWhat::Posts => "inlägg",
            DeclaredWhat::Videos => "videoklipp",
        }
    }
}

/// Where on the page a declared count was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeclaredSource {
    /// The profile's or channel's header, as a reader sees it.
    ProfileHeader,
    /// The page's description (`og:description`, `meta name=description`).
    Description,
    /// Structured data (schema.org `interactionStatistic` in JSON-LD).
    StructuredData,
}

/// Why a record holds fewer items than the account declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeclaredRest {
    /// The record holds as many as declared.
    NoneMissing,
    /// The capture followed the list past the period's start: the rest are
    /// older than the period.
    OutsidePeriod,
    /// The list ended: the page shows only the newest items.
    NewestOnly,
    /// The list ended: the platform shows more only to a logged-in reader,
    /// and no cookies for the site were given.
    NeedsLogin,
    /// The capture stopped at a height or time limit before the list ended.
    CaptureLimit,
}

impl DeclaredRest {
    /// The record may lack items of the period: it is `incomplete`.
    pub fn is_loss(self) -> bool {
        matches!(
            self,
            DeclaredRest::NewestOnly | DeclaredRest::NeedsLogin | DeclaredRest::CaptureLimit
        )
    }
}

/// Which rule ended a capture down the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopRule {
    /// The page stopped growing and is captured whole.
    PageEnd,
    /// The feed reached a post older than the start of the period.
    PeriodStart,
    /// The feed kept growing and no post dates could be read: the height
    /// limit for dateless feeds (`--max-height`, 50 000 px by default).
    HeightLimit,
    /// The page reached the absolute limit (200 000 px).
    PageLimit,
    /// The time for the capture ran out while the feed still grew.
    TimeLimit,
}

impl StopRule {
    /// Swedish wording for the cover page.
    pub fn display_sv(self) -> &'static str {
        match self {
            StopRule::PageEnd => "sidan är fångad till slutet",
            StopRule::PeriodStart => "flödet är följt tillbaka till periodens början",
            StopRule::HeightLimit => {
                "flödet växte utan läsbara datum och fångades till höjdgränsen"
            }
            StopRule::PageLimit => "sidan nådde den högsta tillåtna höjden",
            StopRule::TimeLimit => "tiden för fångsten tog slut medan flödet fortfarande växte",
        }
    }
}

/// Everything known about one captured page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageFacts {
    /// Folder label inside `capture/`, e.g. `01-start`, `02-about`.
    pub label: String,
    pub requested_url: String,
    pub final_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    pub title: String,
    pub started: DateTime<Utc>,
    pub ended: DateTime<Utc>,
    pub viewport_width: u32,
    pub viewport_height: u32,
    pub device_scale: f64,
    /// Full document height in CSS px as the page reported it.
    pub full_height: f64,
    /// Height actually captured in CSS px (≤ `full_height`).
    pub captured_height: f64,
    /// Why the capture stops before the end of the page, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<String>,
    /// How wide the capture is, what scrolled, and how many feed items it holds.
    #[serde(default)]
    pub extent: Extent,
    #[serde(default)]
    pub obstructions: Vec<Obstruction>,
    pub summary: Summary,
    pub user_agent: String,
    pub browser_version: String,
    pub tiles: Vec<Tile>,
    /// Text runs file relative to the record directory (`capture/01-start/text.json`).
    pub text_file: String,
    /// MHTML snapshot relative to the record directory, if one was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mhtml_file: Option<String>,
    /// Anything else worth telling a human (a step that timed out, an image
    /// that never loaded), in English: the lines of `notes`, in their order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The same remarks as data (empty in records made before they were recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// What the page tried that the capture refused or blocked, as data
    /// (the warnings say the same in words).
    #[serde(default, skip_serializing_if = "Refused::is_empty")]
    pub refused: Refused,
}

impl PageFacts {
    /// Adds `note` to the page's notes and its English line to the warnings.
    pub fn note(&mut self, note: Note) {
        self.warnings.push(note.to_string());
        self.notes.push(note);
    }
}

/// What a captured page tried to do beyond being read: each attempt was
/// refused, blocked or only noted, and none changed the record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// Downloads the page started; none was written anywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub downloads: Vec<RefusedDownload>,
    /// Popup windows: never opened (asked for with `window.open`), or
    /// closed as soon as they opened. The URLs asked for or shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub popups: Vec<String>,
    /// Requests that could change something on the archive machine's own
    /// network (any method but GET and HEAD to a loopback, private or
    /// link-local address other than the page's own origin): blocked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_requests: Vec<BlockedRequest>,
    /// Reads from the archive machine's own network, let through and noted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local_reads: Vec<String>,
}

impl Refused {
    /// The page tried nothing of the kind.
    pub fn is_empty(&self) -> bool {
        self.downloads.is_empty()
            && self.popups.is_empty()
            && self.blocked_requests.is_empty()
            && self.local_reads.is_empty()
    }
}

/// A download the page started, as the page declared it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedDownload {
    pub url: String,
    /// The file name the page suggested.
    pub name: String,
    /// `Content-Length` of the response, where it declared one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_size: Option<u64>,
}

/// A request blocked before it left the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedRequest {
    pub method: String,
    pub url: String,
}

/// Why a record exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// The half-year snapshot.
    Halvar,
    /// Evidence before an unlawful comment is removed.
    BevisForeRadering,
    /// Final snapshot before an account is closed.
    SlutligForeAvslut,
    /// A one-off capture (`ogonblick capture`).
    Manuell,
}

impl RecordKind {
    /// Swedish wording for the cover page and the delivery list.
    pub fn display_sv(self) -> &'static str {
        match self {
            RecordKind::Halvar => "halvårsögonblicksbild",
            RecordKind::BevisForeRadering => "bevis före radering",
            RecordKind::SlutligForeAvslut => "slutlig ögonblicksbild före avslut",
            RecordKind::Manuell => "manuell ögonblicksbild",
        }
    }
}

/// Whether the municipality created the record or received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Handling {
    #[serde(rename = "upprättad")]
    Upprattad,
    Inkommen,
}

impl Handling {
    pub fn display_sv(self) -> &'static str {
        match self {
            Handling::Upprattad => "upprättad",
            Handling::Inkommen => "inkommen",
        }
    }
}

/// `record.json`: what one sealed record is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Stable id: `2026-H1/facebook-kommun` or `evidence/2026-11-21T101503Z-facebook-kommun`.
    pub record_id: String,
    pub kind: RecordKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Organisation>,
    /// Copy of the register entry at capture time (absent for `ogonblick capture` without a register).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
    /// `YYYY-H1` / `YYYY-H2` for half-year records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    pub handling: Handling,
    pub pages: Vec<PageFacts>,
    /// Capture started more than 14 days after the period's boundary.
    #[serde(default)]
    pub late: bool,
    pub ogonblick_version: String,
    pub operator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who wrote the post or comment an evidence record preserves (the sender
    /// of an *inkommen handling*), as the operator read it off the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Assigned later through a `dnr.assigned` journal event; empty at sealing.
    #[serde(default)]
    pub diarienummer: String,
    /// SHA-256 (lower-case hex) of every raw file, keyed by path relative to the
    /// record directory (`capture/01-start/tile-001.png`).
    pub files: BTreeMap<String, String>,
    /// The time-stamping authorities (RFC 3161) asked for a token over
    /// `manifest-sha256.txt` when the record was sealed, as URLs. The tokens
    /// themselves are in `timestamps/`, outside the manifest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamp_authorities: Vec<String>,
}

impl Record {
    /// Start of the first page's capture, the record's moment.
    pub fn captured_at(&self) -> Option<DateTime<Utc>> {
        self.pages.iter().map(|p| p.started).min()
    }

    /// Every obstruction of every page.
    pub fn obstructions(&self) -> impl Iterator<Item = &Obstruction> {
        self.pages.iter().flat_map(|p| p.obstructions.iter())
    }
}

/// Where part of a captured page's picture lies in `snapshot.pdf`: one
/// slice per PDF page, top and bottom in CSS px of the captured page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PdfSlice {
    /// The captured page's label (`01-start`).
    pub label: String,
    /// 1-based page number in `snapshot.pdf` (the cover pages come first).
    pub pdf_page: u32,
    pub css_top: f64,
    pub css_bottom: f64,
}

/// What a post's identity rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PostIdKind {
    /// A link to the post itself (a Facebook or X post URL, a blog permalink).
    Permalink,
    /// The platform's own id (a YouTube video id, an Instagram shortcode, a numbered id in the markup).
    PlatformId,
    /// No id in the markup: SHA-256 of the post's normalised text.
    TextHash,
}

/// A post, or a comment on one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PostKind {
    Post,
    Comment,
}

/// One post or comment the capture found, with its identity and where it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// Stable identity: `x:1790…`, `youtube:dQw4…`, `instagram:CxYz…`,
    /// `url:https://…`, `text:<sha256 of the normalised text>`; a comment's
    /// is prefixed with its post's (`<post id>/comment:…`).
    pub id: String,
    pub id_kind: PostIdKind,
    pub kind: PostKind,
    /// The post a comment belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The permalink, where the markup gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Date or date-time as the markup gives it (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where the markup gives no date: the date read from the text a reader
    /// sees, with the span it can mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_read: Option<DateRead>,
    /// The account or the commenter, as shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The post's own text (a post's without its comments) as a reader
    /// reads it: blocks on lines of their own, other whitespace collapsed.
    pub text: String,
    /// Label of the captured page it is on.
    pub page: String,
    /// Its box in CSS px of the captured page.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// 1-based page of `snapshot.pdf` that holds its top.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_page: Option<u32>,
}

/// How the account presents itself on its start page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The profile picture's address as the page gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<String>,
}

/// `posts.json` beside `record.json`: where each captured page lies in
/// `snapshot.pdf`, the account's profile and every post found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Posts {
    pub pdf_pages: Vec<PdfSlice>,
    #[serde(default)]
    pub profile: Profile,
    pub posts: Vec<Post>,
}

impl Posts {
    /// The PDF page that shows CSS row `y` of captured page `label`.
    pub fn pdf_page(&self, label: &str, y: f64) -> Option<u32> {
        let mut slices = self.pdf_pages.iter().filter(|s| s.label == label);
        let first = slices.clone().next()?;
        slices
            .find(|s| y >= s.css_top && y < s.css_bottom)
            .or_else(|| (y < first.css_top).then_some(first))
            .or_else(|| self.pdf_pages.iter().rfind(|s| s.label == label))
            .map(|s| s.pdf_page)
    }
}

/// `changes.json` beside `record.json`: what changed on the account since its
/// previous sealed half-year record (*förändringar sedan föregående ögonblicksbild*).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// The record compared with; `None`: there was nothing to compare with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// The dates both captures cover (ISO 8601 dates), where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlap_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overlap_to: Option<NaiveDate>,
    /// Posts and comments dated within the overlap that are no longer shown:
    /// flagged for the archivist. `pdf_page` is the page of the earlier record.
    pub removed: Vec<Post>,
    /// Posts whose text changed: (before, now).
    pub changed: Vec<(Post, Post)>,
    /// Posts not in the earlier record.
    pub new_posts: u32,
    /// Changes to the account's name, description, picture or follower count.
    pub profile: Vec<ProfileChange>,
}

impl Changes {
    /// Whether anything needs the archivist's attention (posts removed).
    pub fn has_removals(&self) -> bool {
        !self.removed.is_empty()
    }

    /// Whether there is anything to tell: a post removed or edited, a new
    /// post, or the profile changed (the journal's `changes.found`).
    pub fn anything(&self) -> bool {
        !self.removed.is_empty()
            || !self.changed.is_empty()
            || self.new_posts > 0
            || !self.profile.is_empty()
    }
}

/// One field of the account's profile that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileChange {
    /// `name`, `description`, `picture` or `followers`.
    pub field: String,
    #[serde(default)]
    pub before: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
}
