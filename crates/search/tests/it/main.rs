//! The search index over records written as a capture and a seal leave them.

mod corpus;

use std::path::Path;

use serde_json::json;

/// One post of a sample record: (id, date, text), one line each, 40 px apart.
type Sample<'a> = (&'a str, &'a str, &'a str);

/// Writes a sealed-looking record `id` (`2026-H1/facebook-kommun`): one captured
/// page whose text runs are the posts' lines, `posts.json` placing every
/// 1 000 CSS px on its own PDF page after one cover page, and a manifest.
fn record(archive: &Path, id: &str, kind: &str, posts: &[Sample]) {
    let dir = archive.join(id);
    std::fs::create_dir_all(dir.join("capture/01-start")).unwrap();
    let account = id.rsplit('/').next().unwrap();
    let period = id.split('/').next().unwrap();
    let runs: Vec<_> = posts
        .iter()
        .enumerate()
        .map(|(i, (_, _, text))| json!({"text": text, "x": 10.0, "y": 400.0 * i as f64 + 10.0, "width": 500.0, "height": 20.0, "font_size": 16.0}))
        .collect();
    std::fs::write(
        dir.join("capture/01-start/text.json"),
        serde_json::to_vec(&runs).unwrap(),
    )
    .unwrap();
    let height = 400.0 * posts.len() as f64 + 100.0;
    let slices: Vec<_> = (0..(height / 1000.0).ceil() as u32)
        .map(|n| json!({"label": "01-start", "pdf_page": n + 2, "css_top": f64::from(n) * 1000.0, "css_bottom": f64::from(n + 1) * 1000.0}))
        .collect();
    let post_json: Vec<_> = posts
        .iter()
        .enumerate()
        .map(|(i, (pid, date, text))| json!({"id": pid, "id_kind": "permalink", "kind": "post", "date": date, "text": text, "page": "01-start", "x": 0.0, "y": 400.0 * i as f64, "width": 800.0, "height": 300.0}))
        .collect();
    std::fs::write(
        dir.join("posts.json"),
        serde_json::to_vec(&json!({"pdf_pages": slices, "posts": post_json})).unwrap(),
    )
    .unwrap();
    let rec = json!({
        "record_id": id, "kind": kind, "period": period, "handling": "upprättad",
        "account": {"id": account, "platform": "facebook", "name": "Kommunen", "url": "https://example.se/",
                    "unit": "u", "board": "b", "purpose": "p", "audience": "a",
                    "responsible": {"name": "R"}, "opened": "2020-01-01"},
        "pages": [{"label": "01-start", "requested_url": "https://example.se/", "final_url": "https://example.se/",
                   "title": "t", "started": "2026-07-01T08:00:00Z", "ended": "2026-07-01T08:01:00Z",
                   "viewport_width": 1280, "viewport_height": 900, "device_scale": 1.0,
                   "full_height": height, "captured_height": height,
                   "summary": {"title": "t", "word_count": 10}, "user_agent": "ua", "browser_version": "bv",
                   "tiles": [], "text_file": "capture/01-start/text.json"}],
        "ogonblick_version": "0", "operator": "", "files": {}
    });
    std::fs::write(dir.join("record.json"), serde_json::to_vec(&rec).unwrap()).unwrap();
    std::fs::write(dir.join("manifest-sha256.txt"), format!("{id}\n")).unwrap();
}

fn query(text: &str) -> search::Query {
    search::Query {
        text: text.into(),
        limit: 50,
        ..search::Query::default()
    }
}

/// (record id, PDF page) of every hit.
fn hits(archive: &Path, q: &search::Query) -> Vec<(String, Option<u32>)> {
    let (ix, _) = search::open(archive).unwrap();
    let mut out: Vec<_> = ix
        .search(q)
        .unwrap()
        .into_iter()
        .map(|h| (h.record_id, h.pdf_page))
        .collect();
    out.sort();
    out
}

fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    record(
        dir.path(),
        "2025-H2/facebook-kommun",
        "halvar",
        &[
            (
                "facebook:1",
                "2025-09-01",
                "Vi bygger en ny simhall vid skolan.",
            ),
            ("facebook:2", "2025-10-01", "Biblioteket har öppet."),
            (
                "facebook:3",
                "2025-11-01",
                "Äldreomsorgen får fler anställda.",
            ),
            (
                "facebook:4",
                "2025-12-01",
                "Simhallens tak är klart, ny entré i vår.",
            ),
        ],
    );
    record(
        dir.path(),
        "2026-H1/x-kommun",
        "halvar",
        &[
            ("x:1", "2026-02-01", "Nu öppnar simhallen igen."),
            (
                "x:2",
                "2026-03-01",
                "Simhall och bibliotek stänger tidigt på fredag.",
            ),
        ],
    );
    dir
}

#[test]
fn inflected_forms_and_folded_letters_are_found_on_their_pdf_page() {
    let a = archive();
    // Posts are 400 px apart, 1 000 px to a PDF page after one cover page.
    assert_eq!(
        hits(a.path(), &query("simhall")),
        vec![
            ("2025-H2/facebook-kommun".into(), Some(2)),
            ("2025-H2/facebook-kommun".into(), Some(3)),
            ("2026-H1/x-kommun".into(), Some(2)),
            ("2026-H1/x-kommun".into(), Some(2)),
        ]
    );
    assert_eq!(
        hits(a.path(), &query("aldreomsorg")),
        vec![("2025-H2/facebook-kommun".into(), Some(2))]
    );
    assert_eq!(
        hits(a.path(), &query("ÄLDREOMSORGEN")),
        vec![("2025-H2/facebook-kommun".into(), Some(2))]
    );
    assert!(hits(a.path(), &query("simhallsbygge")).is_empty());
}

#[test]
fn phrases_need_adjacent_words_and_and_or_combine() {
    let a = archive();
    // "ny simhall" is adjacent in post 1 only; post 4 has "ny" and "simhallens" apart.
    assert_eq!(
        hits(a.path(), &query("\"ny simhall\"")),
        vec![("2025-H2/facebook-kommun".into(), Some(2))]
    );
    assert_eq!(hits(a.path(), &query("ny simhall")).len(), 2);
    assert_eq!(hits(a.path(), &query("simhall AND bibliotek")).len(), 1);
    assert_eq!(hits(a.path(), &query("simhall OR biblioteket")).len(), 5);
}

#[test]
fn filters_by_account_kind_and_post_date() {
    let a = archive();
    let mut q = query("simhall");
    q.accounts = vec!["x-kommun".into()];
    assert_eq!(hits(a.path(), &q).len(), 2);
    let mut q = query("simhall");
    q.from = chrono::NaiveDate::from_ymd_opt(2025, 10, 1);
    q.to = chrono::NaiveDate::from_ymd_opt(2026, 2, 1);
    assert_eq!(
        hits(a.path(), &q),
        vec![
            ("2025-H2/facebook-kommun".into(), Some(3)),
            ("2026-H1/x-kommun".into(), Some(2)),
        ]
    );
    let mut q = query("simhall");
    q.kinds = vec![model::RecordKind::BevisForeRadering];
    assert!(hits(a.path(), &q).is_empty());
}

