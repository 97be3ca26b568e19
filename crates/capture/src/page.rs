//! Capturing one page in one tab: load, tidy, scroll, screenshot, read text.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use chrono::Utc;
use headless_chrome::protocol::cdp::types::Method;
use headless_chrome::protocol::cdp::{Emulation, Network, Page, Runtime, Target, DOM};
use headless_chrome::Tab;
use model::{Extent, Obstruction, ObstructionKind, PageFacts, StopRule, Summary, TextRun, Tile};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::png_out;
use crate::settle::{NetWatch, Quiet};
use crate::{Error, PageCapture, Session};

const JS: &str = include_str!("page.js");
/// Installed in every new document before the page's scripts (see the file).
const WATCH_JS: &str = include_str!("watch.js");

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

/// Longest wait for one in-page script (reading text runs of a huge page is the slowest).
const EVAL_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest wait for a band of the page to render what came into view
/// (mounted rows, their images) before it is pictured.
const SEGMENT_WAIT: Duration = Duration::from_millis(3000);
/// How many "Visa fler" buttons a capture clicks at most.
const MAX_LOAD_MORE: usize = 50;
/// Longest wait for one DevTools call about a frame (listing, attaching, placing).
const FRAME_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for one screenshot tile or the MHTML snapshot.
const SHOT_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs before any page script: dialogs must never block the capture.
const NO_DIALOGS: &str =
    "window.alert = function () {}; window.confirm = function () { return true; }; \
     window.prompt = function () { return null; }; window.print = function () {};";

#[derive(Deserialize)]
struct PageInfo {
    status: Option<u16>,
    url: String,
    title: String,
    height: f64,
    width: f64,
    /// The document runs right to left: its horizontal overflow is on the left.
    rtl: bool,
    ready: String,
    user_agent: String,
}

#[derive(Deserialize)]
struct Segment {
    pending: u32,
    runs: Option<Vec<TextRun>>,
}

#[derive(Deserialize)]
struct Coverage {
    seen: u32,
    kept: u32,
    missing: Vec<String>,
}

#[derive(Deserialize)]
struct ScrollStep {
    y: f64,
    height: f64,
    #[serde(rename = "timedOut")]
    timed_out: bool,
    #[serde(rename = "atLimit")]
    at_limit: bool,
    driven: bool,
    stop: Option<String>,
    /// The page's height when `stop` was decided.
    #[serde(rename = "stopAt")]
    stop_at: Option<f64>,
}

#[derive(Deserialize)]
struct OldestPost {
    v: String,
}

#[derive(Deserialize)]
struct ImageWait {
    pending: u32,
    examples: Vec<String>,
}

#[derive(Deserialize)]
struct Clicked {
    clicked: Option<String>,
    kind: Option<String>,
}

#[derive(Deserialize)]
struct Expanded {
    clicked: u32,
}

#[derive(Deserialize)]
struct Found {
    kind: String,
    detail: String,
}

/// `Runtime.evaluate` of `expression` in the page, its value returned as JSON
/// data, awaited if it is a promise (`is_async`).
fn evaluate(expression: String, is_async: bool) -> Runtime::Evaluate {
    Runtime::Evaluate {
        expression,
        object_group: None,
        include_command_line_api: None,
        silent: Some(true),
        context_id: None,
        return_by_value: Some(true),
        generate_preview: None,
        user_gesture: Some(true),
        await_promise: Some(is_async),
        throw_on_side_effect: None,
        timeout: None,
        disable_breaks: None,
        repl_mode: None,
        allow_unsafe_eval_blocked_by_csp: Some(true),
        unique_context_id: None,
        serialization_options: None,
    }
}

/// One tab's capture, with the session's options and the deadlines.
struct Ctx<'a> {
    s: &'a Session,
    tab: &'a Arc<Tab>,
    url: &'a str,
    net: NetWatch,
    t0: Instant,
    phases: std::cell::RefCell<Vec<(&'static str, Duration)>>,
    /// Cross-site frames attached so far, by target id.
    attached: std::cell::RefCell<HashMap<String, Arc<Tab>>>,
}

