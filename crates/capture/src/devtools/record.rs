//! Recording the page's HTTP exchange as WARC records while it is captured:
//! DevTools `Network` events (`requestWillBeSent`, `responseReceived`,
//! `loadingFinished`, `loadingFailed`) of the tab and of every cross-site
//! frame attached, and each body read with `Network.getResponseBody` on a
//! worker thread as soon as it has finished loading (a listener must never
//! call back into DevTools). Records are kept gzip-compressed in memory and
//! written as `page.warc.gz` when the capture ends (the page directory is
//! emptied when the page moves to another document, the exchange is not).
//!
//! What is never written: `Cookie`, `Authorization` and `Proxy-Authorization`
//! request headers and `Set-Cookie` response headers (the session cookies
//! given with `--cookies` stay out of every file). What is written as what
//! it was: a request that failed or was blocked, a body past the size limit,
//! a download the page started (a `metadata` record each, never a `response`).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Network, Page};
use headless_chrome::Tab;

use crate::error::Error;
use crate::warc::{self, Kind, Record};

/// Request headers never written: the session's secrets.
const SECRET_REQUEST: [&str; 3] = ["cookie", "authorization", "proxy-authorization"];
/// Response headers never written: a session cookie the site sets or renews,
/// and how the body was encoded on the wire (the body kept is decoded).
const DROPPED_RESPONSE: [&str; 4] = [
    "set-cookie",
    "content-encoding",
    "transfer-encoding",
    "content-length",
];
/// At most this many exchanges are recorded per page (a page that polls
/// forever must not fill the memory); past it, one note says so.
const MAX_EXCHANGES: usize = 20_000;

/// One request while it is open.
#[derive(Debug, Clone)]
struct Exchange {
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    post_data: Option<String>,
    date: DateTime<Utc>,
    kind: String,
    response: Option<Network::Response>,
}

/// What the worker is asked to do.
enum Job {
    /// Read the body of a finished exchange (in `tab`) and write its records.
    Body {
        tab: Weak<Tab>,
        request_id: String,
        exchange: Box<Exchange>,
        size: u64,
    },
}

#[derive(Default)]
struct State {
    open: HashMap<String, Exchange>,
    /// The records so far, each a gzip member, with the URL it is about.
    members: Vec<(String, Vec<u8>)>,
    /// URLs with a response (or resource) record.
    recorded: HashSet<String>,
    /// What the page's notes say about the web archive.
    notes: Vec<model::Note>,
    /// Bodies not kept because they were larger than the limit: (URL, bytes).
    over_limit: Vec<(String, u64)>,
    /// Jobs sent to the worker and not done yet.
    pending: usize,
    exchanges: usize,
    capped: bool,
}

/// The recorder of one capture (a clone records into the same exchange).
#[derive(Clone)]
pub(crate) struct Recorder {
    state: Arc<Mutex<State>>,
    jobs: mpsc::Sender<Job>,
    limit: u64,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("limit", &self.limit)
            .finish()
    }
}

