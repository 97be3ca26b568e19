//! The capture of one page, step by step: load, consent, deferred content, scroll
//! and depth, "Visa fler", facts, frames, text, MHTML, picture (`tiles.rs`),
//! coverage. The DevTools calls behind each step live in `devtools`.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use model::{Extent, Finding, Note, Obstruction, PageFacts, StopRule, Summary, TextRun, Tile};
use serde::Deserialize;

use crate::depth::{self, Depth};
use crate::devtools::{set_viewport, tab_url, Ctx, Quiet, FRAME_TIMEOUT};
use crate::error::Error;
use crate::options::{PageCapture, PageDir};
use crate::protocol::{self as call, PageState};
use crate::tiles::{take_tiles, Area, Pictured};

/// How many times a capture follows the page to another document.
const MAX_REDIRECTS: u32 = 3;

/// After the load event: consent dialogs and late scripts often arrive now.
const AFTER_LOAD: Quiet = Quiet::ms(400, 300, 1500);
/// After a click on a consent button (the dialog goes, or the page reloads).
const AFTER_CONSENT: Quiet = Quiet::ms(100, 250, 1200);
/// After clicking "Visa fler kommentarer": the click usually fetches first,
/// so the DOM is quiet until the answer; the network shows it is coming.
const AFTER_EXPAND: Quiet = Quiet::ms(250, 250, 2000);
/// At the bottom of a page that reacts to scrolling: does it load more?
const AT_BOTTOM: Quiet = Quiet::ms(300, 300, 1200);
/// The same for a page that has already grown (a feed): it gets longer.
const AT_BOTTOM_OF_FEED: Quiet = Quiet::ms(300, 400, 3600);
/// How often to scroll up a screen and back while waiting at the bottom.
const NUDGE_EVERY: Duration = Duration::from_millis(200);

/// How much of a page's width may be past the picture with only a note
/// (CSS px): too little for a column of anything.
const SLIVER: f64 = 16.0;

/// How many "Visa fler" buttons a capture clicks at most.
const MAX_LOAD_MORE: usize = 50;
/// What the page's own check can find (`ogObstructions`), tagged as the
/// page tags it.
#[derive(Deserialize)]
#[serde(tag = "finding", rename_all = "kebab-case")]
enum PageFinding {
    PasswordField,
    LoginOverlay { text: String },
    ConsentShown { text: String },
    HttpStatus { status: u16 },
    PageSays { text: String },
}

/// One answer of the page's obstruction check as a finding. One this
/// version does not know is kept, flagged, as the page gave it.
fn page_finding(found: serde_json::Value) -> Finding {
    match PageFinding::deserialize(&found) {
        Ok(PageFinding::PasswordField) => Finding::PasswordField,
        Ok(PageFinding::LoginOverlay { text }) => Finding::LoginOverlay { text },
        Ok(PageFinding::ConsentShown { text }) => Finding::ConsentShown { text },
        Ok(PageFinding::HttpStatus { status }) => Finding::HttpStatus { status },
        Ok(PageFinding::PageSays { text }) => Finding::PageSays { text },
        Err(_) => Finding::Unrecognised {
            kind: found
                .get("finding")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_string(),
            detail: found.to_string(),
        },
    }
}

/// The English lines of `notes`, for the page's `warnings`.
fn lines(notes: &[Note]) -> Vec<String> {
    notes.iter().map(ToString::to_string).collect()
}

/// How long saving the first screen of a page whose budget ran out may take.
const SALVAGE_GRACE: Duration = Duration::from_secs(10);

impl crate::Session {
    /// Capture `url` into the page directory `out`.
    pub fn capture(&self, url: &str, out: &PageDir) -> Result<PageCapture, Error> {
        crate::validate_url(url)?;
        let deadline = std::time::Instant::now() + self.opts.page_budget;
        let first = self.in_tab(url, deadline, |cx| capture(cx, out));
        let Err(Error::TabGone { during, what }) = first else {
            return first;
        };
        // A page that killed its tab gets one more try in a fresh one,
        // within what is left of its budget; the first try's files go.
        let dir = out.dir.clone();
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|source| Error::Io { path: dir, source })?;
        }
        match self.in_tab(url, deadline, |cx| capture(cx, out)) {
            Ok(mut page) => {
                page.facts.note(model::Note::TabRetried { what, during });
                Ok(page)
            }
            Err(Error::TabGone { during, what }) => Err(Error::TabGone {
                during,
                what: format!("{what}, in a fresh tab too"),
            }),
            Err(e) => Err(e),
        }
    }
}

/// Capture the page in `cx` into `out`. When the
/// page's time budget runs out, what is kept is its first screen, flagged
/// incomplete with the step the time ran out in.
pub(crate) fn capture(cx: &Ctx<'_>, out: &PageDir) -> Result<PageCapture, Error> {
    let started = Utc::now();
    match capture_whole(cx, out, started) {
        Err(Error::OutOfTime { step, budget }) => salvage(cx, out, started, &step, budget),
        other => other,
    }
}

/// The first screen of a page whose budget ran out while `step`, within
/// [`SALVAGE_GRACE`]: its picture, and its text and summary where the page
/// still answers. The files of the cut capture go.
fn salvage(
    cx: &Ctx<'_>,
    out: &PageDir,
    started: chrono::DateTime<Utc>,
    step: &str,
    budget: Duration,
) -> Result<PageCapture, Error> {
    let opts = &cx.s.opts;
    cx.extend_budget(SALVAGE_GRACE);
    let dir = &out.dir;
    let io = |source| Error::Io {
        path: dir.clone(),
        source,
    };
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io)?;
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let (info, height, shot) = match first_screen(cx) {
        Ok(x) => x,
        Err(Error::OutOfTime { .. } | Error::Timeout { .. } | Error::Protocol { .. }) => {
            return Err(Error::OutOfTime {
                step: step.to_string(),
                budget,
            })
        }
        Err(e) => return Err(e),
    };
    let tile = first_tile(out, shot, height)?;
    let mut notes = Vec::new();
    let text_runs: Vec<TextRun> = cx
        .call(
            "reading the page text",
            &call::TextRuns {
                top: 0.0,
                bottom: height,
            },
        )
        .unwrap_or_else(|e| {
            notes.push(Note::FirstScreenTextUnreadable {
                error: e.to_string(),
            });
            Vec::new()
        });
    let summary: Summary = cx
        .call(
            "summarising the page",
            &call::Summary {
                clock: call::Clock::at(started, opts),
                max_y: height,
            },
        )
        .unwrap_or_default();
    let text_runs = without_ink(text_runs);
    write_text_runs(dir, &text_runs)?;
    let (tried, refused) = cx.refused();
    notes.extend(tried);
    let derived = serde_json::json!({
        "label": out.label, "requested_url": cx.url, "final_url": info.url,
        "http_status": info.status, "title": info.title, "started": started,
        "first_screen_only": true,
    });
    notes.extend(cx.write_warc(out, &refused, derived)?);
    let kept = Salvaged {
        info,
        height,
        tile,
        summary,
        notes,
        refused,
    };
    Ok(PageCapture {
        facts: cut_facts(cx, out, (started, step, budget), kept),
        text_runs,
        posts: None,
        phases: cx.phases(),
    })
}

