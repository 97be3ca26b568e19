//! A record never claims more than the account holds: the platform's own
//! count ("14 videoklipp", "400 inlägg") is read, the pages that list the
//! posts are captured by default (a YouTube channel's videos tab), and where
//! the record may lack posts of the period the cover says how many and why,
//! never "fångad till slutet", and `run` exits 1.

use crate::harness::{pdftotext, register, Acc, Env};

fn record(env: &Env, id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(env.path(&format!("arkiv/2026-H1/{id}/record.json")))
        .unwrap_or_else(|e| panic!("record.json of {id}: {e}"));
    serde_json::from_str(&text).expect("record.json is JSON")
}

/// The cover's pages (before the first screenshot), white space collapsed.
fn cover(env: &Env, id: &str) -> String {
    let text = pdftotext(&env.path(&format!("arkiv/2026-H1/{id}/snapshot.pdf")));
    let cover: Vec<&str> = text
        .split('\u{c}')
        .take_while(|p| p.contains("Följeblad för"))
        .collect();
    cover
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn account(id: &str, platform: &str, path: &str) -> Acc {
    Acc {
        id: id.into(),
        platform: platform.into(),
        name: format!("Testkonto {id}"),
        path: path.into(),
        extra: Vec::new(),
    }
}

#[test]
fn a_channels_videos_tab_is_captured_and_the_cover_counts_what_it_declares() {
    let env = Env::new();
    // The same channel twice: by default (its videos tab taken too), and
    // with the register's `post_pages = []` (its start page alone).
    let text = register(&[
        account("kanal", "youtube", "/youtube/kanal-flikar/"),
        account("kanal-bara-start", "youtube", "/youtube/kanal-flikar/"),
    ])
    .replace(
        "id = \"kanal-bara-start\"\n",
        "id = \"kanal-bara-start\"\npost_pages = []\n",
    );
    env.write("accounts.toml", &text);
    // The start page alone is flagged: the run needs a human.
    env.run(&["run", "--period", "2026-H1"]).expect(1);

    let rec = record(&env, "kanal");
    let pages = rec["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 2, "the start page and the videos tab");
    assert!(
        pages[1]["requested_url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/youtube/kanal-flikar/videos/")),
        "{}",
        pages[1]["requested_url"]
    );
    assert_eq!(rec["account"].get("post_pages"), None);
    let declared = &pages[0]["extent"]["declared"];
    assert_eq!(declared["what"], "videos");
    assert_eq!(declared["count"], 14);
    assert_eq!(declared["text"], "14 videoklipp");
    assert_eq!(declared["read_from"], "profile-header");
    assert_eq!(declared["held"], 14);
    assert_eq!(declared["rest"], "none-missing");
    for p in pages {
        assert_eq!(p["obstructions"], serde_json::json!([]), "{}", p["label"]);
    }
    let flat = cover(&env, "kanal");
    assert!(
        flat.contains("Kontot anger själv 14 videoklipp (\"14 videoklipp\", i sidhuvudet på webbsida 1). Antalet gäller hela kontots historia, inte bara perioden. Arkivhandlingen innehåller 14 videoklipp, varav 14 daterade från periodens början eller senare."),
        "the cover does not give the count:\n{flat}"
    );

    let rec = record(&env, "kanal-bara-start");
    let pages = rec["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 1, "post_pages = [] takes no videos tab");
    let declared = &pages[0]["extent"]["declared"];
    assert_eq!(
        (declared["held"].clone(), declared["rest"].clone()),
        (3.into(), "newest-only".into())
    );
    let finding = pages[0]["obstructions"]
        .as_array()
        .expect("obstructions")
        .iter()
        .find(|o| o["kind"] == "incomplete")
        .map(|o| o["finding"].clone())
        .unwrap_or_else(|| panic!("not flagged: {}", pages[0]));
    assert_eq!(
        finding,
        serde_json::json!({"finding": "declared-not-held", "what": "videos", "declared": 14, "held": 3, "why": "newest-only"})
    );
    let flat = cover(&env, "kanal-bara-start");
    assert!(
        flat.contains("Arkivhandlingen innehåller 3 videoklipp, varav 3 daterade från periodens början eller senare. Sidan visar bara de senaste 3. Övriga 11 videoklipp finns inte i arkivhandlingen"),
        "{flat}"
    );
    assert!(
        !flat.to_lowercase().contains("fångad till slutet"),
        "{flat}"
    );
}

#[test]
fn a_profile_showing_12_of_its_400_posts_without_a_login_is_flagged_and_says_why() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[account(
            "bibliotek",
            "instagram",
            "/instagram/utan-inloggning/",
        )]),
    );
    env.run(&["run", "--period", "2026-H1"]).expect(1);
    let rec = record(&env, "bibliotek");
    let page = &rec["pages"][0];
    assert_eq!(rec["pages"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["extent"]["stop_rule"], "page-end");
    let declared = &page["extent"]["declared"];
    assert_eq!(declared["count"], 400);
    assert_eq!(declared["held"], 12);
    assert_eq!(declared["login_for_more"], true);
    assert_eq!(declared["rest"], "needs-login");
    let kinds: Vec<&serde_json::Value> = page["obstructions"]
        .as_array()
        .expect("obstructions")
        .iter()
        .map(|o| &o["finding"])
        .collect();
    assert_eq!(
        kinds,
        [
            &serde_json::json!({"finding": "declared-not-held", "what": "posts", "declared": 400, "held": 12, "why": "needs-login"})
        ]
    );
    let flat = cover(&env, "bibliotek");
    for said in [
        "Kontot anger själv 400 inlägg",
        "Antalet gäller hela kontots historia, inte bara perioden.",
        "Arkivhandlingen innehåller 12 inlägg.",
        "Utan inloggning visar Instagram bara de senaste 12, och fångsten gjordes utan inloggning.",
        "Övriga 388 inlägg finns inte i arkivhandlingen, och det är inte känt hur många av dem som är från perioden.",
        "sidans slut är nått, men kontot anger fler inlägg än arkivhandlingen innehåller",
        "Hinder – ofullständig: innehåll saknas: kontot anger 400 inlägg men arkivhandlingen innehåller 12",
    ] {
        assert!(flat.contains(said), "the cover does not say \"{said}\":\n{flat}");
    }
    assert!(
        !flat.to_lowercase().contains("fångad till slutet"),
        "{flat}"
    );
}