impl Recorder {
    /// A recorder keeping bodies up to `limit` bytes; watch tabs with [`Recorder::watch`].
    pub(crate) fn new(limit: u64) -> Recorder {
        let state = Arc::new(Mutex::new(State::default()));
        let (jobs, rx) = mpsc::channel::<Job>();
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for job in rx {
                let Job::Body {
                    tab,
                    request_id,
                    exchange,
                    size,
                } = job;
                let done = body_records(&tab, &request_id, &exchange, size, limit);
                let mut s = shared.lock().unwrap_or_else(PoisonError::into_inner);
                match done {
                    Ok(members) => {
                        s.recorded.insert(exchange.url.clone());
                        s.members.extend(members);
                    }
                    Err(Skipped::OverLimit(n)) => s.over_limit.push((exchange.url.clone(), n)),
                    Err(Skipped::Unreadable(why)) => {
                        s.notes.push(model::Note::WarcBodyUnreadable {
                            method: exchange.method.clone(),
                            url: exchange.url.clone(),
                            error: why,
                        })
                    }
                }
                s.pending = s.pending.saturating_sub(1);
            }
        });
        Recorder { state, jobs, limit }
    }

    /// Record the exchange of `tab` (the page's own tab, or a cross-site
    /// frame's target) from now on. Its `Network` domain must be enabled
    /// with buffers of [`Recorder::buffers`].
    pub(crate) fn watch(&self, tab: &Arc<Tab>) -> Result<(), Error> {
        let state = Arc::clone(&self.state);
        let jobs = self.jobs.clone();
        let weak = Arc::downgrade(tab);
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let mut s = state.lock().unwrap_or_else(PoisonError::into_inner);
            match event {
                Event::NetworkRequestWillBeSent(ev) => {
                    let p = &ev.params;
                    if !is_http(&p.request.url) {
                        return;
                    }
                    // A redirect ends the exchange before it: its response
                    // has no body.
                    if let (Some(resp), Some(mut ex)) =
                        (&p.redirect_response, s.open.remove(&p.request_id))
                    {
                        ex.response = Some(resp.clone());
                        let members = exchange_records(&ex, Some(Vec::new()));
                        s.recorded.insert(ex.url.clone());
                        s.members.extend(members);
                    }
                    if s.exchanges >= MAX_EXCHANGES {
                        if !s.capped {
                            s.capped = true;
                            s.notes.push(model::Note::WarcRequestsCapped {
                                limit: MAX_EXCHANGES as u64,
                            });
                        }
                        return;
                    }
                    s.exchanges += 1;
                    let mut url = p.request.url.clone();
                    if let Some(f) = &p.request.url_fragment {
                        url.push_str(f);
                    }
                    s.open.insert(
                        p.request_id.clone(),
                        Exchange {
                            url,
                            method: p.request.method.clone(),
                            headers: headers(&p.request.headers),
                            post_data: p.request.post_data.clone(),
                            date: wall(p.wall_time),
                            kind: p
                                .Type
                                .as_ref()
                                .map_or_else(|| "Other".into(), |t| format!("{t:?}")),
                            response: None,
                        },
                    );
                }
                Event::NetworkResponseReceived(ev) => {
                    if let Some(ex) = s.open.get_mut(&ev.params.request_id) {
                        ex.response = Some(ev.params.response.clone());
                    }
                }
                Event::NetworkLoadingFinished(ev) => {
                    let Some(ex) = s.open.remove(&ev.params.request_id) else {
                        return;
                    };
                    if ex.response.is_none() {
                        return;
                    }
                    s.pending += 1;
                    let job = Job::Body {
                        tab: weak.clone(),
                        request_id: ev.params.request_id.clone(),
                        exchange: Box::new(ex),
                        size: ev.params.encoded_data_length.max(0.0) as u64,
                    };
                    if jobs.send(job).is_err() {
                        s.pending -= 1;
                    }
                }
                Event::NetworkLoadingFailed(ev) => {
                    let p = &ev.params;
                    let Some(ex) = s.open.remove(&p.request_id) else {
                        return;
                    };
                    let why = match (&p.blocked_reason, p.canceled) {
                        (Some(r), _) => format!("blocked ({r:?})"),
                        (None, Some(true)) => format!("cancelled ({})", p.error_text),
                        _ => format!("failed ({})", p.error_text),
                    };
                    let m = failed_record(&ex, &why);
                    s.members.push((ex.url.clone(), m));
                }
                _ => {}
            }
        }))
        .map_err(|e| Error::Protocol {
            during: "recording the page's exchange".into(),
            source: e.into(),
        })?;
        Ok(())
    }

    /// What a cross-site frame's renderer loaded before it was attached (its
    /// document, scripts, stylesheets: the frame's `Page.getResourceTree`),
    /// each read with `content(frame id, URL)`. One the page's own exchange
    /// saw the response of gets its `response` record with those headers
    /// and this body; one it did not becomes a `resource` record (the body
    /// and its type, no HTTP headers claimed).
    pub(crate) fn add_loaded(
        &self,
        tree: &Page::FrameResourceTree,
        mut content: impl FnMut(&str, &str) -> Option<Vec<u8>>,
    ) {
        let mut todo = vec![tree];
        let mut found: Vec<(String, String, String)> = Vec::new();
        while let Some(t) = todo.pop() {
            found.push((
                t.frame.id.clone(),
                t.frame.url.clone(),
                t.frame.mime_type.clone(),
            ));
            for r in &t.resources {
                found.push((t.frame.id.clone(), r.url.clone(), r.mime_type.clone()));
            }
            todo.extend(t.child_frames.iter().flatten());
        }
        for (frame, url, mime) in found.into_iter().take(500) {
            if !is_http(&url)
                || self
                    .state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .recorded
                    .contains(&url)
            {
                continue;
            }
            let Some(body) = content(&frame, &url) else {
                continue;
            };
            if body.len() as u64 > self.limit {
                continue;
            }
            let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            let seen = s
                .open
                .iter()
                .find(|(_, ex)| ex.url == url && ex.response.is_some())
                .map(|(id, _)| id.clone());
            let members = match seen.and_then(|id| s.open.remove(&id)) {
                Some(ex) => exchange_records(&ex, Some(body)),
                None => {
                    let mut r = Record::new(Kind::Resource, Utc::now(), &mime, body);
                    r.target_uri = Some(url.clone());
                    r.payload_at = Some(0);
                    vec![(url.clone(), r.to_gzip())]
                }
            };
            s.recorded.insert(url);
            s.members.extend(members);
        }
    }

    /// `Network.enable` buffer sizes (total, per resource) that keep every
    /// body up to the limit readable until the worker asks for it.
    pub(crate) fn buffers(&self) -> (u32, u32) {
        let per = u32::try_from(self.limit)
            .unwrap_or(u32::MAX / 4)
            .max(1 << 16);
        (per.saturating_mul(4).max(64 << 20), per)
    }

    /// Wait, at most until `by`, for the bodies still being read; then write
    /// `page.warc.gz` into `dir`: a `warcinfo` record, every exchange, the
    /// refusals in `refused` and a `metadata` record of what the capture
    /// derived (`derived`, JSON). Returns the notes for the page (bodies
    /// past the limit, bodies not read) and the file's size.
    pub(crate) fn write(
        &self,
        dir: &Path,
        info: &[(&str, String)],
        refused: &model::Refused,
        derived: serde_json::Value,
        by: Instant,
    ) -> Result<(Vec<model::Note>, u64), Error> {
        self.wait_for_bodies(by);
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let warnings = close_exchange(&mut s, self.limit);
        let now = Utc::now();
        let mut file = Vec::new();
        let info_rec = warc::warcinfo("page.warc.gz", now, info);
        file.extend(info_rec.to_gzip());
        let downloads: Vec<&str> = refused.downloads.iter().map(|d| d.url.as_str()).collect();
        for (url, member) in &s.members {
            // A download the page started is noted below, never kept.
            if downloads.contains(&url.as_str()) {
                continue;
            }
            file.extend_from_slice(member);
        }
        file.extend(not_kept_records(refused, &s.over_limit, self.limit, now));
        file.extend(derived_record(derived, now, &info_rec.id).to_gzip());
        let path = dir.join("page.warc.gz");
        std::fs::write(&path, &file).map_err(|source| Error::Io { path, source })?;
        Ok((warnings, file.len() as u64))
    }

    /// Wait, at most until `by`, until the worker has read every body asked for.
    fn wait_for_bodies(&self, by: Instant) {
        loop {
            let pending = self
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pending;
            if pending == 0 || Instant::now() >= by {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// End the exchange in `s` as it stands: bodies still being read are noted,
/// and each request still open gets a record saying why it has no response.
/// The page's notes about its web archive (`limit` is the body size limit).
fn close_exchange(s: &mut State, limit: u64) -> Vec<model::Note> {
    if s.pending > 0 {
        let n = s.pending;
        s.notes
            .push(model::Note::WarcBodiesPending { count: n as u64 });
    }
    // Requests still open when the page was captured (long polls, streams).
    let open: Vec<Exchange> = s
        .open
        .values()
        .filter(|ex| !s.recorded.contains(&ex.url))
        .cloned()
        .collect();
    for ex in &open {
        let why = match &ex.response {
            // A cross-site frame's document: its body went to the
            // frame's own process before the frame could be watched.
            Some(r) => format!(
                "the response ({} {}) was seen but its body could not be read (it went to a frame's own process, or was still arriving); no response record",
                r.status, r.mime_type
            ),
            None => "still open when the capture ended; no response recorded".to_string(),
        };
        let m = failed_record(ex, &why);
        s.members.push((ex.url.clone(), m));
    }
    let mut warnings = Vec::new();
    for (url, n) in s.over_limit.clone() {
        warnings.push(model::Note::WarcBodyOverLimit {
            url,
            bytes: n,
            limit,
        });
    }
    warnings.extend(s.notes.iter().cloned());
    warnings
}

/// The `metadata` records, as gzip members, of what was not fetched or not
/// kept: downloads refused, requests blocked, bodies over `limit` bytes.
fn not_kept_records(
    refused: &model::Refused,
    over_limit: &[(String, u64)],
    limit: u64,
    now: DateTime<Utc>,
) -> Vec<u8> {
    let mut file = Vec::new();
    for d in &refused.downloads {
        let size = d.declared_size.map_or_else(
            || "no size declared".into(),
            |n| format!("{n} bytes declared"),
        );
        file.extend(
            note_record(
                &d.url,
                now,
                &format!(
                    "download refused: the page tried to download \"{}\" ({size}); nothing was fetched or kept\r\n",
                    d.name
                ),
            )
            .to_gzip(),
        );
    }
    for b in &refused.blocked_requests {
        file.extend(
            note_record(
                &b.url,
                now,
                &format!(
                    "request blocked: {} to an address on the archive machine's own network; it was never sent\r\n",
                    b.method
                ),
            )
            .to_gzip(),
        );
    }
    for (url, n) in over_limit {
        file.extend(
            note_record(
                url,
                now,
                &format!("body not kept: {n} bytes, more than the limit of {limit} bytes\r\n"),
            )
            .to_gzip(),
        );
    }
    file
}

/// The `metadata` record of what the capture derived (`derived`, JSON),
/// about the page's final URL and tied to the `warcinfo` record `info_id`.
fn derived_record(derived: serde_json::Value, now: DateTime<Utc>, info_id: &str) -> Record {
    let mut meta = Record::new(
        Kind::Metadata,
        now,
        "application/json",
        serde_json::to_vec_pretty(&derived).unwrap_or_default(),
    );
    meta.target_uri = derived
        .get("final_url")
        .and_then(|u| u.as_str())
        .map(str::to_string);
    meta.fields
        .push(("WARC-Warcinfo-ID".into(), info_id.to_string()));
    meta
}

enum Skipped {
    OverLimit(u64),
    Unreadable(String),
}

/// The request and response records of a finished exchange, its body read
/// from `tab`.
fn body_records(
    tab: &Weak<Tab>,
    request_id: &str,
    ex: &Exchange,
    size: u64,
    limit: u64,
) -> Result<Vec<(String, Vec<u8>)>, Skipped> {
    let declared = ex
        .response
        .as_ref()
        .and_then(|r| {
            header(&headers(&r.headers), "content-length")
                .and_then(|v| v.trim().parse::<u64>().ok())
        })
        .unwrap_or(0);
    if size.max(declared) > limit {
        return Err(Skipped::OverLimit(size.max(declared)));
    }
    let status = ex.response.as_ref().map_or(0, |r| r.status);
    // Nothing to read: a redirect, a 204 or a 304 has no body.
    let body = if (300..400).contains(&status) || status == 204 {
        Vec::new()
    } else {
        let tab = tab
            .upgrade()
            .ok_or_else(|| Skipped::Unreadable("the tab was closed".into()))?;
        let got = tab
            .call_method(Network::GetResponseBody {
                request_id: request_id.to_string(),
            })
            .map_err(|e| Skipped::Unreadable(e.to_string()))?;
        if got.base_64_encoded {
            crate::png_out::base64_decode(&got.body)
                .ok_or_else(|| Skipped::Unreadable("the body was not base64".into()))?
        } else {
            got.body.into_bytes()
        }
    };
    if body.len() as u64 > limit {
        return Err(Skipped::OverLimit(body.len() as u64));
    }
    Ok(exchange_records(ex, Some(body)))
}

/// The `response` and `request` records of `ex` with `body`, as gzip members.
fn exchange_records(ex: &Exchange, body: Option<Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let Some(resp) = &ex.response else {
        return Vec::new();
    };
    let body = body.unwrap_or_default();
    let reason = if resp.status_text.is_empty() {
        "-".to_string()
    } else {
        resp.status_text.clone()
    };
    let mut http = format!("HTTP/1.1 {} {reason}\r\n", resp.status);
    for (k, v) in headers(&resp.headers) {
        if DROPPED_RESPONSE.iter().any(|d| k.eq_ignore_ascii_case(d)) {
            continue;
        }
        http.push_str(&format!("{k}: {v}\r\n"));
    }
    http.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut block = http.into_bytes();
    let payload_at = block.len();
    block.extend_from_slice(&body);
    let mut response = Record::new(
        Kind::Response,
        ex.date,
        "application/http; msgtype=response",
        block,
    );
    response.target_uri = Some(ex.url.clone());
    response.payload_at = Some(payload_at);
    if let Some(ip) = resp
        .remote_ip_address
        .as_deref()
        .filter(|ip| !ip.is_empty())
    {
        response
            .fields
            .push(("WARC-IP-Address".into(), ip.trim_matches(['[', ']']).into()));
    }

    let mut request = Record::new(
        Kind::Request,
        ex.date,
        "application/http; msgtype=request",
        request_block(ex),
    );
    request.target_uri = Some(ex.url.clone());
    request.payload_at = None;
    request.concurrent_to = Some(response.id.clone());
    vec![
        (ex.url.clone(), response.to_gzip()),
        (ex.url.clone(), request.to_gzip()),
    ]
}

/// The request as HTTP/1.1 bytes, its secrets left out.
fn request_block(ex: &Exchange) -> Vec<u8> {
    let (host, path) = split_url(&ex.url);
    let mut http = format!("{} {path} HTTP/1.1\r\n", ex.method);
    if header(&ex.headers, "host").is_none() {
        http.push_str(&format!("Host: {host}\r\n"));
    }
    for (k, v) in &ex.headers {
        if SECRET_REQUEST.iter().any(|d| k.eq_ignore_ascii_case(d)) {
            continue;
        }
        http.push_str(&format!("{k}: {v}\r\n"));
    }
    http.push_str("\r\n");
    let mut block = http.into_bytes();
    if let Some(data) = &ex.post_data {
        block.extend_from_slice(data.as_bytes());
    }
    block
}

/// A request that got no response to keep: what it was and what happened.
fn failed_record(ex: &Exchange, why: &str) -> Vec<u8> {
    note_record(
        &ex.url,
        ex.date,
        &format!(
            "{} {} ({}): {why}\r\n",
            ex.method,
            ex.url.split(['\r', '\n']).next().unwrap_or(""),
            ex.kind
        ),
    )
    .to_gzip()
}

/// A `metadata` record about `url` saying `text`.
fn note_record(url: &str, date: DateTime<Utc>, text: &str) -> Record {
    let mut r = Record::new(
        Kind::Metadata,
        date,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    );
    r.target_uri = Some(url.to_string());
    r
}

fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `(host[:port], /path?query)` of an http(s) URL.
fn split_url(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split('#').next().unwrap_or(rest);
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => (rest[..i].to_string(), rest[i..].to_string()),
        Some(i) => (rest[..i].to_string(), format!("/{}", &rest[i..])),
        None => (rest.to_string(), "/".to_string()),
    }
}

/// DevTools headers as (name, value) pairs, a value with several lines
/// (repeated headers) split into one pair each.
fn headers(h: &Network::Headers) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(obj) = h.0.as_ref().and_then(|v| v.as_object()) {
        for (k, v) in obj {
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            for line in v.split('\n') {
                out.push((k.replace(['\r', '\n', ':'], ""), line.replace('\r', "")));
            }
        }
    }
    out
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A DevTools wall time (seconds since the epoch) as a date.
fn wall(t: f64) -> DateTime<Utc> {
    let micros = (t * 1e6) as i64;
    Utc.timestamp_micros(micros)
        .single()
        .unwrap_or_else(Utc::now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(headers: Vec<(&str, &str)>) -> Exchange {
        Exchange {
            url: "http://127.0.0.1:8080/a/b?c=1#frag".into(),
            method: "GET".into(),
            headers: headers
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            post_data: None,
            date: Utc::now(),
            kind: "Document".into(),
            response: None,
        }
    }

    #[test]
    fn secrets_never_reach_a_request_record() {
        let e = ex(vec![
            ("Cookie", "session=hemligt"),
            ("authorization", "Bearer hemligt"),
            ("Accept", "text/html"),
        ]);
        let block = String::from_utf8(request_block(&e)).unwrap();
        assert!(block.starts_with("GET /a/b?c=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"));
        assert!(block.contains("Accept: text/html\r\n"));
        assert!(!block.contains("hemligt"), "{block}");
    }

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_url("https://example.se"),
            ("example.se".into(), "/".into())
        );
        assert_eq!(
            split_url("http://h:81?x=1"),
            ("h:81".into(), "/?x=1".into())
        );
        assert!(is_http("HTTPS://x/") && !is_http("data:text/plain,x"));
    }
}
