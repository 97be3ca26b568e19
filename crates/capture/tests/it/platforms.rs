//! The platform-like account pages: text in order, lazy images painted,
//! consent dismissed, comments expanded, summary recognised.

use capture::Options;
use model::ObstructionKind;

use crate::common::{assert_in_order, capture, hex};

fn opts(max_height: u32) -> Options {
    Options {
        max_height,
        ..Options::default()
    }
}

/// Each solid colour must cover at least `min` pixels of the picture.
fn assert_colours(c: &crate::common::Captured, colours: &[&str], min: usize) {
    let rgb: Vec<[u8; 3]> = colours.iter().map(|c| hex(c)).collect();
    for (col, n) in colours.iter().zip(c.count_colours(&rgb)) {
        assert!(
            n >= min,
            "lazy image #{col} not painted in {}: {n} pixels",
            c.page.facts.requested_url
        );
    }
}

#[test]
fn facebook_page() {
    let c = capture(&opts(12_000), "/facebook/gislavedskommun/");
    let f = &c.page.facts;
    assert_in_order(
        &c,
        &[
            "Gislaveds kommun",
            "12 345 följare",
            "Välkommen till Gislaveds kommuns officiella sida",
            "Cookieval: endast nödvändiga",
            "Nu öppnar simhallen igen",
            "Midsommarfirande i Folkets park",
            "Äntligen! Vi har väntat länge på det här.",
            "Svar: Öppettiderna finns på webbplatsen.",
            "Vägarbete på Storgatan",
            "Biblioteket har fått nya böcker",
            "Ja, sändningen teckentolkas.",
            "Vårens blomsterplanteringar",
            "Sommarjobb för ungdomar",
            "Äldre inlägg nummer 8 från flödet.",
        ],
    );
    // The lazy images (600×300) and the cover (760×250) are painted.
    assert_colours(
        &c,
        &["2e8b57", "ff8c00", "8a2be2", "dc143c"],
        600 * 300 * 9 / 10,
    );
    assert_colours(&c, &["1877f2"], 760 * 240);
    assert_colours(&c, &["708090"], 600 * 300);
    // The consent dialog is gone from the picture and the text.
    assert_eq!(
        c.count_colour(hex("fdf6e3")),
        0,
        "consent dialog box still painted"
    );
    assert!(
        !c.all_text().contains("Tillåt alla cookies"),
        "consent dialog text still captured"
    );
    assert!(
        !f.obstructions
            .iter()
            .any(|o| o.kind == ObstructionKind::ConsentWall),
        "{:?}",
        f.obstructions
    );
    // The infinite feed is cut at max_height and says so.
    assert!(
        f.truncated.is_some(),
        "infinite feed not flagged as truncated"
    );
    assert!(f.full_height > 12_000.0, "full height {}", f.full_height);
    assert_eq!(f.captured_height, 12_000.0);
    let covered: f64 = f.tiles.iter().map(|t| t.css_height).sum();
    assert_eq!(covered, 12_000.0);
    // Summary.
    let s = &f.summary;
    assert_eq!(s.platform.as_deref(), Some("facebook"));
    assert_eq!(s.followers.as_deref(), Some("12 345"));
    assert!(s.posts_visible.unwrap_or(0) >= 10, "{s:?}");
    assert_eq!(s.newest_post.as_deref(), Some("2026-06-28T09:15:00+02:00"));
    assert!(
        s.oldest_post.as_deref().is_some_and(|d| d < "2026-05-02"),
        "{s:?}"
    );
    assert_eq!(s.title, "Gislaveds kommun | Facebook");
    assert!(s
        .description
        .as_deref()
        .is_some_and(|d| d.contains("Officiell sida")));
    assert!(s.word_count > 100);
    // Facts and files.
    assert_eq!(f.http_status, Some(200));
    assert_eq!(f.final_url, f.requested_url);
    assert!(f.ended >= f.started);
    assert!(
        f.browser_version.contains("Chrome"),
        "{}",
        f.browser_version
    );
    assert!(!f.user_agent.contains("Headless"), "{}", f.user_agent);
    assert_eq!(f.text_file, "capture/01-start/text.json");
    let runs: Vec<model::TextRun> =
        serde_json::from_slice(&std::fs::read(c.dir.path().join(&f.text_file)).unwrap()).unwrap();
    assert_eq!(runs, c.page.text_runs);
    let mhtml = std::fs::read_to_string(c.dir.path().join(f.mhtml_file.as_deref().expect("mhtml")))
        .unwrap();
    assert!(
        mhtml.contains("Content-Type: multipart/related"),
        "not MHTML"
    );
    // One run per line box: no run is taller than two lines of its font.
    for r in &c.page.text_runs {
        assert!(
            r.height < r.font_size * 2.5,
            "run spans several lines: {r:?}"
        );
    }
}

