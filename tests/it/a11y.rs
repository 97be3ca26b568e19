//! The pages people read (the published förteckning, the archive report) in
//! real Chromium at a phone's width (375 px) and a desktop's (1 280 px): no
//! sideways scroll, no word broken across two lines, and zero axe-core WCAG
//! 2.1 AA violations. axe-core comes from npm (tests/axe, installed by
//! scripts/setup) and is injected into the page.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use headless_chrome::protocol::cdp::Emulation;
use headless_chrome::{Browser, LaunchOptions};

use crate::harness::Env;

/// The widths every page is checked at, in CSS px.
pub const WIDTHS: [u32; 2] = [375, 1280];

/// One Chromium at a time from this module.
fn browser_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn axe_source() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; scripts/setup installs axe-core (npm ci --prefix tests/axe)",
            path.display()
        )
    })
}

/// What one page showed at one width.
#[derive(Debug)]
pub struct Seen {
    pub width: u32,
    /// `document.documentElement.scrollWidth`: wider than `width` means sideways scroll.
    pub scroll_width: u64,
    /// axe-core's violations of wcag2a, wcag2aa, wcag21a, wcag21aa: `id: target, …`.
    pub violations: Vec<String>,
    /// The number of requests that left the page for anything but a file:// URL.
    pub external: u64,
    /// Words split across two lines (see [`SPLIT_WORDS`]): `word (at "text")`.
    pub split: Vec<String>,
}

/// Finds every place where a line of text ends inside a word: two letters or
/// digits of one text node, next to each other in the text, drawn on two
/// lines. Breaks at spaces, hyphens, `/`, `.`, `@` and between elements are
/// not splits. The only excuses are a word wider than the box that holds it
/// (it cannot be kept whole) where that box hyphenates (`hyphens: auto`), or
/// a part of a web or e-mail address wider than its box. Returns JSON.
pub const SPLIT_WORDS: &str = r#"(() => {
  const word = /[\p{L}\p{N}]/u;
  const out = [];
  const box = (el) => {
    while (el && getComputedStyle(el).display === 'inline') el = el.parentElement;
    return el;
  };
  const excused = (node, text) => {
    const el = node.parentElement;
    const link = el.closest('a[href]');
    const address = link && /:\/\/|@/.test(link.textContent);
    if (!address && getComputedStyle(el).hyphens !== 'auto') return false;
    const probe = document.createElement('span');
    probe.textContent = text;
    probe.style.whiteSpace = 'nowrap';
    el.appendChild(probe);
    const w = probe.getBoundingClientRect().width;
    probe.remove();
    const b = box(el);
    const cs = getComputedStyle(b);
    const inner = b.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    return w > inner + 0.5;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const t = node.textContent;
    let prev = null;
    for (let i = 0; i < t.length; i++) {
      if (!word.test(t[i])) { prev = null; continue; }
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const r = range.getClientRects()[0];
      if (!r || r.width === 0) { prev = null; continue; }
      if (prev && r.top >= prev.bottom - 1) {
        let a = i - 1, b = i;
        while (a > 0 && word.test(t[a - 1])) a--;
        while (b < t.length && word.test(t[b])) b++;
        const w = t.slice(a, b);
        if (!excused(node, w)) {
          out.push(t.slice(a, i) + '|' + t.slice(i, b) + ' (in "' + t.trim().slice(0, 80) + '")');
        }
      }
      prev = r;
    }
  }
  return JSON.stringify(out);
})()"#;