/// Picture the first screen at the top of the page at the viewport's
/// size: the page's state, the height pictured and the screenshot (base64).
fn first_screen(cx: &Ctx<'_>) -> Result<(PageState, f64, String), Error> {
    let opts = &cx.s.opts;
    set_viewport(cx, opts.viewport_width, opts.viewport_height)?;
    cx.call("scrolling to the top", &call::ScrollTop {})?;
    let info = cx.info()?;
    let height = f64::from(opts.viewport_height).min(info.height.max(1.0));
    let width = f64::from(opts.viewport_width);
    let shot = cx.screenshot("taking the first screen", (0.0, 0.0, width, height))?;
    Ok((info, height, shot))
}

/// Write the first screen's screenshot `shot` (base64, `height` CSS px)
/// as the page's only tile.
fn first_tile(out: &PageDir, shot: String, height: f64) -> Result<Tile, Error> {
    let path = out.dir.join("tile-001.png");
    let bytes = crate::png_out::base64_decode(&shot).ok_or_else(|| Error::Image {
        path: path.clone(),
        reason: "not base64".into(),
    })?;
    let written = crate::png_out::write_rgb_png(&bytes, &path)?;
    Ok(Tile {
        file: format!("{}/tile-001.png", out.rel),
        css_y: 0.0,
        css_height: height,
        width_px: written.width,
        height_px: written.height,
    })
}

/// What a capture cut short kept of its first screen.
struct Salvaged {
    info: PageState,
    /// The height pictured (CSS px).
    height: f64,
    tile: Tile,
    summary: Summary,
    notes: Vec<Note>,
    refused: model::Refused,
}

/// The facts of a page whose capture, `started` then, was cut to its first
/// screen (`kept`) when its time `budget` ran out while `step`.
fn cut_facts(
    cx: &Ctx<'_>,
    out: &PageDir,
    (started, step, budget): (chrono::DateTime<Utc>, &str, Duration),
    kept: Salvaged,
) -> PageFacts {
    let opts = &cx.s.opts;
    let Salvaged {
        info,
        height,
        tile,
        summary,
        notes,
        refused,
    } = kept;
    let secs = budget.as_secs();
    PageFacts {
        label: out.label.clone(),
        requested_url: cx.url.to_string(),
        final_url: tab_url(cx).unwrap_or(info.url),
        http_status: info.status,
        title: info.title,
        started,
        ended: Utc::now(),
        viewport_width: opts.viewport_width,
        viewport_height: opts.viewport_height,
        device_scale: opts.device_scale,
        full_height: info.height.max(1.0),
        captured_height: height,
        truncated: Some(format!(
            "the capture's time budget of {secs} s ran out while {step}; the record holds the first screen only"
        )),
        extent: Extent {
            full_width: info.width,
            captured_width: f64::from(opts.viewport_width),
            stop_rule: Some(StopRule::TimeLimit),
            declared: cx
                .call("reading the account's own count", &call::Declared {})
                .ok()
                .flatten(),
            list_needs_login: cx
                .call(
                    "asking whether the list needs a login",
                    &call::ListNeedsLogin {},
                )
                .unwrap_or(false),
            ..Extent::default()
        },
        obstructions: vec![Obstruction::found(Finding::OutOfTime {
            budget_secs: secs,
            step: step.to_string(),
            height,
            full_height: info.height.max(1.0),
        })],
        summary,
        user_agent: info.user_agent,
        browser_version: cx.s.browser_version().to_string(),
        tiles: vec![tile],
        text_file: format!("{}/text.json", out.rel),
        mhtml_file: None,
        warnings: lines(&notes),
        notes,
        refused,
    }
}

