//! The cover page (följeblad) as an archivist reads it: Swedish sentences, Swedish dates.

use crate::common::*;
use model::{Finding, Note};
use pdfa::{build, Document, Flavour, Options, PageInput};

/// English a cover once showed, or that a page's facts hold for the log; none may reach
/// the cover. The capture's notes are checked from their own English lines (see
/// [`english_lines`]), so rewording one changes nothing here.
const ENGLISH: &[&str] = &[
    "kept loading",
    "px tall",
    "the capture stops",
    "px limit",
    "User agent",
    "okänd",
    "CEST",
    "CET",
    "T09:15",
    "+02:00",
];

/// Every note the capture can raise, with short quotes (at most three words).
fn every_note() -> Vec<Note> {
    let url = |s: &str| format!("https://example.org/{s}");
    vec![
        Note::LoadEventLate { secs: 5 },
        Note::ScrollOutOfTime,
        Note::CommentsStillCollapsed { rounds: 6 },
        Note::ImagesNotLoaded {
            count: 2,
            examples: vec![url("a.jpg"), url("b.png")],
        },
        Note::ImagesStillLoading { count: 3 },
        Note::TooWide {
            width: 5200.0,
            limit: 4000.0,
        },
        Note::EmptyPastWidth {
            width: 7125.0,
            limit: 4000.0,
        },
        Note::TextMoving { parts: 2 },
        Note::FirstScreenStripAgain { height: 156.0 },
        Note::FixedOverText {
            tile: 2,
            element: "div#sidhuvud".into(),
            y: 1056.0,
            height: 64.0,
            lines: 4,
            text: "Rad 0017".into(),
        },
        Note::FixedOverText {
            tile: 3,
            element: "div#sidhuvud".into(),
            y: 9092.0,
            height: 64.0,
            lines: 0,
            text: String::new(),
        },
        Note::NoMhtmlFramesSilent { frames: 1 },
        Note::FramesPastBound {
            frames: 1044,
            read: 40,
        },
        Note::NoMhtml {
            error: "the DevTools call timed out after 30 s".into(),
        },
        Note::PostsUnreadable {
            error: "the page did not answer".into(),
        },
        Note::FirstScreenTextUnreadable {
            error: "the page did not answer".into(),
        },
        Note::KeptMoving { times: 3 },
        Note::TabRetried {
            what: "crashed".into(),
            during: "scrolling through the page".into(),
        },
        Note::SandboxOff,
        Note::ConsentAccepted {
            label: "Godkänn alla".into(),
        },
        Note::DownloadRefused {
            name: "rapport.pdf".into(),
            url: url("rapport.pdf"),
            declared_size: Some(123_456),
        },
        Note::PopupClosed { url: url("popup") },
        Note::PopupRefused { url: url("asked") },
        Note::RequestBlocked {
            method: "POST".into(),
            url: "http://192.168.1.1/reboot".into(),
        },
        Note::LocalRead {
            url: "http://127.0.0.1:8080/".into(),
        },
        Note::WarcBodyOverLimit {
            url: url("film.mp4"),
            bytes: 52_428_800,
            limit: 20_971_520,
        },
        Note::WarcBodyUnreadable {
            method: "GET".into(),
            url: url("flode.json"),
            error: "No resource with given identifier found".into(),
        },
        Note::WarcBodiesPending { count: 3 },
        Note::WarcRequestsCapped { limit: 20_000 },
    ]
}