#[test]
fn facebook_about_page() {
    let c = capture(&opts(50_000), "/facebook/gislavedskommun/about/");
    assert_in_order(
        &c,
        &[
            "Om Gislaveds kommun",
            "Kontaktuppgifter",
            "0371-810 00",
            "Öppettider",
            "Måndag–fredag",
            "Cookieval: endast nödvändiga",
        ],
    );
    let f = &c.page.facts;
    assert!(f.truncated.is_none());
    assert!(f.obstructions.is_empty(), "{:?}", f.obstructions);
    assert_eq!(f.summary.followers.as_deref(), Some("12 345"));
    assert_eq!(
        c.count_colour(hex("fdf6e3")),
        0,
        "consent dialog box still painted"
    );
}

#[test]
fn x_profile() {
    let c = capture(&opts(50_000), "/x/gislavedskommun/");
    assert_in_order(
        &c,
        &[
            "Gislaveds kommun",
            "@gislavedskommun",
            "4 321",
            "Följare",
            "återvinningscentralen",
            "Badvattnet i Båtsjön",
            "Nationaldagsfirande",
            "söka plats i förskolan",
        ],
    );
    assert_colours(&c, &["1da1f2"], 600 * 300 * 9 / 10);
    let s = &c.page.facts.summary;
    assert_eq!(s.platform.as_deref(), Some("x"));
    assert_eq!(s.posts_visible, Some(4));
    assert_eq!(s.followers.as_deref(), Some("4 321"));
    assert_eq!(s.newest_post.as_deref(), Some("2026-06-25T11:00:00.000Z"));
    assert_eq!(s.oldest_post.as_deref(), Some("2026-05-20T09:00:00.000Z"));
}

#[test]
fn instagram_grid() {
    let c = capture(&opts(50_000), "/instagram/kulturigislaved/");
    assert_in_order(
        &c,
        &[
            "kulturigislaved",
            "12",
            "inlägg",
            "2 345",
            "följare",
            "Kultur i Gislaved",
        ],
    );
    assert_colours(
        &c,
        &[
            "e74c3c", "f39c12", "27ae60", "2980b9", "8e44ad", "16a085", "d35400", "2c3e50",
            "c0392b", "7f8c8d", "f1c40f", "1abc9c",
        ],
        240 * 240 * 9 / 10,
    );
    let s = &c.page.facts.summary;
    assert_eq!(s.platform.as_deref(), Some("instagram"));
    assert_eq!(s.posts_visible, Some(12));
    assert_eq!(s.followers.as_deref(), Some("2 345"));
}

#[test]
fn youtube_channel() {
    let c = capture(&opts(50_000), "/youtube/gislavedskommun/");
    assert_in_order(
        &c,
        &[
            "Gislaveds kommun",
            "3 210 prenumeranter",
            "Kommunfullmäktige 2026-06-18",
            "Brandövning i Anderstorp",
        ],
    );
    assert_colours(
        &c,
        &["b03a2e", "3e7cb1", "4caf50", "795548", "009688", "ff5722"],
        320 * 180 * 9 / 10,
    );
    let s = &c.page.facts.summary;
    assert_eq!(s.platform.as_deref(), Some("youtube"));
    assert_eq!(s.posts_visible, Some(6));
    assert_eq!(s.followers.as_deref(), Some("3 210"));
    // The videos are dated as YouTube dates them for a reader, "för 1 veckor
    // sedan" to "för 6 veckor sedan": read as spans before the capture.
    assert_eq!((&s.newest_post, &s.oldest_post), (&None, &None));
    let newest = s.newest_post_read.as_ref().expect("newest");
    let oldest = s.oldest_post_read.as_ref().expect("oldest");
    assert_eq!(newest.text, "för 1 veckor sedan");
    assert_eq!(oldest.text, "för 6 veckor sedan");
    let started = chrono::DateTime::from_timestamp_millis(c.page.facts.started.timestamp_millis())
        .expect("start");
    let week = chrono::Duration::weeks(1);
    assert_eq!(
        (started - oldest.from, started - oldest.until),
        (week * 7, week * 11 / 2)
    );
    let posts = &c.page.posts.as_ref().expect("posts").posts;
    let read: Vec<&str> = posts
        .iter()
        .filter_map(|p| p.date_read.as_ref().map(|d| d.text.as_str()))
        .collect();
    assert_eq!(read.len(), 6, "{read:?}");
}