impl Ctx<'_> {
    /// A DevTools call that gives up after `timeout`. The call runs on its
    /// own thread, so a page whose main thread never answers cannot hang us.
    fn bounded<C>(&self, step: &str, method: C, timeout: Duration) -> Result<C::ReturnObject, Error>
    where
        C: Method + serde::Serialize + std::fmt::Debug + Send + 'static,
        C::ReturnObject: Send + 'static,
    {
        self.bounded_on(self.tab, step, method, timeout)
    }

    /// [`Ctx::bounded`] in another target of the page (a cross-site frame).
    fn bounded_on<C>(
        &self,
        tab: &Arc<Tab>,
        step: &str,
        method: C,
        timeout: Duration,
    ) -> Result<C::ReturnObject, Error>
    where
        C: Method + serde::Serialize + std::fmt::Debug + Send + 'static,
        C::ReturnObject: Send + 'static,
    {
        let (tx, rx) = mpsc::channel();
        let tab = Arc::clone(tab);
        std::thread::spawn(move || {
            let _ = tx.send(tab.call_method(method));
        });
        match rx.recv_timeout(timeout) {
            Ok(r) => r.map_err(|e| self.s.fail(step, e)),
            Err(_) if self.s.is_browser_gone() => Err(Error::BrowserCrashed {
                during: step.to_string(),
                source: None,
            }),
            Err(_) => Err(Error::Timeout {
                step: step.to_string(),
                after: timeout,
            }),
        }
    }

    /// Evaluate `call` (an expression using the helpers in page.js) and parse its JSON result.
    fn eval<T: DeserializeOwned>(
        &self,
        step: &str,
        call: &str,
        is_async: bool,
    ) -> Result<T, Error> {
        match self.eval_once(step, call, is_async) {
            // The page replaced its document (a script redirect): try once more in the new one.
            Err(Error::Protocol { source, .. })
                if source.to_string().contains("context")
                    || source.to_string().contains("Inspected target navigated") =>
            {
                std::thread::sleep(Duration::from_millis(1000));
                self.eval_once(step, call, is_async)
            }
            other => other,
        }
    }

    fn eval_once<T: DeserializeOwned>(
        &self,
        step: &str,
        call: &str,
        is_async: bool,
    ) -> Result<T, Error> {
        self.eval_on(self.tab, step, call, is_async)
    }

    /// Evaluate `call` in `tab` (the page, or one of its cross-site frames).
    fn eval_on<T: DeserializeOwned>(
        &self,
        tab: &Arc<Tab>,
        step: &str,
        call: &str,
        is_async: bool,
    ) -> Result<T, Error> {
        let expression = if is_async {
            format!("(async function () {{ {JS}\n return JSON.stringify(await {call}); }})()")
        } else {
            format!("(function () {{ {JS}\n return JSON.stringify({call}); }})()")
        };
        let ret = self.bounded_on(
            tab,
            step,
            evaluate(expression, is_async),
            if is_async {
                EVAL_TIMEOUT + self.s.opts.settle_timeout
            } else {
                EVAL_TIMEOUT
            },
        )?;
        if let Some(ex) = ret.exception_details {
            let what = ex.exception.and_then(|e| e.description).unwrap_or(ex.text);
            return Err(Error::Protocol {
                during: step.to_string(),
                source: format!("page script failed: {what}").into(),
            });
        }
        let text = ret
            .result
            .value
            .as_ref()
            .and_then(|v| v.as_str())
            .ok_or_else(|| Error::Protocol {
                during: step.to_string(),
                source: "page script returned no value".into(),
            })?;
        serde_json::from_str(text).map_err(|e| Error::Protocol {
            during: step.to_string(),
            source: Box::new(e),
        })
    }

    /// Which document the tab shows: the main frame's document count and
    /// the id `watch.js` gave it (either changes when the page moves on).
    fn document_mark(&self) -> DocumentMark {
        DocumentMark {
            count: self.net.documents(),
            id: self
                .eval::<Option<String>>("reading the page state", "ogDocumentId()", false)
                .ok()
                .flatten(),
        }
    }

    /// The page's cross-site frames (out-of-process iframes, each a target
    /// of its own), attached on first sight and kept for the capture.
    /// Frames inside them are found too, a few levels deep.
    fn frames(&self) -> Vec<(String, Arc<Tab>)> {
        let Ok(targets) = self.s.browser.get_targets() else {
            return Vec::new();
        };
        let mut known: HashSet<String> = HashSet::new();
        if let Ok(tree) = self.bounded(
            "listing the page's frames",
            Page::GetFrameTree(None),
            FRAME_TIMEOUT,
        ) {
            collect_frame_ids(&tree.frame_tree, &mut known);
        }
        known.insert(self.tab.get_target_id().clone());
        let mut attached = self.attached.borrow_mut();
        let mut out = Vec::new();
        for _ in 0..4 {
            let before = out.len();
            for t in &targets {
                let ours = t.Type == "iframe"
                    && t.parent_frame_id
                        .as_ref()
                        .is_some_and(|p| known.contains(p))
                    && !out.iter().any(|(id, _)| *id == t.target_id);
                if !ours {
                    continue;
                }
                let tab = match attached.get(&t.target_id) {
                    Some(tab) => Arc::clone(tab),
                    None => {
                        let Some(tab) = attach_frame(self.s, t.clone()) else {
                            continue;
                        };
                        attached.insert(t.target_id.clone(), Arc::clone(&tab));
                        tab
                    }
                };
                known.insert(t.target_id.clone());
                if let Ok(tree) = self.bounded_on(
                    &tab,
                    "listing a frame's frames",
                    Page::GetFrameTree(None),
                    FRAME_TIMEOUT,
                ) {
                    collect_frame_ids(&tree.frame_tree, &mut known);
                }
                out.push((t.target_id.clone(), tab));
            }
            if out.len() == before {
                break;
            }
        }
        out
    }

    /// Where a cross-site frame's content box is in the page, in document
    /// CSS px (`None` when it is not rendered, or its owner is in another frame).
    fn frame_box(&self, frame_id: &str) -> Option<[f64; 4]> {
        let owner = self
            .bounded(
                "finding a frame on the page",
                DOM::GetFrameOwner {
                    frame_id: frame_id.to_string(),
                },
                FRAME_TIMEOUT,
            )
            .ok()?;
        let model = self
            .bounded(
                "finding a frame on the page",
                DOM::GetBoxModel {
                    node_id: None,
                    backend_node_id: Some(owner.backend_node_id),
                    object_id: None,
                },
                FRAME_TIMEOUT,
            )
            .ok()?
            .model;
        let q = &model.content;
        if q.len() < 8 {
            return None;
        }
        let (sx, sy): (f64, f64) = self
            .eval("reading the page state", "[scrollX, scrollY]", false)
            .ok()?;
        let (x0, y0) = (q[0].min(q[6]) + sx, q[1].min(q[3]) + sy);
        let (x1, y1) = (q[2].max(q[4]) + sx, q[5].max(q[7]) + sy);
        (x1 > x0 && y1 > y0).then_some([x0, y0, x1, y1])
    }

    /// Note that a phase of the capture ends now.
    fn mark(&self, phase: &'static str) {
        self.phases.borrow_mut().push((phase, self.t0.elapsed()));
    }

    fn info(&self) -> Result<PageInfo, Error> {
        self.eval("reading the page state", "ogPageInfo()", false)
    }

    /// Milliseconds since the DOM last changed, or `None` when the page has
    /// no watcher (or has just been replaced by another document).
    fn dom_quiet_for(&self, timeout: Duration) -> Option<Duration> {
        let ret = self
            .bounded(
                "watching the page",
                evaluate(
                    "(function () { const w = window.__ogWatch; \
                     return w && w.last >= 0 ? performance.now() - w.last : -1; })()"
                        .into(),
                    false,
                ),
                timeout,
            )
            .ok()?;
        let ms = ret.result.value.as_ref()?.as_f64()?;
        (ms >= 0.0).then(|| Duration::from_secs_f64(ms / 1000.0))
    }

    /// Wait until the page is quiet (see [`Quiet`]), but not past `until`
    /// unless `q.min` asks for it. True if it went quiet, false if the wait
    /// ran out. Without a DOM watcher it waits the whole `q.max`.
    fn settle(&self, q: Quiet, until: Instant) -> Result<bool, Error> {
        self.settle_or(q, until, || Ok(false))
    }

    /// [`Ctx::settle`], but stop at once when `done` says so (true then).
    fn settle_or(
        &self,
        q: Quiet,
        until: Instant,
        mut done: impl FnMut() -> Result<bool, Error>,
    ) -> Result<bool, Error> {
        let t0 = Instant::now();
        let end = (t0 + q.max).min(until.max(t0 + q.min));
        loop {
            if done()? {
                return Ok(true);
            }
            let now = Instant::now();
            if now >= t0 + q.min && !self.net.busy(q.quiet) {
                // A page too busy to answer within the wait is not quiet.
                let probe = end
                    .saturating_duration_since(now)
                    .clamp(Duration::from_millis(100), Duration::from_secs(2));
                if let Some(d) = self.dom_quiet_for(probe) {
                    if d >= q.quiet {
                        return Ok(true);
                    }
                }
            }
            let now = Instant::now();
            if now >= end {
                return Ok(false);
            }
            if self.s.is_browser_gone() {
                return Err(Error::BrowserCrashed {
                    during: "waiting for the page to settle".into(),
                    source: None,
                });
            }
            std::thread::sleep(Duration::from_millis(50).min(end - now));
        }
    }
}

