//! What the capture has to say about a page, as data: a [`Note`] for each
//! remark (a step that ran out of time, images that never loaded, what the
//! page tried and was refused) and a [`Finding`] for the evidence behind
//! each obstruction. Their numbers, names and quotes are fields; the English
//! line for the log is rendered from them here (`Display`), and the Swedish
//! for the cover in `pdfa`, each by an exhaustive `match`. Nothing reads a
//! note back from its words.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One remark about a captured page, beside its obstructions.
///
/// `record.json` stores each as an object tagged with `note`
/// (`{"note": "images-not-loaded", "count": 3, "examples": [...]}`),
/// and its English line in `warnings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "note", rename_all = "kebab-case")]
pub enum Note {
    /// The load event did not fire within `secs` seconds; what had arrived
    /// was captured.
    LoadEventLate { secs: u64 },
    /// Scrolling through the page ran out of time.
    ScrollOutOfTime,
    /// Collapsed comments were expanded for `rounds` rounds, and some were
    /// still collapsed when the rounds ran out.
    CommentsStillCollapsed { rounds: u32 },
    /// Images that had not loaded when the picture was taken, with a few of
    /// their addresses.
    ImagesNotLoaded { count: u32, examples: Vec<String> },
    /// Images still loading when their band of the page was pictured.
    ImagesStillLoading { count: u32 },
    /// The page is `width` CSS px wide and the capture takes `limit` of it:
    /// a sliver of at most 16 px (a full-width element's margin); anything
    /// wider is the `incomplete` finding `Finding::CutAtWidth` (records made
    /// before it have this note for any width).
    TooWide { width: f64, limit: f64 },
    /// The page is laid out `width` CSS px wide, wider than the `limit`
    /// pictured, but paints nothing past it (a block made wide by an empty
    /// child): nothing a reader could scroll to is missing.
    EmptyPastWidth { width: f64, limit: f64 },
    /// The page's text kept moving while `parts` bands were pictured.
    TextMoving { parts: u32 },
    /// Elements fixed at the bottom of the first screen (a cookie bar, a
    /// "back to top" button) cover `height` CSS px of the page's text there:
    /// the first screen is pictured as a reader sees it, and that strip is
    /// pictured again right below it, so the picture is `height` px taller
    /// than the page.
    FirstScreenStripAgain { height: f64 },
    /// A fixed element (`element`, the page's own tag, id and class) is in
    /// picture `tile` from `y` to `y + height` (CSS px of the picture) over
    /// `lines` lines of the page's text, the first of them `text`: in the
    /// first screen one that covers text nowhere near its bottom edge, in a
    /// later band one the page showed again however it was hidden.
    FixedOverText {
        tile: u32,
        element: String,
        y: f64,
        height: f64,
        lines: u32,
        text: String,
    },
    /// No MHTML snapshot: `frames` frames from other sites did not answer,
    /// and saving one would have waited for them.
    NoMhtmlFramesSilent { frames: u32 },
    /// The page has `frames` frames from other sites and the capture reads
    /// the text of the first `read`: the rest are in the picture, their text
    /// is not in the text layer.
    FramesPastBound { frames: u32, read: u32 },
    /// No MHTML snapshot: the browser's error.
    NoMhtml { error: String },
    /// The page's posts could not be read: the error.
    PostsUnreadable { error: String },
    /// The first screen's text could not be read (a page whose time ran
    /// out): the error.
    FirstScreenTextUnreadable { error: String },
    /// The page moved to another document `times` times and the capture went
    /// on in the last one.
    KeptMoving { times: u32 },
    /// The first try's tab crashed or closed (`what`) during `during`; the
    /// page was captured again in a fresh tab.
    TabRetried { what: String, during: String },
    /// Chromium ran without its sandbox because ogonblick ran as root.
    SandboxOff,
    /// The consent dialog offered no way to refuse; the button with this
    /// label was clicked.
    ConsentAccepted { label: String },
    /// The page started a download; nothing was written.
    DownloadRefused {
        name: String,
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        declared_size: Option<u64>,
    },
    /// A popup window the page opened, closed at once.
    PopupClosed { url: String },
    /// A popup window the page asked for, never opened.
    PopupRefused { url: String },
    /// A request that could change something on the archive machine's own
    /// network, blocked.
    RequestBlocked { method: String, url: String },
    /// A read from the archive machine's own network, let through.
    LocalRead { url: String },
    /// The web archive keeps no body for `url`: `bytes` is more than the
    /// limit of `limit` bytes; its request and headers are recorded.
    WarcBodyOverLimit { url: String, bytes: u64, limit: u64 },
    /// A response body could not be read for the web archive.
    WarcBodyUnreadable {
        method: String,
        url: String,
        error: String,
    },
    /// `count` response bodies were still being read when the capture ended
    /// and are not in the web archive.
    WarcBodiesPending { count: u64 },
    /// The page made more than `limit` requests; the later ones are not in
    /// the web archive.
    WarcRequestsCapped { limit: u64 },
}

