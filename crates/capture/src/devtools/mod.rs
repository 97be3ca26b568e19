//! Everything that speaks to Chromium: the browser process (`browser.rs`),
//! the network watch (`net.rs`), and here one tab's DevTools calls, each
//! bounded in time, the in-page scripts they run, and the tab's cross-site
//! frames. The capture's steps (`page.rs`, `tiles.rs`) say what to do and
//! call these; they never name a DevTools method themselves.

mod browser;
mod guard;
mod net;
mod record;

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::types::Method;
use headless_chrome::protocol::cdp::{Emulation, Inspector, Network, Page, Runtime, Target, DOM};
use headless_chrome::Tab;

pub use browser::{check_browser, find_chrome, keeps_sandbox, Session};
use net::NetWatch;
pub(crate) use net::Quiet;

use crate::error::Error;
use crate::protocol::{self, Call, PageState};

/// The in-page helpers, one file per concern in `src/page/` and one per
/// platform in `src/page/platform/`, as one script.
/// The script is only ever run wrapped in a function (see [`CALL`]), so
/// nothing of it leaks into the page's globals; every helper returns
/// JSON-able data, and `calls.js` is the one way in.
macro_rules! page_js {
    () => {
        page_js!(
            "base.js", "text.js", "dates.js", "items.js", "consent.js", "scroll.js",
            "images.js", "picture.js", "facts.js", "posts.js", "calls.js",
            "platform/x.js", "platform/facebook.js", "platform/youtube.js",
            "platform/instagram.js", "platform/linkedin.js", "platform/blog.js"
        )
    };
    ($($file:literal),+) => {
        concat!($(include_str!(concat!("../page/", $file)), "\n"),+)
    };
}

#[cfg(test)]
pub(crate) const JS: &str = page_js!();
/// The helpers as one function of a request (see `protocol.rs`), and the same awaited.
const CALL: &str = concat!(
    "(function (req) { ",
    page_js!(),
    "\n return JSON.stringify(ogCall(req)); })"
);
const CALL_ASYNC: &str = concat!(
    "(async function (req) { ",
    page_js!(),
    "\n return JSON.stringify(await ogCall(req)); })"
);
/// Installed in every new document before the page's scripts (see the file).
const WATCH_JS: &str = include_str!("../watch.js");

/// Longest wait for one in-page script (reading text runs of a huge page is the slowest).
const EVAL_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest wait for one DevTools call about a frame (listing, attaching, placing).
pub(crate) const FRAME_TIMEOUT: Duration = Duration::from_secs(5);
/// How many cross-site frames a capture reaches into at most (a hostile page
/// could hold thousands, each a process and a DevTools session).
const MAX_FRAMES: usize = 40;
/// Longest wait for one screenshot tile or the MHTML snapshot.
const SHOT_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs before any page script: dialogs must never block the capture, and
/// a popup window is never opened (its URL is kept for the record: a
/// popup's own dialogs would block the page's renderer, which it shares).
const NO_DIALOGS: &str =
    "window.alert = function () {}; window.confirm = function () { return true; }; \
     window.prompt = function () { return null; }; window.print = function () {}; \
     window.open = function (url) { try { (window.__ogPopups = window.__ogPopups || []) \
     .push(String(new URL(String(url || 'about:blank'), location.href))); } catch (e) {} \
     return null; };";

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
pub(crate) struct Ctx<'a> {
    pub(crate) s: &'a Session,
    pub(crate) tab: &'a Arc<Tab>,
    pub(crate) url: &'a str,
    net: NetWatch,
    t0: Instant,
    phases: std::cell::RefCell<Vec<(&'static str, Duration)>>,
    /// Cross-site frames attached so far, by target id.
    attached: std::cell::RefCell<HashMap<String, Arc<Tab>>>,
    /// Cross-site frames that did not answer when attached (a renderer busy
    /// for good): (target id, URL). They are not asked again.
    unanswered: std::cell::RefCell<Vec<(String, String)>>,
    /// Cross-site frames past [`MAX_FRAMES`] that the last listing left
    /// alone (target ids): painted, never read.
    past_bound: std::cell::RefCell<Vec<String>>,
    /// When the page's time budget runs out ([`crate::options::Options::page_budget`]);
    /// no call waits past it.
    deadline: Cell<Instant>,
    /// What happened to the tab, once its renderer crashed or its target
    /// went away (set by a DevTools listener).
    gone: Arc<Mutex<Option<String>>>,
    /// What the page may not do, and what it tried.
    guard: guard::Guard,
    /// The page's HTTP exchange as WARC records (`Options::warc`).
    recorder: Option<record::Recorder>,
    /// Cross-site frames attached when they started, by target id (see
    /// [`Adopt`]); only while the exchange is recorded.
    adopted: Arc<Mutex<HashMap<String, Arc<Tab>>>>,
}

