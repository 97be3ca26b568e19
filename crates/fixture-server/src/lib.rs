//! Serves `fixtures/site` on 127.0.0.1 with the hostile routes the tests need.
//!
//! The site's files are embedded at compile time (see `build.rs`), so the
//! server works from any directory. Special routes live under `/_/` and in
//! [`FixtureServer`]'s request handler; `fixtures/site/README.md` lists them.
//! Standard library only: one thread accepts, one thread per connection,
//! every response closes its connection.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

mod site {
    include!(concat!(env!("OUT_DIR"), "/site.rs"));
}

mod png;
pub mod tsa;

pub use png::solid_png;

/// One account of the fixture site, for writing an `accounts.toml` that
/// points at a running server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixtureAccount {
    /// Register id (slug).
    pub id: &'static str,
    /// Platform as `model::Platform` serialises it (`facebook`, `x`, ...).
    pub platform: &'static str,
    pub name: &'static str,
    /// Start page path on the server (`/facebook/gislavedskommun/`).
    pub path: &'static str,
    /// Paths of the extra pages (`extra_pages` in the register).
    pub extra_paths: &'static [&'static str],
}

/// The fixture accounts, in register order.
pub fn accounts() -> &'static [FixtureAccount] {
    &[
        FixtureAccount {
            id: "facebook-kommun",
            platform: "facebook",
            name: "Gislaveds kommun",
            path: "/facebook/gislavedskommun/",
            extra_paths: &["/facebook/gislavedskommun/about/"],
        },
        FixtureAccount {
            id: "x-kommun",
            platform: "x",
            name: "Gislaveds kommun på X",
            path: "/x/gislavedskommun/",
            extra_paths: &[],
        },
        FixtureAccount {
            id: "instagram-kultur",
            platform: "instagram",
            name: "Kultur i Gislaved",
            path: "/instagram/kulturigislaved/",
            extra_paths: &[],
        },
        FixtureAccount {
            id: "youtube-kommun",
            platform: "youtube",
            name: "Gislaveds kommun – webb-tv",
            path: "/youtube/gislavedskommun/",
            extra_paths: &[],
        },
        FixtureAccount {
            id: "blogg-skolan",
            platform: "blog",
            name: "Skolbloggen",
            path: "/blogg/",
            extra_paths: &[],
        },
    ]
}

/// The demo's account that is flagged on purpose, so the reader of the demo
/// learns what a warning means: its feed (`/layouts/tappar/`) loses posts
/// while it is scrolled, and the record says how many are missing. Not in
/// [`accounts()`], whose records are clean.
pub const FLAGGED_DEMO_ACCOUNT: FixtureAccount = FixtureAccount {
    id: "exempel-flaggad",
    platform: "other",
    name: "Exempel: ett flöde som tappar inlägg",
    path: "/layouts/tappar/",
    extra_paths: &[],
};

/// Cookie the cookie-gated page (`/hostile/inloggad/`) wants: `session=<any non-empty value>`.
pub const SESSION_COOKIE_NAME: &str = "session";

/// A running fixture server. Stops when dropped, even with connections
/// still hanging on `/_/never`.
#[derive(Debug)]
pub struct FixtureServer {
    addr: SocketAddr,
    /// The same site on a second port, reached as `localhost`: another
    /// site to Chromium, so its frames run out of process.
    other_addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptors: Vec<JoinHandle<()>>,
}