/// The evidence behind one obstruction, as data.
///
/// `record.json` stores it in the obstruction's `finding`, tagged with
/// `finding` (`{"finding": "http-status", "status": 404}`), beside the
/// English line in `detail`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "kebab-case")]
pub enum Finding {
    /// A visible password field in an overlay or dialog, or on a page with
    /// little else to read.
    PasswordField,
    /// A large overlay asking to log in, with the start of its text.
    LoginOverlay { text: String },
    /// The consent dialog is still shown, with the start of its text.
    ConsentShown { text: String },
    /// A consent dialog still shown in a frame from another site.
    ConsentInFrame { text: String },
    /// The server answered with an HTTP error status.
    HttpStatus { status: u16 },
    /// A title or top heading says the page is an error page.
    PageSays { text: String },
    /// Feed items seen while scrolling that are not in the picture: how many
    /// were seen, how many are in the record, and a few of the missing.
    ItemsMissing {
        seen: u32,
        kept: u32,
        missing: Vec<String>,
    },
    /// Far fewer words in the text layer (`in_record`) than the page showed
    /// while it was scrolled (`seen`): text a reader saw is not in the record.
    WordsMissing { seen: u64, in_record: u64 },
    /// The page's time budget ran out during `step`; only the first screen
    /// (`height` of `full_height` CSS px) is in the record.
    OutOfTime {
        budget_secs: u64,
        step: String,
        height: f64,
        full_height: f64,
    },
    /// Frames from other sites that did not answer (their URLs), of
    /// `frames` on the page: their text is missing.
    FramesSilent { silent: Vec<String>, frames: u32 },
    /// The page, laid out as pictured, is `width` CSS px wide and the
    /// picture stops at the width limit `limit`: what lies right of it (or
    /// left, on a right-to-left page) is in neither the picture nor the
    /// text layer.
    CutAtWidth { width: f64, limit: f64 },
    /// Rows `top`..`bottom` of a tile are one flat colour where the page has
    /// text (its start, at CSS `y`).
    BlankOverText {
        file: String,
        top: u32,
        bottom: u32,
        text: String,
        y: f64,
    },
    /// Rows `top`..`bottom` of a tile are one flat colour over a loaded
    /// picture (its address, at CSS `y`) whose own pixels are not that colour.
    BlankOverPicture {
        file: String,
        top: u32,
        bottom: u32,
        src: String,
        y: f64,
    },
    /// The page's check reported an obstruction this version does not know:
    /// its kind and what it said, as the page gave them. Flagged, never
    /// dropped.
    Unrecognised { kind: String, detail: String },
    /// The platform says the account has `declared` posts or videos; the
    /// record holds `held`, and the rest may include items of the period
    /// (`why`: the page shows only the newest, a login is needed, the
    /// capture stopped at a limit).
    DeclaredNotHeld {
        what: crate::DeclaredWhat,
        declared: u64,
        held: u32,
        why: crate::DeclaredRest,
    },
    /// Without a login the platform shows only the newest posts, the
    /// capture had none, and the page declares no count: the record holds
    /// `held` posts and the list ended before it reached the period's start,
    /// so posts of the period may be missing.
    ListNeedsLogin { held: u32 },
}