#[test]
fn a_list_that_needs_a_login_and_declares_no_count_says_so_and_is_flagged() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[
            account("fritid", "x", "/x/utan-antal/"),
            // The same platform declaring what it shows: nothing to say.
            account("kommunen", "x", "/x/gislavedskommun/"),
        ]),
    );
    env.run(&["run", "--period", "2026-H1"]).expect(1);
    let rec = record(&env, "fritid");
    let page = &rec["pages"][0];
    assert_eq!(page["extent"]["stop_rule"], "page-end");
    assert_eq!(page["extent"]["declared"], serde_json::Value::Null);
    assert_eq!(page["extent"]["list_needs_login"], true);
    assert_eq!(
        page["extent"]["without_login"],
        serde_json::json!({"held": 4, "past_start": false})
    );
    let findings: Vec<&serde_json::Value> = page["obstructions"]
        .as_array()
        .expect("obstructions")
        .iter()
        .map(|o| &o["finding"])
        .collect();
    assert_eq!(
        findings,
        [&serde_json::json!({"finding": "list-needs-login", "held": 4})]
    );
    let flat = cover(&env, "fritid");
    for said in [
        "Kontots inlägg Utan inloggning visar X bara de senaste inläggen, och fångsten gjordes utan inloggning. Sidan anger inte hur många inlägg kontot har. Arkivhandlingen innehåller 4 inlägg från listan på webbsida 1. Listan slutade innan periodens början (1 januari 2026) var nådd. Det är inte känt hur många inlägg från perioden som saknas.",
        "sidans slut är nått, men utan inloggning visar X bara de senaste inläggen (se Kontots inlägg)",
    ] {
        assert!(flat.contains(said), "the cover does not say \"{said}\":\n{flat}");
    }
    assert!(
        !flat.to_lowercase().contains("fångad till slutet"),
        "{flat}"
    );

    let rec = record(&env, "kommunen");
    let page = &rec["pages"][0];
    assert_eq!(page["extent"]["declared"]["count"], 4);
    assert_eq!(page["extent"]["declared"]["rest"], "none-missing");
    assert_eq!(page["extent"]["without_login"], serde_json::Value::Null);
    assert_eq!(page["obstructions"], serde_json::json!([]));
    assert!(cover(&env, "kommunen").contains("sidan är fångad till slutet"));
}