/// How often a waiting call looks whether the tab or the browser died.
const WATCH_EVERY: Duration = Duration::from_millis(100);

impl Ctx<'_> {
    /// A DevTools call that gives up after `timeout`. The call runs on its
    /// own thread, so a page whose main thread never answers cannot hang us.
    pub(crate) fn bounded<C>(
        &self,
        step: &str,
        method: C,
        timeout: Duration,
    ) -> Result<C::ReturnObject, Error>
    where
        C: Method + serde::Serialize + std::fmt::Debug + Send + 'static,
        C::ReturnObject: Send + 'static,
    {
        self.bounded_on(self.tab, step, method, timeout)
    }

    /// [`Ctx::bounded`] in another target of the page (a cross-site frame).
    pub(crate) fn bounded_on<C>(
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
        let ours = Arc::ptr_eq(tab, self.tab);
        let tab = Arc::clone(tab);
        std::thread::spawn(move || {
            let _ = tx.send(tab.call_method(method));
        });
        self.wait(&rx, step, timeout, ours)?
            .map_err(|e| self.s.fail(step, e))
    }

    /// Wait for the answer on `rx`, at most `timeout` and never past the
    /// page's budget, and stop at once when the browser dies or (`ours`)
    /// the page's own tab does: a crashed renderer never answers.
    fn wait<T>(
        &self,
        rx: &mpsc::Receiver<T>,
        step: &str,
        timeout: Duration,
        ours: bool,
    ) -> Result<T, Error> {
        let by_step = Instant::now() + timeout;
        let by_budget = self.deadline.get();
        let end = by_step.min(by_budget);
        loop {
            let slice = end
                .saturating_duration_since(Instant::now())
                .min(WATCH_EVERY);
            match rx.recv_timeout(slice) {
                Ok(v) => return Ok(v),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Error::Protocol {
                        during: step.to_string(),
                        source: "the DevTools call was dropped".into(),
                    })
                }
                Err(RecvTimeoutError::Timeout) => {}
            }
            if ours {
                if let Some(what) = self.tab_gone() {
                    return Err(Error::TabGone {
                        during: step.to_string(),
                        what,
                    });
                }
            }
            if self.s.is_browser_gone() {
                return Err(Error::BrowserCrashed {
                    during: step.to_string(),
                    source: None,
                });
            }
            if Instant::now() >= end {
                return Err(if by_budget < by_step {
                    Error::OutOfTime {
                        step: step.to_string(),
                        budget: self.s.opts.page_budget,
                    }
                } else {
                    Error::Timeout {
                        step: step.to_string(),
                        after: timeout,
                    }
                });
            }
        }
    }

    /// What happened to the page's tab, if its renderer crashed or its
    /// target is gone.
    pub(crate) fn tab_gone(&self) -> Option<String> {
        if let Some(what) = self
            .gone
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        {
            return Some(what);
        }
        let id = self.tab.get_target_id();
        let tabs = self.s.browser.get_tabs().lock().ok()?;
        (!tabs.iter().any(|t| t.get_target_id() == id)).then(|| "was closed".to_string())
    }

    /// Give what is left of the capture `grace` more time, from now.
    pub(crate) fn extend_budget(&self, grace: Duration) {
        self.deadline.set(Instant::now() + grace);
    }

    /// Ask the page `call` (see `protocol.rs`) and read its typed reply.
    pub(crate) fn call<C: Call>(&self, step: &str, call: &C) -> Result<C::Reply, Error> {
        match self.call_on(self.tab, step, call) {
            // The page replaced its document (a script redirect): try once more in the new one.
            Err(Error::Protocol { source, .. })
                if source.to_string().contains("context")
                    || source.to_string().contains("Inspected target navigated") =>
            {
                std::thread::sleep(Duration::from_millis(1000));
                self.call_on(self.tab, step, call)
            }
            other => other,
        }
    }

    /// [`Ctx::call`] in `tab` (the page, or one of its cross-site frames):
    /// the one place a request becomes JavaScript, as a JSON literal handed
    /// to the dispatcher in page/calls.js.
    pub(crate) fn call_on<C: Call>(
        &self,
        tab: &Arc<Tab>,
        step: &str,
        call: &C,
    ) -> Result<C::Reply, Error> {
        let request = crate::protocol::request(call).map_err(|e| Error::Protocol {
            during: step.to_string(),
            source: Box::new(e),
        })?;
        let is_async = C::ASYNC;
        let page = if is_async { CALL_ASYNC } else { CALL };
        // The request is data: a JSON literal, the function's one argument.
        let expression = format!("{page}({request})");
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
    pub(crate) fn document_mark(&self) -> DocumentMark {
        DocumentMark {
            count: self.net.documents(),
            id: self
                .call("reading the page state", &protocol::DocumentId {})
                .ok()
                .flatten(),
        }
    }

    /// The page's cross-site frames (out-of-process iframes, each a target
    /// of its own), attached on first sight and kept for the capture.
    /// Frames inside them are found too, a few levels deep; a parent comes
    /// before the frames inside it.
    pub(crate) fn frames(&self) -> Vec<Frame> {
        let Ok(targets) = self.s.browser.get_targets() else {
            return Vec::new();
        };
        // Every frame id seen, and whose document holds it: the page's
        // (`None`) or the cross-site frame's at that index of `out`.
        let mut known: HashMap<String, Option<usize>> = HashMap::new();
        let mut ids = HashSet::new();
        if let Ok(tree) = self.bounded(
            "listing the page's frames",
            Page::GetFrameTree(None),
            FRAME_TIMEOUT,
        ) {
            collect_frame_ids(&tree.frame_tree, &mut ids);
        }
        ids.insert(self.tab.get_target_id().clone());
        known.extend(ids.drain().map(|id| (id, None)));
        let mut attached = self.attached.borrow_mut();
        let mut out = Vec::new();
        let mut past: Vec<String> = Vec::new();
        for _ in 0..4 {
            let before = out.len();
            for t in &targets {
                let parent = t
                    .parent_frame_id
                    .as_ref()
                    .and_then(|p| known.get(p))
                    .copied();
                let ours = t.Type == "iframe"
                    && parent.is_some()
                    && !out.iter().any(|f: &Frame| f.id == t.target_id);
                if ours && out.len() >= MAX_FRAMES && !past.contains(&t.target_id) {
                    past.push(t.target_id.clone());
                }
                if !ours || out.len() >= MAX_FRAMES {
                    continue;
                }
                let tab = match attached.get(&t.target_id) {
                    Some(tab) => Arc::clone(tab),
                    None => {
                        let Some(tab) = self.take_frame(t) else {
                            continue;
                        };
                        attached.insert(t.target_id.clone(), Arc::clone(&tab));
                        tab
                    }
                };
                let at = Some(out.len());
                known.insert(t.target_id.clone(), at);
                if let Ok(tree) = self.bounded_on(
                    &tab,
                    "listing a frame's frames",
                    Page::GetFrameTree(None),
                    FRAME_TIMEOUT,
                ) {
                    collect_frame_ids(&tree.frame_tree, &mut ids);
                    known.extend(ids.drain().map(|id| (id, at)));
                }
                out.push(Frame {
                    id: t.target_id.clone(),
                    tab,
                    parent: parent.flatten(),
                });
            }
            if out.len() == before {
                break;
            }
        }
        *self.past_bound.borrow_mut() = past;
        out
    }

    /// A session on the cross-site frame `t` not yet attached here: the one
    /// adopted when it started (its exchange recorded since), or one attached
    /// now. `None`, and the frame counted unanswered, when it does not answer.
    fn take_frame(&self, t: &Target::TargetInfo) -> Option<Arc<Tab>> {
        let mut unanswered = self.unanswered.borrow_mut();
        if unanswered.iter().any(|(id, _)| *id == t.target_id) {
            return None;
        }
        let adopted = self
            .adopted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&t.target_id)
            .cloned();
        let tab = match adopted {
            // Attached when it started: it must answer now as a frame
            // attached here would (`Page.enable`, bounded).
            Some(tab) => self
                .bounded_on(
                    &tab,
                    "attaching a frame",
                    Page::Enable {
                        enable_file_chooser_opened_event: None,
                    },
                    FRAME_TIMEOUT,
                )
                .is_ok()
                .then_some(tab),
            None => attach_frame(self.s, t.clone()).inspect(|tab| self.record_frame(tab)),
        };
        if tab.is_none() {
            unanswered.push((t.target_id.clone(), t.url.clone()));
        }
        tab
    }

    /// The cross-site frames the last [`Ctx::frames`] found past its bound
    /// of [`MAX_FRAMES`] (target ids): the page paints them, the capture
    /// does not read them.
    pub(crate) fn frames_past_bound(&self) -> Vec<String> {
        self.past_bound.borrow().clone()
    }

    /// The page's cross-site frames that did not answer (target id, URL):
    /// their text cannot be read, and an MHTML snapshot would wait for them.
    pub(crate) fn unanswered_frames(&self) -> Vec<(String, String)> {
        self.unanswered.borrow().clone()
    }

    /// Where a cross-site frame's content box is in the page, in document
    /// CSS px (`None` when it is not rendered, or its owner is in another frame).
    pub(crate) fn frame_box(&self, frame_id: &str) -> Option<[f64; 4]> {
        self.frame_box_in(self.tab, frame_id)
    }

    /// Where a frame's content box is in the document of `tab` (the page,
    /// or the cross-site frame whose document holds the frame's element), in
    /// that document's CSS px.
    pub(crate) fn frame_box_in(&self, tab: &Arc<Tab>, frame_id: &str) -> Option<[f64; 4]> {
        let owner = self
            .bounded_on(
                tab,
                "finding a frame on the page",
                DOM::GetFrameOwner {
                    frame_id: frame_id.to_string(),
                },
                FRAME_TIMEOUT,
            )
            .ok()?;
        let model = self
            .bounded_on(
                tab,
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
            .call_on(tab, "reading the page state", &protocol::ScrollOffset {})
            .ok()?;
        let (x0, y0) = (q[0].min(q[6]) + sx, q[1].min(q[3]) + sy);
        let (x1, y1) = (q[2].max(q[4]) + sx, q[5].max(q[7]) + sy);
        (x1 > x0 && y1 > y0).then_some([x0, y0, x1, y1])
    }

    /// Note that a phase of the capture ends now.
    pub(crate) fn mark(&self, phase: &'static str) {
        self.phases.borrow_mut().push((phase, self.t0.elapsed()));
    }

    pub(crate) fn info(&self) -> Result<PageState, Error> {
        self.call("reading the page state", &protocol::PageInfo {})
    }

    /// Milliseconds since the DOM last changed, or `None` when the page has
    /// no watcher (or has just been replaced by another document).
    pub(crate) fn dom_quiet_for(&self, timeout: Duration) -> Option<Duration> {
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
    pub(crate) fn settle(&self, q: Quiet, until: Instant) -> Result<bool, Error> {
        self.settle_or(q, until, || Ok(false))
    }

    /// [`Ctx::settle`], but stop at once when `done` says so (true then).
    pub(crate) fn settle_or(
        &self,
        q: Quiet,
        until: Instant,
        mut done: impl FnMut() -> Result<bool, Error>,
    ) -> Result<bool, Error> {
        let t0 = Instant::now();
        let end = (t0 + q.max)
            .min(until.max(t0 + q.min))
            .min(self.deadline.get());
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
            if let Some(what) = self.tab_gone() {
                return Err(Error::TabGone {
                    during: "waiting for the page to settle".into(),
                    what,
                });
            }
            std::thread::sleep(Duration::from_millis(50).min(end - now));
        }
    }
}