impl fmt::Display for Note {
    /// The English line for the log and `record.json`'s `warnings`.
    #[allow(clippy::too_many_lines)] // One arm per note: exhaustive on purpose, so a new note has its English line or does not compile (#25).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::LoadEventLate { secs } => write!(
                f,
                "the page's load event did not fire within {secs} s (a resource never finished loading); captured what had arrived"
            ),
            Note::ScrollOutOfTime => f.write_str(
                "scrolling through the page ran out of time; content further down may not have loaded",
            ),
            Note::CommentsStillCollapsed { rounds } => write!(
                f,
                "stopped expanding comments after {rounds} rounds; some comments may still be collapsed"
            ),
            Note::ImagesNotLoaded { count, examples } => write!(
                f,
                "{count} image(s) had not loaded when the picture was taken (e.g. {})",
                examples.join(", ")
            ),
            Note::ImagesStillLoading { count } => write!(
                f,
                "{count} image(s) were still loading when their part of the page was pictured"
            ),
            Note::TooWide { width, limit } => write!(
                f,
                "the page is {width:.0} px wide; the capture takes {limit:.0} px of it"
            ),
            Note::EmptyPastWidth { width, limit } => write!(
                f,
                "the page is laid out {width:.0} px wide but paints nothing past the {limit:.0} px the capture takes"
            ),
            Note::TextMoving { parts } => write!(
                f,
                "the page's text kept moving while {parts} part(s) of it were pictured; the text layer may sit a few pixels off there"
            ),
            Note::FirstScreenStripAgain { height } => write!(
                f,
                "fixed elements at the bottom of the first screen cover {height:.0} px of text there; that strip is pictured again below the first screen"
            ),
            Note::FixedOverText {
                tile,
                element,
                y,
                height,
                lines: 0,
                ..
            } => write!(
                f,
                "tile {tile}: the fixed element {element} (y={y:.0}, {height:.0} px tall) is pictured again; the page would not let it be hidden"
            ),
            Note::FixedOverText {
                tile,
                element,
                y,
                height,
                lines,
                text,
            } => write!(
                f,
                "tile {tile}: the fixed element {element} (y={y:.0}, {height:.0} px tall) is over {lines} line(s) of the page's text (\"{text}\")"
            ),
            Note::NoMhtmlFramesSilent { frames } => write!(
                f,
                "no MHTML snapshot: {frames} frame(s) from other sites did not answer, and saving one would wait for them"
            ),
            Note::FramesPastBound { frames, read } => write!(
                f,
                "the page has {frames} frames from other sites; the text of the first {read} was read, the rest are pictured but their text is not in the text layer"
            ),
            Note::NoMhtml { error } => write!(f, "no MHTML snapshot: {error}"),
            Note::PostsUnreadable { error } => write!(f, "the posts could not be read: {error}"),
            Note::FirstScreenTextUnreadable { error } => {
                write!(f, "the first screen's text could not be read: {error}")
            }
            Note::KeptMoving { times } => write!(
                f,
                "the page kept moving to other documents ({times} times); the picture may show a different document than the text"
            ),
            Note::TabRetried { what, during } => write!(
                f,
                "the first try's tab {what} while {during}; the page was captured again in a fresh tab"
            ),
            Note::SandboxOff => f.write_str(
                "Chromium's sandbox was off because ogonblick ran as root; \
                 run it as the service user instead (see README.md, \"Running as a service\")",
            ),
            Note::ConsentAccepted { label } => write!(
                f,
                "the consent dialog offered no way to refuse; clicked \"{label}\""
            ),
            Note::DownloadRefused {
                name,
                url,
                declared_size,
            } => {
                let size = declared_size.map_or_else(
                    || "no size declared".to_string(),
                    |n| format!("{n} bytes as declared"),
                );
                write!(
                    f,
                    "the page tried to download \"{name}\" ({size}) from {url}; the download was refused"
                )
            }
            Note::PopupClosed { url } => write!(
                f,
                "the page opened a popup window ({url}); it was closed at once"
            ),
            Note::PopupRefused { url } => write!(
                f,
                "the page tried to open a popup window ({url}); it was not opened"
            ),
            Note::RequestBlocked { method, url } => write!(
                f,
                "the page sent a {method} request to {url}, an address on the archive machine's own network; it was blocked"
            ),
            Note::LocalRead { url } => write!(
                f,
                "the page read from {url}, an address on the archive machine's own network"
            ),
            Note::WarcBodyOverLimit { url, bytes, limit } => write!(
                f,
                "the web archive holds no body for {url} ({bytes} bytes, more than the limit of {limit} bytes); its request and headers are noted"
            ),
            Note::WarcBodyUnreadable { method, url, error } => write!(
                f,
                "the body of {method} {url} could not be read ({error}); no response record"
            ),
            Note::WarcBodiesPending { count } => write!(
                f,
                "{count} response bodies were still being read when the capture ended; they have no response record"
            ),
            Note::WarcRequestsCapped { limit } => write!(
                f,
                "the page made more than {limit} requests; the later ones are not recorded"
            ),
        }
    }
}

