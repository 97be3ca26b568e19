//! What a capture is asked and what it gives back: where a page's files go
//! ([`PageDir`]), the settings resolved once by the caller ([`Options`],
//! [`Since`]), and one captured page ([`PageCapture`]).

use std::path::PathBuf;
use std::time::Duration;

use crate::cookies::Cookie;
use model::{Post, Profile};
use serde::{Deserialize, Serialize};

/// Where one page's raw files go, as the caller lays them out: the directory
/// itself, its path as the record names files (`capture/01-start`, relative
/// to the record), and the page's label. The capture writes into it and
/// names what it wrote; it does not know the archive's layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageDir {
    pub dir: std::path::PathBuf,
    pub rel: String,
    pub label: String,
    /// The record the page belongs to (its id), named in the web archive's
    /// `warcinfo` record.
    pub record_id: Option<String>,
}

impl PageDir {
    /// The page directory `root/rel`, whose files are named `rel/<file>`.
    pub fn at(root: &std::path::Path, rel: &str, label: &str) -> PageDir {
        PageDir {
            dir: root.join(rel),
            rel: rel.to_string(),
            label: label.to_string(),
            record_id: None,
        }
    }

    /// The same directory, for the record `id`.
    #[must_use]
    pub fn of_record(mut self, id: &str) -> PageDir {
        self.record_id = Some(id.to_string());
        self
    }
}

/// How pages are captured.
#[derive(Debug, Clone)]
pub struct Options {
    /// Chromium binary given with `--chrome`; otherwise `$CHROME`, then PATH.
    pub chrome: Option<PathBuf>,
    /// Viewport width in CSS px.
    pub viewport_width: u32,
    /// Viewport height in CSS px.
    pub viewport_height: u32,
    /// Device pixels per CSS px.
    pub device_scale: f64,
    /// How far a feed that keeps growing is followed (CSS px) where no post
    /// dates can be read or no period start is given; the capture is
    /// recorded as truncated there.
    pub max_height: u32,
    /// How far any page is captured (CSS px): a page that has stopped
    /// growing is captured whole up to here, and so is a dated feed on its
    /// way back to `since`.
    pub page_limit: u32,
    /// The start of the period being captured: a feed is followed back
    /// until it shows a post older than this (`--since`, or the period's
    /// first day for `run`).
    pub since: Option<Since>,
    /// The IANA time zone (`Europe/Stockholm` for the CLI) the page runs in
    /// (its clock and calendar, through the browser's time zone override),
    /// and in which post dates written as calendar words ("igår", "12 mars")
    /// are read; `None`: the browser's own. Dates written relative to the
    /// capture ("3 d") are read against the page's capture start.
    pub time_zone: Option<String>,
    /// Capture a page wider than the viewport up to this width (CSS px) and
    /// record it when the page is wider still.
    pub max_width: u32,
    /// The whole capture of one page, a fresh tab after a crash included
    /// (`--timeout`). When it runs out the page's first screen is kept,
    /// flagged incomplete with the step it ran out in.
    pub page_budget: Duration,
    /// Longest wait for the page's document to arrive and be parsed.
    pub navigation_timeout: Duration,
    /// Longest wait for the page to settle after it is parsed (load event,
    /// images, expanded comments). The capture goes on when it runs out and
    /// records a warning.
    pub settle_timeout: Duration,
    /// Session cookies set before navigation (never written anywhere).
    pub cookies: Vec<Cookie>,
    /// Tallest screenshot tile in device px, and the viewport's height while
    /// the page is pictured in bands: it bounds the memory a band takes.
    pub tile_height: u32,
    /// How many rounds of "Visa fler kommentarer" clicks at most.
    pub expand_rounds: u32,
    /// Write `page.mhtml` next to the tiles.
    pub mhtml: bool,
    /// Record the page's HTTP exchange as `page.warc.gz` next to the tiles.
    pub warc: bool,
    /// Largest response body kept in the web archive (bytes); a larger one
    /// is noted there (and in the warnings) without its body.
    pub warc_body_limit: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            chrome: None,
            viewport_width: 1280,
            viewport_height: 900,
            device_scale: 1.0,
            max_height: 50_000,
            page_limit: 200_000,
            since: None,
            time_zone: None,
            max_width: 4_000,
            page_budget: Duration::from_secs(120),
            navigation_timeout: Duration::from_secs(30),
            settle_timeout: Duration::from_secs(20),
            cookies: Vec::new(),
            tile_height: 8_192,
            expand_rounds: 5,
            mhtml: true,
            warc: true,
            warc_body_limit: 20 << 20,
        }
    }
}

/// The start of the period a feed is followed back to, resolved once by the
/// caller: the day the record names, and the instant it begins (the CLI
/// takes Europe/Stockholm midnight). The capture compares post dates with
/// `at` only and knows no time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Since {
    pub day: chrono::NaiveDate,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// One captured page: the facts for `record.json` and the text runs that
/// `pdfa` lays over the screenshot (also written to `text.json`).
#[derive(Debug, Clone)]
pub struct PageCapture {
    pub facts: model::PageFacts,
    pub text_runs: Vec<model::TextRun>,
    /// The page's posts and profile, as written to `posts.json` beside its
    /// tiles; `None` where they could not be read (a note says why) or the
    /// page kept only its first screen.
    pub posts: Option<PagePosts>,
    /// Where the time went: the end of each phase, counted from the start
    /// of the capture (for diagnostics and benchmarks; not part of the record).
    pub phases: Vec<(&'static str, std::time::Duration)>,
}

/// What `posts.json` in a page's capture folder holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PagePosts {
    pub profile: Profile,
    pub posts: Vec<Post>,
}
