//! `bench-serve [--static DIR]`: serves the fixture site (and optionally a
//! directory of generated pages) on 127.0.0.1 until killed.
//!
//! Prints `fixture http://127.0.0.1:PORT` and, with `--static`,
//! `static http://127.0.0.1:PORT` on stdout, one per line, then serves.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use bench::{die, flag};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let server = fixture_server::FixtureServer::start()
        .unwrap_or_else(|e| die(&format!("starting the fixture server: {e}")));
    println!("fixture {}", server.base_url().trim_end_matches('/'));
    if let Some(dir) = flag(&args, "--static") {
        let root = PathBuf::from(dir);
        let listener =
            TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| die(&format!("binding: {e}")));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| die(&format!("local address: {e}")));
        println!("static http://{addr}");
        flush();
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = serve(stream, &root);
            });
        }
    } else {
        flush();
        loop {
            std::thread::park();
        }
    }
}

fn flush() {
    let _ = std::io::stdout().flush();
}

/// Answers one GET request from files under `root` (`Connection: close`).
fn serve(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = Path::new(path.trim_start_matches('/'));
    let mut out = stream;
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return answer(&mut out, "400 Bad Request", "text/plain", b"bad path");
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("png") => "image/png",
                Some("css") => "text/css",
                Some("js") => "text/javascript",
                _ => "application/octet-stream",
            };
            answer(&mut out, "200 OK", kind, &body)
        }
        Err(_) => answer(
            &mut out,
            "404 Not Found",
            "text/html; charset=utf-8",
            b"<!doctype html><title>Sidan finns inte</title><h1>Sidan finns inte</h1>",
        ),
    }
}

fn answer(out: &mut TcpStream, status: &str, kind: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n",
        body.len()
    )?;
    out.write_all(body)?;
    out.flush()
}
