//! Setup errors and a browser that dies mid-capture.

use std::path::Path;
use std::time::Duration;

use capture::{find_chrome, validate_url, Error, Options, PageDir};

use crate::common::{browser_lock, server, session};

#[test]
fn missing_browser_says_how_to_install() {
    let e = find_chrome(Some(Path::new("/nonexistent/chromium"))).unwrap_err();
    assert!(matches!(e, Error::BrowserNotFound { .. }), "{e:?}");
    assert!(e.to_string().contains("apt-get install chromium"), "{e}");
    assert!(e.is_setup());
    let opts = Options {
        chrome: Some("/nonexistent/chromium".into()),
        ..Options::default()
    };
    let e = capture::Session::launch(&opts).unwrap_err();
    assert!(matches!(e, Error::BrowserNotFound { .. }), "{e:?}");
}

#[test]
fn only_http_urls_are_accepted() {
    for ok in [
        "http://example.se/",
        "https://www.facebook.com/gislavedskommun",
        "http://127.0.0.1:8080/a?b=c#d",
        "https://[::1]:443/",
    ] {
        assert!(
            validate_url(ok).is_ok(),
            "{ok} refused: {:?}",
            validate_url(ok)
        );
    }
    for bad in [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<h1>x</h1>",
        "ftp://example.se/",
        "not a url",
        "",
        "http://",
        "https:///path",
        "http://exa mple.se/",
        "http://example.se:99999/",
        " http://example.se/",
    ] {
        let e = validate_url(bad).expect_err(bad);
        assert!(matches!(e, Error::BadUrl { .. }), "{bad}: {e:?}");
        assert!(e.is_setup());
    }
}

#[test]
fn killed_browser_is_reported_as_a_crash() {
    let _guard = browser_lock();
    let opts = Options {
        max_height: 200_000,
        ..Options::default()
    };
    let s = session(&opts);
    let pid = s.browser_pid().expect("browser pid");
    let dir = tempfile::tempdir().unwrap();
    // The browser is killed once the capture is observably under way: the
    // first band below the first screen is on disk, with more to come.
    let band = dir.path().join("capture/01-start/tile-002.png");
    let killer = std::thread::spawn(move || {
        // Killed anyway after 120 s: the capture then fails some other way.
        test_support::poll_within(Duration::from_secs(120), || band.exists().then_some(()));
        test_support::status(std::process::Command::new("kill").args(["-9", &pid.to_string()]))
    });
    let e = s
        .capture(
            &server().url("/hostile/very-tall/"),
            &PageDir::at(dir.path(), "capture/01-start", "01-start"),
        )
        .expect_err("capture with a killed browser must fail");
    assert!(killer.join().unwrap().unwrap().success());
    assert!(e.is_browser_gone(), "not recognised as a crash: {e:?}");
    assert!(matches!(e, Error::BrowserCrashed { .. }));
    assert!(e.to_string().contains("crashed"), "{e}");
    assert!(s.is_browser_gone());
    // The next capture fails the same way, quickly.
    let e = s
        .capture(
            &server().url("/blogg/"),
            &PageDir::at(dir.path(), "capture/02-next", "02-next"),
        )
        .unwrap_err();
    assert!(e.is_browser_gone(), "{e:?}");
}

#[test]
fn cookie_files_are_read_and_values_kept_secret() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("c.json");
    std::fs::write(&json, r#"[{"name":"c_user","value":"topsecret123","domain":".facebook.com","path":"/","secure":true,"httpOnly":true,"expirationDate":1893456000}]"#).unwrap();
    let c = capture::load_cookies(&json).unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(
        (
            c[0].name.as_str(),
            c[0].domain.as_str(),
            c[0].secure,
            c[0].http_only
        ),
        ("c_user", ".facebook.com", true, true)
    );
    assert_eq!(c[0].value, "topsecret123");
    assert!(!format!("{c:?}").contains("topsecret123"));

    let txt = dir.path().join("c.txt");
    std::fs::write(&txt, "# Netscape HTTP Cookie File\n#HttpOnly_.x.com\tTRUE\t/\tTRUE\t1893456000\tauth_token\tsekret999\n").unwrap();
    let c = capture::load_cookies(&txt).unwrap();
    assert_eq!(
        (c[0].name.as_str(), c[0].domain.as_str(), c[0].http_only),
        ("auth_token", ".x.com", true)
    );

    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "x.com\tTRUE\t/\tMAYBE\t0\tname\tsekret999\n").unwrap();
    let e = capture::load_cookies(&bad).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("line 1") && !msg.contains("sekret999"),
        "{msg}"
    );
    assert!(!format!("{e:?}").contains("sekret999"));

    let badjson = dir.path().join("bad.json");
    std::fs::write(&badjson, r#"[{"name":"a","value":"sekret999"}]"#).unwrap();
    let e = capture::load_cookies(&badjson).unwrap_err();
    assert!(
        !e.to_string().contains("sekret999") && !format!("{e:?}").contains("sekret999"),
        "{e}"
    );
    assert!(capture::load_cookies(&dir.path().join("missing.txt"))
        .unwrap_err()
        .is_setup());
}
