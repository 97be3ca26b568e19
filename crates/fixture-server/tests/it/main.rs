//! The fixture server over real sockets: pages, statuses, special routes, shutdown.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use fixture_server::{accounts, solid_png, FixtureServer};

/// GET `path` with optional extra header lines; returns (status, headers, body).
fn get(server: &FixtureServer, path: &str, extra: &str) -> std::io::Result<(u16, String, Vec<u8>)> {
    let mut s = TcpStream::connect(server.addr())?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n")?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status code");
    Ok((status, head, buf[split + 4..].to_vec()))
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

#[test]
fn serves_every_account_page() {
    let server = FixtureServer::start().unwrap();
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    assert_eq!(
        server.url("/blogg/"),
        format!("{}/blogg/", server.base_url())
    );
    for a in accounts() {
        for path in std::iter::once(&a.path).chain(a.extra_paths) {
            let (status, head, body) = get(&server, path, "").unwrap();
            assert_eq!(status, 200, "{path}");
            assert!(head.contains("text/html"), "{path}: {head}");
            assert!(text(&body).contains("<title>"), "{path}");
        }
        assert!([
            "facebook",
            "instagram",
            "x",
            "youtube",
            "linkedin",
            "blog",
            "other"
        ]
        .contains(&a.platform));
        assert!(a
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
    }
    let (status, _, body) = get(&server, "/", "").unwrap();
    assert_eq!(status, 200);
    assert!(text(&body).contains("Testwebbplats"));
}

#[test]
fn unknown_paths_are_real_404s() {
    let server = FixtureServer::start().unwrap();
    let (status, _, body) = get(&server, "/hostile/finns-inte", "").unwrap();
    assert_eq!(status, 404);
    assert!(text(&body).contains("Sidan finns inte"));
    let (status, _, _) = get(&server, "/../Cargo.toml", "").unwrap();
    assert_eq!(status, 404);
    let (status, _, _) = get(&server, "/_/status/503", "").unwrap();
    assert_eq!(status, 503);
}

#[test]
fn redirect_loop_and_reset() {
    let server = FixtureServer::start().unwrap();
    let (status, head, _) = get(&server, "/_/redirect-loop/a", "").unwrap();
    assert_eq!(status, 302);
    assert!(head.contains("Location: /_/redirect-loop/b"));
    let (_, head, _) = get(&server, "/_/redirect-loop/b", "").unwrap();
    assert!(head.contains("Location: /_/redirect-loop/a"));
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET /_/reset HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = Vec::new();
    let r = s.read_to_end(&mut buf);
    assert!(buf.is_empty(), "reset route answered: {}", text(&buf));
    assert!(
        matches!(r, Err(ref e) if e.kind() == std::io::ErrorKind::ConnectionReset),
        "{r:?}"
    );
}

#[test]
fn generated_images_are_solid_rgb_png() {
    let server = FixtureServer::start().unwrap();
    let (status, head, body) = get(&server, "/_/img/2e8b57-60x30.png", "").unwrap();
    assert_eq!(status, 200);
    assert!(head.contains("image/png"));
    assert_eq!(body, solid_png([0x2e, 0x8b, 0x57], 60, 30));
    let decoder = png::Decoder::new(std::io::Cursor::new(body));
    let mut reader = decoder.read_info().unwrap();
    let mut data = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut data).unwrap();
    assert_eq!((reader.info().width, reader.info().height), (60, 30));
    assert_eq!(reader.info().color_type, png::ColorType::Rgb);
    assert!(data.chunks(3).all(|p| p == [0x2e, 0x8b, 0x57]));
    // A 700x700 image spans several stored deflate blocks.
    let big = solid_png([1, 2, 3], 700, 700);
    let mut reader = png::Decoder::new(std::io::Cursor::new(big))
        .read_info()
        .unwrap();
    let mut data = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut data).unwrap();
    assert!(data.chunks(3).all(|p| p == [1, 2, 3]));
    let (status, _, _) = get(&server, "/_/img/zz-1x1.png", "").unwrap();
    assert_eq!(status, 404);
}

#[test]
fn cookie_gated_page() {
    let server = FixtureServer::start().unwrap();
    let (_, _, body) = get(&server, "/hostile/inloggad/", "").unwrap();
    assert!(text(&body).contains("type=\"password\""));
    let (_, _, body) = get(&server, "/hostile/inloggad/", "Cookie: a=b; session=x1\r\n").unwrap();
    assert!(text(&body).contains("inloggat innehåll"));
    let (_, _, body) = get(&server, "/hostile/inloggad/", "Cookie: session=\r\n").unwrap();
    assert!(!text(&body).contains("inloggat innehåll"));
}

#[test]
fn drop_does_not_wait_for_hanging_connections() {
    let server = FixtureServer::start().unwrap();
    let addr = server.addr();
    let mut hanging = TcpStream::connect(addr).unwrap();
    hanging
        .write_all(b"GET /_/never.png HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    hanging
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut buf = [0u8; 16];
    assert!(hanging.read(&mut buf).is_err(), "the never route answered");
    let start = Instant::now();
    drop(server);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "drop took {:?}",
        start.elapsed()
    );
    // The hanging connection is released once the server is gone.
    hanging
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    assert!(
        matches!(hanging.read(&mut buf), Ok(0)),
        "hanging connection not closed"
    );
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "still listening"
    );
}
