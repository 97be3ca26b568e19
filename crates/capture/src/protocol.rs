//! The one way into the page: every call is a request with named fields,
//! serialised by serde, and every answer a typed reply. [`crate::devtools::Ctx::call`]
//! sends a request as `{"call": NAME, ...fields}` to `ogCall` in `page/calls.js`,
//! whose table `OG_CALLS` names the one function that answers it. No
//! JavaScript is built from strings anywhere else.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A request to the page.
pub(crate) trait Call: Serialize {
    /// Its name in `OG_CALLS` (page/calls.js).
    const NAME: &'static str;
    /// The page answers with a promise (it scrolls or waits): awaited, and
    /// given the settle time on top of the usual bound.
    const ASYNC: bool;
    /// What the page answers.
    type Reply: DeserializeOwned;
}

/// Declares a request: its name in the page, whether the page's answer is a
/// promise to await, its reply, and its fields (camelCase in the page).
macro_rules! calls {
    ($(
        $(#[$doc:meta])*
        $name:ident $js:literal, awaited: $awaited:literal -> $reply:ty { $($field:ident: $ty:ty),* $(,)? }
    )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Serialize)]
        #[serde(rename_all = "camelCase")]
        pub(crate) struct $name { $(pub(crate) $field: $ty),* }

        impl Call for $name {
            const NAME: &'static str = $js;
            const ASYNC: bool = $awaited;
            type Reply = $reply;
        }
    )*};
}

calls! {
    /// The document's state: status, URL, title, size, readiness.
    PageInfo "pageInfo", awaited: false -> PageState {}
    /// The id `watch.js` gave this document.
    DocumentId "documentId", awaited: false -> Option<String> {}
    /// The document's scroll offset `[x, y]` in CSS px.
    ScrollOffset "scrollOffset", awaited: false -> (f64, f64) {}
    /// The URLs the page asked `window.open` for (at most 100).
    PopupsAsked "popupsAsked", awaited: false -> Vec<String> {}
    /// Seconds until a `<meta http-equiv=refresh>` moves the page on, or -1.
    RefreshDelay "refreshDelay", awaited: false -> f64 {}
    /// The element an app shell scrolls instead of the document.
    FindScroller "findScroller", awaited: false -> Option<String> {}
    /// Undo deferred rendering (content-visibility, lazy images and frames).
    RenderAll "renderAll", awaited: false -> u32 {}
    /// Click up to `max_clicks` "Visa fler kommentarer" buttons.
    Expand "expand", awaited: false -> Expanded { max_clicks: u32 }
    /// Scroll from `from_y` down a screen (`step`) at a time so lazy content
    /// loads, pausing `pause_ms` where scroll listeners need it and waiting
    /// up to `grow_ms` at the bottom for more, within `budget_ms`; back at
    /// once when the page's height changes, with what it shows.
    ScrollPass "scrollPass", awaited: true -> ScrollStep {
        clock: Clock,
        from_y: f64,
        max_y: f64,
        step: u32,
        budget_ms: u64,
        pause_ms: u32,
        grow_ms: u32,
    }
    /// Up a screen and back at the bottom, as a reader nudges a feed: the height after.
    Nudge "nudge", awaited: true -> f64 {}
    /// What the depth rule reads: the height of what scrolls, the oldest post date.
    Seen "seen", awaited: false -> Shown { clock: Clock }
    /// Back to the top after a scroll pass (lazy images below are asked for): the height.
    ScrollDone "scrollDone", awaited: true -> f64 {}
    /// Click the first "Visa fler" button of the same list (with `look`, only name it).
    LoadMore "loadMore", awaited: false -> Clicked { look: bool }
    /// Let an app shell's scroller out to its full height.
    Unroll "unroll", awaited: false -> serde_json::Value {}
    /// Let inner elements that scroll sideways out to their full width: how many.
    LetOutSideways "letOutSideways", awaited: false -> u32 {}
    /// How far sideways anything is painted, in window px at the page's sideways start.
    PaintedExtent "paintedExtent", awaited: false -> Painted {}
    /// Wait up to `budget_ms` for the images above `max_y`.
    WaitImages "waitImages", awaited: true -> ImageWait { max_y: f64, budget_ms: u64 }
    /// The oldest post date on the page (above `max_y` if given).
    OldestPost "oldestPost", awaited: false -> Option<PostDate> { clock: Clock, max_y: Option<f64> }
    /// What stands in the way of a reader (see `page_finding`).
    Obstructions "obstructions", awaited: false -> Vec<serde_json::Value> { status: Option<u16> }
    /// The facts behind the cover's summary, above `max_y`.
    Summary "summary", awaited: false -> model::Summary { clock: Clock, max_y: f64 }
    /// The count of posts or videos the platform shows for the account.
    Declared "declared", awaited: false -> Option<model::Declared> {}
    /// The platform shows only the newest items of its list to a reader not logged in.
    ListNeedsLogin "listNeedsLogin", awaited: false -> bool {}
    /// The visible text runs between `top` and `bottom` (CSS px).
    TextRuns "textRuns", awaited: false -> Vec<model::TextRun> { top: f64, bottom: f64 }
    /// Feed items seen while scrolling, and how many are above `max_y` now.
    Coverage "coverage", awaited: false -> CoverageCount { max_y: f64 }
    /// The posts and the profile above `max_y`.
    Posts "posts", awaited: false -> RawPage { clock: Clock, max_y: f64 }
    /// Click the most privacy-friendly button of a consent dialog (in a
    /// cross-site frame with `in_frame`).
    DismissConsent "dismissConsent", awaited: false -> Clicked { in_frame: bool }
    /// The text of a consent dialog still shown in this frame.
    FrameConsent "frameConsent", awaited: false -> Option<String> {}
    /// Note the heights that follow the viewport.
    MeasureHeights "measureHeights", awaited: false -> u32 {}
    /// Pin them, so a tall viewport does not stretch them.
    PinHeights "pinHeights", awaited: false -> u32 {}
    /// Scroll the document to its top.
    ScrollTop "scrollTop", awaited: false -> u32 {}
    /// Hide fixed elements (pictured once, in the first screen) and put
    /// sticky ones back in the flow.
    Unfix "unfix", awaited: false -> u32 {}
    /// At the top: the fixed elements of the first screen and the text under each.
    FixedCover "fixedCover", awaited: false -> FirstScreen {}
    /// Make the band `top`..`bottom` ready to picture (waiting up to
    /// `budget_ms` for its images; with `unfix`, fixed and sticky elements
    /// hidden again) and read its text (with `fresh`, read again) and pictures.
    Segment "segment", awaited: true -> BandRead { top: f64, bottom: f64, budget_ms: u64, unfix: bool, fresh: bool }
    /// Whether the text read for the last band has moved since.
    Moved "moved", awaited: false -> bool {}
}