impl FixtureServer {
    /// Bind two free ports on 127.0.0.1 and start serving the site on both:
    /// the first is the pages' own origin, the second the cross-site one
    /// ([`FixtureServer::other_url`]).
    pub fn start() -> io::Result<FixtureServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let other = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let other_addr = other.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let origin: Arc<str> = format!("http://localhost:{}", other_addr.port()).into();
        let mut acceptors = Vec::new();
        for l in [listener, other] {
            let stop = Arc::clone(&stop);
            let origin = Arc::clone(&origin);
            acceptors.push(
                thread::Builder::new()
                    .name("fixture-accept".into())
                    .spawn(move || accept_loop(&l, &stop, &origin))?,
            );
        }
        Ok(FixtureServer {
            addr,
            other_addr,
            stop,
            acceptors,
        })
    }

    /// `http://localhost:<second port>`: the same site as another origin and
    /// another site (pages learn it from `/_/other-origin.js`).
    pub fn other_base_url(&self) -> String {
        format!("http://localhost:{}", self.other_addr.port())
    }

    /// Absolute URL of `path` on the cross-site origin.
    pub fn other_url(&self, path: &str) -> String {
        format!("{}/{}", self.other_base_url(), path.trim_start_matches('/'))
    }

    /// `http://127.0.0.1:<port>`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Absolute URL of `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.base_url())
        } else {
            format!("{}/{path}", self.base_url())
        }
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept()s so the loops see the flag.
        for addr in [self.addr, self.other_addr] {
            let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
        }
        for h in self.acceptors.drain(..) {
            let _ = h.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, stop: &Arc<AtomicBool>, other_origin: &Arc<str>) {
    for conn in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        let stop = Arc::clone(stop);
        let other_origin = Arc::clone(other_origin);
        // Connection threads are never joined: a hanging one must not hold up Drop.
        let _ = thread::Builder::new()
            .name("fixture-conn".into())
            .spawn(move || {
                let _ = handle(stream, &stop, &other_origin);
            });
    }
}

struct Request {
    method: String,
    path: String,
    query: String,
    cookie: Option<String>,
    /// The start of the body: what arrived with the head, at most 4 KB.
    body: String,
}

/// Every request that reached `/_/tjanst` (the "other service" on the
/// archive machine a hostile page tries to write to), as
/// `METHOD path?query body`, in arrival order.
pub fn service_hits() -> Vec<String> {
    SERVICE_HITS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

static SERVICE_HITS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Size of the attachment at `/_/bilaga.zip`: 50 MB, streamed.
pub const ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;

fn read_request(stream: &mut TcpStream) -> io::Result<Option<Request>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 64 * 1024 {
            return Ok(None);
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.chars().take(4096).collect())
        .unwrap_or_default();
    let mut lines = text.split("\r\n");
    let first = lines.next().unwrap_or("");
    let method = first.split(' ').next().unwrap_or("GET").to_string();
    let target = first.split(' ').nth(1).unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let cookie = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("cookie"))
        .map(|(_, v)| v.trim().to_string());
    Ok(Some(Request {
        method,
        path: percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .into_owned(),
        query: query.to_string(),
        cookie,
        body,
    }))
}

