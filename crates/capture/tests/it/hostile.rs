//! Hostile pages: walls, errors, hanging resources, fixed headers, scripts.

use std::time::{Duration, Instant};

use capture::{Error, Options, PageDir};
use model::ObstructionKind;

use crate::common::{
    assert_in_order, browser_lock, capture, capture_with, files_under, hex, server, session,
};

fn kinds(c: &crate::common::Captured) -> Vec<ObstructionKind> {
    c.page.facts.obstructions.iter().map(|o| o.kind).collect()
}

#[test]
fn login_wall_is_flagged() {
    let c = capture(&Options::default(), "/hostile/login-wall/");
    assert!(
        kinds(&c).contains(&ObstructionKind::LoginWall),
        "{:?}",
        c.page.facts.obstructions
    );
    assert!(!kinds(&c).contains(&ObstructionKind::ErrorPage));
}

#[test]
fn not_found_is_flagged() {
    let c = capture(&Options::default(), "/hostile/finns-inte");
    assert_eq!(c.page.facts.http_status, Some(404));
    assert!(
        kinds(&c).contains(&ObstructionKind::ErrorPage),
        "{:?}",
        c.page.facts.obstructions
    );
    assert_in_order(&c, &["Sidan finns inte"]);
    // A normal page is not.
    let ok = capture(&Options::default(), "/blogg/");
    assert!(
        ok.page.facts.obstructions.is_empty(),
        "{:?}",
        ok.page.facts.obstructions
    );
}

/// A script that holds the parser up longer than the response took (a
/// tracker's host that answers slowly, as the offline corpus's buzzfeed-1
/// shows for 44 s) is waited for within the page's budget.
#[test]
fn a_document_parsed_late_is_waited_for_within_the_budget() {
    let opts = Options {
        navigation_timeout: Duration::from_secs(2),
        page_budget: Duration::from_secs(30),
        ..Options::default()
    };
    let c = capture(&opts, "/hostile/langsam-tolkning/");
    assert_in_order(&c, &["Före skriptet", "Texten efter skriptet syns också."]);
    assert!(
        c.page.facts.obstructions.is_empty(),
        "{:?}",
        c.page.facts.obstructions
    );
}

#[test]
fn hanging_subresource_does_not_hang_the_capture() {
    let opts = Options {
        settle_timeout: Duration::from_secs(6),
        navigation_timeout: Duration::from_secs(10),
        ..Options::default()
    };
    let start = Instant::now();
    let c = capture(&opts, "/hostile/hanging/");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(40), "capture took {took:?}");
    assert_in_order(
        &c,
        &[
            "Den här sidan väntar på en bild",
            "Text efter bilden syns ändå.",
        ],
    );
    assert!(
        c.page
            .facts
            .notes
            .iter()
            .any(|n| matches!(n, model::Note::LoadEventLate { secs } if *secs > 0)),
        "{:?}",
        c.page.facts.notes
    );
}

#[test]
fn fixed_and_sticky_headers_are_painted_once() {
    // Small tiles, so the page needs several and a repeated header would show.
    let opts = Options {
        tile_height: 1024,
        ..Options::default()
    };
    let c = capture(&opts, "/hostile/fixed-headers/");
    let f = &c.page.facts;
    assert!(
        f.tiles.len() >= 5,
        "expected several tiles, got {}",
        f.tiles.len()
    );
    let rows = |col: &str| -> usize { c.tiles().map(|(_, img)| img.rows_with(5, hex(col))).sum() };
    assert_eq!(rows("c0392b"), 60, "fixed header rows");
    assert_eq!(rows("2980b9"), 40, "sticky bar rows");
    assert_eq!(rows("16a085"), 30, "fixed footer rows");
    // The 100vh hero keeps its height: one viewport, under the fixed header (60 px) and footer (30 px).
    assert_eq!(rows("f1c40f"), 900 - 60 - 30, "100vh hero rows");
    assert_eq!(f.full_height, 900.0 + 40.0 + 4.0 * 1500.0);
    let texts = c.texts();
    assert_eq!(texts.iter().filter(|t| **t == "Fast sidhuvud").count(), 1);
    assert_eq!(texts.iter().filter(|t| **t == "Fast sidfot").count(), 1);
    assert_in_order(
        &c,
        &[
            "Fast sidhuvud",
            "Sida med fast sidhuvud",
            "Klistrig rubrik",
            "Första avsnittet",
            "Sista avsnittet",
        ],
    );
}

#[test]
fn every_script_is_in_the_text_runs() {
    let c = capture(&Options::default(), "/hostile/sprak/");
    assert_in_order(
        &c,
        &[
            "Räksmörgås och blåbärssylt åt älgen på ön.",
            "مرحبا بكم في بلدية غيسلافيد",
            "欢迎来到吉斯拉沃德市",
            "Sommar ☀️ och glass 🍦 i parken 🎉",
        ],
    );
    let arabic = c
        .page
        .text_runs
        .iter()
        .find(|r| r.text.contains("مرحبا"))
        .expect("arabic run");
    assert!(arabic.rtl, "arabic run not marked rtl");
    let swedish = c
        .page
        .text_runs
        .iter()
        .find(|r| r.text.contains("Räksmörgås"))
        .expect("swedish run");
    assert!(!swedish.rtl);
}

#[test]
fn dialogs_do_not_block() {
    let c = capture(&Options::default(), "/hostile/dialogs/");
    assert_in_order(&c, &["Sidan med dialogrutor", "Dialogrutan stängdes."]);
}

