//! A record says truthfully how much of the page it holds: a page that loses
//! content under the capture is flagged with the numbers on the cover and
//! makes `run` exit 1, and so does a text layer short of the words the page
//! showed; hidden text raises no alarm; a long finite page is captured whole
//! with exit 0.

use crate::harness::{page, pdftotext, register, Env};

fn record(env: &Env, id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(env.path(&format!("arkiv/2026-H1/{id}/record.json")))
        .unwrap_or_else(|e| panic!("record.json of {id}: {e}"));
    serde_json::from_str(&text).expect("record.json is JSON")
}

#[test]
fn a_page_that_loses_posts_is_incomplete_on_the_cover_and_run_exits_1() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[page("tappar", "/layouts/tappar/")]),
    );
    let run = env.run(&["run", "--period", "2026-H1", "--json"]);
    run.expect(1);
    let rec = record(&env, "tappar");
    let page = &rec["pages"][0];
    let obstruction = page["obstructions"]
        .as_array()
        .expect("obstructions")
        .iter()
        .find(|o| o["kind"] == "incomplete")
        .unwrap_or_else(|| panic!("no incomplete obstruction: {page}"));
    let seen = page["extent"]["items_seen"].as_u64().expect("items seen");
    let kept = page["extent"]["items_in_record"]
        .as_u64()
        .expect("items kept");
    assert_eq!(seen, 30);
    assert!(kept < seen, "{obstruction}");
    let cover = pdftotext(&env.path("arkiv/2026-H1/tappar/snapshot.pdf"));
    let cover = cover.split('\u{c}').next().unwrap_or_default();
    let flat = cover.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!("{seen} inlägg syntes"))
            && flat.contains(&format!("bara {kept} finns")),
        "the cover does not give the numbers:\n{cover}"
    );
}

#[test]
fn a_text_layer_short_of_the_words_the_page_showed_is_incomplete_and_run_exits_1() {
    // A "Läs vidare" block a reader sees that the capture's tall viewport
    // hides, beside a stream clipped away from every reader (yahoo-2).
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[page("ord-borta", "/layouts/ord-borta/")]),
    );
    env.run(&["run", "--period", "2026-H1", "--json"]).expect(1);
    let rec = record(&env, "ord-borta");
    let page = &rec["pages"][0];
    let seen = page["extent"]["words_seen"].as_u64().expect("words seen");
    let kept = page["extent"]["words_in_record"]
        .as_u64()
        .expect("words in the record");
    assert!(kept < seen, "{page}");
    assert_eq!(page["summary"]["word_count"].as_u64(), Some(seen));
    assert!(
        page["obstructions"].as_array().expect("obstructions").iter().any(|o| o["kind"]
            == "incomplete"
            && o["finding"]
                == serde_json::json!({"finding": "words-missing", "seen": seen, "in_record": kept})),
        "{page}"
    );
    let cover = pdftotext(&env.path("arkiv/2026-H1/ord-borta/snapshot.pdf"));
    let flat = cover.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!(
            "sidan visade {seen} ord när den rullades men textlagret har bara {kept}"
        )),
        "the cover does not give the numbers:\n{cover}"
    );
}

#[test]
fn hidden_labels_and_a_long_finite_page_are_sealed_with_exit_0() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[
            page("dold-text", "/layouts/dolt/"),
            page("lang-sida", "/layouts/lang-sida/"),
        ]),
    );
    env.run(&["run", "--period", "2026-H1", "--json"]).expect(0);
    let dolt = record(&env, "dold-text");
    assert_eq!(dolt["pages"][0]["obstructions"], serde_json::json!([]));
    let lang = record(&env, "lang-sida");
    let p = &lang["pages"][0];
    assert_eq!(p["captured_height"], 120_000.0, "{p}");
    assert_eq!(p["extent"]["stop_rule"], "page-end");
    assert!(p.get("truncated").is_none(), "{p}");
    let text = pdftotext(&env.path("arkiv/2026-H1/lang-sida/snapshot.pdf"));
    assert!(text.contains("SLUTMARKÖR 120000"));
}
