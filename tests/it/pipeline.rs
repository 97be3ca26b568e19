//! The half-year run and what follows it, end to end: run, rerun, obstruction,
//! a killed run, evidence, close, dnr, deliver, demo and one-page capture.

use std::path::Path;
use std::time::Duration;

use crate::harness::{
    self, auto_period, bagit_validate, fixture, page, pdftotext, preflight, records, register,
    server, Env,
};

/// `pdfa check` and PDFBox Preflight agree that `pdf` is PDF/A-1b.
#[track_caller]
fn assert_pdfa(env: &Env, pdf: &Path) {
    env.run(&["pdfa", "check", pdf.to_str().expect("utf-8 path")])
        .expect(0);
    let (valid, out) = preflight(pdf);
    assert!(valid, "Preflight rejects {}:\n{out}", pdf.display());
}

#[test]
fn run_seals_one_pdfa_per_account_with_every_extra_page_and_a_rerun_writes_nothing() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[fixture("facebook-kommun"), fixture("blogg-skolan")]),
    );
    let r = env.run(&["run"]);
    r.expect(0);
    let period = auto_period();
    let recs = records(&env.path("arkiv"), &period);
    assert_eq!(recs.len(), 2, "records: {recs:?}\n{}", r.stdout);

    let fb = env.path(&format!("arkiv/{period}/facebook-kommun"));
    let pdf = fb.join("snapshot.pdf");
    assert_pdfa(&env, &pdf);
    let text = pdftotext(&pdf);
    assert!(
        text.contains("Följeblad") || text.contains("följeblad"),
        "no cover page:\n{text}"
    );
    assert!(text.contains("Gislaveds kommun"), "start page text missing");
    // The about page (extra_pages) is in the same document.
    let record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fb.join("record.json")).unwrap()).unwrap();
    let pages = record["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 2, "start page and about page");
    assert!(pages[1]["requested_url"]
        .as_str()
        .unwrap()
        .ends_with("/about/"));
    assert_eq!(record["kind"], "halvar");
    assert_eq!(record["period"], period.as_str());
    assert_eq!(
        record["late"], true,
        "a capture months after the boundary is late, never back-dated"
    );

    // The auditor's way: sha256sum -c inside the record, without ogonblick.
    let ok = test_support::status(
        std::process::Command::new("sha256sum")
            .args(["-c", "--quiet", "manifest-sha256.txt"])
            .current_dir(&fb),
    )
    .unwrap();
    assert!(ok.success());

    let sealed_before = env.events("record.sealed").len();
    let journal_before = std::fs::read(env.path("arkiv/journal.jsonl")).unwrap();
    let r2 = env.run(&["run"]);
    r2.expect(0);
    // Each account has its `skipped` row (the closing line alone always
    // names "skipped", so it is the count that is checked).
    assert!(
        r2.stdout
            .contains("0 sealed, 0 flagged, 0 failed, 2 skipped"),
        "{}",
        r2.stdout
    );
    assert_eq!(
        std::fs::read(env.path("arkiv/journal.jsonl")).unwrap(),
        journal_before,
        "a rerun of a finished period wrote to the journal"
    );
    assert_eq!(env.events("record.sealed").len(), sealed_before);

    env.run(&["verify", "arkiv"]).expect(0);
}

#[test]
fn an_obstructed_account_fails_with_exit_1_while_the_others_are_sealed() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[
            page("inloggning", "/hostile/login-wall/"),
            fixture("x-kommun"),
            page("borttaget", "/hostile/finns-inte"),
        ]),
    );
    let r = env.run(&["run", "--retries", "1", "--passive-months", "3"]);
    r.expect(1);
    // X's newest post is from June: more than three months before today's capture.
    let x_lines: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("x-kommun"))
        .take_while(|l| l.starts_with("x-kommun") || l.starts_with(' '))
        .collect();
    assert!(
        x_lines.iter().any(|l| l.contains("passive")),
        "x-kommun not flagged passive:\n{}",
        r.stdout
    );
    let check = env.run(&[
        "accounts",
        "check",
        "--archive",
        "arkiv",
        "--passive-months",
        "3",
    ]);
    check.expect(0);
    assert!(
        check.stderr.contains("`x-kommun` is passive"),
        "{}",
        check.stderr
    );
    let check = env.run(&[
        "accounts",
        "check",
        "--archive",
        "arkiv",
        "--passive-months",
        "60",
    ]);
    assert!(!check.stderr.contains("passive"), "{}", check.stderr);
    let period = auto_period();
    assert!(env
        .path(&format!("arkiv/{period}/x-kommun/snapshot.pdf"))
        .is_file());
    assert!(!env.path(&format!("arkiv/{period}/inloggning")).exists());
    let failed = env.events("record.failed");
    let ids: Vec<&str> = failed
        .iter()
        .filter_map(|e| e["account"].as_str())
        .collect();
    assert!(
        ids.contains(&"inloggning") && ids.contains(&"borttaget"),
        "record.failed events: {failed:?}"
    );
    assert!(r.stdout.contains("failed"), "{}", r.stdout);
    env.run(&["verify", "arkiv"]).expect(0);
}