/// The account's own count is read where the platform shows it, with the
/// words as shown; a page that declares none has none.
#[test]
fn declared_counts_are_read_from_the_header() {
    use model::{DeclaredSource, DeclaredWhat};
    let c = capture(&opts(50_000), "/youtube/kanal-flikar/");
    let d = c
        .page
        .facts
        .extent
        .declared
        .clone()
        .expect("the channel's count");
    assert_eq!(
        (
            d.what,
            d.count,
            d.text.as_str(),
            d.read_from,
            d.login_for_more
        ),
        (
            DeclaredWhat::Videos,
            14,
            "14 videoklipp",
            DeclaredSource::ProfileHeader,
            false
        )
    );
    let c = capture(&opts(50_000), "/instagram/utan-inloggning/");
    let d = c
        .page
        .facts
        .extent
        .declared
        .clone()
        .expect("the profile's count");
    assert_eq!(
        (
            d.what,
            d.count,
            d.text.as_str(),
            d.read_from,
            d.login_for_more
        ),
        (
            DeclaredWhat::Posts,
            400,
            "400 inlägg",
            DeclaredSource::ProfileHeader,
            true
        )
    );
    // Compared only once the record's pages are all there.
    assert_eq!((d.held, d.rest), (None, None));
    assert_eq!(c.page.posts.as_ref().map(|p| p.posts.len()), Some(12));
    let c = capture(&opts(50_000), "/blogg/");
    assert_eq!(c.page.facts.extent.declared, None);
}

#[test]
fn wordpress_blog() {
    let c = capture(&opts(50_000), "/blogg/");
    assert_in_order(
        &c,
        &[
            "Skolbloggen",
            "Vårkonsert i aulan",
            "Friluftsdag vid Hwitasjön",
            "Läsfrämjande vecka",
            "Drivs med WordPress",
        ],
    );
    assert_colours(&c, &["0073aa"], 600 * 300 * 9 / 10);
    // Screen-reader-only and transparent text is not painted, so it is not a text run.
    for hidden in ["Hoppa", "Osynlig"] {
        assert!(
            !c.all_text().contains(hidden),
            "{hidden:?} captured as visible text"
        );
    }
    let s = &c.page.facts.summary;
    assert_eq!(s.platform.as_deref(), Some("blog"));
    assert_eq!(s.posts_visible, Some(3));
    assert_eq!(s.newest_post.as_deref(), Some("2026-06-10T15:00:00+02:00"));
    assert_eq!(s.oldest_post.as_deref(), Some("2026-04-14T09:00:00+02:00"));
    assert!(
        s.headings.iter().any(|h| h == "Vårkonsert i aulan"),
        "{:?}",
        s.headings
    );
}

/// A feed that never ends can use up the whole settle budget while
/// scrolling; the comments must still be expanded, not silently skipped.
#[test]
fn comments_are_expanded_when_an_endless_feed_uses_up_the_time() {
    let c = capture(
        &Options {
            max_height: 200_000,
            settle_timeout: std::time::Duration::from_secs(3),
            ..Options::default()
        },
        "/facebook/gislavedskommun/",
    );
    assert!(
        c.page.facts.notes.contains(&model::Note::ScrollOutOfTime),
        "the scroll pass was meant to run out of time: {:?}",
        c.page.facts.notes
    );
    let text = c.all_text();
    for hidden in [
        "Äntligen! Vi har väntat länge på det här.",
        "Svar: Öppettiderna finns på webbplatsen.",
        "Ja, sändningen teckentolkas.",
    ] {
        assert!(
            text.contains(hidden),
            "collapsed comment {hidden:?} was not expanded"
        );
    }
}
