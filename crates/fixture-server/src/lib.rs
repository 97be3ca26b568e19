//! Serves `fixtures/site` on 127.0.0.1: the demo's account pages always, and
//! with the feature `test-site` the whole site with the hostile routes the
//! tests need (`hostile.rs`) and a test TSA (`tsa.rs`).
//!
//! The site's files are embedded at compile time (see `build.rs`), so the
//! server works from any directory. Special routes live under `/_/` and in
//! [`FixtureServer`]'s request handler; `fixtures/site/README.md` lists them.
//! The shipped binary (`ogonblick demo`) builds this crate without
//! `test-site`: it holds the demo's pages and none of the hostile ones.
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

#[cfg(feature = "test-site")]
mod hostile;
mod png;
#[cfg(feature = "test-site")]
pub mod tsa;

#[cfg(feature = "test-site")]
pub use hostile::{service_hits, ATTACHMENT_BYTES, SESSION_COOKIE_NAME};
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

// Only the test routes read the method, query, cookie and body.
#[cfg_attr(not(feature = "test-site"), allow(dead_code))]
pub(crate) struct Request {
    method: String,
    path: String,
    query: String,
    cookie: Option<String>,
    /// The start of the body: what arrived with the head, at most 4 KB.
    body: String,
}

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

fn handle(stream: TcpStream, stop: &AtomicBool, other_origin: &str) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    #[cfg(feature = "test-site")]
    let Some(stream) = hostile::reset(stream)?
    else {
        return Ok(());
    };
    let mut stream = stream;
    let Some(req) = read_request(&mut stream)? else {
        return Ok(());
    };
    #[cfg(feature = "test-site")]
    if let Some(done) = hostile::answer(&mut stream, &req, stop) {
        return done;
    }
    #[cfg(not(feature = "test-site"))]
    let _ = stop;
    let path = req.path.as_str();
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

pub(crate) fn find(file: &str) -> Option<&'static [u8]> {
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

pub(crate) fn not_found(stream: &mut TcpStream) -> io::Result<()> {
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

pub(crate) fn respond(
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