/// Loads `page` in headless Chromium at each of `WIDTHS` and runs axe-core.
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
pub fn look(page: &Path) -> Vec<Seen> {
    let _guard = browser_lock();
    let profile = tempfile::tempdir().expect("profile dir");
    let chrome =
        std::env::var_os("CHROME").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from);
    let args: Vec<&std::ffi::OsStr> = [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ]
    .iter()
    .map(std::ffi::OsStr::new)
    .collect();
    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(Some(chrome))
            .headless(true)
            .sandbox(false)
            .enable_gpu(false)
            .user_data_dir(Some(profile.path().to_path_buf()))
            .window_size(Some((1280, 900)))
            .idle_browser_timeout(Duration::from_secs(120))
            .args(args)
            .build()
            .expect("launch options"),
    )
    .expect("launch Chromium (apt-get install chromium)");
    let axe = axe_source();
    let url = format!(
        "file://{}",
        page.canonicalize().expect("page exists").display()
    );
    let mut out = Vec::new();
    for width in WIDTHS {
        let tab = browser.new_tab().expect("tab");
        tab.set_default_timeout(Duration::from_secs(60));
        tab.call_method(Emulation::SetDeviceMetricsOverride {
            width,
            height: 800,
            device_scale_factor: 1.0,
            // Not `mobile`: a phone would zoom a too-wide page out to fit, and
            // innerWidth would grow with it instead of the page scrolling.
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
        })
        .expect("set the viewport");
        tab.navigate_to(&url)
            .and_then(|t| t.wait_until_navigated())
            .expect("load the page");
        let inner = tab
            .evaluate("window.innerWidth", false)
            .ok()
            .and_then(|r| r.value)
            .and_then(|v| v.as_u64());
        assert_eq!(
            inner,
            Some(u64::from(width)),
            "the viewport is not {width} px wide"
        );
        let scroll_width = tab
            .evaluate("document.documentElement.scrollWidth", false)
            .ok()
            .and_then(|r| r.value)
            .and_then(|v| v.as_u64())
            .expect("scrollWidth");
        let external = tab
            .evaluate(
                "performance.getEntriesByType('resource').filter(e => !e.name.startsWith('file:')).length",
                false,
            )
            .ok()
            .and_then(|r| r.value)
            .and_then(|v| v.as_u64())
            .expect("resource entries");
        let split = tab
            .evaluate(SPLIT_WORDS, false)
            .ok()
            .and_then(|r| r.value)
            .and_then(|v| v.as_str().map(str::to_string))
            .expect("the word-split check ran");
        let split: Vec<String> = serde_json::from_str(&split).expect("splits as JSON");
        tab.evaluate(&axe, false).expect("inject axe-core");
        let result = tab
            .evaluate(
                "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})\
                 .then(r => JSON.stringify(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))",
                true,
            )
            .expect("run axe-core");
        let json = result
            .value
            .and_then(|v| v.as_str().map(str::to_string))
            .expect("axe-core returned its violations");
        let violations: Vec<String> = serde_json::from_str(&json).expect("violations as JSON");
        out.push(Seen {
            width,
            scroll_width,
            violations,
            external,
            split,
        });
        let _ = tab.close(false);
    }
    out
}

/// Asserts what the issue asks of every published page.
#[track_caller]
pub fn assert_readable_everywhere(page: &Path) {
    for seen in look(page) {
        assert!(
            seen.scroll_width <= u64::from(seen.width),
            "{} scrolls sideways at {} px: it is {} px wide",
            page.display(),
            seen.width,
            seen.scroll_width
        );
        assert!(
            seen.violations.is_empty(),
            "{} at {} px has axe-core WCAG 2.1 AA violations:\n{}",
            page.display(),
            seen.width,
            seen.violations.join("\n")
        );
        assert_eq!(
            seen.external,
            0,
            "{} loads something from outside",
            page.display()
        );
        assert!(
            seen.split.is_empty(),
            "{} at {} px breaks words across lines:\n{}",
            page.display(),
            seen.width,
            seen.split.join("\n")
        );
    }
}

/// A register with long, unbreakable values: the names, URLs and addresses
/// that push a page sideways on a phone.
fn wide_register() -> String {
    let long = "https://www.facebook.com/gislavedskommunsofficiellasidaforinvanareochbesokare/about/kontaktuppgifter";
    format!(
        "[organisation]\nname = \"Gislaveds kommun\"\narchive_creator = \"Kommunstyrelsen\"\norganisation_number = \"212000-9994\"\n\
         website = \"https://www.gislaved.se\"\ncontact = {{ name = \"Informationsfunktionen\", email = \"informationsfunktionen.kommunledningsforvaltningen@gislaved.se\" }}\n\
         \n[[account]]\nid = \"facebook-kommun\"\nplatform = \"facebook\"\nname = \"Gislaveds kommun\"\nurl = \"{long}\"\n\
         extra_pages = [\"{long}/mer\"]\nunit = \"Kommunledningsförvaltningen\"\nboard = \"Kommunstyrelsen\"\n\
         purpose = \"Information och dialog med invånare\"\naudience = \"Invånare och besökare\"\n\
         responsible = {{ name = \"Anna Andersson\", email = \"anna.andersson.kommunikationsavdelningen@gislaved.se\", phone = \"0371-81 000\" }}\n\
         deputy = {{ name = \"Bo Berg\", email = \"bo.berg@gislaved.se\" }}\nadministrators = [\"Anna Andersson\", \"Bo Berg\"]\n\
         opened = 2014-03-01\n\
         \n[[account]]\nid = \"instagram-bibliotek\"\nplatform = \"instagram\"\nname = \"Gislaveds bibliotek <3 & böcker\"\n\
         url = \"https://www.instagram.com/gislavedsbibliotek\"\nunit = \"Kultur- och fritidsförvaltningen\"\nboard = \"Kultur- och fritidsnämnden\"\n\
         purpose = \"Boktips\"\naudience = \"Låntagare\"\nresponsible = {{ name = \"Cia Ceder\" }}\ndeputy = {{ name = \"Dan Dahl\" }}\n\
         administrators = [\"Cia Ceder\", \"Dan Dahl\"]\nopened = 2016-05-01\nclosed = 2020-12-31\n"
    )
}

