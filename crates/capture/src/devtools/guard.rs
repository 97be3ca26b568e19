//! What a captured page may not do, and the record of what it tried:
//! downloads are refused (`Browser.setDownloadBehavior` deny), popup windows
//! are closed as soon as they open and their dialogs dismissed, and a
//! request that could change something on the archive machine's own network
//! (any method but GET and HEAD, to a loopback, private or link-local
//! address other than the page's own origin) is blocked (DevTools `Fetch`).
//! Each attempt becomes a [`model::Note`] of the page.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use headless_chrome::browser::tab::RequestPausedDecision;
use headless_chrome::browser::transport::{SessionId, Transport};
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::Fetch::events::RequestPausedEvent;
use headless_chrome::protocol::cdp::{Fetch, Network};
use headless_chrome::{Browser, Tab};

use crate::error::Error;

/// How often the browser's targets are looked over for popups.
const POPUP_WATCH: Duration = Duration::from_millis(100);
/// At most this many responses' declared sizes are remembered.
const MAX_SIZES: usize = 10_000;

#[derive(Default)]
struct Tried {
    /// Declared `Content-Length` of responses, by URL.
    sizes: HashMap<String, u64>,
    /// Downloads the page started: (guid, URL, suggested file name).
    downloads: Vec<(String, String, String)>,
    /// Popup windows: the URL the page asked for, or the one the window showed.
    popups: Vec<String>,
    /// Targets closed as popups.
    closed: HashSet<String>,
    /// Origins the page's main frame has shown (`http://host:port`): its
    /// own, to which it may write.
    own: Vec<String>,
    /// Requests blocked: (method, URL).
    blocked: Vec<(String, String)>,
    /// Reads from the archive machine's own network let through: URLs.
    probes: Vec<String>,
    /// Hosts looked up so far: whether each is on the machine's own network.
    local: HashMap<String, bool>,
}

/// The guard over one tab; the popup watch ends when it is dropped.
pub(crate) struct Guard {
    tried: Arc<Mutex<Tried>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Guard {
    /// Watch `tab` for downloads and popups. The caller refuses downloads
    /// with [`refuse_downloads`] once the tab is ready for calls.
    pub(crate) fn attach(browser: &Browser, tab: &Arc<Tab>, url: &str) -> Result<Guard, Error> {
        let tried = Arc::new(Mutex::new(Tried {
            own: origin(url).into_iter().collect(),
            ..Tried::default()
        }));
        let seen = Arc::clone(&tried);
        tab.add_event_listener(Arc::new(move |event: &Event| {
            note_event(
                &mut seen.lock().unwrap_or_else(PoisonError::into_inner),
                event,
            );
        }))
        .map_err(|e| Error::Protocol {
            during: "watching the tab".into(),
            source: e.into(),
        })?;
        // headless_chrome answers every paused request through the tab's
        // interceptor (its listeners only look on): this one judges it.
        let judged = Arc::clone(&tried);
        tab.enable_request_interception(Arc::new(
            move |_: Arc<Transport>, _: SessionId, ev: RequestPausedEvent| decide(&judged, ev),
        ))
        .map_err(|e| Error::Protocol {
            during: "watching the page's requests".into(),
            source: e.into(),
        })?;
        let stop = Arc::new(AtomicBool::new(false));
        watch_popups(
            browser.clone(),
            tab.get_target_id().clone(),
            Arc::clone(&tried),
            Arc::clone(&stop),
        );
        Ok(Guard { tried, stop })
    }

    /// What the page tried: one note each, and the same gathered by kind.
    /// `asked` are the popups the page asked for with `window.open`, which
    /// were never opened.
    pub(crate) fn refused(&self, asked: &[String]) -> (Vec<model::Note>, model::Refused) {
        let t = self.tried.lock().unwrap_or_else(PoisonError::into_inner);
        let refused = model::Refused {
            downloads: t
                .downloads
                .iter()
                .map(|(_, url, name)| model::RefusedDownload {
                    url: url.clone(),
                    name: name.clone(),
                    declared_size: t.sizes.get(url).copied(),
                })
                .collect(),
            popups: distinct(t.popups.iter().chain(asked)),
            blocked_requests: t
                .blocked
                .iter()
                .map(|(method, url)| model::BlockedRequest {
                    method: method.clone(),
                    url: url.clone(),
                })
                .collect(),
            local_reads: t.probes.clone(),
        };
        use model::Note;
        let mut notes = Vec::new();
        for d in &refused.downloads {
            notes.push(Note::DownloadRefused {
                name: d.name.clone(),
                url: d.url.clone(),
                declared_size: d.declared_size,
            });
        }
        for url in distinct(t.popups.iter()) {
            notes.push(Note::PopupClosed { url });
        }
        for url in distinct(asked.iter()) {
            notes.push(Note::PopupRefused { url });
        }
        for b in &refused.blocked_requests {
            notes.push(Note::RequestBlocked {
                method: b.method.clone(),
                url: b.url.clone(),
            });
        }
        for url in &refused.local_reads {
            notes.push(Note::LocalRead { url: url.clone() });
        }
        (notes, refused)
    }
}

/// Note what one event of the tab shows: an origin of its own, a response's
/// declared size, a download it started, a window it asked for.
fn note_event(t: &mut Tried, event: &Event) {
    match event {
        Event::PageFrameNavigated(ev) if ev.params.frame.parent_id.is_none() => {
            if let Some(o) = origin(&ev.params.frame.url) {
                if !t.own.contains(&o) {
                    t.own.push(o);
                }
            }
        }
        Event::NetworkResponseReceived(ev) => {
            let r = &ev.params.response;
            let declared = r.headers.0.as_ref().and_then(|h| {
                h.as_object()?.iter().find_map(|(k, v)| {
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.as_str()?.trim().parse::<u64>().ok())
                        .flatten()
                })
            });
            if let Some(n) = declared.filter(|_| t.sizes.len() < MAX_SIZES) {
                t.sizes.insert(r.url.clone(), n);
            }
        }
        Event::BrowserDownloadWillBegin(ev) => {
            let p = &ev.params;
            download(t, &p.guid, &p.url, &p.suggested_filename);
        }
        Event::PageDownloadWillBegin(ev) => {
            let p = &ev.params;
            download(t, &p.guid, &p.url, &p.suggested_filename);
        }
        Event::PageWindowOpen(ev) => t.popups.push(ev.params.url.clone()),
        _ => {}
    }
}