/// What post dates written relative to the capture are read against
/// (`ogReadDate` in page/dates.js): the capture's start, and the time zone
/// whose calendar "igår" and "12 mars" are in (`None`: the browser's own).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Clock {
    /// UTC milliseconds.
    pub(crate) now: i64,
    pub(crate) time_zone: Option<String>,
}

impl Clock {
    /// The clock of a capture that started at `started`.
    pub(crate) fn at(
        started: chrono::DateTime<chrono::Utc>,
        opts: &crate::options::Options,
    ) -> Clock {
        Clock {
            now: started.timestamp_millis(),
            time_zone: opts.time_zone.clone(),
        }
    }
}

/// One scroll pass's answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ScrollStep {
    /// Where the next pass starts.
    pub(crate) y: f64,
    pub(crate) timed_out: bool,
    pub(crate) at_limit: bool,
    /// Anything on the page reacts to scrolling.
    pub(crate) driven: bool,
    /// The pass came back because the page's height changed.
    pub(crate) changed: bool,
    pub(crate) seen: Shown,
}

/// How far sideways the page paints anything (window px at its sideways
/// start; both 0 where it paints nothing).
#[derive(Debug, Deserialize)]
pub(crate) struct Painted {
    pub(crate) left: f64,
    pub(crate) right: f64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ImageWait {
    pub(crate) pending: u32,
    pub(crate) examples: Vec<String>,
}

/// The label of the button clicked, if any, and what kind of button it was.
#[derive(Debug, Deserialize)]
pub(crate) struct Clicked {
    pub(crate) clicked: Option<String>,
    pub(crate) kind: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Expanded {
    pub(crate) clicked: u32,
}

/// Feed items seen while scrolling, those in the record, and a few missing.
#[derive(Debug, Deserialize)]
pub(crate) struct CoverageCount {
    pub(crate) seen: u32,
    pub(crate) kept: u32,
    pub(crate) missing: Vec<String>,
}

/// The page's state as `ogPageInfo()` (page/facts.js) reports it.
#[derive(Deserialize)]
pub(crate) struct PageState {
    pub(crate) status: Option<u16>,
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) height: f64,
    pub(crate) width: f64,
    pub(crate) ready: String,
    pub(crate) user_agent: String,
}

/// What the page shows, as it reports it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Shown {
    /// The page's height, CSS px.
    pub(crate) height: f64,
    /// Its oldest post date (the one that surely ends first, see
    /// `ogOldestOf`), if any can be read.
    pub(crate) oldest: Option<PostDate>,
}