#[test]
fn forteckning_reads_on_a_phone_and_a_desktop_with_open_data_beside_it() {
    let env = Env::new();
    env.write("accounts.toml", &wide_register());
    env.run(&["accounts", "publish", "--out", "forteckning.html"])
        .expect(0);
    let html = std::fs::read_to_string(env.path("forteckning.html")).unwrap();
    assert!(html.contains("@media print"), "no print stylesheet");
    assert!(
        html.contains("href=\"forteckning.csv\"") && html.contains("href=\"forteckning.json\"")
    );
    assert_readable_everywhere(&env.path("forteckning.html"));

    // The open data: the same accounts, the documented columns, in both files.
    let csv = std::fs::read_to_string(env.path("forteckning.csv")).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0].trim_start_matches('\u{feff}'),
        registry::publish::OPEN_DATA_COLUMNS.join(";")
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with("facebook-kommun;facebook;Facebook;Gislaveds kommun;https://"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(";2020-12-31;avslutat;bevaras"),
        "{}",
        lines[2]
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("forteckning.json")).unwrap())
            .unwrap();
    let konton = json["konton"].as_array().unwrap();
    assert_eq!(konton.len(), 2);
    assert_eq!(konton[1]["kontonamn"], "Gislaveds bibliotek <3 & böcker");
    assert_eq!(konton[0]["ansvarig_telefon"], "0371-81 000");
    assert_eq!(konton[0]["extra_sidor"].as_array().unwrap().len(), 1);
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    for column in registry::publish::OPEN_DATA_COLUMNS {
        assert!(konton[0].get(column).is_some(), "no {column} in the JSON");
        assert!(
            readme.contains(&format!("`{column}`")),
            "README.md does not document {column}"
        );
    }
}

#[test]
fn the_check_sees_words_split_across_lines() {
    // A table squeezed the way overflow-wrap:anywhere squeezes it: the
    // heading breaks inside "Diarienummer" at both widths. A part of an
    // address, or a hyphenated word, wider than its box is excused; a break
    // after "/" or at a space is not a split.
    let env = Env::new();
    let page = env.write(
        "ord.html",
        "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>Ord</title><style>th{overflow-wrap:anywhere;width:3em}</style></head><body><main><h1>Ord</h1>\
         <table><tr><th>Diarienummer</th></tr></table>\
         <p style=\"width:8em\"><a style=\"overflow-wrap:anywhere\" href=\"https://example.se/\">https://<wbr>example.se/<wbr>gislavedskommunsofficiellasidaforinvanare</a></p>\
         <p style=\"width:8em;hyphens:auto\">Gislavedskommunsofficiellasidaförinvånareochbesökare</p>\
         <p style=\"width:12em\">https://example.se/<wbr>nyheterna/<wbr>idag/<wbr>kommunen</p>\
         <p style=\"width:6em\">Kommunen har konton</p></main></body></html>",
    );
    for seen in look(&page) {
        assert!(
            !seen.split.is_empty() && seen.split.iter().all(|s| s.starts_with("Diarie")),
            "at {} px: {:?}",
            seen.width,
            seen.split
        );
    }
}

#[test]
fn the_check_sees_sideways_scroll_and_violations() {
    // The check itself must be able to fail: a page too wide and an image
    // without alternative text.
    let env = Env::new();
    let page = env.write(
        "bad.html",
        "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>Fel</title></head><body><main><h1>Fel</h1><div style=\"width:900px\">bred</div>\
         <img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"></main></body></html>",
    );
    let seen = look(&page);
    assert!(seen[0].scroll_width > 375, "{seen:?}");
    assert!(
        seen.iter()
            .all(|s| s.violations.iter().any(|v| v.starts_with("image-alt"))),
        "{seen:?}"
    );
}