/// Decide on one paused request: blocked (and noted) when it writes to the
/// machine's own network, let through otherwise, a read from there noted.
/// The lookups of host names are remembered in `tried`, outside its lock.
fn decide(tried: &Mutex<Tried>, ev: RequestPausedEvent) -> RequestPausedDecision {
    let p = ev.params;
    let (own, local) = {
        let t = tried.lock().unwrap_or_else(PoisonError::into_inner);
        (t.own.clone(), t.local.clone())
    };
    let mut looked_up = None;
    let verdict = judge(
        &p.request.method,
        &p.request.url,
        &p.resource_Type,
        &own,
        |host| match local.get(host) {
            Some(&l) => l,
            None => {
                let l = is_local_host(host);
                looked_up = Some((host.to_string(), l));
                l
            }
        },
    );
    let mut t = tried.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((host, l)) = looked_up {
        if t.local.len() < MAX_SIZES {
            t.local.insert(host, l);
        }
    }
    match verdict {
        Verdict::Block => {
            t.blocked
                .push((p.request.method.clone(), p.request.url.clone()));
            return RequestPausedDecision::Fail(Fetch::FailRequest {
                request_id: p.request_id,
                error_reason: Network::ErrorReason::BlockedByClient,
            });
        }
        Verdict::Probe => {
            if t.probes.len() < 100 && !t.probes.contains(&p.request.url) {
                t.probes.push(p.request.url.clone());
            }
        }
        Verdict::Pass => {}
    }
    RequestPausedDecision::Continue(None)
}

/// The URLs in their first order, each once.
fn distinct<'a>(urls: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for url in urls {
        if !out.contains(url) {
            out.push(url.clone());
        }
    }
    out
}

fn download(t: &mut Tried, guid: &str, url: &str, name: &str) {
    if !t.downloads.iter().any(|(g, _, _)| g == guid) {
        t.downloads
            .push((guid.to_string(), url.to_string(), name.to_string()));
    }
}

/// Close every page target opened by `ours` (or by a popup of it) as soon
/// as it shows up, until `stop`.
fn watch_popups(browser: Browser, ours: String, tried: Arc<Mutex<Tried>>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let Ok(targets) = browser.get_targets() else {
                return;
            };
            for t in targets.iter().filter(|t| t.Type == "page") {
                let mut g = tried.lock().unwrap_or_else(PoisonError::into_inner);
                let opened_by_us = t
                    .opener_id
                    .as_ref()
                    .is_some_and(|o| *o == ours || g.closed.contains(o));
                if !opened_by_us || g.closed.contains(&t.target_id) {
                    continue;
                }
                g.closed.insert(t.target_id.clone());
                if !t.url.is_empty() && t.url != "about:blank" && !g.popups.contains(&t.url) {
                    g.popups.push(t.url.clone());
                }
                drop(g);
                // Closed through the browser, not through a handle to the
                // popup: a popup stuck in a dialog loop never gets one, and
                // its dialogs block the renderer it shares with the frame
                // that opened it. Closing the target ends them too.
                let browser = browser.clone();
                let id = t.target_id.clone();
                std::thread::spawn(move || {
                    let _ = browser.close_target(&id);
                });
            }
            std::thread::sleep(POPUP_WATCH);
        }
    });
}