#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
fn handle(mut stream: TcpStream, stop: &AtomicBool, other_origin: &str) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    // Route the connection-reset case before consuming the request: closing a
    // socket with unread data makes the kernel send RST.
    let mut peek = [0u8; 64];
    let n = stream.peek(&mut peek)?;
    if peek[..n].starts_with(b"GET /_/reset") {
        thread::sleep(Duration::from_millis(20));
        drop(stream);
        return Ok(());
    }
    let Some(req) = read_request(&mut stream)? else {
        return Ok(());
    };
    let path = req.path.as_str();

    if path.starts_with("/_/never") {
        // Never answer; give the connection up only when the server stops.
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(50));
        }
        let _ = stream.shutdown(Shutdown::Both);
        return Ok(());
    }
    if let Some(rest) = path.strip_prefix("/_/img/") {
        return match parse_img(rest) {
            Some((rgb, w, h)) => respond(
                &mut stream,
                200,
                "OK",
                "image/png",
                &[],
                &solid_png(rgb, w, h),
            ),
            None => not_found(&mut stream),
        };
    }
    if path == "/_/tjanst" {
        SERVICE_HITS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(format!("{} {path}?{} {}", req.method, req.query, req.body));
        return respond(
            &mut stream,
            200,
            "OK",
            "text/plain",
            &[("Access-Control-Allow-Origin", "*")],
            b"ok",
        );
    }
    if path == "/_/bilaga.zip" {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {ATTACHMENT_BYTES}\r\n\
             Content-Disposition: attachment; filename=\"protokoll-2025.zip\"\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes())?;
        let chunk = vec![0u8; 64 * 1024];
        for _ in 0..ATTACHMENT_BYTES / chunk.len() {
            stream.write_all(&chunk)?;
        }
        return Ok(());
    }
    if path == "/_/other-origin.js" {
        let js = format!("window.OTHER_ORIGIN = \"{other_origin}\";\n");
        return respond(
            &mut stream,
            200,
            "OK",
            "text/javascript; charset=utf-8",
            &[],
            js.as_bytes(),
        );
    }
    if path == "/_/redirect-loop/a" {
        return respond(
            &mut stream,
            302,
            "Found",
            "text/plain",
            &[("Location", "/_/redirect-loop/b")],
            b"",
        );
    }
    if path == "/_/redirect-loop/b" {
        return respond(
            &mut stream,
            302,
            "Found",
            "text/plain",
            &[("Location", "/_/redirect-loop/a")],
            b"",
        );
    }
    if path == "/_/redirect" {
        return respond(
            &mut stream,
            302,
            "Found",
            "text/plain",
            &[("Location", "/blogg/")],
            b"",
        );
    }
    if let Some(code) = path.strip_prefix("/_/status/") {
        let code: u16 = code.trim_end_matches('/').parse().unwrap_or(500);
        let body = format!(
            "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Fel {code}</title></head>\
             <body><h1>Något gick fel</h1><p>Servern svarade med status {code}.</p></body></html>"
        );
        return respond(
            &mut stream,
            code,
            "Status",
            "text/html; charset=utf-8",
            &[],
            body.as_bytes(),
        );
    }
    if path == "/hostile/inloggad/" || path == "/hostile/inloggad" {
        let logged_in = req.cookie.as_deref().is_some_and(|c| {
            c.split(';')
                .filter_map(|kv| kv.trim().split_once('='))
                .any(|(k, v)| k == SESSION_COOKIE_NAME && !v.is_empty())
        });
        let file = if logged_in {
            "hostile/inloggad/inloggad.html"
        } else {
            "hostile/inloggad/index.html"
        };
        return match find(file) {
            Some(body) => respond(
                &mut stream,
                200,
                "OK",
                "text/html; charset=utf-8",
                &[],
                body,
            ),
            None => not_found(&mut stream),
        };
    }
    let _ = req.query;
    match lookup(path) {
        Some((file, body)) => respond(&mut stream, 200, "OK", content_type(file), &[], body),
        None => not_found(&mut stream),
    }
}

fn parse_img(rest: &str) -> Option<([u8; 3], u32, u32)> {
    // RRGGBB-WxH.png
    let stem = rest.strip_suffix(".png")?;
    let (hex, size) = stem.split_once('-')?;
    let (w, h) = size.split_once('x')?;
    let (w, h): (u32, u32) = (w.parse().ok()?, h.parse().ok()?);
    if hex.len() != 6 || w == 0 || h == 0 || w > 4000 || h > 4000 {
        return None;
    }
    let c = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some(([c(0)?, c(2)?, c(4)?], w, h))
}

fn find(file: &str) -> Option<&'static [u8]> {
    site::FILES
        .iter()
        .find(|(p, _)| *p == file)
        .map(|(_, b)| *b)
}

fn lookup(path: &str) -> Option<(&'static str, &'static [u8])> {
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|seg| seg == "..") {
        return None;
    }
    let candidates = if rel.is_empty() {
        vec!["index.html".to_string()]
    } else if rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.to_string(), format!("{rel}/index.html")]
    };
    candidates.iter().find_map(|c| {
        site::FILES
            .iter()
            .find(|(p, _)| p == c)
            .map(|(p, b)| (*p, *b))
    })
}

fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, e)| e) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("md" | "txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn not_found(stream: &mut TcpStream) -> io::Result<()> {
    let body = find("404.html").unwrap_or(b"Sidan finns inte");
    respond(
        stream,
        404,
        "Not Found",
        "text/html; charset=utf-8",
        &[],
        body,
    )
}

fn respond(
    stream: &mut TcpStream,
    code: u16,
    reason: &str,
    ctype: &str,
    extra: &[(&str, &str)],
    body: &[u8],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Write);
    // Drain what the client still sends so close() does not turn into a reset.
    let mut sink = [0u8; 1024];
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
    Ok(())
}