impl fmt::Display for Finding {
    /// The English line for the log and the obstruction's `detail`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::PasswordField => f.write_str("visible password field"),
            Finding::LoginOverlay { text } => write!(f, "login overlay: \"{text}\""),
            Finding::ConsentShown { text } => write!(f, "consent dialog still shown: \"{text}\""),
            Finding::ConsentInFrame { text } => write!(
                f,
                "consent dialog still shown in a frame from another site: \"{text}\""
            ),
            Finding::HttpStatus { status } => write!(f, "HTTP {status}"),
            Finding::PageSays { text } => write!(f, "the page says \"{text}\""),
            Finding::ItemsMissing {
                seen,
                kept,
                missing,
            } => write!(
                f,
                "items seen while scrolling {seen}, in the record {kept} (missing e.g. {})",
                missing.join("; ")
            ),
            Finding::WordsMissing { seen, in_record } => write!(
                f,
                "words shown while scrolling {seen}, in the text layer {in_record}"
            ),
            Finding::OutOfTime {
                budget_secs,
                step,
                height,
                full_height,
            } => write!(
                f,
                "the time budget of {budget_secs} s ran out while {step}; only the first screen ({height:.0} of {full_height:.0} px) is in the record"
            ),
            Finding::CutAtWidth { width, limit } => write!(
                f,
                "the page is {width:.0} px wide and the capture takes {limit:.0} px of it: {:.0} px of its width are not in the record",
                width - limit
            ),
            Finding::FramesSilent { silent, frames } => write!(
                f,
                "{} of {frames} frames from other sites did not answer ({}): their text is not in the text layer, and the picture shows them as they last painted themselves",
                silent.len(),
                silent.join(", ")
            ),
            Finding::BlankOverText {
                file,
                top,
                bottom,
                text,
                y,
            } => write!(
                f,
                "{file} rows {top}-{bottom} are one flat colour where the page has text (\"{text}\" at y={y:.0})"
            ),
            Finding::BlankOverPicture {
                file,
                top,
                bottom,
                src,
                y,
            } => write!(
                f,
                "{file} rows {top}-{bottom} are one flat colour where the page has a picture ({src} at y={y:.0})"
            ),
            Finding::Unrecognised { kind, detail } => write!(
                f,
                "the page check reported an obstruction this version does not know ({kind}): {detail}"
            ),
            Finding::DeclaredNotHeld {
                what,
                declared,
                held,
                why,
            } => {
                let what = match what {
                    crate::DeclaredWhat::Posts => "posts",
                    crate::DeclaredWhat::Videos => "videos",
                };
                let why = match why {
                    crate::DeclaredRest::NeedsLogin => {
                        "the platform shows the rest only after a login, and no cookies for it were given"
                    }
                    crate::DeclaredRest::CaptureLimit => {
                        "the capture stopped at a limit before the list ended"
                    }
                    crate::DeclaredRest::NewestOnly
                    | crate::DeclaredRest::NoneMissing
                    | crate::DeclaredRest::OutsidePeriod => "the page shows only the newest",
                };
                write!(
                    f,
                    "the account declares {declared} {what}, the record holds {held}: {why}; how many of the rest are from the period is not known"
                )
            }
            Finding::ListNeedsLogin { held } => write!(
                f,
                "without a login the platform shows only the newest posts, and no cookies for it were given: the record holds {held}, the list ended before the period's start and the page declares no count"
            ),
        }
    }
}

impl Finding {
    /// The kind of obstruction this evidence shows.
    pub fn kind(&self) -> crate::ObstructionKind {
        use crate::ObstructionKind as K;
        match self {
            Finding::PasswordField | Finding::LoginOverlay { .. } => K::LoginWall,
            Finding::ConsentShown { .. } | Finding::ConsentInFrame { .. } => K::ConsentWall,
            Finding::HttpStatus { .. } | Finding::PageSays { .. } => K::ErrorPage,
            Finding::ItemsMissing { .. }
            | Finding::WordsMissing { .. }
            | Finding::OutOfTime { .. }
            | Finding::FramesSilent { .. }
            | Finding::CutAtWidth { .. }
            | Finding::DeclaredNotHeld { .. }
            | Finding::ListNeedsLogin { .. } => K::Incomplete,
            Finding::BlankOverText { .. } | Finding::BlankOverPicture { .. } => K::BlankRegion,
            Finding::Unrecognised { .. } => K::Unrecognised,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_and_findings_are_tagged_data_that_read_back() {
        let note = Note::DownloadRefused {
            name: "a.zip".into(),
            url: "https://example.org/a.zip".into(),
            declared_size: Some(12),
        };
        let json = serde_json::to_value(&note).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"note": "download-refused", "name": "a.zip",
                "url": "https://example.org/a.zip", "declared_size": 12})
        );
        assert_eq!(serde_json::from_value::<Note>(json).unwrap(), note);
        let found = crate::Obstruction::found(Finding::HttpStatus { status: 404 });
        assert_eq!(
            serde_json::to_value(&found).unwrap(),
            serde_json::json!({"kind": "error-page", "detail": "HTTP 404",
                "finding": {"finding": "http-status", "status": 404}})
        );
        // A record made before findings were data still reads.
        let old: crate::Obstruction =
            serde_json::from_str(r#"{"kind": "error-page", "detail": "HTTP 404"}"#).unwrap();
        assert_eq!(old.finding, None);
    }
}