#[test]
fn a_run_killed_half_way_is_finished_by_the_next_one() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[
            fixture("x-kommun"),
            fixture("instagram-kultur"),
            fixture("youtube-kommun"),
            fixture("blogg-skolan"),
        ]),
    );
    let mut child = env
        .cmd(&["run"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // A record sealed, or the run ended first (which fails the test).
    let ended = test_support::poll_within(Duration::from_secs(240), || {
        if child.try_wait().unwrap().is_some() {
            Some(true)
        } else {
            (!env.events("record.sealed").is_empty()).then_some(false)
        }
    });
    assert_eq!(
        ended,
        Some(false),
        "no record sealed within 240 s (Some(true): the run ended before it could be killed)"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let sealed = env.events("record.sealed").len();
    assert!(sealed < 4, "the run finished before it was killed");

    let r = env.run(&["run"]);
    r.expect(0);
    assert_eq!(records(&env.path("arkiv"), &auto_period()).len(), 4);
    assert_eq!(
        env.events("record.sealed").len(),
        4,
        "each record sealed exactly once"
    );
    let leftovers: Vec<_> = walkdir::WalkDir::new(env.path("arkiv"))
        .into_iter()
        .flatten()
        .filter(|e| {
            e.file_name().to_string_lossy().contains("tmp")
                || e.path().to_string_lossy().contains(".staging/")
        })
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    env.run(&["verify", "arkiv"]).expect(0);
}

#[test]
fn evidence_close_dnr_and_deliver() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[
            fixture("blogg-skolan"),
            page("borttaget", "/hostile/finns-inte"),
        ]),
    );
    let period = auto_period();
    env.run(&["run", "--only", "blogg-skolan"]).expect(0);

    // Evidence before deleting a comment: an inkommen handling in evidence/.
    let url = server().url("/blogg/");
    let r = env.run(&[
        "evidence",
        &url,
        "--account",
        "blogg-skolan",
        "--reason",
        "Kränkande kommentar",
        "--sender",
        "Kalle Kommentar",
    ]);
    r.expect(0);
    let evidence: Vec<_> = std::fs::read_dir(env.path("arkiv/evidence"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(evidence.len(), 1);
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(evidence[0].join("record.json")).unwrap())
            .unwrap();
    assert_eq!(rec["kind"], "bevis-fore-radering");
    assert_eq!(rec["handling"], "inkommen");
    assert_eq!(rec["reason"], "Kränkande kommentar");
    assert_eq!(rec["sender"], "Kalle Kommentar");
    assert!(
        pdftotext(&evidence[0].join("snapshot.pdf")).contains("Kalle Kommentar"),
        "the sender is on the cover page"
    );
    assert_pdfa(&env, &evidence[0].join("snapshot.pdf"));

    // Closing an account whose final capture fails is refused.
    let r = env.run(&["close", "borttaget", "--retries", "0"]);
    r.expect(1);
    assert!(r.stderr.contains("refusing"), "{}", r.stderr);
    assert!(env.events("account.closed").is_empty());
    // A good final capture records the closing and says what to change in the register.
    let r = env.run(&["close", "blogg-skolan"]);
    r.expect(0);
    assert!(r.stdout.contains("closed = "), "{}", r.stdout);
    let closed = env.events("account.closed");
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["account"], "blogg-skolan");

    // The registrar's case number, then the delivery.
    let record_id = format!("{period}/blogg-skolan");
    env.run(&["dnr", &record_id, "KS 2026/123"]).expect(0);
    // Records are immutable; verify reads the diarienummer back from the journal.
    let record_dir = format!("arkiv/{record_id}");
    let pdf = format!("{record_dir}/snapshot.pdf");
    for target in [record_dir.as_str(), pdf.as_str()] {
        let v = env.run(&["verify", target]);
        v.expect(0);
        assert!(
            v.stdout.contains("diarienummer: KS 2026/123"),
            "verify {target}:\n{}",
            v.stdout
        );
    }
    env.run(&["dnr", "2001-H1/finns-inte", "KS 1"]).expect(2);
    env.run(&["deliver", "--period", &period, "--out", "leverans"])
        .expect(0);
    let (valid, out) = bagit_validate(&env.path("leverans"));
    assert!(valid, "bagit.py rejects the delivery:\n{out}");
    let csv = std::fs::read_to_string(env.path("leverans/data/forteckning.csv")).unwrap();
    let rows: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(rows.len(), 1, "one row per record of the period:\n{csv}");
    assert!(
        rows[0].contains("KS 2026/123"),
        "the diarienummer is in the row: {}",
        rows[0]
    );
    assert_pdfa(&env, &env.path("leverans/data/leveranslista.pdf"));
    assert!(pdftotext(&env.path("leverans/data/leveranslista.pdf")).contains("KS 2026/123"));
    assert_eq!(env.events("delivery.created").len(), 1);
    env.run(&["verify", "leverans"]).expect(0);
    // A delivery is written once.
    env.run(&["deliver", "--period", &period, "--out", "leverans"])
        .expect(2);
}