#[test]
fn a_post_dated_by_its_text_is_found_where_its_days_meet_the_dates_asked() {
    let a = tempfile::tempdir().unwrap();
    let id = "2026-H1/youtube-kanal";
    record(
        a.path(),
        id,
        "halvar",
        &[("youtube:1", "", "Konsert i simhallen.")],
    );
    // The date as YouTube shows it, read into the days it can mean.
    let path = a.path().join(id).join("posts.json");
    let mut posts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    posts["posts"][0]["date"] = serde_json::Value::Null;
    posts["posts"][0]["date_read"] = json!({"text": "för 2 veckor sedan",
        "from": "2026-05-20T22:00:00Z", "until": "2026-06-03T22:00:00Z"});
    std::fs::write(&path, serde_json::to_vec(&posts).unwrap()).unwrap();
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d);
    let found = |from, to| {
        let mut q = query("simhall");
        (q.from, q.to) = (from, to);
        hits(a.path(), &q).len()
    };
    // 21 May to 3 June in Sweden.
    assert_eq!(found(day(6, 3), None), 1);
    assert_eq!(found(None, day(5, 21)), 1);
    assert_eq!(found(day(5, 25), day(5, 26)), 1);
    assert_eq!(found(day(6, 4), None), 0);
    assert_eq!(found(None, day(5, 20)), 0);
    let (ix, _) = search::open(a.path()).unwrap();
    let h = ix.search(&query("simhall")).unwrap();
    assert_eq!(h[0].post_date.as_deref(), Some("2026-05-21/2026-06-03"));
}

#[test]
fn a_hit_carries_its_post_date_and_a_marked_snippet() {
    let a = archive();
    let (ix, _) = search::open(a.path()).unwrap();
    let h = ix.search(&query("aldreomsorg")).unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].post_date.as_deref(), Some("2025-11-01"));
    assert_eq!(h[0].post_id.as_deref(), Some("facebook:3"));
    assert_eq!(h[0].account.as_deref(), Some("facebook-kommun"));
    assert!(
        h[0].snippet.contains("**Äldreomsorgen**"),
        "{}",
        h[0].snippet
    );
}

#[test]
fn an_empty_archive_has_no_hits() {
    let a = tempfile::tempdir().unwrap();
    assert!(hits(a.path(), &query("simhall")).is_empty());
    let missing = a.path().join("finns-inte");
    assert!(hits(&missing, &query("simhall")).is_empty());
}

#[test]
fn records_sealed_later_are_added_when_the_index_is_opened() {
    let a = archive();
    assert_eq!(hits(a.path(), &query("badplats")).len(), 0);
    record(
        a.path(),
        "2026-H1/blogg",
        "halvar",
        &[("url:1", "2026-05-01", "Nya badplatsen vid sjön är öppen.")],
    );
    let (ix, upkeep) = search::open(a.path()).unwrap();
    assert_eq!(upkeep.rebuilt, None);
    assert_eq!(upkeep.added, 1);
    assert_eq!(ix.search(&query("badplatsens")).unwrap().len(), 1);
}

#[test]
fn a_corrupt_index_is_rebuilt_and_says_why() {
    let a = archive();
    let (_, first) = search::open(a.path()).unwrap();
    assert!(first.rebuilt.is_some(), "the first open builds it");
    let (_, again) = search::open(a.path()).unwrap();
    assert_eq!(again, search::Upkeep::default());
    // Flip bytes in the middle of every index file.
    for entry in std::fs::read_dir(a.path().join("index")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".idx") || name.ends_with(".term") || name.ends_with(".store") {
            let mut b = std::fs::read(&path).unwrap();
            let mid = b.len() / 2;
            b[mid] ^= 0xff;
            std::fs::write(&path, b).unwrap();
        }
    }
    let (ix, upkeep) = search::open(a.path()).unwrap();
    let why = upkeep.rebuilt.expect("a damaged index is rebuilt");
    assert!(why.contains("checksum"), "{why}");
    assert_eq!(ix.search(&query("simhall")).unwrap().len(), 4);
    // A record that left the archive is not trusted away either.
    std::fs::remove_dir_all(a.path().join("2026-H1/x-kommun")).unwrap();
    let (ix, upkeep) = search::open(a.path()).unwrap();
    assert!(upkeep.rebuilt.unwrap().contains("not in the archive"));
    assert_eq!(ix.search(&query("simhall")).unwrap().len(), 2);
    // A ledger that is not JSON.
    std::fs::write(a.path().join("index/ogonblick-index.json"), "{").unwrap();
    let (_, upkeep) = search::open(a.path()).unwrap();
    assert!(upkeep.rebuilt.unwrap().contains("damaged"));
}
