//! The routes only the tests ask for (feature `test-site`): a request that
//! never gets an answer, a reset connection, redirects (one a loop), error
//! statuses, a cookie-gated page, a 50 MB download and the "other service" a
//! hostile page tries to reach. None of them is in the shipped binary.

use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use crate::{find, not_found, respond, Request};

/// Cookie the cookie-gated page (`/hostile/inloggad/`) wants: `session=<any non-empty value>`.
pub const SESSION_COOKIE_NAME: &str = "session";

/// Size of the attachment at `/_/bilaga.zip`: 50 MB, streamed.
pub const ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;

static SERVICE_HITS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Every request that reached `/_/tjanst` (the "other service" on the
/// archive machine a hostile page tries to write to), as
/// `METHOD path?query body`, in arrival order.
pub fn service_hits() -> Vec<String> {
    SERVICE_HITS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// `/_/reset`, decided from the first bytes before the request is read:
/// closing a socket with unread data makes the kernel send RST.
pub(crate) fn reset(stream: TcpStream) -> io::Result<Option<TcpStream>> {
    let mut peek = [0u8; 64];
    let n = stream.peek(&mut peek)?;
    if peek[..n].starts_with(b"GET /_/reset") {
        thread::sleep(Duration::from_millis(20));
        drop(stream);
        return Ok(None);
    }
    Ok(Some(stream))
}

/// Answers `req` if it is one of the test routes; `None` for any other path.
pub(crate) fn answer(
    stream: &mut TcpStream,
    req: &Request,
    stop: &AtomicBool,
) -> Option<io::Result<()>> {
    let path = req.path.as_str();
    if path.starts_with("/_/never") {
        return Some(never(stream, stop));
    }
    if path == "/_/tjanst" {
        return Some(service(stream, req));
    }
    if path == "/_/bilaga.zip" {
        return Some(attachment(stream));
    }
    if path == "/hostile/inloggad/" || path == "/hostile/inloggad" {
        return Some(cookie_gated(stream, req));
    }
    if let Some(code) = path.strip_prefix("/_/status/") {
        return Some(status(stream, code));
    }
    if let Some(ms) = path.strip_prefix("/_/slow/") {
        return Some(slow(stream, ms));
    }
    let to = match path {
        "/_/redirect-loop/a" => "/_/redirect-loop/b",
        "/_/redirect-loop/b" => "/_/redirect-loop/a",
        "/_/redirect" => "/blogg/",
        _ => return None,
    };
    Some(respond(
        stream,
        302,
        "Found",
        "text/plain",
        &[("Location", to)],
        b"",
    ))
}

/// An empty script, sent after the milliseconds the path names
/// (`/_/slow/4000.js`): a script that holds the parser up, as one from a
/// host that answers slowly does.
fn slow(stream: &mut TcpStream, ms: &str) -> io::Result<()> {
    let ms: u64 = ms.trim_end_matches(".js").parse().unwrap_or(0);
    thread::sleep(Duration::from_millis(ms.min(60_000)));
    respond(stream, 200, "OK", "text/javascript", &[], b"/* late */")
}

/// Never answers; gives the connection up only when the server stops.
fn never(stream: &TcpStream, stop: &AtomicBool) -> io::Result<()> {
    while !stop.load(Ordering::SeqCst) {
        thread::sleep(Duration::from_millis(50));
    }
    let _ = stream.shutdown(Shutdown::Both);
    Ok(())
}

fn service(stream: &mut TcpStream, req: &Request) -> io::Result<()> {
    SERVICE_HITS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(format!(
            "{} {}?{} {}",
            req.method, req.path, req.query, req.body
        ));
    respond(
        stream,
        200,
        "OK",
        "text/plain",
        &[("Access-Control-Allow-Origin", "*")],
        b"ok",
    )
}

fn attachment(stream: &mut TcpStream) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {ATTACHMENT_BYTES}\r\n\
         Content-Disposition: attachment; filename=\"protokoll-2025.zip\"\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes())?;
    let chunk = vec![0u8; 64 * 1024];
    for _ in 0..ATTACHMENT_BYTES / chunk.len() {
        stream.write_all(&chunk)?;
    }
    Ok(())
}

fn status(stream: &mut TcpStream, code: &str) -> io::Result<()> {
    let code: u16 = code.trim_end_matches('/').parse().unwrap_or(500);
    let body = format!(
        "<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Fel {code}</title></head>\
         <body><h1>Något gick fel</h1><p>Servern svarade med status {code}.</p></body></html>"
    );
    respond(
        stream,
        code,
        "Status",
        "text/html; charset=utf-8",
        &[],
        body.as_bytes(),
    )
}

fn cookie_gated(stream: &mut TcpStream, req: &Request) -> io::Result<()> {
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
    match find(file) {
        Some(body) => respond(stream, 200, "OK", "text/html; charset=utf-8", &[], body),
        None => not_found(stream),
    }
}