#[test]
fn one_page_capture_flags_a_404_with_exit_1() {
    let env = Env::new();
    let r = env.run(&[
        "capture",
        &server().url("/hostile/finns-inte"),
        "--out",
        "rec",
    ]);
    r.expect(1);
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("rec/record.json")).unwrap())
            .unwrap();
    assert_eq!(rec["pages"][0]["http_status"], 404);
    assert!(rec["pages"][0]["obstructions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["kind"] == "error-page"));
    env.run(&["verify", "rec"]).expect(0);

    let r = env.run(&[
        "capture",
        &server().url("/hostile/sprak/"),
        "--out",
        "sprak",
        "--pdfa",
        "3b",
    ]);
    r.expect(0);
    env.run(&["pdfa", "check", "sprak/snapshot.pdf"]).expect(0);
    // The same directory is never written twice.
    env.run(&[
        "capture",
        &server().url("/hostile/sprak/"),
        "--out",
        "sprak",
    ])
    .expect(2);
}

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
fn demo_runs_delivers_and_verifies() {
    let env = Env::new();
    let r = env.run(&["demo", "--out", "demo"]);
    r.expect(0);
    let period = auto_period();
    let recs = records(&env.path("demo/arkiv"), &period);
    assert_eq!(
        recs.len(),
        fixture_server::accounts().len() + 1,
        "{}",
        r.stdout
    );
    // A clean archive: no record late, none with a warning but the one
    // flagged on purpose; as root, the sandbox is said once, at the top.
    let flagged = fixture_server::FLAGGED_DEMO_ACCOUNT.id;
    for rec in &recs {
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(rec.join("record.json")).unwrap())
                .unwrap();
        assert_eq!(json["late"], false, "{}", rec.display());
        let id = json["account"]["id"].as_str().unwrap();
        let warnings: Vec<&serde_json::Value> = json["pages"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| {
                // Both are left out of record.json when empty.
                let warnings = p["warnings"].as_array().into_iter().flatten();
                warnings.chain(p["obstructions"].as_array().into_iter().flatten())
            })
            .collect();
        if id == flagged {
            assert!(
                json["pages"][0]["obstructions"][0]["kind"] == "incomplete",
                "{id} is not flagged incomplete: {warnings:?}"
            );
        } else {
            assert!(warnings.is_empty(), "{id}: {warnings:?}");
        }
    }
    let top: Vec<&str> = r.stdout.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(
        r.stdout.matches("sandbox").count(),
        top.iter().filter(|l| l.contains("sandbox")).count(),
        "the sandbox is said beyond the top:\n{}",
        r.stdout
    );
    let as_root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    assert_eq!(
        top.iter().any(|l| l.contains("sandbox is off")),
        as_root,
        "{}",
        r.stdout
    );
    for rec in &recs {
        let (valid, out) = preflight(&rec.join("snapshot.pdf"));
        assert!(valid, "{}: {out}", rec.display());
        // The cover is for a Swedish archivist: none of the capture's English reaches it.
        let cover = crate::text::cover_text(&rec.join("snapshot.pdf"));
        for phrase in crate::text::ENGLISH {
            assert!(
                !cover.contains(phrase),
                "{}: English `{phrase}` on the cover:\n{cover}",
                rec.display()
            );
        }
    }
    let bag = env.path(&format!("demo/leverans-{period}"));
    let (valid, out) = bagit_validate(&bag);
    assert!(valid, "{out}");
    let html = std::fs::read_to_string(env.path("demo/forteckning.html")).unwrap();
    assert!(html.contains("lang=\"sv\"") && html.contains("Gislaveds kommun"));
    // The open data beside the page, as `accounts publish` writes it.
    let csv = std::fs::read_to_string(env.path("demo/forteckning.csv")).unwrap();
    let json = std::fs::read_to_string(env.path("demo/forteckning.json")).unwrap();
    assert!(
        csv.contains("Gislaveds kommun") || csv.lines().count() > 1,
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(json.to_string().contains("facebook"), "{json}");
    // Every document for people the demo makes (and an excerpt and the
    // report made from its archive) is Swedish, with no path, flag or
    // repository file name in it.
    let arkiv = env.path("demo/arkiv");
    env.run(&[
        "extract",
        &format!("{period}/facebook-kommun"),
        "--archive",
        arkiv.to_str().unwrap(),
        "--pages",
        "3-4",
        "--out",
        "utdrag.pdf",
    ])
    .expect(0);
    env.run(&[
        "report",
        "--archive",
        arkiv.to_str().unwrap(),
        "--out",
        "rapport",
    ])
    .expect(0);
    let excerpt_cover = pdftotext(&env.path("utdrag.pdf"))
        .split('\u{c}')
        .next()
        .unwrap()
        .to_string();
    let mut documents: Vec<(String, String)> = recs
        .iter()
        .map(|rec| {
            (
                rec.display().to_string(),
                crate::text::cover_text(&rec.join("snapshot.pdf")),
            )
        })
        .collect();
    documents.push(("the excerpt's cover".into(), excerpt_cover.clone()));
    let sip = std::fs::read_dir(env.path(&format!("demo/leverans-{period}-eark")))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    for list in [
        bag.join("data/leveranslista.pdf"),
        sip.join("documentation/leveranslista.pdf"),
    ] {
        let text = pdftotext(&list);
        assert!(
            text.contains("Organisationsnummer:") && text.contains("212000-9994"),
            "who delivered is not on the delivery list:\n{text}"
        );
        documents.push((list.display().to_string(), text));
    }
    documents.push(("the förteckning".into(), crate::text::html_text(&html)));
    // The report may say where a delivery was written: those paths are the
    // journal's, and only they are taken out before the scan.
    let mut report =
        crate::text::html_text(&std::fs::read_to_string(env.path("rapport/index.html")).unwrap());
    let mut outs: Vec<String> = std::fs::read_to_string(arkiv.join("journal.jsonl"))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let e: serde_json::Value = serde_json::from_str(l).unwrap();
            e["out"].as_str().map(str::to_string)
        })
        .collect();
    // The longest first: one delivery's folder can begin another's.
    outs.sort_by_key(|o| std::cmp::Reverse(o.len()));
    for out in outs {
        report = report.replace(&out, " ");
    }
    documents.push(("the report".into(), report));
    for (name, text) in &documents {
        let found = crate::text::not_for_people(text);
        assert!(found.is_empty(), "{name}: {found:#?}\n{text}");
    }
    assert!(
        excerpt_cover.contains("Förvaras i:") && excerpt_cover.contains("Kommunstyrelsens arkiv"),
        "{excerpt_cover}"
    );
    // Who made it: the harness names its operator ($OGONBLICK_OPERATOR).
    assert!(
        excerpt_cover.contains("Utfört av:") && excerpt_cover.contains("testare"),
        "{excerpt_cover}"
    );

    crate::search::examples_on_the_demo(&env);
    crate::search::without_write_permission(&env);
    // A second demo replaces the first.
    env.run(&["demo", "--out", "demo"]).expect(0);
    let _ = harness::server();
}

