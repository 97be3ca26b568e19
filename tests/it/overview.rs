//! `status` and `report` on the demo archive: the status matches the journal,
//! a missing or flagged account exits 1, a path that is not an archive exits 2
//! without being created, and the report links every record, shows its
//! warnings in red and reads on a phone and a desktop (axe-core, no sideways scroll).

use std::path::Path;

use serde_json::Value;

use crate::a11y::assert_readable_everywhere;
use crate::harness::{server, Env};

fn json(run: &crate::harness::Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("status --json is not JSON ({e}):\n{}", run.stdout))
}

fn journal(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The register with one more account whose page is the fixture site's 404.
fn with_extra_account(register: &str, id: &str) -> String {
    let mut text = register.to_string();
    text.push_str(&format!(
        "\n[[account]]\nid = \"{id}\"\nplatform = \"other\"\nname = \"Nytt konto\"\nurl = \"{}\"\n\
         unit = \"Kommunledningsförvaltningen\"\nboard = \"Kommunstyrelsen\"\npurpose = \"Information\"\n\
         audience = \"Invånare\"\nresponsible = {{ name = \"Anna A\" }}\ndeputy = {{ name = \"Bo B\" }}\n\
         administrators = [\"Anna A\", \"Bo B\"]\nopened = 2019-01-01\n",
        server().url("/hostile/finns-inte")
    ));
    text
}

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
fn status_and_report_on_the_demo_archive() {
    let env = Env::new();
    // The demo's own checks are pipeline.rs's; here it only makes the archive.
    let demo = env.run(&["demo", "--out", "demo"]);
    assert!(
        env.path("demo/arkiv/journal.jsonl").is_file(),
        "the demo made no archive:\n{}",
        demo.stderr
    );
    let reg = "demo/accounts.toml";
    let arkiv = "demo/arkiv";

    // A path that is not an archive is refused, and not created.
    for args in [
        vec!["status", "--register", reg, "--archive", "inget-arkiv"],
        vec!["report", "--archive", "inget-arkiv", "--out", "rapport"],
        vec!["dnr", "2026-H1/x", "KS 1", "--archive", "inget-arkiv"],
    ] {
        let r = env.run(&args);
        r.expect(2);
        assert!(
            r.stderr.contains("not an ogonblick archive"),
            "{}",
            r.stderr
        );
        assert!(
            !env.path("inget-arkiv").exists(),
            "{args:?} created the archive"
        );
    }

    // Every sealed record of the period is in the status, as the journal says.
    let sealed: Vec<Value> = journal(&env.path("demo/arkiv/journal.jsonl"))
        .into_iter()
        .filter(|e| e["event"] == "record.sealed")
        .collect();
    assert!(!sealed.is_empty());
    let period = sealed[0]["period"].as_str().unwrap().to_string();
    let first = sealed[0]["record_id"].as_str().unwrap().to_string();
    env.run(&["dnr", &first, "KS 2026/77", "--archive", arkiv])
        .expect(0);
    // The demo flags one account on purpose: the status says so, exit 1.
    let flagged = fixture_server::FLAGGED_DEMO_ACCOUNT.id;
    let r = env.run(&["status", "--register", reg, "--archive", arkiv, "--json"]);
    r.expect(1);
    let status = json(&r);
    assert_eq!(status["period"], period.as_str());
    let accounts = status["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), sealed.len(), "{status:#}");
    for event in &sealed {
        let id = event["record_id"].as_str().unwrap();
        let row = accounts
            .iter()
            .find(|a| a["record_id"] == id)
            .unwrap_or_else(|| panic!("{id} sealed in the journal, not in the status"));
        assert_eq!(row["account"], event["account"]);
        if event["account"] == flagged {
            assert_eq!(row["state"], "flagged", "{row}");
            assert_eq!(row["needs_human"], true, "{row}");
            continue;
        }
        assert!(row["state"] == "sealed" || row["state"] == "late", "{row}");
        assert_eq!(row["needs_human"], false);
        let record: Value = serde_json::from_str(
            &std::fs::read_to_string(env.path(&format!("{arkiv}/{id}/record.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            row["state"] == "late",
            record["late"] == true,
            "late in the status and the record disagree"
        );
        let want_dnr = if id == first {
            Some("KS 2026/77")
        } else {
            None
        };
        assert_eq!(row["diarienummer"].as_str(), want_dnr, "{row}");
        assert_eq!(row["timestamps"], serde_json::json!([]));
        assert!(row["captured_at"].is_string() && row["last_capture"].is_string());
    }
    assert!(status["next"]["due"].is_string() && status["next"]["period"].is_string());
    let text = env.run(&["status", "--register", reg, "--archive", arkiv]);
    text.expect(1);
    assert!(
        text.stdout.contains("KS 2026/77") && text.stdout.contains("Next:"),
        "{}",
        text.stdout
    );

    // One account more in the register, and nothing captured for it: missing, exit 1.
    let register = std::fs::read_to_string(env.path(reg)).unwrap();
    env.write(
        "med-nytt.toml",
        &with_extra_account(&register, "nytt-konto"),
    );
    let r = env.run(&[
        "status",
        "--register",
        "med-nytt.toml",
        "--archive",
        arkiv,
        "--json",
    ]);
    r.expect(1);
    let status = json(&r);
    let row = status["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == "nytt-konto")
        .cloned()
        .expect("the new account in the status");
    assert_eq!(row["state"], "missing");
    assert_eq!(row["needs_human"], true);

    // Captured: its page is a 404, so the capture fails (the journal says
    // record.failed) and the status says so, still exit 1.
    env.run(&[
        "run",
        "--register",
        "med-nytt.toml",
        "--archive",
        arkiv,
        "--period",
        &period,
        "--only",
        "nytt-konto",
        "--retries",
        "0",
    ])
    .expect(1);
    let r = env.run(&[
        "status",
        "--register",
        "med-nytt.toml",
        "--archive",
        arkiv,
        "--json",
    ]);
    r.expect(1);
    let failed = json(&r)["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == "nytt-konto")
        .cloned()
        .unwrap();
    let failures: Vec<Value> = journal(&env.path("demo/arkiv/journal.jsonl"))
        .into_iter()
        .filter(|e| e["event"] == "record.failed" && e["record_id"] == failed["record_id"])
        .collect();
    assert_eq!(failures.len(), 1, "{failed}");
    assert_eq!(failed["state"], "failed", "{failed}");
    let reason = failures[0]["reason"].as_str().unwrap();
    assert!(
        failed["warnings"][0].as_str().unwrap().contains(reason),
        "{failed}"
    );

    // The report: every record linked (the links resolve), the flagged one in red.
    env.run(&["report", "--archive", arkiv, "--out", "rapport"])
        .expect(0);
    let page = env.path("rapport/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    for id in sealed
        .iter()
        .map(|e| e["record_id"].as_str().unwrap().to_string())
    {
        let href = format!("../demo/arkiv/{id}/snapshot.pdf");
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "no link to {id}"
        );
        assert!(
            html.contains(&format!("href=\"{href}#page=1\"")),
            "no cover link to {id}"
        );
        assert!(
            env.path("rapport").join(&href).is_file(),
            "{href} does not resolve"
        );
    }
    assert!(html.contains("KS 2026/77"));
    // The demo's record flagged on purpose, in red, its warning in Swedish.
    assert!(
        html.contains("Flaggad – behöver granskas")
            && html.contains("Webbsida 1: hinder – ofullständig: innehåll saknas."),
        "the flagged record is not shown as flagged"
    );
    // The failure, in red, with its reason in Swedish (the journal keeps
    // the capture's English).
    assert!(
        html.contains("<h2>Misslyckade fångster</h2>"),
        "no failures section"
    );
    assert!(
        html.contains(&format!(
            "<span class=\"varning\">Varning:</span> {}",
            registry::failure_sv::failure_sv(reason)
        )),
        "the failure is not in red, in Swedish:\n{html}"
    );
    assert!(
        html.contains("Sidan visade en felsida i stället för kontot"),
        "{reason}"
    );
    assert!(
        !html.contains(reason),
        "the English reason reached the report"
    );
    assert!(html.contains("Diarienummer tilldelat"), "no journal events");
    for forbidden in ["<script", "src=", "<link", "@import", "url("] {
        assert!(
            !html.contains(forbidden),
            "external resource or script: {forbidden}"
        );
    }
    assert_readable_everywhere(&page);
}