#[test]
fn cookie_gated_page_with_cookie_file() {
    const SECRET: &str = "hemlig-sessionsnyckel-4711";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cookies.txt");
    std::fs::write(
        &file,
        format!("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\t{SECRET}\n"),
    )
    .unwrap();
    let cookies = capture::load_cookies(&file).expect("load cookies.txt");
    assert!(
        !format!("{cookies:?}").contains(SECRET),
        "cookie value in Debug"
    );

    let without = capture(&Options::default(), "/hostile/inloggad/");
    assert!(kinds(&without).contains(&ObstructionKind::LoginWall));
    assert!(!without.all_text().contains("inloggat innehåll"));

    let opts = Options {
        cookies,
        ..Options::default()
    };
    let with = capture(&opts, "/hostile/inloggad/");
    assert_in_order(&with, &["Det här är inloggat innehåll"]);
    assert!(
        with.page.facts.obstructions.is_empty(),
        "{:?}",
        with.page.facts.obstructions
    );
    let facts = serde_json::to_string(&with.page.facts).unwrap();
    assert!(!facts.contains(SECRET), "cookie value in the page facts");
    let files = files_under(with.dir.path());
    assert!(files.len() >= 3, "{files:?}");
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
            "cookie value written to {}",
            f.display()
        );
    }
}

#[test]
fn unreachable_pages_are_navigation_errors() {
    let _guard = browser_lock();
    let s = session(&Options::default());
    let dir = tempfile::tempdir().unwrap();
    for path in ["/_/redirect-loop/a", "/_/reset"] {
        let e = s
            .capture(
                &server().url(path),
                &PageDir::at(dir.path(), "capture/01-start", "01-start"),
            )
            .expect_err(path);
        assert!(matches!(e, Error::Navigation { .. }), "{path}: {e:?}");
        assert!(!e.is_browser_gone());
    }
    // The session is still usable afterwards.
    let c = capture_with(&s, "/blogg/");
    assert_in_order(&c, &["Skolbloggen"]);
}

#[test]
fn a_consent_page_that_sends_the_reader_on_is_captured_where_it_leads() {
    let c = capture(&Options::default(), "/hostile/samtycke/");
    assert_only_the_blog(&c, "Innan du fortsätter", "Avvisa alla");
}

#[test]
fn a_page_that_moves_in_the_middle_of_a_capture_is_captured_again_where_it_went() {
    let c = capture(&Options::default(), "/hostile/flytt/");
    assert_only_the_blog(&c, "Gamla nyhetssidan", "Slutet av den gamla sidan");
}

/// The record is the blog's alone: nothing of the page that led there.
fn assert_only_the_blog(c: &crate::common::Captured, old_text: &str, old_mhtml: &str) {
    let f = &c.page.facts;
    assert_eq!(f.final_url, server().url("/blogg/"));
    assert_eq!(f.title, "Skolbloggen – Nyheter från Gislaveds skolor");
    assert!(f.obstructions.is_empty(), "{:?}", f.obstructions);
    assert_in_order(c, &["Skolbloggen", "Vårkonsert i aulan"]);
    let all = c.texts().join(" ");
    assert!(!all.contains(old_text), "text of the first page: {all}");
    // Nothing of the first document is left in the record: the MHTML is the
    // blog's, and the directory holds exactly the files the facts name.
    let dir = c.dir.path().join("capture/01-start");
    let mhtml = std::fs::read_to_string(dir.join("page.mhtml")).unwrap();
    assert!(mhtml.contains("Skolbloggen") && !mhtml.contains(old_mhtml));
    let mut named: Vec<String> = f.tiles.iter().map(|t| t.file.clone()).collect();
    named.push(f.text_file.clone());
    named.extend(f.mhtml_file.clone());
    // The web archive keeps the whole exchange, the page that led to the blog
    // included (it is what was sent and received), and reaches the blog.
    let warc = std::fs::read(dir.join("page.warc.gz")).unwrap();
    let mut exchange = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(&warc[..]),
        &mut exchange,
    )
    .unwrap();
    let exchange = String::from_utf8_lossy(&exchange);
    assert!(
        exchange.contains(&format!("WARC-Target-URI: {}", server().url("/blogg/"))),
        "the web archive does not reach the blog"
    );
    named.push(f.text_file.replace("text.json", "page.warc.gz"));
    // The posts found on the page, beside its text (unless they could not be read).
    if !f
        .notes
        .iter()
        .any(|n| matches!(n, model::Note::PostsUnreadable { .. }))
    {
        named.push(f.text_file.replace("text.json", "posts.json"));
    }
    named.sort();
    let mut found: Vec<String> = files_under(c.dir.path())
        .iter()
        .map(|p| {
            p.strip_prefix(c.dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    assert_eq!(found, named);
}

#[test]
fn redirects_record_the_final_url() {
    let _guard = browser_lock();
    let s = session(&Options::default());
    for path in [
        "/_/redirect",
        "/hostile/js-redirect/",
        "/hostile/meta-refresh/",
    ] {
        let c = capture_with(&s, path);
        let f = &c.page.facts;
        assert_eq!(f.requested_url, server().url(path));
        assert_eq!(f.final_url, server().url("/blogg/"), "{path}");
        assert_eq!(
            f.title, "Skolbloggen – Nyheter från Gislaveds skolor",
            "{path}"
        );
        assert_in_order(&c, &["Skolbloggen", "Vårkonsert i aulan"]);
    }
}