/// A post date: as the page gives it (the `datetime` value, or the text a
/// reader sees), and the span it can mean: the post was made at or after
/// `from` and before `until` (UTC milliseconds; a `datetime` is one instant,
/// `until` the millisecond after it).
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct PostDate {
    pub(crate) v: String,
    pub(crate) from: f64,
    pub(crate) until: f64,
    /// Read from the text shown, not from the markup's `datetime`.
    pub(crate) text: bool,
}

impl PostDate {
    /// As the record keeps it: the markup's `datetime` value, or the text
    /// shown with the span read from it.
    pub(crate) fn recorded(self) -> (Option<String>, Option<model::DateRead>) {
        if !self.text {
            return (Some(self.v), None);
        }
        #[allow(clippy::cast_possible_truncation)]
        let at = |ms: f64| chrono::DateTime::from_timestamp_millis(ms.floor() as i64);
        match (at(self.from), at(self.until)) {
            (Some(from), Some(until)) => (
                None,
                Some(model::DateRead {
                    text: self.v,
                    from,
                    until,
                }),
            ),
            _ => (None, None),
        }
    }
}

/// A band made ready to picture: images still loading, its text runs and
/// its pictures (`segment` in `protocol.rs`).
#[derive(Deserialize)]
pub(crate) struct BandRead {
    pub(crate) pending: u32,
    pub(crate) runs: Option<Vec<model::TextRun>>,
    pub(crate) pictures: Vec<Picture>,
    /// Fixed elements still painted in the band although they were hidden.
    #[serde(default)]
    pub(crate) fixed: Vec<FixedBox>,
}

/// The first screen at the top of the page: its fixed elements, and the
/// page's own text there read with them hidden.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FirstScreen {
    pub(crate) boxes: Vec<FixedBox>,
    pub(crate) content: Vec<model::TextRun>,
}

/// A fixed element's box in document px, what it is, and either the
/// page's text under it (`covers`, in the first screen) or its own text
/// (`text`, in a later band).
#[derive(Debug, Deserialize)]
pub(crate) struct FixedBox {
    pub(crate) what: String,
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) width: f64,
    pub(crate) height: f64,
    #[serde(default)]
    pub(crate) covers: Vec<model::TextRun>,
    #[serde(default)]
    pub(crate) text: String,
}

/// A loaded picture a reader would see, and a 4 × 4 RGBA sample of its own
/// pixels where the page lets them be read.
#[derive(Deserialize)]
pub(crate) struct Picture {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) src: String,
    pub(crate) sample: Option<Vec<u8>>,
}

/// The page's posts and profile as `posts` in `protocol.rs` answers.
#[derive(Debug, Deserialize)]
pub(crate) struct RawPage {
    pub(crate) posts: Vec<RawPost>,
    pub(crate) profile: model::Profile,
}