impl<'a> Ctx<'a> {
    /// A capture's hold on `tab`: its network watched from now on, its
    /// renderer watched for a crash, no call waiting past `deadline`.
    pub(crate) fn new(
        s: &'a Session,
        tab: &'a Arc<Tab>,
        url: &'a str,
        deadline: Instant,
    ) -> Result<Ctx<'a>, Error> {
        let gone = Arc::new(Mutex::new(None));
        let seen = Arc::clone(&gone);
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let what = match event {
                Event::InspectorTargetCrashed(_) => {
                    "crashed (its renderer ran out of memory or was killed)".to_string()
                }
                Event::InspectorDetached(ev) => format!("was closed ({})", ev.params.reason),
                _ => return,
            };
            seen.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get_or_insert(what);
        }))
        .map_err(|e| s.fail("watching the tab", e))?;
        let recorder = s
            .opts
            .warc
            .then(|| record::Recorder::new(s.opts.warc_body_limit));
        if let Some(r) = &recorder {
            r.watch(tab)?;
        }
        let cx = Ctx {
            s,
            tab,
            url,
            net: NetWatch::attach(tab, recorder.as_ref().map(record::Recorder::buffers))?,
            t0: Instant::now(),
            phases: std::cell::RefCell::new(Vec::new()),
            attached: std::cell::RefCell::new(HashMap::new()),
            unanswered: std::cell::RefCell::new(Vec::new()),
            past_bound: std::cell::RefCell::new(Vec::new()),
            deadline: Cell::new(deadline),
            gone,
            guard: guard::Guard::attach(&s.browser, tab, url)?,
            recorder,
            adopted: Arc::new(Mutex::new(HashMap::new())),
        };
        cx.bounded("watching the tab", Inspector::Enable(None), FRAME_TIMEOUT)?;
        Ok(cx)
    }

    /// What the page tried and was refused (downloads, popups, blocked
    /// requests): one warning each, and the same as data.
    pub(crate) fn refused(&self) -> (Vec<model::Note>, model::Refused) {
        let asked = self
            .call("reading the page state", &protocol::PopupsAsked {})
            .unwrap_or_default();
        self.guard.refused(&asked)
    }

    /// Record a cross-site frame's exchange too, from now on (what it
    /// loaded before it was attached is in the page's own exchange only as
    /// far as the browser reported it there).
    fn record_frame(&self, frame: &Arc<Tab>) {
        let Some(r) = &self.recorder else { return };
        if r.watch(frame).is_err() {
            return;
        }
        let (total, per) = r.buffers();
        let _ = self.bounded_on(
            frame,
            "recording a frame's exchange",
            Network::Enable {
                max_total_buffer_size: Some(total),
                max_resource_buffer_size: Some(per),
                max_post_data_size: Some(1 << 16),
                report_direct_socket_traffic: None,
                enable_durable_messages: None,
            },
            FRAME_TIMEOUT,
        );
        // What the frame loaded before it was attached.
        let step = "reading a frame's resources";
        if let Ok(tree) = self.bounded_on(frame, step, Page::GetResourceTree(None), FRAME_TIMEOUT) {
            r.add_loaded(&tree.frame_tree, |frame_id, url| {
                let got = self
                    .bounded_on(
                        frame,
                        step,
                        Page::GetResourceContent {
                            frame_id: frame_id.to_string(),
                            url: url.to_string(),
                        },
                        FRAME_TIMEOUT,
                    )
                    .ok()?;
                if got.base_64_encoded {
                    crate::png_out::base64_decode(&got.content)
                } else {
                    Some(got.content.into_bytes())
                }
            });
        }
    }

    /// Write the recorded exchange as `page.warc.gz` into `dir`, with the
    /// page's refusals and `derived` (what the capture made of the page, as
    /// JSON). Returns the warnings for the page; none without a recorder.
    pub(crate) fn write_warc(
        &self,
        out: &crate::options::PageDir,
        refused: &model::Refused,
        derived: serde_json::Value,
    ) -> Result<Vec<model::Note>, Error> {
        let Some(r) = &self.recorder else {
            return Ok(Vec::new());
        };
        let by = (Instant::now() + Duration::from_secs(5)).min(self.deadline.get());
        let mut info = vec![
            (
                "software",
                format!("ogonblick {}", env!("CARGO_PKG_VERSION")),
            ),
            ("format", "WARC File Format 1.1".to_string()),
            ("browser", self.s.browser_version().to_string()),
            ("page", out.rel.clone()),
        ];
        if let Some(id) = &out.record_id {
            info.push(("isPartOf", id.clone()));
        }
        let (notes, _) = r.write(&out.dir, &info, refused, derived, by)?;
        Ok(notes)
    }

    /// Where the capture's time went (see [`crate::options::PageCapture::phases`]).
    pub(crate) fn phases(&self) -> Vec<(&'static str, Duration)> {
        self.phases.take()
    }

    /// Ready the tab before it navigates: the viewport, a user agent without
    /// "Headless" and with Swedish first, the time zone the capture reads
    /// dates in (so the page's own "igår" is the same day), no blocking dialogs, the watcher
    /// script in every document, the tab in front (a background tab may get
    /// its rendering and lazy loading throttled), and the session cookies
    /// (never logged).
    pub(crate) fn prepare(&self) -> Result<(), Error> {
        let (s, tab, opts) = (self.s, self.tab, &self.s.opts);
        set_viewport(self, opts.viewport_width, opts.viewport_height)?;
        if let Some(recorder) = &self.recorder {
            let adopt = Arc::new(Adopt {
                browser: s.browser.clone(),
                recorder: recorder.clone(),
                adopted: Arc::clone(&self.adopted),
                count: AtomicUsize::new(0),
            });
            adopt.listen(tab)?;
            self.bounded(
                "waiting for the page's cross-site frames as they start",
                adopt::auto_attach(),
                FRAME_TIMEOUT,
            )?;
        }
        self.bounded(
            "refusing downloads",
            guard::refuse_downloads(),
            FRAME_TIMEOUT,
        )?;
        self.bounded(
            "watching the page's requests",
            guard::intercept_requests(),
            FRAME_TIMEOUT,
        )?;
        let user_agent = s.user_agent.replace("HeadlessChrome", "Chrome");
        self.bounded(
            "setting the user agent",
            Network::SetUserAgentOverride {
                user_agent,
                accept_language: Some("sv-SE,sv;q=0.9,en;q=0.6".into()),
                platform: None,
                user_agent_metadata: None,
            },
            EVAL_TIMEOUT,
        )?;
        if let Some(zone) = &opts.time_zone {
            self.bounded(
                "setting the time zone",
                Emulation::SetTimezoneOverride {
                    timezone_id: zone.clone(),
                },
                EVAL_TIMEOUT,
            )?;
        }
        self.bounded(
            "preparing the tab",
            Page::AddScriptToEvaluateOnNewDocument {
                source: format!("{NO_DIALOGS}\n{WATCH_JS}"),
                world_name: None,
                include_command_line_api: None,
                run_immediately: None,
            },
            EVAL_TIMEOUT,
        )?;
        dismiss_native_dialogs(tab)?;
        self.bounded(
            "bringing the tab to the front",
            Page::BringToFront(None),
            EVAL_TIMEOUT,
        )?;
        if !opts.cookies.is_empty() {
            let cookies = opts
                .cookies
                .iter()
                .map(|c| Network::CookieParam {
                    name: c.name.clone(),
                    value: c.value.clone(),
                    // A host-only cookie is set through its URL, without a
                    // domain, so it stays host-only.
                    url: c.host_only.then(|| {
                        let scheme = if c.secure { "https" } else { "http" };
                        format!("{scheme}://{}{}", c.domain.trim_start_matches('.'), c.path)
                    }),
                    domain: (!c.host_only).then(|| c.domain.clone()),
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
            self.bounded(
                "setting the session cookies",
                Network::SetCookies { cookies },
                EVAL_TIMEOUT,
            )?;
        }
        Ok(())
    }

    /// The page as one MHTML document.
    pub(crate) fn mhtml(&self) -> Result<String, Error> {
        Ok(self
            .bounded(
                "saving the MHTML snapshot",
                Page::CaptureSnapshot {
                    format: Some(Page::CaptureSnapshotFormatOption::Mhtml),
                },
                SHOT_TIMEOUT,
            )?
            .data)
    }

    /// A PNG screenshot of the document's area at (`x`, `y`), `width` by
    /// `height` CSS px, base64 as DevTools returns it. The area must lie in
    /// the viewport: painting beyond it makes Chromium lay the page out
    /// again at the whole content's size, so the picture would no longer
    /// match the text read from the page (and a right-to-left page moves).
    pub(crate) fn screenshot(
        &self,
        step: &str,
        (x, y, width, height): (f64, f64, f64, f64),
    ) -> Result<String, Error> {
        Ok(self
            .bounded(
                step,
                Page::CaptureScreenshot {
                    format: Some(Page::CaptureScreenshotFormatOption::Png),
                    quality: None,
                    clip: Some(Page::Viewport {
                        x,
                        y,
                        width,
                        height,
                        scale: 1.0,
                    }),
                    from_surface: Some(true),
                    capture_beyond_viewport: Some(false),
                    optimize_for_speed: Some(true),
                },
                SHOT_TIMEOUT,
            )?
            .data)
    }
}

/// A cross-site frame of the page (see [`Ctx::frames`]).
pub(crate) struct Frame {
    /// Its target id, which is its frame id.
    pub(crate) id: String,
    pub(crate) tab: Arc<Tab>,
    /// The cross-site frame whose document holds this one (its index among
    /// the frames), or `None` when the page's own document does.
    pub(crate) parent: Option<usize>,
}

/// Which document a tab shows (see [`Ctx::document_mark`]).
#[derive(Debug, PartialEq)]
pub(crate) struct DocumentMark {
    count: u32,
    id: Option<String>,
}

impl DocumentMark {
    /// Another document: DevTools saw one commit, or the page's own id
    /// changed (an id that cannot be read says nothing).
    pub(crate) fn differs(&self, earlier: &DocumentMark) -> bool {
        self.count != earlier.count
            || matches!((&self.id, &earlier.id), (Some(a), Some(b)) if a != b)
    }
}

pub(crate) fn collect_frame_ids(tree: &Page::FrameTree, out: &mut HashSet<String>) {
    out.insert(tree.frame.id.clone());
    for child in tree.child_frames.iter().flatten() {
        collect_frame_ids(child, out);
    }
}

/// Every cross-site frame of a recorded page, attached the moment it starts
/// and before its document reaches it: `Target.setAutoAttach` with
/// `waitForDebuggerOnStart` on the page (and on each frame so attached, for
/// the frames inside it) makes a new frame wait; a session of its own is
/// attached through the browser, its exchange watched and `Network.enable`d,
/// and only then is the frame let run (`Runtime.runIfWaitingForDebugger`
/// through the waiting session). So the frame's document and everything it
/// loads are recorded with their bodies like the page's own.
///
/// `flatten: false`: headless_chrome speaks to targets through
/// `Target.sendMessageToTarget`; a flat child session would send its
/// messages with a `sessionId` of their own that its transport does not route.
struct Adopt {
    browser: headless_chrome::Browser,
    recorder: record::Recorder,
    adopted: Arc<Mutex<HashMap<String, Arc<Tab>>>>,
    /// Frames attached so far (at most [`MAX_FRAMES`]; the rest just run).
    count: AtomicUsize,
}

mod adopt {
    use super::Target;

    /// Attach to every cross-site frame of the target as it starts, and let
    /// it wait until it is let run; frames only (a worker is not paused).
    pub(super) fn auto_attach() -> Target::SetAutoAttach {
        Target::SetAutoAttach {
            auto_attach: true,
            wait_for_debugger_on_start: true,
            flatten: Some(false),
            filter: Some(vec![Target::FilterEntry {
                exclude: Some(false),
                Type: Some("iframe".into()),
            }]),
        }
    }
}

impl Adopt {
    /// Adopt the frames `parent` starts from now on (the listener only: the
    /// caller sends [`adopt::auto_attach`] to `parent` after it).
    fn listen(self: &Arc<Self>, parent: &Arc<Tab>) -> Result<(), Error> {
        let weak = Arc::downgrade(parent);
        let me = Arc::clone(self);
        parent
            .add_event_listener(Arc::new(move |event: &Event| {
                let Event::AttachedToTarget(ev) = event else {
                    return;
                };
                // A listener must never call back into DevTools itself.
                let (me, parent, params) = (Arc::clone(&me), weak.clone(), ev.params.clone());
                std::thread::spawn(move || me.adopt(&parent, params));
            }))
            .map_err(|e| Error::Protocol {
                during: "watching for the page's cross-site frames".into(),
                source: e.into(),
            })?;
        Ok(())
    }

    /// Attach to the frame that waits, record it, and let it run; a frame
    /// past the bound, or one that cannot be attached, is let run as it is.
    fn adopt(self: &Arc<Self>, parent: &Weak<Tab>, p: Target::events::AttachedToTargetEventParams) {
        let frame = p.target_info.Type == "iframe";
        if frame && self.count.fetch_add(1, Ordering::SeqCst) < MAX_FRAMES {
            if let Ok(tab) = self.browser.attach_to_waiting_target(p.target_info.clone()) {
                let (total, per) = self.recorder.buffers();
                // Sent, not awaited: the frame answers once it runs, and
                // the method reaches it before that.
                let watched = self.recorder.watch(&tab).is_ok()
                    && tab
                        .send_method(Network::Enable {
                            max_total_buffer_size: Some(total),
                            max_resource_buffer_size: Some(per),
                            max_post_data_size: Some(1 << 16),
                            report_direct_socket_traffic: None,
                            enable_durable_messages: None,
                        })
                        .is_ok();
                if watched && self.listen(&tab).is_ok() {
                    // The frames inside this one, in turn.
                    let _ = tab.call_method(adopt::auto_attach());
                }
                self.adopted
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(p.target_info.target_id.clone(), tab);
            }
        }
        if p.waiting_for_debugger {
            if let Some(parent) = parent.upgrade() {
                let _ = parent.call_method(Target::SendMessageToTarget {
                    message: r#"{"id":1,"method":"Runtime.runIfWaitingForDebugger"}"#.into(),
                    session_id: Some(p.session_id),
                    target_id: None,
                });
            }
        }
    }
}

/// Attach to a cross-site frame, bounded: a frame whose renderer hangs is left out.
pub(crate) fn attach_frame(s: &Session, target: Target::TargetInfo) -> Option<Arc<Tab>> {
    let (tx, rx) = mpsc::channel();
    let browser = s.browser.clone();
    std::thread::spawn(move || {
        let _ = tx.send(browser.attach_to_target(target));
    });
    rx.recv_timeout(FRAME_TIMEOUT).ok()?.ok()
}

/// Make the viewport `width` × `height` CSS px.
pub(crate) fn set_viewport(cx: &Ctx<'_>, width: u32, height: u32) -> Result<(), Error> {
    let o = &cx.s.opts;
    cx.bounded(
        "setting the viewport",
        Emulation::SetDeviceMetricsOverride {
            width,
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

pub(crate) fn tab_url(cx: &Ctx<'_>) -> Option<String> {
    cx.tab
        .get_target_info()
        .ok()
        .map(|t| t.url)
        .filter(|u| !u.is_empty())
}

/// Accept any JavaScript dialog the page still manages to open.
pub(crate) fn dismiss_native_dialogs(tab: &Arc<Tab>) -> Result<(), Error> {
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

pub(crate) fn navigate(cx: &Ctx<'_>, timeout: Duration) -> Result<(), Error> {
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
    match cx.wait(
        &rx,
        &format!("loading {} (no response)", cx.url),
        timeout,
        true,
    )? {
        Ok(ret) => match ret.error_text {
            Some(err) if !err.is_empty() => Err(Error::Navigation {
                url: cx.url.to_string(),
                reason: explain_net_error(&err),
            }),
            _ => Ok(()),
        },
        Err(e) => Err(cx.s.fail("loading the page", e)),
    }
}

pub(crate) fn explain_net_error(err: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