/// Every finding behind an obstruction, with short quotes.
fn every_finding() -> Vec<Finding> {
    vec![
        Finding::PasswordField,
        Finding::LoginOverlay {
            text: "Logga in".into(),
        },
        Finding::ConsentShown {
            text: "Vi använder kakor".into(),
        },
        Finding::ConsentInFrame {
            text: "Cookies".into(),
        },
        Finding::HttpStatus { status: 404 },
        Finding::PageSays {
            text: "Sidan finns inte".into(),
        },
        Finding::ItemsMissing {
            seen: 40,
            kept: 38,
            missing: vec!["A1".into(), "B2".into()],
        },
        Finding::WordsMissing {
            seen: 2844,
            in_record: 1077,
        },
        Finding::OutOfTime {
            budget_secs: 120,
            step: "scrolling through the page".into(),
            height: 900.0,
            full_height: 4000.0,
        },
        Finding::FramesSilent {
            silent: vec!["https://ads.example.net/frame".into()],
            frames: 2,
        },
        Finding::CutAtWidth {
            width: 5200.0,
            limit: 4000.0,
        },
        Finding::BlankOverText {
            file: "tile-003.png".into(),
            top: 0,
            bottom: 1200,
            text: "Nyheter".into(),
            y: 5000.0,
        },
        Finding::BlankOverPicture {
            file: "tile-004.png".into(),
            top: 10,
            bottom: 400,
            src: "https://example.org/bild.jpg".into(),
            y: 7000.0,
        },
        Finding::Unrecognised {
            kind: "paywall".into(),
            detail: "{\"finding\":\"paywall\"}".into(),
        },
        Finding::DeclaredNotHeld {
            what: model::DeclaredWhat::Posts,
            declared: 412,
            held: 12,
            why: model::DeclaredRest::NeedsLogin,
        },
        Finding::ListNeedsLogin { held: 12 },
    ]
}

/// A reminder that does not compile until a new note or finding is listed above.
#[allow(dead_code)]
fn listed(n: &Note, f: &Finding) {
    match n {
        Note::LoadEventLate { .. }
        | Note::ScrollOutOfTime
        | Note::CommentsStillCollapsed { .. }
        | Note::ImagesNotLoaded { .. }
        | Note::ImagesStillLoading { .. }
        | Note::TooWide { .. }
        | Note::EmptyPastWidth { .. }
        | Note::TextMoving { .. }
        | Note::FirstScreenStripAgain { .. }
        | Note::FixedOverText { .. }
        | Note::NoMhtmlFramesSilent { .. }
        | Note::FramesPastBound { .. }
        | Note::NoMhtml { .. }
        | Note::PostsUnreadable { .. }
        | Note::FirstScreenTextUnreadable { .. }
        | Note::KeptMoving { .. }
        | Note::TabRetried { .. }
        | Note::SandboxOff
        | Note::ConsentAccepted { .. }
        | Note::DownloadRefused { .. }
        | Note::PopupClosed { .. }
        | Note::PopupRefused { .. }
        | Note::RequestBlocked { .. }
        | Note::LocalRead { .. }
        | Note::WarcBodyOverLimit { .. }
        | Note::WarcBodyUnreadable { .. }
        | Note::WarcBodiesPending { .. }
        | Note::WarcRequestsCapped { .. } => {}
    }
    match f {
        Finding::PasswordField
        | Finding::LoginOverlay { .. }
        | Finding::ConsentShown { .. }
        | Finding::ConsentInFrame { .. }
        | Finding::HttpStatus { .. }
        | Finding::PageSays { .. }
        | Finding::ItemsMissing { .. }
        | Finding::WordsMissing { .. }
        | Finding::OutOfTime { .. }
        | Finding::FramesSilent { .. }
        | Finding::CutAtWidth { .. }
        | Finding::BlankOverText { .. }
        | Finding::BlankOverPicture { .. }
        | Finding::Unrecognised { .. }
        | Finding::DeclaredNotHeld { .. }
        | Finding::ListNeedsLogin { .. } => {}
    }
}

/// The English line of every note and finding, as the log and `record.json` give them.
fn english_lines() -> Vec<String> {
    every_note()
        .iter()
        .map(ToString::to_string)
        .chain(every_finding().iter().map(ToString::to_string))
        .collect()
}