fn capture_whole(
    cx: &Ctx<'_>,
    out: &PageDir,
    started: chrono::DateTime<Utc>,
) -> Result<PageCapture, Error> {
    let (opts, url) = (&cx.s.opts, cx.url);
    let t0 = Instant::now();
    let settle_deadline =
        t0 + opts.navigation_timeout.min(Duration::from_secs(5)) + opts.settle_timeout;
    let mut notes: Vec<Note> = Vec::new();

    let (rel_dir, dir, label) = (&out.rel, out.dir.clone(), out.label.as_str());
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;

    // 1–2. The tab: viewport, user agent, dialogs, watcher, cookies.
    cx.prepare()?;
    cx.mark("tab prepared");
    // 3. Navigate, bounded: Page.navigate itself waits for the response.
    crate::devtools::navigate(cx, opts.navigation_timeout)?;
    // Scripts that hold the parser up (from hosts that answer slowly, or a
    // network that lets their requests hang) may take longer than the
    // response did: the document is waited for up to half the page's budget.
    let parse_wait = opts.navigation_timeout.max(opts.page_budget / 2);
    let parsed_by = t0 + parse_wait;
    loop {
        let info = cx.info();
        match info {
            Ok(i) if i.ready != "loading" => break,
            Ok(_) | Err(Error::Protocol { .. }) => {}
            Err(e) => return Err(e),
        }
        // A call to a closed tab fails at once, like one to a document
        // still loading: only the tab list tells them apart.
        if let Some(what) = cx.tab_gone() {
            return Err(Error::TabGone {
                during: format!("loading {url}"),
                what,
            });
        }
        if Instant::now() >= parsed_by {
            return Err(Error::Timeout {
                step: format!("loading {url} (the document was not parsed)"),
                after: parse_wait,
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    // 4–7. Settle, read and picture the document. A page that moves to
    // another document meanwhile (a script or meta redirect) is captured
    // again there, from its load event on, so no record mixes two pages.
    let mut moved = 0;
    let mut deadline = settle_deadline;
    cx.mark("document parsed");
    // Dates written relative to the capture are read against its start.
    let clock = call::Clock::at(started, opts);
    let doc = loop {
        let mut these = Vec::new();
        let last = moved == MAX_REDIRECTS;
        if let Some(doc) =
            capture_document(cx, &dir, rel_dir, (deadline, &clock), last, &mut these)?
        {
            notes.append(&mut these);
            break doc;
        }
        moved += 1;
        std::fs::remove_dir_all(&dir)
            .and_then(|()| std::fs::create_dir_all(&dir))
            .map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            })?;
        // The new document gets time of its own to settle.
        deadline = deadline.max(Instant::now() + opts.settle_timeout / 2);
    };
    cx.mark("screenshot tiles");
    let (tried, refused) = cx.refused();
    notes.extend(tried);
    let final_url = tab_url(cx).unwrap_or(doc.info.url);
    // 8. The exchange as a web archive (devtools/record.rs).
    let derived = serde_json::json!({
        "label": label, "requested_url": url, "final_url": final_url,
        "http_status": doc.info.status, "title": doc.info.title, "started": started,
        "text_file": doc.text_file, "mhtml_file": doc.mhtml_file,
    });
    notes.extend(cx.write_warc(out, &refused, derived)?);
    cx.mark("web archive");
    Ok(PageCapture {
        facts: PageFacts {
            label: label.to_string(),
            requested_url: url.to_string(),
            final_url,
            http_status: doc.info.status,
            title: doc.info.title,
            started,
            ended: Utc::now(),
            viewport_width: opts.viewport_width,
            viewport_height: opts.viewport_height,
            device_scale: opts.device_scale,
            full_height: doc.full_height,
            captured_height: doc.captured_height,
            truncated: doc.truncated,
            extent: doc.extent,
            obstructions: doc.obstructions,
            summary: doc.summary,
            user_agent: doc.info.user_agent,
            browser_version: cx.s.browser_version().to_string(),
            tiles: doc.tiles,
            text_file: doc.text_file,
            mhtml_file: doc.mhtml_file,
            warnings: lines(&notes),
            notes,
            refused,
        },
        text_runs: doc.text_runs,
        posts: doc.posts,
        phases: cx.phases(),
    })
}

/// What one document gave: its state and facts, text and picture.
struct Doc {
    info: PageState,
    full_height: f64,
    captured_height: f64,
    truncated: Option<String>,
    extent: Extent,
    obstructions: Vec<Obstruction>,
    summary: Summary,
    text_runs: Vec<TextRun>,
    text_file: String,
    mhtml_file: Option<String>,
    tiles: Vec<Tile>,
    posts: Option<crate::options::PagePosts>,
}

/// Steps 4 to 7 of a capture, in the document the tab shows now: wait for
/// its load event, settle it, then read its facts and text, save the MHTML
/// and take the tiles. `None` when the page moved to another document
/// meanwhile, to be captured again there; on the `last` try the capture
/// goes on and says so.
fn capture_document(
    cx: &Ctx<'_>,
    dir: &Path,
    rel_dir: &str,
    (settle_deadline, clock): (Instant, &call::Clock),
    last: bool,
    notes: &mut Vec<Note>,
) -> Result<Option<Doc>, Error> {
    wait_for_load(cx, notes)?;
    let mut run = DocRun {
        cx,
        dir,
        rel_dir,
        deadline: settle_deadline,
        clock,
        depth: Depth::of(&cx.s.opts),
        last,
        here: cx.document_mark(),
        notes,
    };
    // Consent dialogs and late scripts often appear shortly after load.
    cx.mark("load event");
    run.settle_after_load()?;
    if run.moved() {
        return Ok(None);
    }
    // 4. Consent, expand, scroll for lazy content, wait for images.
    let Some(followed) = run.make_whole()? else {
        return Ok(None);
    };
    // 5. Facts from the DOM.
    let mut facts = run.read_facts(&followed)?;
    cx.mark("obstructions, summary, text runs");
    // 6. MHTML before the picture-taking changes any styles.
    let mhtml_file = run.save_mhtml()?;
    cx.mark("MHTML snapshot");
    // 7. Screenshot tiles.
    let Layers {
        tiles,
        text_runs,
        posts,
    } = run.picture(&mut facts)?;
    let kept = run.check_kept(&text_runs, &mut facts)?;
    let frames = &facts.frames;
    if frames.past_bound > 0 {
        run.notes.push(Note::FramesPastBound {
            frames: frames.frames + frames.past_bound,
            read: frames.read,
        });
    }
    let extent = Extent {
        full_width: facts.full_width,
        captured_width: facts.captured_width,
        scroller: followed.scroller,
        stop_rule: Some(facts.stop_rule),
        since: cx.s.opts.since.map(|s| s.day),
        oldest_post_reached: facts.oldest_post_reached,
        oldest_post_reached_read: facts.oldest_post_reached_read,
        load_more_clicks: followed.load_more,
        items_seen: (kept.items_seen > 0).then_some(kept.items_seen),
        items_in_record: (kept.items_seen > 0).then_some(kept.items_kept),
        cross_site_frames: frames.frames,
        cross_site_frames_read: frames.read,
        words_seen: Some(kept.words_seen),
        words_in_record: Some(kept.words_in_record),
        declared: facts.declared,
        list_needs_login: facts.list_needs_login,
        without_login: None,
    };
    if run.moved() {
        return Ok(None);
    }
    if last && cx.document_mark().differs(&run.here) {
        run.notes.push(Note::KeptMoving {
            times: MAX_REDIRECTS,
        });
    }
    Ok(Some(Doc {
        info: facts.info,
        full_height: facts.full_height,
        captured_height: facts.captured_height,
        truncated: facts.truncated,
        extent,
        obstructions: facts.obstructions,
        summary: facts.summary,
        text_runs,
        text_file: format!("{rel_dir}/text.json"),
        mhtml_file,
        tiles,
        posts,
    }))
}

/// Wait, at most 5 s (or the settle timeout if shorter), for the load
/// event of the document the tab shows; one that comes later is noted.
fn wait_for_load(cx: &Ctx<'_>, notes: &mut Vec<Note>) -> Result<(), Error> {
    let opts = &cx.s.opts;
    let load_by = Instant::now() + opts.settle_timeout.min(Duration::from_secs(5));
    loop {
        // The document may be in the middle of being replaced: ask again.
        match cx.info() {
            Ok(i) if i.ready == "complete" => return Ok(()),
            Ok(_) | Err(Error::Protocol { .. }) => {}
            Err(e) => return Err(e),
        }
        if Instant::now() >= load_by {
            notes.push(Note::LoadEventLate {
                secs: opts.settle_timeout.min(Duration::from_secs(5)).as_secs(),
            });
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One document's capture as it goes, from its load event on: what its
/// steps share.
struct DocRun<'a, 'n> {
    cx: &'a Ctx<'a>,
    dir: &'a Path,
    rel_dir: &'a str,
    /// When settling and following the page must end.
    deadline: Instant,
    /// Dates written relative to the capture are read against its start.
    clock: &'a call::Clock,
    depth: Depth,
    /// The last try: a page that moves on is captured where it is.
    last: bool,
    /// The document as its load event came.
    here: crate::devtools::DocumentMark,
    notes: &'n mut Vec<Note>,
}

/// How far the page was followed down (step 4), and how that ended.
struct Followed {
    /// The element an app shell scrolls instead of the document, if any.
    scroller: Option<String>,
    /// Where the depth rule stopped following the feed, if it did.
    stop: Option<depth::Stop>,
    timed_out: bool,
    /// The page grew while it was scrolled (a feed).
    grew: bool,
    /// The "Visa fler" buttons clicked, by label.
    load_more: Vec<String>,
}

/// What the DOM says about the page once it is whole (step 5).
struct Facts {
    /// The page's state, read at the width it is pictured at.
    info: PageState,
    full_width: f64,
    captured_width: f64,
    full_height: f64,
    captured_height: f64,
    stop_rule: StopRule,
    oldest_post_reached: Option<String>,
    oldest_post_reached_read: Option<model::DateRead>,
    truncated: Option<String>,
    obstructions: Vec<Obstruction>,
    summary: Summary,
    declared: Option<model::Declared>,
    list_needs_login: bool,
    /// The page's text runs, down to the captured height.
    text_runs: Vec<TextRun>,
    frames: FrameFacts,
}

/// What step 7 writes: the tiles, the text layer over them, the posts.
struct Layers {
    tiles: Vec<Tile>,
    text_runs: Vec<TextRun>,
    posts: Option<crate::options::PagePosts>,
}

/// What the record holds of what the page showed while it was scrolled.
struct Kept {
    /// Feed items seen while scrolling.
    items_seen: u32,
    /// Those of them in the picture.
    items_kept: u32,
    words_seen: u64,
    words_in_record: u64,
}

impl DocRun<'_, '_> {
    /// What is left of the time to settle and follow the page.
    fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Whether the page moved to another document since its load event
    /// (never on the last try).
    fn moved(&self) -> bool {
        !self.last && self.cx.document_mark().differs(&self.here)
    }

    /// Let the page settle after its load event; a page that says it moves
    /// on soon is given the time to (the caller then captures the new
    /// document).
    fn settle_after_load(&self) -> Result<(), Error> {
        self.cx.settle(AFTER_LOAD, self.deadline)?;
        let refresh = self
            .cx
            .call("reading the page state", &call::RefreshDelay {})?;
        if (0.0..=5.0).contains(&refresh) {
            let wait = Duration::from_secs_f64(refresh + 0.5).min(self.remaining());
            std::thread::sleep(wait);
        }
        Ok(())
    }

    /// Step 4: make the page look as a reader sees it: the consent dialog
    /// dismissed, comments expanded, deferred content rendered, the page
    /// followed down as far as the depth rule and the time allow, its
    /// images loaded. `None` when the page moved meanwhile.
    fn make_whole(&mut self) -> Result<Option<Followed>, Error> {
        let cx = self.cx;
        cx.mark("quiet after load");
        dismiss_consent(cx, self.notes)?;
        // A consent click may reload the page or send it elsewhere.
        if self.moved() {
            return Ok(None);
        }
        cx.mark("consent dialog");
        // An app shell scrolls an element, not the document: the scroll pass
        // moves that one. Deferred rendering (content-visibility, lazy images
        // and frames, in shadow roots too) is undone before anything is measured.
        let scroller = cx.call("finding the scroller", &call::FindScroller {})?;
        cx.call("rendering deferred content", &call::RenderAll {})?;
        // Expand what is there before the scroll pass too: a feed that never
        // ends can use up the whole budget while scrolling, and the comments
        // near the top must not stay collapsed because of it.
        let (early, _) = self.expand(cx.s.opts.expand_rounds)?;
        cx.mark("comments expanded");
        let Some(followed) = self.follow(scroller)? else {
            return Ok(None);
        };
        self.expand_late(early)?;
        if followed.scroller.is_some() {
            // Let the scroller out to its full height: the document now holds the feed.
            cx.call("letting out the scroller", &call::Unroll {})?;
            cx.call("rendering deferred content", &call::RenderAll {})?;
        }
        self.wait_for_images()?;
        dismiss_consent(cx, self.notes)?;
        if self.moved() {
            return Ok(None);
        }
        cx.mark("images loaded, consent checked again");
        Ok(Some(followed))
    }

    /// Click "Visa fler kommentarer" for up to `limit` rounds, at least one
    /// whatever the clock says (a click is cheap): the rounds clicked, and
    /// whether buttons were still there when it stopped.
    fn expand(&self, limit: u32) -> Result<(u32, bool), Error> {
        let mut rounds = 0;
        while rounds < limit && (rounds == 0 || !self.remaining().is_zero()) {
            let e = self
                .cx
                .call("expanding comments", &call::Expand { max_clicks: 50 })?;
            if e.clicked == 0 {
                return Ok((rounds, false));
            }
            rounds += 1;
            self.cx.settle(AFTER_EXPAND, self.deadline)?;
        }
        Ok((rounds, rounds > 0))
    }

    /// Expand the comments the scroll pass loaded further down, with what is
    /// left of the rounds after the `early` ones; comments still collapsed
    /// when it stops are noted.
    fn expand_late(&mut self, early: u32) -> Result<(), Error> {
        let rounds = self.cx.s.opts.expand_rounds;
        let (late, still_collapsed) = if rounds == 0 {
            (0, false)
        } else {
            self.expand(rounds.saturating_sub(early).max(1))?
        };
        if still_collapsed {
            self.notes.push(Note::CommentsStillCollapsed {
                rounds: early + late,
            });
        }
        self.cx.mark("comments expanded after scrolling");
        Ok(())
    }

    /// Follow the page down: scroll it through, then click "Visa fler" and
    /// scroll on while the depth rule and the time allow; running out of
    /// time is noted. `None` when the page moved meanwhile.
    fn follow(&mut self, scroller: Option<String>) -> Result<Option<Followed>, Error> {
        let cx = self.cx;
        let start_height = cx.info()?.height;
        let pass = scroll_through(
            cx,
            (&self.depth, self.clock),
            0.0,
            start_height,
            self.deadline,
        )?;
        cx.mark("scroll pass");
        let Some((load_more, pass)) = self.load_more(start_height, pass)? else {
            return Ok(None);
        };
        if pass.timed_out {
            self.notes.push(Note::ScrollOutOfTime);
        }
        let end_height = cx.info()?.height;
        Ok(Some(Followed {
            scroller,
            stop: pass.stop,
            timed_out: pass.timed_out,
            grew: end_height > start_height + 1.0,
            load_more,
        }))
    }

    /// "Visa fler": more of the same list, clicked within the same rules as
    /// the scroll `pass` so far, the page scrolled on after each click. The
    /// labels clicked and the pass as it ended; `None` when the page moved.
    fn load_more(
        &self,
        start_height: f64,
        mut pass: Pass,
    ) -> Result<Option<(Vec<String>, Pass)>, Error> {
        let cx = self.cx;
        let mut clicked = Vec::new();
        while pass.stop.is_none() && !pass.timed_out && clicked.len() < MAX_LOAD_MORE {
            if self.remaining().is_zero() {
                // Out of time with more of the list behind a button: say so.
                let c = cx.call("loading more of the list", &call::LoadMore { look: true })?;
                pass.timed_out = c.clicked.is_some();
                break;
            }
            let c = cx.call("loading more of the list", &call::LoadMore { look: false })?;
            let Some(label) = c.clicked else { break };
            clicked.push(label);
            cx.settle(AFTER_EXPAND, self.deadline)?;
            if self.moved() {
                return Ok(None);
            }
            let from = cx.info()?.height - f64::from(cx.s.opts.viewport_height);
            let more = scroll_through(
                cx,
                (&self.depth, self.clock),
                from.max(0.0),
                start_height,
                self.deadline,
            )?;
            pass.stop = more.stop;
            pass.timed_out |= more.timed_out;
        }
        Ok(Some((clicked, pass)))
    }

    /// Wait, 2 to 10 s, for the images down to the page limit to load;
    /// those still loading then are noted.
    fn wait_for_images(&mut self) -> Result<(), Error> {
        let budget = self
            .remaining()
            .clamp(Duration::from_secs(2), Duration::from_secs(10));
        let images = self.cx.call(
            "waiting for images",
            &call::WaitImages {
                max_y: self.depth.page_max,
                budget_ms: millis(budget),
            },
        )?;
        if images.pending > 0 {
            self.notes.push(Note::ImagesNotLoaded {
                count: images.pending,
                examples: images.examples,
            });
        }
        Ok(())
    }

    /// Step 5: the page's facts from the DOM, read at the width it is
    /// pictured at: how far down it is captured and why, what obstructs
    /// it, its summary and declared count, its text and its frames' text.
    fn read_facts(&mut self, followed: &Followed) -> Result<Facts, Error> {
        let cx = self.cx;
        let (info, full_width, captured_width, cut) = self.lay_out_wide()?;
        let full_height = info.height.max(1.0);
        let (stop_rule, limit) = self.depth_end(followed, full_height)?;
        let captured_height = full_height.min(limit).ceil();
        let (oldest_post_reached, oldest_post_reached_read) = cx
            .call(
                "reading post dates",
                &call::OldestPost {
                    clock: self.clock.clone(),
                    max_y: Some(captured_height),
                },
            )?
            .map_or((None, None), call::PostDate::recorded);
        let truncated = (full_height > limit && stop_rule != StopRule::PeriodStart)
            .then(|| truncation(full_height, limit, followed.grew));
        let found = cx.call(
            "checking for obstructions",
            &call::Obstructions {
                status: info.status,
            },
        )?;
        let mut obstructions: Vec<Obstruction> = found
            .into_iter()
            .map(|f| Obstruction::found(page_finding(f)))
            .chain(cut)
            .collect();
        let summary = cx.call(
            "summarising the page",
            &call::Summary {
                clock: self.clock.clone(),
                max_y: captured_height,
            },
        )?;
        let declared = cx.call("reading the account's own count", &call::Declared {})?;
        let list_needs_login = cx.call(
            "asking whether the list needs a login",
            &call::ListNeedsLogin {},
        )?;
        let text_runs = cx.call(
            "reading the page text",
            &call::TextRuns {
                top: 0.0,
                bottom: captured_height,
            },
        )?;
        let frames = read_frames(cx, captured_height);
        obstructions.extend(frame_obstructions(&frames));
        Ok(Facts {
            info,
            full_width,
            captured_width,
            full_height,
            captured_height,
            stop_rule,
            oldest_post_reached,
            oldest_post_reached_read,
            truncated,
            obstructions,
            summary,
            declared,
            list_needs_login,
            text_runs,
            frames,
        })
    }

    /// Lay the page out at the width it is pictured at (see [`widen`]),
    /// inner elements that scroll sideways (a timeline, a wide table in a
    /// scrolling box) let out to their full width first, and no wider than
    /// it paints anything (see [`narrow`]). A page cut there (a
    /// right-to-left one keeps its start, on the right) is an obstruction
    /// where it paints something past the cut; a page wider only by empty
    /// boxes, or by a sliver too narrow for a column (a full-width element's
    /// margin), only a note. The state read at that width, the page's
    /// width, the width pictured, and the obstruction if any.
    fn lay_out_wide(&mut self) -> Result<(PageState, f64, f64, Option<Obstruction>), Error> {
        self.cx
            .call("letting out sideways scrollers", &call::LetOutSideways {})?;
        let (info, full_width, captured_width) = widen(self.cx)?;
        let (info, captured_width, past) = narrow(self.cx, info, captured_width)?;
        let full_width = full_width.max(info.width).max(captured_width);
        let mut cut = None;
        if full_width > captured_width + SLIVER && past > SLIVER {
            cut = Some(Obstruction::found(Finding::CutAtWidth {
                width: full_width,
                limit: captured_width,
            }));
        } else if full_width > captured_width + SLIVER {
            self.notes.push(Note::EmptyPastWidth {
                width: full_width,
                limit: captured_width,
            });
        } else if full_width > captured_width + 1.0 {
            self.notes.push(Note::TooWide {
                width: full_width,
                limit: captured_width,
            });
        }
        Ok((info, full_width, captured_width, cut))
    }

    /// Where the capture ends down a page `full_height` tall, and by which
    /// rule: where following the feed stopped, or the rule on the page as
    /// it ends.
    fn depth_end(&self, followed: &Followed, full_height: f64) -> Result<(StopRule, f64), Error> {
        let seen = call::Shown {
            height: full_height,
            oldest: self.cx.call(
                "reading post dates",
                &call::OldestPost {
                    clock: self.clock.clone(),
                    max_y: None,
                },
            )?,
        };
        let end = depth::end(
            &self.depth,
            followed.stop,
            &seen,
            followed.grew,
            followed.timed_out,
        );
        Ok((end.rule, end.at.min(self.depth.page_max)))
    }

    /// Step 6: the page as an MHTML snapshot, unless a frame did not answer
    /// (saving one waits for every frame to serialise itself, and one that
    /// does not would stall the page's own renderer too) or saving fails:
    /// both are noted. The file's name in the record, if one was saved.
    fn save_mhtml(&mut self) -> Result<Option<String>, Error> {
        let cx = self.cx;
        if !cx.s.opts.mhtml {
            return Ok(None);
        }
        let silent = cx.unanswered_frames();
        if !silent.is_empty() {
            self.notes.push(Note::NoMhtmlFramesSilent {
                frames: u32::try_from(silent.len()).unwrap_or(u32::MAX),
            });
            return Ok(None);
        }
        match cx.mhtml() {
            Ok(snap) => {
                let path = self.dir.join("page.mhtml");
                std::fs::write(&path, snap).map_err(|source| Error::Io { path, source })?;
                Ok(Some(format!("{}/page.mhtml", self.rel_dir)))
            }
            Err(e) if e.is_browser_gone() => Err(e),
            Err(e) => {
                self.notes.push(Note::NoMhtml {
                    error: e.to_string(),
                });
                Ok(None)
            }
        }
    }

    /// Step 7: picture the page as far as it is captured, in tiles (see
    /// [`take_tiles`]), note what the picture could not hold, and write its
    /// text layer and its posts. The tiles, the text layer and the posts.
    fn picture(&mut self, facts: &mut Facts) -> Result<Layers, Error> {
        let (cx, dir, rel_dir) = (self.cx, self.dir, self.rel_dir);
        let captured_height = facts.captured_height;
        let area = Area {
            width: facts.captured_width,
            height: captured_height,
        };
        let runs = (
            std::mem::take(&mut facts.text_runs),
            std::mem::take(&mut facts.frames.runs),
        );
        let Pictured {
            tiles,
            text_runs,
            pending,
            unsteady,
            lift,
            notes: fixed_notes,
        } = take_tiles(cx, dir, rel_dir, &area, runs, &mut facts.obstructions)?;
        if lift > 0.0 {
            self.notes
                .push(Note::FirstScreenStripAgain { height: lift });
        }
        self.notes.extend(fixed_notes);
        if unsteady > 0 {
            self.notes.push(Note::TextMoving { parts: unsteady });
        }
        if pending > 0 {
            self.notes.push(Note::ImagesStillLoading { count: pending });
        }
        let text_runs = without_ink(text_runs);
        write_text_runs(dir, &text_runs)?;
        let label = rel_dir.rsplit('/').next().unwrap_or(rel_dir);
        // Posts below the first screen's strip lie `lift` lower in the picture.
        let strip = (
            f64::from(cx.s.opts.viewport_height).min(captured_height) - lift,
            lift,
        );
        let posts = crate::posts::write(
            cx,
            dir,
            label,
            captured_height,
            strip,
            self.clock,
            self.notes,
        )?;
        Ok(Layers {
            tiles,
            text_runs,
            posts,
        })
    }

    /// Every feed item seen while scrolling must be in the picture, and
    /// every word shown in the text layer (`runs`): a loss is an
    /// obstruction. The page's word count is the larger of the two counts.
    fn check_kept(&self, runs: &[TextRun], facts: &mut Facts) -> Result<Kept, Error> {
        let items = self.cx.call(
            "counting the items kept",
            &call::Coverage {
                max_y: facts.captured_height,
            },
        )?;
        if items.kept < items.seen {
            facts
                .obstructions
                .push(Obstruction::found(Finding::ItemsMissing {
                    seen: items.seen,
                    kept: items.kept,
                    missing: items.missing,
                }));
        }
        let words_seen = facts.summary.word_count;
        let words_in_record = word_count(runs);
        // A text repeated down a feed counts only as often as it was shown at
        // once (ogNoteWords), so a virtualised feed's record can hold more.
        facts.summary.word_count = words_seen.max(words_in_record);
        if words_short(words_seen, words_in_record) {
            facts
                .obstructions
                .push(Obstruction::found(Finding::WordsMissing {
                    seen: words_seen,
                    in_record: words_in_record,
                }));
        }
        Ok(Kept {
            items_seen: items.seen,
            items_kept: items.kept,
            words_seen,
            words_in_record,
        })
    }
}

/// Why the record holds less than a page `full_height` tall, cut at
/// `limit` (CSS px); `grew`: it kept loading more while scrolled.
fn truncation(full_height: f64, limit: f64, grew: bool) -> String {
    if grew {
        format!(
            "the page kept loading more content while scrolled (it reached {full_height:.0} px); the capture stops at the {limit:.0} px limit"
        )
    } else {
        format!(
            "the page is {full_height:.0} px tall; the capture stops at the {limit:.0} px limit"
        )
    }
}

/// What the page's cross-site frames obstruct: a consent dialog still shown
/// in one over the first screen, and frames whose text is missing because
/// they never answered.
fn frame_obstructions(frames: &FrameFacts) -> Vec<Obstruction> {
    let mut found = Vec::new();
    if let Some(text) = &frames.consent {
        found.push(Obstruction::found(Finding::ConsentInFrame {
            text: text.clone(),
        }));
    }
    if !frames.silent.is_empty() {
        found.push(Obstruction::found(Finding::FramesSilent {
            silent: frames.silent.clone(),
            frames: frames.frames,
        }));
    }
    found
}

/// Lay the page out as wide as it is, up to the width limit: the viewport
/// is widened to the page's width, and again while the page grows with it
/// (a centred body moves right as the window widens, and a table spilling
/// past it with it), each step aimed at where the last two layouts say the
/// width settles. A right-to-left page cut there keeps its start, on the
/// right. The state read at the final width, the page's width there and
/// the width pictured.
fn widen(cx: &Ctx<'_>) -> Result<(PageState, f64, f64), Error> {
    let opts = &cx.s.opts;
    let viewport_width = f64::from(opts.viewport_width);
    let limit = f64::from(opts.max_width).max(viewport_width);
    let mut info = cx.info()?;
    let (mut w, mut full) = (viewport_width, info.width);
    let mut before: Option<(f64, f64)> = None;
    for _ in 0..5 {
        let want = full.clamp(viewport_width, limit).ceil();
        if want <= w + 1.0 {
            break;
        }
        let aim = match before {
            Some((w0, f0)) if w - w0 > 1.0 => {
                let slope = (full - f0) / (w - w0);
                if slope >= 0.9 {
                    // It grows as fast as the window (an element 100vw
                    // wide and a margin): widening brings nothing more.
                    break;
                }
                if slope >= 0.0 {
                    w + (full - w) / (1.0 - slope)
                } else {
                    want
                }
            }
            _ => want,
        };
        before = Some((w, full));
        w = aim.clamp(viewport_width, limit).ceil();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        set_viewport(cx, w as u32, opts.viewport_height)?;
        info = cx.info()?;
        full = info.width;
    }
    Ok((info, full.max(w), w))
}

/// A page widened to `width` that paints nothing past a narrower width (a
/// block made 7 000 px wide by an empty child) is laid out again at that
/// width, never narrower than the window, so the picture is not mostly
/// empty; kept where it then paints past it. The state, the width pictured,
/// and how many px the page paints past it (both sides).
fn narrow(cx: &Ctx<'_>, info: PageState, width: f64) -> Result<(PageState, f64, f64), Error> {
    let opts = &cx.s.opts;
    let viewport = f64::from(opts.viewport_width);
    let painted = |w: f64| -> Result<(f64, f64), Error> {
        let p = cx.call("measuring how far the page paints", &call::PaintedExtent {})?;
        Ok((p.right, (p.right - w).max(0.0) + (-p.left).max(0.0)))
    };
    // A page no wider than the window needs no measuring (the common case:
    // the walk over every element is not free).
    if width <= viewport + 1.0 && info.width <= width + SLIVER {
        return Ok((info, width, 0.0));
    }
    let (right, past) = painted(width)?;
    let need = right.ceil().max(viewport);
    if width <= viewport + 1.0 || need + SLIVER >= width || past > SLIVER {
        return Ok((info, width, past));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    set_viewport(cx, need as u32, opts.viewport_height)?;
    let (_, past_narrow) = painted(need)?;
    if past_narrow > SLIVER {
        // Laid out again, it paints further out: back to the wider window.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        set_viewport(cx, width as u32, opts.viewport_height)?;
        return Ok((cx.info()?, width, past));
    }
    Ok((cx.info()?, need, past_narrow))
}

/// `d` in whole milliseconds, for the page.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A text layer shorter than this share of the words the page showed is a
/// loss (measured on Mozilla's readability corpus and the fixture site:
/// `scripts/corpus`, BENCHMARKS.md).
const WORDS_KEPT_SHARE: f64 = 0.85;
/// ... and so is one missing at least this many words: a few words moved
/// out of a band's reach (a label over a seam) are not.
const WORDS_MIN_MISSING: u64 = 40;

/// Whether a text layer of `in_record` words holds far fewer than the
/// `seen` words the page showed while it was scrolled.
fn words_short(seen: u64, in_record: u64) -> bool {
    #[allow(clippy::cast_precision_loss)] // word counts are far below 2^52
    let short = (in_record as f64) < WORDS_KEPT_SHARE * seen as f64;
    short && seen.saturating_sub(in_record) >= WORDS_MIN_MISSING
}

/// The words of the text layer, counted as the page counts the words it
/// shows (`ogWordCount`): runs of non-space with a letter or a digit.
fn word_count(runs: &[TextRun]) -> u64 {
    let words = runs
        .iter()
        .flat_map(|r| r.text.split_whitespace())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    u64::try_from(words).unwrap_or(u64::MAX)
}

/// What a scroll pass came to.
struct Pass {
    timed_out: bool,
    /// Where following the feed stopped, if the depth rule stopped it: the
    /// capture ends there, not with a batch that arrived after it.
    stop: Option<depth::Stop>,
}

/// The page's text runs as `text.json` in the page's folder.
/// The runs as the record keeps them: their colour served the check for
/// blank bands while the page was pictured, and is in neither `text.json`
/// nor the capture's answer.
fn without_ink(runs: Vec<TextRun>) -> Vec<TextRun> {
    runs.into_iter()
        .map(|r| TextRun { ink: None, ..r })
        .collect()
}

fn write_text_runs(dir: &Path, runs: &[TextRun]) -> Result<(), Error> {
    let path = dir.join("text.json");
    let json = model::json::to_vec_pretty(runs).map_err(|e| Error::Protocol {
        during: "writing text runs".into(),
        source: Box::new(e),
    })?;
    std::fs::write(&path, json).map_err(|source| Error::Io { path, source })
}

/// Scroll from `from` to the bottom so lazy content loads, and wait at the
/// bottom for a feed to load more, as long as it keeps growing, the depth
/// rules allow and the deadline allows. Ends with the page at the top.
fn scroll_through(
    cx: &Ctx<'_>,
    (depth, clock): (&Depth, &call::Clock),
    from: f64,
    start_height: f64,
    deadline: Instant,
) -> Result<Pass, Error> {
    let vh = cx.s.opts.viewport_height;
    let mut y = from;
    let mut timed_out = false;
    let mut stop = None;
    loop {
        let step = cx.call(
            "scrolling through the page",
            &call::ScrollPass {
                clock: clock.clone(),
                from_y: y,
                max_y: depth.page_max,
                step: vh,
                budget_ms: millis(deadline.saturating_duration_since(Instant::now())).max(1000),
                pause_ms: 50,
                grow_ms: 400,
            },
        )?;
        y = step.y;
        if step.changed {
            // The page grew (or changed) on the way down: follow it further?
            stop = depth::stop(depth, &step.seen, true);
            if stop.is_some() {
                break;
            }
            if Instant::now() >= deadline {
                timed_out = true;
                break;
            }
            continue;
        }
        if step.timed_out || Instant::now() >= deadline {
            timed_out = true;
            break;
        }
        // Nothing on the page reacts to scrolling, or the limit is reached.
        if !step.driven || step.at_limit {
            break;
        }
        let height = step.seen.height;
        let wait = if height > start_height + 1.0 {
            AT_BOTTOM_OF_FEED
        } else {
            AT_BOTTOM
        };
        // Go on as soon as the page grows; stop once it is quiet without
        // growing. Meanwhile nudge it now and then: a feed whose end stays in
        // view sees no new intersection and no scroll event without one.
        let at_bottom = Instant::now();
        let mut nudges = 0u32;
        let grew = cx.settle_or(wait, deadline, || {
            let now: f64 = if at_bottom.elapsed() >= NUDGE_EVERY * (nudges + 1) {
                nudges += 1;
                cx.call("scrolling through the page", &call::Nudge {})?
            } else {
                cx.info()?.height
            };
            Ok(now > height + 1.0)
        })?;
        if !grew || cx.info()?.height <= height + 1.0 {
            break;
        }
        let seen = cx.call(
            "reading post dates",
            &call::Seen {
                clock: clock.clone(),
            },
        )?;
        stop = depth::stop(depth, &seen, true);
        if stop.is_some() {
            break;
        }
    }
    cx.call("scrolling to the top", &call::ScrollDone {})?;
    Ok(Pass { timed_out, stop })
}

/// Click the most privacy-friendly button of a consent dialog, in the page
/// or in one of its cross-site frames (Sourcepoint, OneTrust and the like
/// serve theirs from their own domain), up to three times.
fn dismiss_consent(cx: &Ctx<'_>, notes: &mut Vec<Note>) -> Result<(), Error> {
    for _ in 0..3 {
        let mut c = cx.call(
            "dismissing the consent dialog",
            &call::DismissConsent { in_frame: false },
        )?;
        if c.clicked.is_none() {
            for frame in cx.frames() {
                // A frame that cannot answer (gone, hung) has no dialog to click.
                if let Ok(f) = cx.call_on(
                    &frame.tab,
                    "dismissing the consent dialog in a frame",
                    &call::DismissConsent { in_frame: true },
                ) {
                    if f.clicked.is_some() {
                        c = f;
                        break;
                    }
                }
            }
        }
        let Some(label) = c.clicked else {
            return Ok(());
        };
        if c.kind.as_deref() == Some("accept") {
            notes.push(Note::ConsentAccepted { label });
        }
        // A consent click may reload the page; give it its own short budget.
        cx.settle(AFTER_CONSENT, Instant::now() + AFTER_CONSENT.max)?;
    }
    Ok(())
}

/// What the page's cross-site frames hold: their text, placed where each
/// frame is on the page and kept within its box, and any consent dialog
/// still shown in one that covers part of the first screen.
struct FrameFacts {
    runs: Vec<TextRun>,
    frames: u32,
    read: u32,
    consent: Option<String>,
    /// URLs of the frames within the captured height that did not answer.
    silent: Vec<String>,
    /// Frames past the bound on frames read: painted, their text not read.
    past_bound: u32,
}

fn read_frames(cx: &Ctx<'_>, max_y: f64) -> FrameFacts {
    let mut facts = FrameFacts {
        runs: Vec::new(),
        frames: 0,
        read: 0,
        consent: None,
        silent: Vec::new(),
        past_bound: 0,
    };
    let vh = f64::from(cx.s.opts.viewport_height);
    let frames = cx.frames();
    // Their lazy images are asked for now, all at once, and waited for below.
    for f in &frames {
        let _ = cx.call_on(&f.tab, "rendering a frame", &call::RenderAll {});
    }
    // Each frame's box in the page: a frame inside a cross-site frame is
    // placed in its parent's document, then moved by the parent's place in
    // the page and kept within it (parents come first).
    let mut boxes: Vec<Option<[f64; 4]>> = Vec::with_capacity(frames.len());
    for f in &frames {
        let b = match f.parent {
            None => cx.frame_box(&f.id),
            Some(p) => boxes
                .get(p)
                .copied()
                .flatten()
                .and_then(|[px0, py0, px1, py1]| {
                    let [x0, y0, x1, y1] = cx.frame_box_in(&frames[p].tab, &f.id)?;
                    let [x0, y0] = [(x0 + px0).max(px0), (y0 + py0).max(py0)];
                    let [x1, y1] = [(x1 + px0).min(px1), (y1 + py0).min(py1)];
                    (x1 > x0 && y1 > y0).then_some([x0, y0, x1, y1])
                }),
        };
        boxes.push(b);
    }
    for (f, b) in frames.iter().zip(&boxes) {
        let frame = &f.tab;
        let Some([x0, y0, x1, y1]) = *b else {
            continue;
        };
        if y0 >= max_y {
            continue;
        }
        facts.frames += 1;
        if y0 < vh && facts.consent.is_none() {
            facts.consent = cx
                .call_on(
                    frame,
                    "checking a frame for a consent dialog",
                    &call::FrameConsent {},
                )
                .ok()
                .flatten();
        }
        let _ = cx.call_on(
            frame,
            "waiting for a frame's images",
            &call::WaitImages {
                max_y: 1e9,
                budget_ms: millis(FRAME_TIMEOUT),
            },
        );
        let Ok(runs) = cx.call_on(
            frame,
            "reading a frame's text",
            &call::TextRuns {
                top: -1e9,
                bottom: 1e9,
            },
        ) else {
            continue;
        };
        facts.read += 1;
        facts.runs.extend(runs.into_iter().filter_map(|mut r| {
            r.x += x0;
            r.y += y0;
            let mid = r.y + r.height / 2.0;
            (mid > y0 && mid < y1.min(max_y) && r.x < x1 && r.x + r.width > x0).then_some(r)
        }));
    }
    // Those that never answered count too: their text is missing.
    for (id, url) in cx.unanswered_frames() {
        if cx.frame_box(&id).is_some_and(|[_, y0, _, _]| y0 < max_y) {
            facts.frames += 1;
            facts.silent.push(url);
        }
    }
    // And those past the bound: painted, never read (not placed either: a
    // hostile page may hold thousands).
    facts.past_bound = u32::try_from(cx.frames_past_bound().len()).unwrap_or(u32::MAX);
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_layer_is_short_when_it_misses_a_share_and_a_number_of_words() {
        // yahoo-2 as the capture sees it: everything shown is there.
        assert!(!words_short(1075, 1075));
        // A few words lost at a seam, or a small page's label: not a loss.
        assert!(!words_short(1154, 1132));
        assert!(!words_short(100, 70));
        // The fixture's lost block: 82 of 326 words.
        assert!(words_short(326, 244));
        assert!(words_short(10_000, 8_400));
        assert!(!words_short(10_000, 8_500));
        // More words in the record than shown (frames' text): never short.
        assert!(!words_short(3, 163));
        assert!(!words_short(0, 0));
    }

    #[test]
    fn the_text_layer_counts_words_as_the_page_does() {
        let run = |text: &str| TextRun {
            text: text.into(),
            x: 0.0,
            y: 0.0,
            width: 1.0,
            height: 1.0,
            font_size: 16.0,
            rtl: false,
            ink: None,
        };
        assert_eq!(
            word_count(&[
                run("Kommunen bygger 12 nya hus – och"),
                run("en sporthall! ·")
            ]),
            8
        );
        assert_eq!(word_count(&[]), 0);
    }

    #[test]
    fn the_pages_findings_are_read_as_data_and_an_unknown_one_is_kept() {
        let f = |v: serde_json::Value| page_finding(v);
        assert_eq!(
            f(serde_json::json!({"finding": "http-status", "status": 404})),
            Finding::HttpStatus { status: 404 }
        );
        assert_eq!(
            f(serde_json::json!({"finding": "login-overlay", "text": "Logga in"})),
            Finding::LoginOverlay {
                text: "Logga in".into()
            }
        );
        // A kind the page may report but this side does not know: kept, flagged.
        let paywall = serde_json::json!({"finding": "paywall", "text": "Prenumerera"});
        let unknown = f(paywall.clone());
        assert_eq!(
            unknown,
            Finding::Unrecognised {
                kind: "paywall".into(),
                detail: paywall.to_string()
            }
        );
        assert_eq!(
            Obstruction::found(unknown).kind,
            model::ObstructionKind::Unrecognised
        );
        // Findings only Rust can make are not taken from the page.
        assert!(matches!(
            f(serde_json::json!({"finding": "items-missing", "seen": 1, "kept": 0, "missing": []})),
            Finding::Unrecognised { .. }
        ));
    }
}
