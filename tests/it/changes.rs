//! The archive answers questions: what changed on an account since its
//! previous half-year record, and where a word was said (`search`).

use std::path::Path;

use crate::harness::{page, pdftotext, register, server, Env};

/// Text of pages `first..=last` of a PDF.
fn pages_text(pdf: &Path, first: u32, last: u32) -> String {
    let out = test_support::output(
        std::process::Command::new("pdftotext")
            .args([
                "-enc",
                "UTF-8",
                "-f",
                &first.to_string(),
                "-l",
                &last.to_string(),
            ])
            .arg(pdf)
            .arg("-"),
    )
    .expect("pdftotext");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

/// The cover's "Förändringar" section, up to the next heading.
fn changes_section(cover: &str) -> String {
    let start = cover
        .find("Förändringar sedan föregående ögonblicksbild")
        .unwrap_or_else(|| panic!("no changes section on the cover:\n{cover}"));
    let rest = &cover[start..];
    let end = rest.find("Kontrollsummor").unwrap_or(rest.len());
    rest[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
fn the_second_half_year_cover_lists_exactly_what_changed_and_run_names_the_account() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[page("hylte", "/versioner/hylte/")]),
    );
    let host = server().addr().ip().to_string();
    env.write(
        "v2.txt",
        &format!("# Netscape HTTP Cookie File\n{host}\tFALSE\t/\tFALSE\t0\tfixture-version\t2\n"),
    );

    // First period: nothing to compare with.
    env.run(&["run", "--period", "2025-H2"]).expect(0);
    let first = env.path("arkiv/2025-H2/hylte");
    let cover1 = pages_text(&first.join("snapshot.pdf"), 1, 3);
    assert!(
        changes_section(&cover1)
            .contains("Det finns ingen tidigare förseglad halvårsögonblicksbild"),
        "{cover1}"
    );
    let posts1 = json(&first.join("posts.json"));
    let ids: Vec<&str> = posts1["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for id in [
        "facebook:1000",
        "facebook:1003",
        "facebook:1005",
        "facebook:1006",
    ] {
        assert!(ids.contains(&id), "{id} not among {ids:?}");
    }
    assert!(env.events("changes.found").is_empty());

    // Second period, the later version: two posts deleted, one edited, one
    // comment removed, the page renamed.
    let run = env.run(&["run", "--period", "2026-H1", "--cookies", "v2.txt"]);
    run.expect(1);
    assert!(
        run.stdout
            .contains("Posts removed since the previous snapshot: hylte"),
        "{}",
        run.stdout
    );
    let second = env.path("arkiv/2026-H1/hylte");
    let changes = json(&second.join("changes.json"));
    assert_eq!(changes["previous"], "2025-H2/hylte");
    let mut removed: Vec<String> = changes["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_string())
        .collect();
    removed.sort();
    assert_eq!(
        removed,
        vec![
            "Fel i vattenledningen vid Unnaryd: kokningsrekommendation gäller tills vidare.",
            "Kommunen borde skämmas över torget.",
            "Skolskjutsarna går enligt höstens tidtabell från måndag.",
        ]
    );
    let changed = changes["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{changes:#}");
    assert_eq!(changed[0][0]["id"], "facebook:1004");
    assert!(changed[0][1]["text"]
        .as_str()
        .unwrap()
        .contains("15 november"));
    assert_eq!(changes["new_posts"], 2);
    let profile: Vec<&str> = changes["profile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(profile, vec!["name"], "{changes:#}");

    // The cover says the same, in Swedish, with where the removed posts are.
    let cover2 = pdftotext(&second.join("snapshot.pdf"));
    let section = changes_section(&cover2);
    assert!(section.contains("Jämförd med 2025-H2/hylte"), "{section}");
    assert!(
        section.contains("FLAGGAT FÖR ARKIVARIEN: 3 inlägg eller kommentarer"),
        "{section}"
    );
    for text in [
        "Fel i vattenledningen",
        "Skolskjutsarna går",
        "Kommunen borde skämmas",
        "av Olle Nyberg",
    ] {
        assert!(section.contains(text), "{text} missing:\n{section}");
    }
    assert!(section.contains("Inlägg med ändrad text: 1"), "{section}");
    assert!(
        section.contains("öppnar den 1 november") && section.contains("öppnar den 15 november"),
        "{section}"
    );
    assert!(
        section.contains("Nya inlägg sedan föregående ögonblicksbild: 2."),
        "{section}"
    );
    assert!(
        section.contains(
            "Namn: tidigare ”Hylte kommun”, nu ”Hylte kommun – kommunens officiella sida”"
        ),
        "{section}"
    );
    assert!(
        !section.contains("Antal följare")
            && !section.contains("Profilbild")
            && !section.contains("Beskrivning"),
        "{section}"
    );
    // Each removed post is on the page of the earlier record the cover names.
    for p in changes["removed"].as_array().unwrap() {
        let n = p["pdf_page"].as_u64().expect("a removed post has its page") as u32;
        let text = pages_text(&first.join("snapshot.pdf"), n, n);
        let words: String = p["text"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains(&words),
            "page {n} of the earlier record lacks {words:?}:\n{text}"
        );
        assert!(
            section.contains(&format!("PDF-sida {n} i 2025-H2/hylte")),
            "{section}"
        );
    }

    let found = env.events("changes.found");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["record_id"], "2026-H1/hylte");
    assert_eq!(found[0]["removed"], 3);
    assert_eq!(found[0]["changed"], 1);

    // `status` shows the removals, and needs a human for them.
    let st = env.run(&["status", "--period", "2026-H1", "--json"]);
    st.expect(1);
    let st: serde_json::Value = serde_json::from_str(&st.stdout).unwrap();
    let row = &st["accounts"][0];
    assert_eq!(row["removed_posts"], 3, "{row}");
    assert_eq!(row["needs_human"], true, "{row}");

    // Search: an inflected form, on the right page of each record.
    let hits = env.run(&["search", "simhall", "--json"]);
    hits.expect(0);
    let hits: Vec<serde_json::Value> = hits
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut records: Vec<&str> = hits
        .iter()
        .map(|h| h["record_id"].as_str().unwrap())
        .collect();
    records.sort();
    assert_eq!(records, vec!["2025-H2/hylte", "2026-H1/hylte"], "{hits:?}");
    for h in &hits {
        let n = h["pdf_page"].as_u64().unwrap() as u32;
        let pdf = env
            .path("arkiv")
            .join(h["record_id"].as_str().unwrap())
            .join("snapshot.pdf");
        assert!(
            pages_text(&pdf, n, n).contains("simhallen"),
            "page {n} of {}",
            pdf.display()
        );
        assert_eq!(h["post_id"], "facebook:1004");
        assert!(
            h["snippet"].as_str().unwrap().contains("**simhallen**"),
            "{h}"
        );
    }
    // A phrase only where its words are adjacent.
    let phrase = env.run(&["search", "\"nya simhallen\"", "--json"]);
    phrase.expect(0);
    assert_eq!(phrase.stdout.lines().count(), 2);
    let apart = env.run(&["search", "\"simhallen nya\"", "--json"]);
    apart.expect(0);
    assert_eq!(apart.stdout.lines().count(), 0);
    // The index is outside the records: verify does not read it, and it rebuilds.
    assert!(env.path("arkiv/index").is_dir());
    env.run(&["verify", "arkiv"]).expect(0);
    let rebuilt = env.run(&["index", "--rebuild"]);
    rebuilt.expect(0);
    assert!(rebuilt.stdout.contains("2 record(s)"), "{}", rebuilt.stdout);
}

#[test]
fn search_in_an_empty_archive_finds_nothing_and_exits_0() {
    let env = Env::new();
    let run = env.run(&["search", "simhall"]);
    run.expect(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("0 hit(s)"), "{}", run.stderr);
    let bad = env.run(&["search", "rubrik:simhall"]);
    bad.expect(2);
    assert!(
        bad.stderr.contains("cannot read the query"),
        "{}",
        bad.stderr
    );
}