/// `capture --since` on a feed whose dates are relative to the capture
/// (`/layouts/flode-relativt/`): the CLI reads them in Swedish time (the
/// page's own clock says so), follows the feed back to the first post surely
/// before the day, and the cover says what is known of the oldest post.
#[test]
fn a_capture_reads_relative_dates_in_swedish_time_and_the_cover_says_what_is_known() {
    let env = Env::new();
    let since = registry::period::today_stockholm() - chrono::Duration::days(30);
    env.run(&[
        "capture",
        &server().url("/layouts/flode-relativt/"),
        "--since",
        &since.to_string(),
        "--out",
        "rel",
    ])
    .expect(0);
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("rel/record.json")).unwrap())
            .unwrap();
    let extent = &rec["pages"][0]["extent"];
    assert_eq!(extent["stop_rule"], "period-start", "{extent}");
    assert_eq!(
        extent["oldest_post_reached_read"]["text"],
        "5 v • Redigerat •"
    );
    let text = pdftotext(&env.path("rel/snapshot.pdf"))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Sidans tidszon: Europe/Stockholm"), "{text}");
    assert!(text.contains("Inlägg 12 av många"), "{text}");
    assert!(!text.contains("Inlägg 13 av många"), "{text}");
    assert!(
        text.contains("äldsta inlägg någon gång mellan"),
        "the cover does not say what is known of the oldest post:\n{text}"
    );
    assert!(text.contains("(sidan visar ”5 v • Redigerat •”)"), "{text}");
}
