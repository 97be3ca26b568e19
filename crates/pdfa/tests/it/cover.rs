//! The cover page (följeblad) as an archivist reads it: Swedish sentences, Swedish dates.

use crate::common::*;
use pdfa::{build, Document, Flavour, Options, PageInput};

/// English wordings the capture and the CLI produce for the log (warnings, truncation
/// reasons, obstruction details), and English a cover once showed; none may reach the cover.
const ENGLISH: &[&str] = &[
    "load event",
    "did not fire",
    "captured what had arrived",
    "ran out of time",
    "may not have loaded",
    "stopped expanding",
    "may still be collapsed",
    "image(s)",
    "had not loaded",
    "picture was taken",
    "MHTML snapshot",
    "kept moving",
    "different document",
    "offered no way",
    "clicked",
    "kept loading",
    "px tall",
    "the capture stops",
    "px limit",
    "password field",
    "login overlay",
    "still shown",
    "the page says",
    "flat colour",
    "where the page has text",
    "px wide",
    "still loading",
    "items seen",
    "part(s)",
    "text layer may sit",
    "another site",
    "resource never",
    "User agent",
    "okänd",
    "CEST",
    "CET",
    "T09:15",
    "+02:00",
];

/// A page carrying every warning, truncation reason and obstruction the capture writes,
/// in the capture's own words.
fn every_note(mut f: model::PageFacts) -> model::PageFacts {
    use model::{Obstruction, ObstructionKind as K};
    f.truncated = Some(
        "the page kept loading more content while scrolled (it reached 70000 px); the capture stops at the 50000 px limit".into(),
    );
    f.full_height = 70_000.0;
    f.captured_height = 50_000.0;
    f.warnings = vec![
        "the page's load event did not fire within 5 s (a resource never finished loading); captured what had arrived".into(),
        "scrolling through the page ran out of time; content further down may not have loaded".into(),
        "stopped expanding comments after 6 rounds; some comments may still be collapsed".into(),
        "2 image(s) had not loaded when the picture was taken (e.g. https://example.org/a.jpg, https://example.org/b.png)".into(),
        "no MHTML snapshot: the DevTools call timed out after 30 s".into(),
        "the page kept moving to other documents (3 times); the picture may show a different document than the text".into(),
        "the consent dialog offered no way to refuse; clicked \"Godkänn alla\"".into(),
        "the page is 5200 px wide; the capture stops at the 4000 px limit".into(),
        "3 image(s) were still loading when their part of the page was pictured".into(),
        "the page's text kept moving while 2 part(s) of it were pictured; the text layer may sit a few pixels off there".into(),
        "a note nobody has translated yet".into(),
    ];
    f.obstructions = vec![
        Obstruction { kind: K::LoginWall, detail: "visible password field".into() },
        Obstruction { kind: K::LoginWall, detail: "login overlay: \"Logga in för att se mer\"".into() },
        Obstruction { kind: K::ConsentWall, detail: "consent dialog still shown: \"Vi använder cookies\"".into() },
        Obstruction { kind: K::ErrorPage, detail: "HTTP 404".into() },
        Obstruction {
            kind: K::ConsentWall,
            detail: "consent dialog still shown in a frame from another site: \"Cookies\"".into(),
        },
        Obstruction {
            kind: K::Incomplete,
            detail: "items seen while scrolling 40, in the record 38 (missing e.g. Inlägg A; Inlägg B)".into(),
        },
        Obstruction { kind: K::ErrorPage, detail: "the page says \"Sidan finns inte\"".into() },
        Obstruction {
            kind: K::BlankRegion,
            detail: "tile-003.png rows 0-1200 are one flat colour where the page has text (\"Nyheter\" at y=5000)".into(),
        },
    ];
    f.summary.newest_post = Some("2026-06-28T09:15:00+02:00".into());
    f.summary.oldest_post = Some("2026-05-02".into());
    f
}