/// Downloads are refused in the tab's browser context (all of a session's
/// tabs share the default one), with events on, so attempts are seen.
pub(crate) fn refuse_downloads() -> headless_chrome::protocol::cdp::Browser::SetDownloadBehavior {
    use headless_chrome::protocol::cdp::Browser::{
        SetDownloadBehavior, SetDownloadBehaviorBehaviorOption,
    };
    SetDownloadBehavior {
        behavior: SetDownloadBehaviorBehaviorOption::Deny,
        browser_context_id: None,
        download_path: None,
        events_enabled: Some(true),
    }
}

/// Every request of the page is paused until [`Guard`] has judged it.
pub(crate) fn intercept_requests() -> Fetch::Enable {
    Fetch::Enable {
        patterns: Some(vec![Fetch::RequestPattern {
            url_pattern: Some("*".into()),
            resource_Type: None,
            request_stage: Some(Fetch::RequestStage::Request),
        }]),
        handle_auth_requests: None,
    }
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Pass,
    /// A read from the archive machine's own network, recorded.
    Probe,
    /// A write to it, blocked.
    Block,
}

/// What to do with a request of `method` to `url`, the page having shown
/// the origins `own`. Only requests to the machine's own network (by name
/// or address) are judged; a host name is looked up only for them.
fn judge(
    method: &str,
    url: &str,
    kind: &Network::ResourceType,
    own: &[String],
    mut is_local: impl FnMut(&str) -> bool,
) -> Verdict {
    use Network::ResourceType as R;
    let write = !matches!(
        method.to_ascii_uppercase().as_str(),
        "GET" | "HEAD" | "OPTIONS"
    );
    let read = matches!(
        kind,
        R::Xhr | R::Fetch | R::Ping | R::EventSource | R::WebSocket | R::Other
    );
    if !write && !read {
        return Verdict::Pass;
    }
    let Some(o) = origin(url) else {
        return Verdict::Pass;
    };
    if own.contains(&o) || !is_local(&host_of(&o)) {
        return Verdict::Pass;
    }
    if write {
        Verdict::Block
    } else {
        Verdict::Probe
    }
}

/// `scheme://host:port` of an http(s) or ws(s) URL, lower case, the
/// default port written out.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, p.parse::<u16>().ok()?),
        _ => (host_port, default),
    };
    if host.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{}:{port}", host.to_ascii_lowercase()))
}

fn host_of(origin: &str) -> String {
    let rest = origin.split_once("://").map_or(origin, |(_, r)| r);
    let host = rest.rsplit_once(':').map_or(rest, |(h, _)| h);
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_string()
}

/// `host` is, or resolves to, a loopback, private (RFC 1918, ULA),
/// link-local or unspecified address.
fn is_local_host(host: &str) -> bool {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return is_local(ip);
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    (host, 0)
        .to_socket_addrs()
        .map(|mut addrs| addrs.any(|a| is_local(a.ip())))
        .unwrap_or(false)
}

fn is_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified()
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_local(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Network::ResourceType as R;

    #[test]
    fn origins() {
        assert_eq!(
            origin("http://127.0.0.1:8080/a?b").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin("https://Example.se/").as_deref(),
            Some("https://example.se:443")
        );
        assert_eq!(
            origin("http://u:p@[::1]:81/").as_deref(),
            Some("http://[::1]:81")
        );
        assert_eq!(origin("data:text/plain,x"), None);
        assert_eq!(host_of("http://[::1]:81"), "::1");
    }

    #[test]
    fn writes_to_the_machines_own_network_are_blocked() {
        let own = vec!["http://127.0.0.1:8080".to_string()];
        let check = |method, url, kind, want| {
            assert_eq!(
                judge(method, url, &kind, &own, is_local_host),
                want,
                "{method} {url}"
            );
        };
        check(
            "POST",
            "http://localhost:9090/radera",
            R::Document,
            Verdict::Block,
        );
        check(
            "POST",
            "http://192.168.1.1/apply.cgi",
            R::Fetch,
            Verdict::Block,
        );
        check("PUT", "http://[fe80::1]/", R::Xhr, Verdict::Block);
        check("DELETE", "http://10.0.0.5/x", R::Xhr, Verdict::Block);
        check(
            "POST",
            "http://169.254.169.254/latest",
            R::Xhr,
            Verdict::Block,
        );
        check(
            "POST",
            "http://127.0.0.1:8080/own-form",
            R::Document,
            Verdict::Pass,
        );
        check("POST", "http://8.8.8.8/", R::Xhr, Verdict::Pass);
        check(
            "GET",
            "http://localhost:9090/status",
            R::Fetch,
            Verdict::Probe,
        );
        check(
            "GET",
            "http://localhost:9090/bild.png",
            R::Image,
            Verdict::Pass,
        );
        check("GET", "http://127.0.0.1:8080/api", R::Fetch, Verdict::Pass);
    }
}