/// A page carrying every note, every finding and a truncation, as the capture records them,
/// and one remark recorded only as an English line (as records made before notes were data).
fn with_every_note(mut f: model::PageFacts) -> model::PageFacts {
    f.truncated = Some(
        "the page kept loading more content while scrolled (it reached 70000 px); the capture stops at the 50000 px limit".into(),
    );
    f.full_height = 70_000.0;
    f.captured_height = 50_000.0;
    for n in every_note() {
        f.note(n);
    }
    f.warnings.push("a note nobody has translated yet".into());
    f.obstructions = every_finding()
        .into_iter()
        .map(model::Obstruction::found)
        .collect();
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
    let mut ruled = with_every_note(facts(
        "02-flode",
        "https://www.facebook.com/gislavedskommun",
        64,
        &[48],
    ));
    ruled.extent.stop_rule = Some(model::StopRule::HeightLimit);
    ruled.extent.since = chrono::NaiveDate::from_ymd_opt(2026, 1, 1);
    ruled.extent.oldest_post_reached = Some("2026-02-14T18:30:00+01:00".into());
    // A third page whose dates are read from the text a reader sees.
    let mut relative = facts(
        "03-flode",
        "https://www.youtube.com/@gislavedskommun/videos",
        64,
        &[48],
    );
    let at = |d: &str| {
        chrono::DateTime::parse_from_rfc3339(d)
            .expect("date")
            .with_timezone(&chrono::Utc)
    };
    relative.summary.posts_visible = Some(12);
    (relative.summary.newest_post, relative.summary.oldest_post) = (None, None);
    relative.summary.newest_post_read = Some(model::DateRead {
        text: "2 tim.".into(),
        from: at("2026-12-07T06:00:00Z"),
        until: at("2026-12-07T07:30:00Z"),
    });
    let oldest = model::DateRead {
        text: "för 4 veckor sedan".into(),
        from: at("2026-11-02T09:00:00Z"),
        until: at("2026-11-12T21:00:00Z"),
    };
    relative.summary.oldest_post_read = Some(oldest.clone());
    relative.extent.stop_rule = Some(model::StopRule::PeriodStart);
    relative.extent.since = chrono::NaiveDate::from_ymd_opt(2026, 11, 7);
    relative.extent.oldest_post_reached_read = Some(oldest);
    let mut rec = record(
        vec![
            with_every_note(facts(
                "01-start",
                "https://www.facebook.com/gislavedskommun",
                64,
                &[48],
            )),
            ruled,
            relative,
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
    // No four words in a row of any note's English line (quotes are at most three words).
    for line in english_lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for run in words.windows(4) {
            let run = run.join(" ");
            assert!(
                !text.contains(&run),
                "English `{run}` (from `{line}`) on the cover:\n{text}"
            );
        }
    }
    assert!(!text.contains("--operator"), "a flag on the cover:\n{text}");
    for want in [
        "det nyaste från 28 juni 2026 kl. 09.15",
        "det äldsta från 2 maj 2026",
        "1 juli 2026 kl. 10.00.05–10.01.40 (sommartid)",
        "Avkortad vid 50 000 px av 70 000 px",
        "Avkortad vid 50 000 px av 70 000 px. Skälet står i arkivhandlingens tekniska uppgifter.",
        "2 bilder hade inte laddats",
        "klickade på \"Godkänn alla\"",
        "servern svarade med HTTP-status 404",
        "Ytterligare en teknisk anmärkning",
        "Webbsida 2: Avkortad vid 50 000 px av 70 000 px. Flödet växte utan läsbara datum och fångades till höjdgränsen.",
        "Fångad till: flödet växte utan läsbara datum och fångades till höjdgränsen; periodens början 1 januari 2026; äldsta inlägg 14 februari 2026 kl. 18.30",
        "Sidan är 5 200 px bred och fångsten tar med 4 000 px av bredden.",
        "12 inlägg syns i ögonblicksbilden, det nyaste från 7 december 2026 (sidan visar ”2 tim.”), det äldsta från någon gång mellan 2 och 12 november 2026",
        "Fångad till: flödet är följt tillbaka till periodens början, 7 november 2026; äldsta inlägg någon gång mellan 2 och 12 november 2026 (sidan visar ”för 4 veckor sedan”)",
        "Hinder – okänt hinder: fångsten rapporterade ett hinder av ett slag",
        "Sidan försökte ladda ned \"rapport.pdf\" (123 456 byte enligt sidan)",
        "ett band i bilden, 7 000 px ned på sidan och 390 bildpunkter högt, har en enda färg där sidan har en bild",
        "1 av 2 ramar från andra webbplatser svarade inte",
        "Hinder – ofullständig: innehåll saknas: tidsbudgeten på 120 s",
        "40 inlägg syntes när sidan rullades men bara 38 finns",
        "sidan visade 2 844 ord när den rullades men textlagret har bara 1 077",
        "Sidan har 1 044 ramar från andra webbplatser. Texten i de första 40 lästes",
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

/// "Fångad till slutet" only where the page ended and nothing the account
/// declares says the record may lack posts of the period; the account's
/// count is given with the numbers and why the rest are not there.
#[test]
fn a_page_that_ended_is_captured_to_the_end_only_when_nothing_declared_says_more() {
    use model::{Declared, DeclaredRest, DeclaredSource, DeclaredWhat, StopRule};
    let cover = |rest: DeclaredRest, held: u32| {
        let mut page = facts("01-start", "https://www.instagram.com/k/", 64, &[48]);
        page.extent.stop_rule = Some(StopRule::PageEnd);
        page.extent.since = Some("2026-01-01".parse().unwrap());
        page.extent.declared = Some(Declared {
            what: DeclaredWhat::Posts,
            count: 412,
            approximate: false,
            text: "412 inlägg".into(),
            read_from: DeclaredSource::ProfileHeader,
            login_for_more: true,
            held: Some(held),
            held_in_period: Some(held.min(5)),
            rest: Some(rest),
        });
        cover_text(&record(vec![page], true))
    };
    let head = "Kontot anger själv 412 inlägg (\"412 inlägg\", i sidhuvudet på webbsida 1). Antalet gäller hela kontots historia, inte bara perioden.";
    let unknown =
        "finns inte i arkivhandlingen, och det är inte känt hur många av dem som är från perioden.";
    for (rest, held, says, whole) in [
        (DeclaredRest::NoneMissing, 412, "Arkivhandlingen innehåller 412 inlägg, varav 5 daterade från periodens början eller senare.", true),
        (
            DeclaredRest::OutsidePeriod,
            40,
            "Arkivhandlingen innehåller 40 inlägg, varav 5 daterade från periodens början eller senare. Övriga 372 inlägg är äldre än periodens början (1 januari 2026)",
            true,
        ),
        (
            DeclaredRest::NeedsLogin,
            12,
            "Utan inloggning visar Facebook bara de senaste 12, och fångsten gjordes utan inloggning. Övriga 400 inlägg",
            false,
        ),
        (DeclaredRest::NewestOnly, 12, "Sidan visar bara de senaste 12. Övriga 400 inlägg", false),
        (
            DeclaredRest::CaptureLimit,
            30,
            "Fångsten stoppades vid en gräns innan listan tog slut. Övriga 382 inlägg",
            false,
        ),
    ] {
        let text = cover(rest, held);
        assert!(text.contains(head) && text.contains(says), "{rest:?}: {text}");
        assert_eq!(text.contains(unknown), !whole, "{rest:?}: {text}");
        assert_eq!(
            text.contains("sidan är fångad till slutet"),
            whole,
            "{rest:?}: {text}"
        );
        assert_eq!(
            text.contains("sidans slut är nått, men kontot anger fler inlägg än arkivhandlingen innehåller"),
            !whole,
            "{rest:?}: {text}"
        );
    }
}

/// A list that needs a login, captured without one, on an account that
/// declares no count: the cover says so, and "fångad till slutet" only where
/// the list reached back past the period's start.
#[test]
fn a_list_that_needs_a_login_says_so_when_no_count_is_declared() {
    use model::{StopRule, WithoutLogin};
    let cover = |past_start: bool| {
        let mut page = facts("01-start", "https://www.instagram.com/k/", 64, &[48]);
        page.extent.stop_rule = Some(StopRule::PageEnd);
        page.extent.since = Some("2026-01-01".parse().unwrap());
        page.extent.list_needs_login = true;
        page.extent.without_login = Some(WithoutLogin {
            held: 12,
            past_start,
        });
        cover_text(&record(vec![page], true))
    };
    let head = "Kontots inlägg Utan inloggning visar Facebook bara de senaste inläggen, och fångsten gjordes utan inloggning. Sidan anger inte hur många inlägg kontot har. Arkivhandlingen innehåller 12 inlägg från listan på webbsida 1.";
    let short = cover(false);
    assert!(short.contains(head), "{short}");
    assert!(
        short.contains("Listan slutade innan periodens början (1 januari 2026) var nådd. Det är inte känt hur många inlägg från perioden som saknas."),
        "{short}"
    );
    assert!(
        short.contains("sidans slut är nått, men utan inloggning visar Facebook bara de senaste inläggen (se Kontots inlägg)")
            && !short.contains("sidan är fångad till slutet"),
        "{short}"
    );
    let whole = cover(true);
    assert!(whole.contains(head), "{whole}");
    assert!(
        whole.contains("Listan räcker ändå tillbaka förbi periodens början (1 januari 2026).")
            && whole.contains("sidan är fångad till slutet"),
        "{whole}"
    );
}