/// The cover pages' text, whitespace (and no-break spaces) folded to single spaces.
fn cover_text(rec: &model::Record) -> String {
    let doc = Document {
        record: rec,
        pages: rec
            .pages
            .iter()
            .map(|f| PageInput {
                facts: f,
                tiles: f
                    .tiles
                    .iter()
                    .map(|t| rgb_tile(1, t.width_px, 0, t.height_px))
                    .collect(),
                text_runs: &[],
            })
            .collect(),
        attachments: vec![],
    };
    let pdf = build(
        &doc,
        &Options {
            flavour: Flavour::A1b,
        },
    )
    .expect("build");
    let dir = tempdir();
    let path = write(dir.path(), "cover.pdf", &pdf);
    let (valid, report) = preflight(&path);
    assert!(valid, "Preflight rejects cover.pdf:\n{report}");
    let text = stdout(&run(
        "pdftotext",
        &["-layout", path.to_str().expect("utf-8"), "-"],
        "poppler-utils",
    ));
    // Only the cover: up to the first screenshot page (which has no text here).
    let cover = text
        .split('\u{c}')
        .take_while(|p| p.contains("Följeblad"))
        .collect::<Vec<_>>()
        .join(" ");
    cover
        .replace('\u{a0}', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn cover_has_no_english_sentence_and_reads_dates_in_swedish() {
    // The second page as the capture records it now: the rule that ended it, structured.
    let mut ruled = every_note(facts(
        "02-flode",
        "https://www.facebook.com/gislavedskommun",
        64,
        &[48],
    ));
    ruled.extent.stop_rule = Some(model::StopRule::HeightLimit);
    ruled.extent.since = chrono::NaiveDate::from_ymd_opt(2026, 1, 1);
    ruled.extent.oldest_post_reached = Some("2026-02-14T18:30:00+01:00".into());
    let mut rec = record(
        vec![
            every_note(facts(
                "01-start",
                "https://www.facebook.com/gislavedskommun",
                64,
                &[48],
            )),
            ruled,
        ],
        true,
    );
    rec.operator = String::new();
    let text = cover_text(&rec);
    for phrase in ENGLISH {
        assert!(
            !text.contains(phrase),
            "English `{phrase}` on the cover:\n{text}"
        );
    }
    assert!(!text.contains("--operator"), "a flag on the cover:\n{text}");
    for want in [
        "det nyaste från 28 juni 2026 kl. 09.15",
        "det äldsta från 2 maj 2026",
        "1 juli 2026 kl. 10.00.05–10.01.40 (sommartid)",
        "Avkortad vid 50 000 px av 70 000 px",
        "den nådde 70 000 px",
        "2 bilder hade inte laddats",
        "klickade på \"Godkänn alla\"",
        "servern svarade med HTTP-status 404",
        "Ytterligare en teknisk anmärkning",
        "Webbsida 2: Avkortad vid 50 000 px av 70 000 px. Flödet växte utan läsbara datum och fångades till höjdgränsen.",
        "Fångad till: flödet växte utan läsbara datum och fångades till höjdgränsen; periodens början 1 januari 2026; äldsta inlägg 14 februari 2026 kl. 18.30",
        "Sidan är 5 200 px bred och fångsten tar med 4 000 px av bredden.",
        "40 inlägg syntes när sidan rullades men bara 38 finns",
        "Utförd av: Gislaveds kommun (ingen enskild person angavs)",
        "Användaragent:",
    ] {
        assert!(text.contains(want), "the cover lacks `{want}`:\n{text}");
    }
}

#[test]
fn operator_is_named_and_the_registers_contact_is_marked_as_such() {
    let mut rec = record(
        vec![facts("01-start", "https://example.org/", 64, &[48])],
        true,
    );
    rec.operator = "Karin Lind".into();
    assert!(cover_text(&rec).contains("Utförd av: Karin Lind"));
    if let Some(org) = rec.organisation.as_mut() {
        org.contact = Some(model::Contact {
            name: "Informationsfunktionen".into(),
            email: None,
            phone: None,
        });
    }
    rec.operator = "Informationsfunktionen".into();
    let text = cover_text(&rec);
    assert!(
        text.contains("Utförd av: Informationsfunktionen (kontakt enligt förteckningen)"),
        "{text}"
    );
}

#[test]
fn arabic_and_hebrew_account_names_are_shaped_and_read_back() {
    for name in ["بلدية غيسلافيد", "עיריית גיסלאבד"] {
        let mut rec = record(
            vec![facts("01-start", "https://example.org/", 64, &[48])],
            true,
        );
        if let Some(a) = rec.account.as_mut() {
            a.name = name.into();
        }
        // cover_text runs Preflight on it too.
        let text = cover_text(&rec);
        let plain: String = text
            .chars()
            .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}'))
            .collect();
        assert!(
            plain.contains(&format!("Ögonblicksbild av {name}")),
            "{plain}"
        );
    }
}