pub(crate) fn capture(
    s: &Session,
    tab: &Arc<Tab>,
    url: &str,
    record_dir: &Path,
    label: &str,
) -> Result<PageCapture, Error> {
    let opts = &s.opts;
    let started = Utc::now();
    let t0 = Instant::now();
    let settle_deadline =
        t0 + opts.navigation_timeout.min(Duration::from_secs(5)) + opts.settle_timeout;
    let net = NetWatch::attach(tab)?;
    let cx = Ctx {
        s,
        tab,
        url,
        net,
        t0,
        phases: std::cell::RefCell::new(Vec::new()),
        attached: std::cell::RefCell::new(HashMap::new()),
    };
    let mut warnings: Vec<String> = Vec::new();

    let rel_dir = format!("capture/{label}");
    let dir = record_dir.join("capture").join(label);
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;

    // 1. The tab: viewport, user agent without "Headless", no blocking dialogs.
    set_viewport(&cx, opts.viewport_height)?;
    let user_agent = s.user_agent.replace("HeadlessChrome", "Chrome");
    tab.call_method(Network::SetUserAgentOverride {
        user_agent: user_agent.clone(),
        accept_language: Some("sv-SE,sv;q=0.9,en;q=0.6".into()),
        platform: None,
        user_agent_metadata: None,
    })
    .map_err(|e| s.fail("setting the user agent", e))?;
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: format!("{NO_DIALOGS}\n{WATCH_JS}"),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .map_err(|e| s.fail("preparing the tab", e))?;
    dismiss_native_dialogs(tab)?;

    // A background tab may get its rendering (and lazy loading) throttled.
    cx.bounded(
        "bringing the tab to the front",
        Page::BringToFront(None),
        EVAL_TIMEOUT,
    )?;

    // 2. Session cookies, never logged.
    if !opts.cookies.is_empty() {
        let cookies = opts
            .cookies
            .iter()
            .map(|c| Network::CookieParam {
                name: c.name.clone(),
                value: c.value.clone(),
                url: None,
                domain: Some(c.domain.clone()),
                path: Some(c.path.clone()),
                secure: Some(c.secure),
                http_only: Some(c.http_only),
                same_site: None,
                expires: c.expires,
                priority: None,
                same_party: None,
                source_scheme: None,
                source_port: None,
                partition_key: None,
            })
            .collect();
        tab.call_method(Network::SetCookies { cookies })
            .map_err(|e| s.fail("setting the session cookies", e))?;
    }

    cx.mark("tab prepared");
    // 3. Navigate, bounded: Page.navigate itself waits for the response.
    navigate(&cx, opts.navigation_timeout)?;
    let parsed_by = t0 + opts.navigation_timeout;
    loop {
        let info = cx.info();
        match info {
            Ok(i) if i.ready != "loading" => break,
            Ok(_) | Err(Error::Protocol { .. }) => {}
            Err(e) => return Err(e),
        }
        if Instant::now() >= parsed_by {
            return Err(Error::Timeout {
                step: format!("loading {url} (the document was not parsed)"),
                after: opts.navigation_timeout,
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
    let doc = loop {
        let mut notes = Vec::new();
        let last = moved == MAX_REDIRECTS;
        if let Some(doc) = capture_document(&cx, &dir, &rel_dir, deadline, last, &mut notes)? {
            warnings.append(&mut notes);
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
    let final_url = tab_url(&cx).unwrap_or(doc.info.url);
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
            browser_version: s.browser_version().to_string(),
            tiles: doc.tiles,
            text_file: doc.text_file,
            mhtml_file: doc.mhtml_file,
            warnings,
        },
        text_runs: doc.text_runs,
        phases: cx.phases.take(),
    })
}

/// Which document a tab shows (see [`Ctx::document_mark`]).
#[derive(Debug, PartialEq)]
struct DocumentMark {
    count: u32,
    id: Option<String>,
}

impl DocumentMark {
    /// Another document: DevTools saw one commit, or the page's own id
    /// changed (an id that cannot be read says nothing).
    fn differs(&self, earlier: &DocumentMark) -> bool {
        self.count != earlier.count
            || matches!((&self.id, &earlier.id), (Some(a), Some(b)) if a != b)
    }
}

/// What one document gave: its state and facts, text and picture.
struct Doc {
    info: PageInfo,
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
    settle_deadline: Instant,
    last: bool,
    warnings: &mut Vec<String>,
) -> Result<Option<Doc>, Error> {
    let opts = &cx.s.opts;
    let remaining = || settle_deadline.saturating_duration_since(Instant::now());
    let load_by = Instant::now() + opts.settle_timeout.min(Duration::from_secs(5));
    loop {
        // The document may be in the middle of being replaced: ask again.
        match cx.info() {
            Ok(i) if i.ready == "complete" => break,
            Ok(_) | Err(Error::Protocol { .. }) => {}
            Err(e) => return Err(e),
        }
        if Instant::now() >= load_by {
            warnings.push(format!(
                "the page's load event did not fire within {} s (a resource never finished loading); captured what had arrived",
                opts.settle_timeout.min(Duration::from_secs(5)).as_secs()
            ));
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let here = cx.document_mark();
    let moved = || !last && cx.document_mark().differs(&here);
    // Consent dialogs and late scripts often appear shortly after load.
    cx.mark("load event");
    cx.settle(AFTER_LOAD, settle_deadline)?;
    // A page that says it moves on soon is given the time to (the caller
    // then captures the new document).
    let refresh: f64 = cx.eval("reading the page state", "ogRefreshDelay()", false)?;
    if (0.0..=5.0).contains(&refresh) {
        let wait = Duration::from_secs_f64(refresh + 0.5).min(remaining());
        std::thread::sleep(wait);
    }
    if moved() {
        return Ok(None);
    }

    cx.mark("quiet after load");
    // 4. Consent, expand, scroll for lazy content, wait for images.
    dismiss_consent(cx, warnings)?;
    // A consent click may reload the page or send it elsewhere.
    if moved() {
        return Ok(None);
    }
    // Expand what is there before the scroll pass too: a feed that never
    // ends can use up the whole budget while scrolling, and the comments
    // near the top must not stay collapsed because of it.
    // Returns the rounds clicked and whether buttons were still there when it stopped.
    let expand = |limit: u32| -> Result<(u32, bool), Error> {
        let mut rounds = 0;
        // At least one round whatever the clock says: a click is cheap.
        while rounds < limit && (rounds == 0 || !remaining().is_zero()) {
            let e: Expanded = cx.eval("expanding comments", "ogExpand(50)", false)?;
            if e.clicked == 0 {
                return Ok((rounds, false));
            }
            rounds += 1;
            cx.settle(AFTER_EXPAND, settle_deadline)?;
        }
        Ok((rounds, rounds > 0))
    };
    cx.mark("consent dialog");
    // An app shell scrolls an element, not the document: the scroll pass
    // moves that one. Deferred rendering (content-visibility, lazy images
    // and frames, in shadow roots too) is undone before anything is measured.
    let scroller: Option<String> = cx.eval("finding the scroller", "ogFindScroller()", false)?;
    let _: u32 = cx.eval("rendering deferred content", "ogRenderAll()", false)?;
    let (early, _) = expand(opts.expand_rounds)?;
    cx.mark("comments expanded");
    let depth = Depth::of(opts);
    let max_y = depth.page_max;
    let start_height = cx.info()?.height;
    let pass = scroll_through(cx, &depth, 0.0, start_height, settle_deadline)?;
    let mut stop = pass.stop.clone();
    let mut timed_out = pass.timed_out;
    cx.mark("scroll pass");
    // "Visa fler": more of the same list, clicked within the same rules.
    let mut load_more = Vec::new();
    while stop.is_none() && !timed_out && load_more.len() < MAX_LOAD_MORE {
        let c: Clicked = cx.eval("loading more of the list", "ogLoadMore()", false)?;
        let Some(label) = c.clicked else { break };
        load_more.push(label);
        cx.settle(AFTER_EXPAND, settle_deadline)?;
        if moved() {
            return Ok(None);
        }
        let from = cx.info()?.height - f64::from(opts.viewport_height);
        let more = scroll_through(cx, &depth, from.max(0.0), start_height, settle_deadline)?;
        stop = more.stop;
        timed_out |= more.timed_out || remaining().is_zero();
    }
    if timed_out {
        warnings.push(
            "scrolling through the page ran out of time; content further down may not have loaded"
                .into(),
        );
    }
    let end_height = cx.info()?.height;
    let grew = end_height > start_height + 1.0;
    // After the scroll pass (posts loaded further down), with what is left of the rounds.
    let (late, still_collapsed) = if opts.expand_rounds == 0 {
        (0, false)
    } else {
        expand(opts.expand_rounds.saturating_sub(early).max(1))?
    };
    if still_collapsed {
        warnings.push(format!(
            "stopped expanding comments after {} rounds; some comments may still be collapsed",
            early + late
        ));
    }
    cx.mark("comments expanded after scrolling");
    if scroller.is_some() {
        // Let the scroller out to its full height: the document now holds the feed.
        let _: serde_json::Value = cx.eval("letting out the scroller", "ogUnroll()", false)?;
        let _: u32 = cx.eval("rendering deferred content", "ogRenderAll()", false)?;
    }
    let img_budget = remaining()
        .clamp(Duration::from_secs(2), Duration::from_secs(10))
        .as_millis();
    let images: ImageWait = cx.eval(
        "waiting for images",
        &format!("ogWaitImages({max_y}, {img_budget})"),
        true,
    )?;
    if images.pending > 0 {
        warnings.push(format!(
            "{} image(s) had not loaded when the picture was taken (e.g. {})",
            images.pending,
            images.examples.join(", ")
        ));
    }
    dismiss_consent(cx, warnings)?;
    if moved() {
        return Ok(None);
    }

    cx.mark("images loaded, consent checked again");
    // 5. Facts from the DOM.
    let info = cx.info()?;
    let full_height = info.height.max(1.0);
    let oldest: Option<OldestPost> = cx.eval("reading post dates", "ogOldestPost()", false)?;
    // A feed that grew is followed back to the period's start where its
    // dates can be read; otherwise only to the height limit for feeds.
    let limit = if grew && (opts.since.is_none() || oldest.is_none()) {
        f64::from(opts.max_height).min(max_y)
    } else {
        max_y
    };
    // A feed followed back to the period's start ends where the rule was decided.
    let limit = match &stop {
        Some((rule, at)) if rule == "period-start" => limit.min(at.max(1.0)),
        _ => limit,
    };
    let stop_rule = match stop.as_ref().map(|(rule, _)| rule.as_str()) {
        Some("period-start") => StopRule::PeriodStart,
        _ if full_height > limit && limit < max_y => StopRule::HeightLimit,
        _ if full_height > limit => StopRule::PageLimit,
        _ if timed_out && grew => StopRule::TimeLimit,
        _ => StopRule::PageEnd,
    };
    let captured_height = full_height.min(limit).ceil();
    let oldest_post_reached = cx
        .eval::<Option<OldestPost>>(
            "reading post dates",
            &format!("ogOldestPost({captured_height})"),
            false,
        )?
        .map(|o| o.v);
    let viewport_width = f64::from(opts.viewport_width);
    let captured_width = info
        .width
        .clamp(
            viewport_width,
            f64::from(opts.max_width).max(viewport_width),
        )
        .ceil();
    if info.width > captured_width + 1.0 {
        warnings.push(format!(
            "the page is {:.0} px wide; the capture stops at the {captured_width:.0} px limit",
            info.width
        ));
    }
    let truncated = (full_height > limit && stop_rule != StopRule::PeriodStart).then(|| {
        if grew {
            format!(
                "the page kept loading more content while scrolled (it reached {full_height:.0} px); the capture stops at the {limit:.0} px limit"
            )
        } else {
            format!("the page is {full_height:.0} px tall; the capture stops at the {limit:.0} px limit")
        }
    });
    let found: Vec<Found> = cx.eval(
        "checking for obstructions",
        &format!(
            "ogObstructions({})",
            info.status.map_or("null".to_string(), |s| s.to_string())
        ),
        false,
    )?;
    let mut obstructions: Vec<Obstruction> = found
        .into_iter()
        .filter_map(|f| {
            let kind = match f.kind.as_str() {
                "login-wall" => ObstructionKind::LoginWall,
                "consent-wall" => ObstructionKind::ConsentWall,
                "error-page" => ObstructionKind::ErrorPage,
                _ => return None,
            };
            Some(Obstruction {
                kind,
                detail: f.detail,
            })
        })
        .collect();
    let summary: Summary = cx.eval(
        "summarising the page",
        &format!("ogSummary({captured_height})"),
        false,
    )?;
    let text_runs: Vec<TextRun> = cx.eval(
        "reading the page text",
        &format!("ogTextRuns(0, {captured_height})"),
        false,
    )?;
    let frames = read_frames(cx, captured_height);
    if let Some(text) = &frames.consent {
        obstructions.push(Obstruction {
            kind: ObstructionKind::ConsentWall,
            detail: format!("consent dialog still shown in a frame from another site: \"{text}\""),
        });
    }

    cx.mark("obstructions, summary, text runs");
    // 6. MHTML before the picture-taking changes any styles.
    let mhtml_file = if opts.mhtml {
        let snap = cx.bounded(
            "saving the MHTML snapshot",
            Page::CaptureSnapshot {
                format: Some(Page::CaptureSnapshotFormatOption::Mhtml),
            },
            SHOT_TIMEOUT,
        );
        match snap {
            Ok(snap) => {
                let path = dir.join("page.mhtml");
                std::fs::write(&path, snap.data).map_err(|source| Error::Io { path, source })?;
                Some(format!("{rel_dir}/page.mhtml"))
            }
            Err(e) if e.is_browser_gone() => return Err(e),
            Err(e) => {
                warnings.push(format!("no MHTML snapshot: {e}"));
                None
            }
        }
    } else {
        None
    };

    cx.mark("MHTML snapshot");
    // 7. Screenshot tiles.
    let area = Area {
        width: captured_width,
        height: captured_height,
        rtl_overflow: if info.rtl {
            info.width - viewport_width
        } else {
            0.0
        },
    };
    let Pictured {
        tiles,
        text_runs,
        pending,
    } = take_tiles(
        cx,
        dir,
        rel_dir,
        &area,
        (text_runs, frames.runs),
        &mut obstructions,
    )?;
    if pending > 0 {
        warnings.push(format!(
            "{pending} image(s) were still loading when their part of the page was pictured"
        ));
    }
    let text_file = format!("{rel_dir}/text.json");
    let text_path = dir.join("text.json");
    let json = serde_json::to_vec_pretty(&text_runs).map_err(|e| Error::Protocol {
        during: "writing text runs".into(),
        source: Box::new(e),
    })?;
    std::fs::write(&text_path, json).map_err(|source| Error::Io {
        path: text_path.clone(),
        source,
    })?;
    // Every feed item seen while scrolling must be in the picture.
    let coverage: Coverage = cx.eval(
        "counting the items kept",
        &format!("ogCoverage({captured_height})"),
        false,
    )?;
    if coverage.kept < coverage.seen {
        obstructions.push(Obstruction {
            kind: ObstructionKind::Incomplete,
            detail: format!(
                "items seen while scrolling {}, in the record {} (missing e.g. {})",
                coverage.seen,
                coverage.kept,
                coverage.missing.join("; ")
            ),
        });
    }
    let extent = Extent {
        full_width: info.width,
        captured_width,
        scroller,
        stop_rule: Some(stop_rule),
        since: opts.since,
        oldest_post_reached,
        load_more_clicks: load_more,
        items_seen: (coverage.seen > 0).then_some(coverage.seen),
        items_in_record: (coverage.seen > 0).then_some(coverage.kept),
        cross_site_frames: frames.frames,
        cross_site_frames_read: frames.read,
    };

    if moved() {
        return Ok(None);
    }
    if last && cx.document_mark().differs(&here) {
        warnings.push(format!(
            "the page kept moving to other documents ({MAX_REDIRECTS} times); the picture may show a different document than the text"
        ));
    }
    Ok(Some(Doc {
        info,
        full_height,
        captured_height,
        truncated,
        extent,
        obstructions,
        summary,
        text_runs,
        text_file,
        mhtml_file,
        tiles,
    }))
}

/// A blank band is one that covers text the DOM says is painted there: the
/// first text run whose middle lies inside the band `top..bottom` (CSS px).
/// Text above `from_y` is ignored (an opaque overlay may legitimately hide it).
fn text_under_band(
    top: f64,
    bottom: f64,
    runs: &[TextRun],
    width: f64,
    from_y: f64,
) -> Option<&TextRun> {
    runs.iter().find(|r| {
        let mid = r.y + r.height / 2.0;
        r.height >= 4.0
            && r.width >= 4.0
            && mid >= from_y
            && mid > top + 1.0
            && mid < bottom - 1.0
            && r.x < width
    })
}

fn collect_frame_ids(tree: &Page::FrameTree, out: &mut HashSet<String>) {
    out.insert(tree.frame.id.clone());
    for child in tree.child_frames.iter().flatten() {
        collect_frame_ids(child, out);
    }
}

/// Attach to a cross-site frame, bounded: a frame whose renderer hangs is left out.
fn attach_frame(s: &Session, target: Target::TargetInfo) -> Option<Arc<Tab>> {
    let (tx, rx) = mpsc::channel();
    let browser = s.browser.clone();
    std::thread::spawn(move || {
        let _ = tx.send(browser.attach_to_target(target));
    });
    rx.recv_timeout(FRAME_TIMEOUT).ok()?.ok()
}

fn set_viewport(cx: &Ctx<'_>, height: u32) -> Result<(), Error> {
    let o = &cx.s.opts;
    cx.bounded(
        "setting the viewport",
        Emulation::SetDeviceMetricsOverride {
            width: o.viewport_width,
            height,
            device_scale_factor: o.device_scale,
            mobile: false,
            scale: None,
            screen_width: None,
            screen_height: None,
            position_x: None,
            position_y: None,
            dont_set_visible_size: None,
            screen_orientation: None,
            viewport: None,
            display_feature: None,
            device_posture: None,
        },
        EVAL_TIMEOUT,
    )?;
    Ok(())
}

fn tab_url(cx: &Ctx<'_>) -> Option<String> {
    cx.tab
        .get_target_info()
        .ok()
        .map(|t| t.url)
        .filter(|u| !u.is_empty())
}

/// Accept any JavaScript dialog the page still manages to open.
fn dismiss_native_dialogs(tab: &Arc<Tab>) -> Result<(), Error> {
    let weak: Weak<Tab> = Arc::downgrade(tab);
    let listener = Arc::new(
        move |event: &headless_chrome::protocol::cdp::types::Event| {
            if let headless_chrome::protocol::cdp::types::Event::PageJavascriptDialogOpening(_) =
                event
            {
                let weak = weak.clone();
                std::thread::spawn(move || {
                    if let Some(tab) = weak.upgrade() {
                        let _ = tab.call_method(Page::HandleJavaScriptDialog {
                            accept: true,
                            prompt_text: None,
                        });
                    }
                });
            }
        },
    );
    tab.add_event_listener(listener)
        .map_err(|e| Error::Protocol {
            during: "watching for dialogs".into(),
            source: e.into(),
        })?;
    Ok(())
}

fn navigate(cx: &Ctx<'_>, timeout: Duration) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel();
    let tab = Arc::clone(cx.tab);
    let url = cx.url.to_string();
    std::thread::spawn(move || {
        let r = tab.call_method(Page::Navigate {
            url,
            referrer: None,
            transition_Type: None,
            frame_id: None,
            referrer_policy: None,
        });
        let _ = tx.send(r);
    });
    match rx.recv_timeout(timeout) {
        Ok(Ok(ret)) => match ret.error_text {
            Some(err) if !err.is_empty() => Err(Error::Navigation {
                url: cx.url.to_string(),
                reason: explain_net_error(&err),
            }),
            _ => Ok(()),
        },
        Ok(Err(e)) => Err(cx.s.fail("loading the page", e)),
        Err(_) => {
            if cx.s.is_browser_gone() {
                return Err(Error::BrowserCrashed {
                    during: "loading the page".into(),
                    source: None,
                });
            }
            Err(Error::Timeout {
                step: format!("loading {} (no response)", cx.url),
                after: timeout,
            })
        }
    }
}

fn explain_net_error(err: &str) -> String {
    let hint = match err {
        "net::ERR_TOO_MANY_REDIRECTS" => " (a redirect loop)",
        "net::ERR_CONNECTION_RESET" => " (the server reset the connection)",
        "net::ERR_CONNECTION_REFUSED" => " (nothing answers at that address)",
        "net::ERR_NAME_NOT_RESOLVED" => " (the host name does not exist)",
        "net::ERR_EMPTY_RESPONSE" => " (the server closed the connection without answering)",
        "net::ERR_INTERNET_DISCONNECTED" => " (no network)",
        _ => "",
    };
    format!("{err}{hint}")
}

/// How deep a capture follows a page (see [`crate::Options::page_limit`]).
struct Depth {
    /// Absolute limit, CSS px.
    page_max: f64,
    /// Limit for a growing feed without readable dates, CSS px.
    dateless_max: f64,
    /// The period's start as JavaScript milliseconds, or `null`.
    since_ms: String,
}

impl Depth {
    fn of(opts: &crate::Options) -> Depth {
        let since_ms = opts
            .since
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| {
                t.and_local_timezone(chrono_tz::Europe::Stockholm)
                    .earliest()
            })
            .map_or_else(|| "null".to_string(), |t| t.timestamp_millis().to_string());
        Depth {
            page_max: f64::from(opts.page_limit.max(1)),
            dateless_max: f64::from(opts.max_height.max(1)),
            since_ms,
        }
    }
}

/// What a scroll pass came to.
struct Pass {
    timed_out: bool,
    /// The rule that stopped following the feed (`period-start`, ...), if one
    /// did, and the page's height then: the capture ends there, not with a
    /// batch that arrived after it.
    stop: Option<(String, f64)>,
}

/// Scroll from `from` to the bottom so lazy content loads, and wait at the
/// bottom for a feed to load more, as long as it keeps growing, the depth
/// rules allow and the deadline allows. Ends with the page at the top.
fn scroll_through(
    cx: &Ctx<'_>,
    depth: &Depth,
    from: f64,
    start_height: f64,
    deadline: Instant,
) -> Result<Pass, Error> {
    let vh = cx.s.opts.viewport_height;
    let mut y = from;
    let mut timed_out = false;
    let mut stop = None;
    let (max_y, since, dateless) = (depth.page_max, &depth.since_ms, depth.dateless_max);
    loop {
        let budget_ms = deadline
            .saturating_duration_since(Instant::now())
            .as_millis()
            .max(1000);
        let step: ScrollStep = cx.eval(
            "scrolling through the page",
            &format!("ogScrollPass({y}, {max_y}, {vh}, {budget_ms}, 50, 400, {since}, {dateless})"),
            true,
        )?;
        y = step.y;
        if let Some(rule) = step.stop {
            stop = Some((rule, step.stop_at.unwrap_or(step.height)));
            break;
        }
        if step.timed_out || Instant::now() >= deadline {
            timed_out = true;
            break;
        }
        // Nothing on the page reacts to scrolling, or the limit is reached.
        if !step.driven || step.at_limit {
            break;
        }
        let wait = if step.height > start_height + 1.0 {
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
            let height: f64 = if at_bottom.elapsed() >= NUDGE_EVERY * (nudges + 1) {
                nudges += 1;
                cx.eval("scrolling through the page", "ogNudge()", true)?
            } else {
                cx.info()?.height
            };
            Ok(height > step.height + 1.0)
        })?;
        if !grew || cx.info()?.height <= step.height + 1.0 {
            break;
        }
        let rule: Option<String> = cx.eval(
            "reading post dates",
            &format!("ogDepthStop({since}, {dateless}, {max_y})"),
            false,
        )?;
        if let Some(rule) = rule {
            stop = Some((rule, cx.info()?.height));
            break;
        }
    }
    let _: f64 = cx.eval("scrolling to the top", "ogScrollDone()", true)?;
    Ok(Pass { timed_out, stop })
}

/// Click the most privacy-friendly button of a consent dialog, in the page
/// or in one of its cross-site frames (Sourcepoint, OneTrust and the like
/// serve theirs from their own domain), up to three times.
fn dismiss_consent(cx: &Ctx<'_>, warnings: &mut Vec<String>) -> Result<(), Error> {
    for _ in 0..3 {
        let mut c: Clicked =
            cx.eval("dismissing the consent dialog", "ogDismissConsent()", false)?;
        if c.clicked.is_none() {
            for (_, frame) in cx.frames() {
                // A frame that cannot answer (gone, hung) has no dialog to click.
                if let Ok(f) = cx.eval_on::<Clicked>(
                    &frame,
                    "dismissing the consent dialog in a frame",
                    "ogDismissConsent(true)",
                    false,
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
            warnings.push(format!(
                "the consent dialog offered no way to refuse; clicked \"{label}\""
            ));
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
}

fn read_frames(cx: &Ctx<'_>, max_y: f64) -> FrameFacts {
    let mut facts = FrameFacts {
        runs: Vec::new(),
        frames: 0,
        read: 0,
        consent: None,
    };
    let vh = f64::from(cx.s.opts.viewport_height);
    let frames = cx.frames();
    // Their lazy images are asked for now, all at once, and waited for below.
    for (_, frame) in &frames {
        let _ = cx.eval_on::<u32>(frame, "rendering a frame", "ogRenderAll()", false);
    }
    for (id, frame) in frames {
        let Some([x0, y0, x1, y1]) = cx.frame_box(&id) else {
            continue;
        };
        if y0 >= max_y {
            continue;
        }
        facts.frames += 1;
        if y0 < vh && facts.consent.is_none() {
            facts.consent = cx
                .eval_on::<Option<String>>(
                    &frame,
                    "checking a frame for a consent dialog",
                    "ogFrameConsent()",
                    false,
                )
                .ok()
                .flatten();
        }
        let _ = cx.eval_on::<ImageWait>(
            &frame,
            "waiting for a frame's images",
            &format!("ogWaitImages(1e9, {})", FRAME_TIMEOUT.as_millis()),
            true,
        );
        let Ok(runs) = cx.eval_on::<Vec<TextRun>>(
            &frame,
            "reading a frame's text",
            "ogTextRuns(-1e9, 1e9)",
            false,
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
    facts
}

/// What of the page is pictured, in CSS px.
struct Area {
    width: f64,
    height: f64,
    /// How far a right-to-left page overflows to the left of the viewport.
    rtl_overflow: f64,
}

/// The picture of a page and the text that lies over it.
struct Pictured {
    tiles: Vec<Tile>,
    text_runs: Vec<TextRun>,
    /// Images still loading in their band when it was pictured.
    pending: u32,
}

/// Screenshot the page: first the first screen as a reader sees it (fixed
/// headers and footers in place), then the rest in bands of at most
/// `tile_height` device px. For the bands the viewport is made as tall as a
/// band and each band is scrolled into view before it is pictured, so a
/// virtualised feed mounts every row of it and deferred content renders.
/// Where the DOM changed since the text was read (rows mounted, others
/// unmounted), the band's text is read again: the text layer holds what the
/// picture shows, each line once. `runs` are the page's text runs as first
/// read and those of its cross-site frames.
fn take_tiles(
    cx: &Ctx<'_>,
    dir: &Path,
    rel_dir: &str,
    area: &Area,
    runs: (Vec<TextRun>, Vec<TextRun>),
    obstructions: &mut Vec<Obstruction>,
) -> Result<Pictured, Error> {
    let (first_runs, frame_runs) = runs;
    let in_band = |r: &TextRun, top: f64, bottom: f64| {
        let mid = r.y + r.height / 2.0;
        mid >= top && mid < bottom
    };
    let (width, captured_height) = (area.width, area.height);
    let o = &cx.s.opts;
    let beyond = width > f64::from(o.viewport_width);
    // Painted beyond the viewport, a right-to-left page starts at the left
    // end of its overflow, where the DOM's x is negative; a page cut at the
    // width limit keeps its right part, where right-to-left text starts.
    let full_overflow = area.rtl_overflow.max(0.0);
    let cut = (full_overflow + f64::from(o.viewport_width) - width).max(0.0);
    let (clip_x, dx) = if beyond && full_overflow > 0.0 {
        (cut, full_overflow - cut)
    } else {
        (0.0, 0.0)
    };
    let scale = o.device_scale.max(0.1);
    let band_css = (f64::from(o.tile_height.max(256)) / scale).floor().max(1.0);
    let vh = f64::from(o.viewport_height);
    // Pin heights that follow the viewport, so the tall viewport does not stretch them.
    let _: u32 = cx.eval("measuring the layout", "ogMeasureHeights()", false)?;
    set_viewport(cx, o.viewport_height * 2)?;
    let _: u32 = cx.eval("measuring the layout", "ogPinHeights()", false)?;
    set_viewport(cx, o.viewport_height)?;
    let _: u32 = cx.eval("scrolling to the top", "(window.scrollTo(0, 0), 0)", false)?;

    // Under a login or consent overlay the first screen is covered on purpose.
    let overlay = obstructions.iter().any(|o| {
        matches!(
            o.kind,
            ObstructionKind::LoginWall | ObstructionKind::ConsentWall
        )
    });
    let from_y = if overlay { vh } else { 0.0 };
    let first = vh.min(captured_height).max(1.0);
    let mut bands = vec![(0.0, first)];
    let mut y = first;
    while y < captured_height {
        let h = band_css.min(captured_height - y);
        bands.push((y, h));
        y += h;
    }
    let tall = band_css.min(captured_height - first).max(vh).ceil();
    let mut tiles = Vec::new();
    let mut text_runs = Vec::new();
    let mut pending = 0;
    for (i, &(top, h)) in bands.iter().enumerate() {
        let n = i + 1;
        if n == 2 {
            // Fixed elements were pictured once, in the first screen.
            let _: u32 = cx.eval("hiding fixed elements", "ogUnfix()", false)?;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            set_viewport(cx, tall as u32)?;
        }
        let bottom = top + h;
        let seg: Segment = cx.eval(
            &format!("preparing screenshot tile {n}"),
            &format!("ogSegment({top}, {bottom}, {})", SEGMENT_WAIT.as_millis()),
            true,
        )?;
        pending += seg.pending;
        let band_runs: Vec<TextRun> = seg
            .runs
            .unwrap_or_else(|| {
                first_runs
                    .iter()
                    .filter(|r| in_band(r, top, bottom))
                    .cloned()
                    .collect()
            })
            .into_iter()
            .chain(
                frame_runs
                    .iter()
                    .filter(|r| in_band(r, top, bottom))
                    .cloned(),
            )
            .map(|mut r| {
                r.x += dx;
                r
            })
            // Text beside the picture (past the width limit) is not in it.
            .filter(|r| r.x < width && r.x + r.width > 0.0)
            .collect();
        let step = format!("taking screenshot tile {n}");
        let shot = cx.bounded(
            &step,
            Page::CaptureScreenshot {
                format: Some(Page::CaptureScreenshotFormatOption::Png),
                quality: None,
                clip: Some(Page::Viewport {
                    x: clip_x,
                    y: top,
                    width,
                    height: h,
                    scale: 1.0,
                }),
                from_surface: Some(true),
                // Only a page wider than the viewport needs Chromium to
                // paint beyond it: that path shifts right-to-left documents
                // sideways, and every band fits the viewport's height.
                capture_beyond_viewport: Some(beyond),
                optimize_for_speed: Some(true),
            },
            SHOT_TIMEOUT,
        )?;
        let name = format!("tile-{n:03}.png");
        let path = dir.join(&name);
        let bytes = png_out::base64_decode(&shot.data).ok_or_else(|| Error::Image {
            path: path.clone(),
            reason: "not base64".into(),
        })?;
        drop(shot);
        let written = png_out::write_rgb_png(&bytes, &path)?;
        drop(bytes);
        let px_per_css = f64::from(written.height) / h;
        for &(a, b) in &written.uniform_bands {
            let band_top = top + f64::from(a) / px_per_css;
            let band_bottom = top + f64::from(b) / px_per_css;
            if let Some(run) = text_under_band(band_top, band_bottom, &band_runs, width, from_y) {
                obstructions.push(Obstruction {
                    kind: ObstructionKind::BlankRegion,
                    detail: format!(
                        "{name} rows {a}-{b} are one flat colour where the page has text (\"{}\" at y={:.0})",
                        run.text.chars().take(40).collect::<String>(),
                        run.y
                    ),
                });
            }
        }
        tiles.push(Tile {
            file: format!("{rel_dir}/{name}"),
            css_y: top,
            css_height: h,
            width_px: written.width,
            height_px: written.height,
        });
        text_runs.extend(band_runs);
    }
    if bands.len() > 1 {
        set_viewport(cx, o.viewport_height)?;
    }
    Ok(Pictured {
        tiles,
        text_runs,
        pending,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, y: f64) -> TextRun {
        TextRun {
            text: text.into(),
            x: 10.0,
            y,
            width: 100.0,
            height: 18.0,
            font_size: 15.0,
            rtl: false,
        }
    }

    #[test]
    fn band_over_text_is_blank() {
        let runs = [run("överst", 100.0), run("mitten", 5_000.0)];
        assert_eq!(
            text_under_band(4_000.0, 6_000.0, &runs, 1280.0, 0.0).map(|r| r.text.as_str()),
            Some("mitten")
        );
        assert!(text_under_band(200.0, 4_000.0, &runs, 1280.0, 0.0).is_none());
        assert!(text_under_band(0.0, 4_000.0, &runs, 1280.0, 0.0).is_some());
        assert!(text_under_band(0.0, 4_000.0, &runs, 1280.0, 900.0).is_none());
        // Text only half inside the band (its middle outside) is not evidence.
        assert!(text_under_band(5_012.0, 6_000.0, &runs, 1280.0, 0.0).is_none());
        // Text right of the captured width is not in the picture.
        assert!(text_under_band(4_000.0, 6_000.0, &runs, 5.0, 0.0).is_none());
    }

    #[test]
    fn another_document_is_told_by_either_sign() {
        let mark = |count, id: Option<&str>| DocumentMark {
            count,
            id: id.map(String::from),
        };
        let here = mark(1, Some("a"));
        assert!(!mark(1, Some("a")).differs(&here));
        assert!(mark(2, Some("a")).differs(&here), "DevTools saw a commit");
        assert!(mark(1, Some("b")).differs(&here), "the page's id changed");
        assert!(
            !mark(1, None).differs(&here),
            "an unreadable id says nothing"
        );
        assert!(mark(2, None).differs(&mark(1, None)));
    }

    #[test]
    fn net_errors_are_explained() {
        assert!(explain_net_error("net::ERR_TOO_MANY_REDIRECTS").contains("redirect loop"));
        assert_eq!(explain_net_error("net::ERR_FOO"), "net::ERR_FOO");
    }
}