/// A post as `ogPosts` (page/posts.js) reads it, its id not yet finished.
#[derive(Debug, Deserialize)]
pub(crate) struct RawPost {
    pub(crate) id: Option<String>,
    pub(crate) id_kind: model::PostIdKind,
    pub(crate) kind: model::PostKind,
    pub(crate) url: Option<String>,
    pub(crate) date: Option<String>,
    /// The date read from the text shown, where the markup gives none.
    #[serde(default)]
    pub(crate) date_read: Option<model::DateRead>,
    pub(crate) author: Option<String>,
    /// The text as a reader reads it, blocks apart.
    pub(crate) text: String,
    /// The text a text hash is taken over: as earlier versions read it
    /// (blocks glued, `textContent`), so a post keeps the id it had.
    #[serde(default)]
    pub(crate) id_text: Option<String>,
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) width: f64,
    pub(crate) height: f64,
    #[serde(default)]
    pub(crate) comments: Vec<RawPost>,
}

/// The request as the page's dispatcher reads it: its fields and `call`.
pub(crate) fn request<C: Call>(call: &C) -> Result<String, serde_json::Error> {
    let mut value = serde_json::to_value(call)?;
    if let serde_json::Value::Object(fields) = &mut value {
        fields.insert("call".into(), C::NAME.into());
    }
    serde_json::to_string(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every request's name is in the dispatch table of page/calls.js, and the table
    /// answers nothing else.
    #[test]
    fn every_call_has_one_entry_in_the_page_and_no_more() {
        let names = [
            PageInfo::NAME,
            DocumentId::NAME,
            ScrollOffset::NAME,
            PopupsAsked::NAME,
            RefreshDelay::NAME,
            FindScroller::NAME,
            RenderAll::NAME,
            Expand::NAME,
            ScrollPass::NAME,
            Nudge::NAME,
            Seen::NAME,
            ScrollDone::NAME,
            LoadMore::NAME,
            Unroll::NAME,
            WaitImages::NAME,
            OldestPost::NAME,
            Obstructions::NAME,
            Summary::NAME,
            Declared::NAME,
            ListNeedsLogin::NAME,
            TextRuns::NAME,
            Coverage::NAME,
            Posts::NAME,
            DismissConsent::NAME,
            FrameConsent::NAME,
            MeasureHeights::NAME,
            PinHeights::NAME,
            ScrollTop::NAME,
            Unfix::NAME,
            FixedCover::NAME,
            LetOutSideways::NAME,
            PaintedExtent::NAME,
            Segment::NAME,
            Moved::NAME,
        ];
        let js = crate::devtools::JS;
        let table = js
            .split_once("const OG_CALLS = {")
            .and_then(|(_, rest)| rest.split_once("\n};"))
            .map(|(t, _)| t)
            .expect("OG_CALLS in page/calls.js");
        let entries: Vec<&str> = table
            .lines()
            .filter_map(|l| l.trim().split_once(':').map(|(k, _)| k.trim()))
            .filter(|k| !k.is_empty() && !k.starts_with("//"))
            .collect();
        let mut want: Vec<&str> = names.to_vec();
        want.sort_unstable();
        let mut got = entries.clone();
        got.sort_unstable();
        assert_eq!(got, want);
    }

    /// Every file in `src/page/` is in the script the capture runs.
    #[test]
    fn every_page_file_is_assembled() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/page");
        let mut n = 0;
        let files = std::fs::read_dir(&dir)
            .expect("src/page")
            .chain(std::fs::read_dir(dir.join("platform")).expect("src/page/platform"));
        for entry in files {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "js") {
                let text = std::fs::read_to_string(&path).expect("a page file");
                assert!(
                    crate::devtools::JS.contains(&text),
                    "{} is not assembled",
                    path.display()
                );
                n += 1;
            }
        }
        assert!(n >= 16, "{n} page files");
    }

    #[test]
    fn a_request_carries_its_name_and_named_fields() {
        let json = request(&TextRuns {
            top: 0.0,
            bottom: 900.0,
        })
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"call": "textRuns", "top": 0.0, "bottom": 900.0})
        );
        let pass = request(&ScrollPass {
            clock: Clock {
                now: 0,
                time_zone: Some("Europe/Stockholm".into()),
            },
            from_y: 0.0,
            max_y: 200_000.0,
            step: 900,
            budget_ms: 1000,
            pause_ms: 50,
            grow_ms: 400,
        })
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&pass).unwrap();
        assert_eq!(v["call"], "scrollPass");
        assert_eq!(v["growMs"], 400);
        assert_eq!(v["fromY"], 0.0);
        assert_eq!(v["clock"]["timeZone"], "Europe/Stockholm");
    }
}
