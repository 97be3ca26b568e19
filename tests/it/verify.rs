//! `verify`, `report` and every printing command on an archive sealed
//! without a browser (records of fixed bytes through the registry's own
//! seal): a closed stdout ends no command early, the report tells a failed
//! check from a passed one, and an E-ARK delivery is verified deeply and
//! read-only.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use model::{Handling, PageFacts, Record, RecordKind, Summary};
use registry::hashing::sha256_hex;
use registry::Archive;

use crate::harness::{wait_or_kill, Env};

fn good_register() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/registers/good.toml")
}

/// Seals a half-year record of the account its id names, with fixed bytes
/// for a snapshot (what `verify`, `status`, `deliver` and `report` read).
fn seal(archive: &Archive, record_id: &str) {
    let (period, account) = record_id.split_once('/').unwrap();
    let (register, _) = registry::load(&good_register()).unwrap();
    let account = register
        .accounts
        .iter()
        .find(|a| a.id == account)
        .cloned()
        .expect("account in good.toml");
    let staging = archive.stage(record_id).unwrap();
    let cap = staging.capture_dir().join("01-start");
    std::fs::create_dir_all(&cap).unwrap();
    std::fs::write(cap.join("tile-001.png"), format!("png of {record_id}")).unwrap();
    std::fs::write(cap.join("text.json"), "[]").unwrap();
    let at = chrono::DateTime::parse_from_rfc3339("2026-07-01T08:00:00Z")
        .unwrap()
        .to_utc();
    let page = PageFacts {
        label: "01-start".into(),
        requested_url: account.url.clone(),
        final_url: account.url.clone(),
        http_status: Some(200),
        title: account.name.clone(),
        started: at,
        ended: at,
        viewport_width: 1280,
        viewport_height: 900,
        device_scale: 1.0,
        full_height: 900.0,
        captured_height: 900.0,
        truncated: None,
        extent: Default::default(),
        obstructions: vec![],
        summary: Summary::default(),
        user_agent: "test".into(),
        browser_version: "Chromium/1".into(),
        tiles: vec![],
        text_file: "capture/01-start/text.json".into(),
        mhtml_file: None,
        warnings: vec![],
        notes: Vec::new(),
        refused: Default::default(),
    };
    let mut record = Record {
        record_id: record_id.into(),
        kind: RecordKind::Halvar,
        organisation: Some(register.organisation.clone()),
        account: Some(account),
        period: Some(period.into()),
        handling: Handling::Upprattad,
        pages: vec![page],
        late: false,
        ogonblick_version: "0.1.0".into(),
        operator: "test".into(),
        reason: None,
        sender: None,
        diarienummer: String::new(),
        files: Default::default(),
        timestamp_authorities: Vec::new(),
    };
    let pdf = format!("%PDF-1.4 snapshot of {record_id}\n%%EOF\n");
    archive.seal(staging, &mut record, pdf.as_bytes()).unwrap();
}

/// `arkiv/` with two records of 2026-H1 in `env`.
fn archive(env: &Env) {
    let archive = Archive::open(&env.path("arkiv")).unwrap();
    seal(&archive, "2026-H1/facebook-kommun");
    seal(&archive, "2026-H1/instagram-bibliotek");
}

/// `ogonblick ARGS` with stdout's reader gone before the first byte: the exit code.
fn closed_stdout(env: &Env, args: &[&str]) -> (i32, String) {
    let mut cmd = env.cmd(args);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run ogonblick");
    drop(child.stdout.take());
    let err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut { err }, &mut s);
        s
    });
    let status = wait_or_kill(&mut child, crate::harness::run_limit()).expect("ended in time");
    (status.code().unwrap_or(-1), reader.join().unwrap())
}

#[test]
fn a_closed_stdout_ends_no_command_early() {
    let env = Env::new();
    archive(&env);
    let register = good_register();
    let register = register.to_str().unwrap();
    env.run(&["deliver", "--period", "2026-H1", "--out", "leverans"])
        .expect(0);
    // Every subcommand that prints on stdout, with what it needs.
    let commands: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["--version"],
        vec!["verify", "--help"],
        vec!["accounts", "check", "--register", register],
        vec![
            "accounts",
            "publish",
            "--register",
            register,
            "--out",
            "forteckning.html",
        ],
        vec!["status", "--archive", "arkiv", "--period", "2026-H1"],
        vec![
            "status",
            "--archive",
            "arkiv",
            "--period",
            "2026-H1",
            "--json",
        ],
        vec!["verify", "arkiv"],
        vec!["verify", "arkiv", "--json"],
        vec!["verify", "leverans"],
        vec!["verify", "leverans", "--json"],
        vec!["verify", "arkiv/2026-H1/facebook-kommun/snapshot.pdf"],
        vec!["search", "kommun", "--archive", "arkiv"],
        vec!["index", "--archive", "arkiv"],
        vec![
            "dnr",
            "2026-H1/facebook-kommun",
            "KS 2026/9",
            "--archive",
            "arkiv",
        ],
        vec![
            "pdfa",
            "check",
            "arkiv/2026-H1/facebook-kommun/snapshot.pdf",
        ],
        vec!["completions", "--out", "completions"],
    ];
    // And every subcommand's help.
    let helps: Vec<Vec<&str>> = [
        "accounts",
        "run",
        "capture",
        "evidence",
        "close",
        "dnr",
        "deliver",
        "stamp",
        "search",
        "index",
        "extract",
        "status",
        "preflight",
        "report",
        "pdfa",
        "demo",
    ]
    .iter()
    .map(|c| vec![*c, "--help"])
    .collect();
    for args in commands.iter().chain(&helps) {
        let open = env.run(args);
        let (code, stderr) = closed_stdout(&env, args);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?} with stdout closed:\n{stderr}"
        );
        assert_eq!(
            code, open.code,
            "{args:?}: exit {code} with stdout closed, {} with it open\n{stderr}",
            open.code
        );
        assert!([0, 1, 2].contains(&code), "{args:?}: exit {code}");
    }
}

/// Every byte and the listing of everything under `dir`.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let what = if e.file_type().is_file() {
                sha256_hex(&std::fs::read(e.path()).unwrap())
            } else {
                "folder".into()
            };
            (rel, what)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn an_eark_delivery_is_verified_deeply_and_read_only() {
    let env = Env::new();
    archive(&env);
    env.run(&[
        "deliver", "--period", "2026-H1", "--format", "eark", "--out", "e-arkiv",
    ])
    .expect(0);
    let pkg = std::fs::read_dir(env.path("e-arkiv"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let before = tree(&pkg);
    let p = pkg.to_str().unwrap().to_string();
    let list = format!("{p}/documentation/leveranslista.pdf");
    let csv = format!("{p}/documentation/forteckning.csv");
    let rep = std::fs::read_dir(pkg.join("representations"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path()
        .join("data");
    let rep = rep.to_str().unwrap();
    let pdf = format!("{rep}/snapshot.pdf");
    for args in [
        vec!["verify", p.as_str()],
        vec!["verify", list.as_str()],
        vec!["verify", csv.as_str()],
        vec!["verify", rep],
        vec!["verify", pdf.as_str()],
        vec!["verify", pdf.as_str(), "--archive", p.as_str()],
    ] {
        let v = env.run(&args);
        v.expect(0);
        assert_eq!(tree(&pkg), before, "{args:?} changed the package");
    }
    let v = env.run(&["verify", &list]);
    assert!(
        v.stdout
            .contains("the delivery list (leveranslista) of the delivery"),
        "{}",
        v.stdout
    );
    // The package's records were checked against the delivered journal.
    let v = env.run(&["verify", &p, "--json"]);
    let json: serde_json::Value = serde_json::from_str(&v.stdout).unwrap();
    assert!(json["journal_head"].is_string(), "{json}");

    // The delivered journal cut before a record's record.sealed, and the
    // METS entry rewritten to fit: the METS fixity holds, the journal does not.
    let journal = pkg.join("documentation/journal.jsonl");
    let old = std::fs::read(&journal).unwrap();
    let text = String::from_utf8(old.clone()).unwrap();
    let cut: String = text
        .lines()
        .take_while(|l| !l.contains("\"record_id\":\"2026-H1/instagram-bibliotek\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(cut.len() < text.len());
    registry::archive::make_writable(&pkg);
    std::fs::write(&journal, &cut).unwrap();
    let mets = pkg.join("METS.xml");
    let xml = std::fs::read_to_string(&mets).unwrap();
    let entry = xml
        .lines()
        .find(|l| l.contains(&sha256_hex(&old)))
        .expect("METS lists the journal's SHA-256");
    let fitted = entry
        .replace(&sha256_hex(&old), &sha256_hex(cut.as_bytes()))
        .replace(
            &format!("SIZE=\"{}\"", old.len()),
            &format!("SIZE=\"{}\"", cut.len()),
        );
    std::fs::write(&mets, xml.replace(entry, &fitted)).unwrap();
    let v = env.run(&["verify", &p]);
    v.expect(1);
    assert!(
        !v.stdout.contains("CHANGED"),
        "the METS fixity fits:\n{}",
        v.stdout
    );
    assert!(
        v.stdout
            .contains("2026-H1/instagram-bibliotek (representations/")
            && v.stdout
                .contains("the delivered journal has no record.sealed line"),
        "{}",
        v.stdout
    );
}

#[test]
fn the_report_shows_a_failed_check_and_stays_out_of_the_archive() {
    let env = Env::new();
    archive(&env);
    env.run(&["verify", "arkiv"]).expect(0);
    let tile = env.path("arkiv/2026-H1/facebook-kommun/capture/01-start/tile-001.png");
    registry::archive::make_writable(&env.path("arkiv/2026-H1/facebook-kommun"));
    std::fs::write(&tile, "changed").unwrap();
    env.run(&["verify", "arkiv"]).expect(1);
    env.run(&["report", "--out", "rapport"]).expect(0);
    let html = std::fs::read_to_string(env.path("rapport/index.html")).unwrap();
    let summary = &html[html.find("Senaste kontroll").expect("the last check")..];
    let summary = &summary[..summary.find("</dd>").unwrap()];
    assert!(
        summary.contains("Varning") && summary.contains("Fel hittade: 1 ändrade"),
        "{summary}"
    );
    assert!(
        html.contains("Utan anmärkning"),
        "the passed check is in the journal table"
    );
    let rows = html.matches("Fel hittade").count();
    assert_eq!(rows, 2, "at the top and in the journal table");
    // --out inside the archive: refused, nothing written.
    for out in ["arkiv/rapport", "arkiv"] {
        let r = env.run(&["report", "--out", out]);
        r.expect(2);
        assert!(r.stderr.contains("inside the archive"), "{}", r.stderr);
    }
    assert!(!env.path("arkiv/rapport").exists());
    assert!(!env.path("arkiv/index.html").exists());
}

/// Every `CHECKSUM` and `SIZE` in the package's METS files (the
/// representations', then the root's) made to fit the files as they are,
/// and the entries of files that are gone dropped with their pointers: what
/// someone who edits a package and wants its METS fixity to hold does.
fn refit_mets(pkg: &Path) {
    let refit = |mets: &Path| {
        let base = mets.parent().unwrap();
        let text = std::fs::read_to_string(mets).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let href = |l: &str| {
            let at = l.find("xlink:href=\"")? + 12;
            Some(l[at..at + l[at..].find('"')?].to_string())
        };
        let attr = |l: &str, name: &str, value: String| {
            let at = l.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            let end = at + l[at..].find('"').unwrap();
            format!("{}{value}{}", &l[..at], &l[end..])
        };
        let mut out: Vec<String> = Vec::new();
        let mut dropped: Vec<String> = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i];
            let t = l.trim_start();
            let (target, span) = if t.starts_with("<file ") && l.contains("CHECKSUM=") {
                (href(lines[i + 1]), 3)
            } else if t.starts_with("<mdRef ") && l.contains("CHECKSUM=") {
                (href(l), 1)
            } else {
                (None, 1)
            };
            match target.map(|h| base.join(h)) {
                Some(p) if !p.exists() => {
                    let at = l.find("ID=\"").unwrap() + 4;
                    dropped.push(l[at..at + l[at..].find('"').unwrap()].to_string());
                    i += span;
                    continue;
                }
                Some(p) => {
                    let bytes = std::fs::read(p).unwrap();
                    let l = attr(l, "CHECKSUM", sha256_hex(&bytes));
                    out.push(attr(&l, "SIZE", bytes.len().to_string()));
                }
                None => out.push(l.to_string()),
            }
            i += 1;
        }
        out.retain(|l| {
            !dropped
                .iter()
                .any(|id| l.contains(&format!("FILEID=\"{id}\"")))
        });
        std::fs::write(mets, out.join("\n") + "\n").unwrap();
    };
    let reps = pkg.join("representations");
    for rep in std::fs::read_dir(&reps).unwrap().flatten() {
        if rep.path().join("METS.xml").is_file() {
            refit(&rep.path().join("METS.xml"));
        }
    }
    refit(&pkg.join("METS.xml"));
}

/// A fresh E-ARK delivery of `arkiv/` in `env` under `out`: the package.
fn eark_package(env: &Env, out: &str) -> PathBuf {
    env.run(&[
        "deliver", "--period", "2026-H1", "--format", "eark", "--out", out,
    ])
    .expect(0);
    let pkg = std::fs::read_dir(env.path(out))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    registry::archive::make_writable(&pkg);
    pkg
}

#[test]
fn eark_tampering_that_refits_the_mets_is_caught() {
    let env = Env::new();
    archive(&env);
    let fb = "representations/2026-H1_facebook-kommun";
    let ig = "representations/2026-H1_instagram-bibliotek";

    // Untouched, and refitted without a change: it verifies.
    let pkg = eark_package(&env, "e-orord");
    refit_mets(&pkg);
    env.run(&["verify", pkg.to_str().unwrap()]).expect(0);
    let list = pkg.join("documentation/leveranslista.pdf");
    let v = env.run(&["verify", list.to_str().unwrap()]);
    v.expect(0);
    assert!(v.stdout.contains(": 1 file(s) ok,"), "{}", v.stdout);
    assert!(v.stdout.contains("manifest only"), "{}", v.stdout);

    // A representation's manifest removed with its METS entry and its
    // snapshot.pdf changed: not skipped as "not a record", but named.
    let pkg = eark_package(&env, "e-utan-manifest");
    std::fs::remove_file(pkg.join(fb).join("data/manifest-sha256.txt")).unwrap();
    let pdf = pkg.join(fb).join("data/snapshot.pdf");
    let mut bytes = std::fs::read(&pdf).unwrap();
    bytes[3] ^= 1;
    std::fs::write(&pdf, bytes).unwrap();
    refit_mets(&pkg);
    let v = env.run(&["verify", pkg.to_str().unwrap()]);
    v.expect(1);
    assert!(!v.stdout.contains("CHANGED"), "METS fits:\n{}", v.stdout);
    assert!(
        v.stdout.contains(&format!(
            "2026-H1/facebook-kommun ({fb}/data/): manifest-sha256.txt is missing"
        )),
        "{}",
        v.stdout
    );

    // A representation's snapshot.pdf changed and its manifest refitted
    // with sha256sum: verifying that record folder alone asks the
    // package's journal.
    let pkg = eark_package(&env, "e-manifest");
    let data = pkg.join(fb).join("data");
    let old = sha256_hex(&std::fs::read(data.join("snapshot.pdf")).unwrap());
    std::fs::write(data.join("snapshot.pdf"), "%PDF-1.4 forged\n%%EOF\n").unwrap();
    let new = sha256_hex(&std::fs::read(data.join("snapshot.pdf")).unwrap());
    let manifest = data.join("manifest-sha256.txt");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace(&old, &new)).unwrap();
    let v = env.run(&["verify", data.to_str().unwrap()]);
    v.expect(1);
    assert!(
        v.stdout.contains(&format!(
            "2026-H1/facebook-kommun: snapshot.pdf SHA-256 {new} differs from the journal's {old}"
        )),
        "{}",
        v.stdout
    );

    // Two representations' folders swapped, forteckning.csv made to fit:
    // each record sits where another's id is.
    let pkg = eark_package(&env, "e-bytta");
    let tmp = pkg.join("representations/tmp");
    std::fs::rename(pkg.join(fb), &tmp).unwrap();
    std::fs::rename(pkg.join(ig), pkg.join(fb)).unwrap();
    std::fs::rename(&tmp, pkg.join(ig)).unwrap();
    let csv = pkg.join("documentation/forteckning.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let sum =
        |rep: &str| sha256_hex(&std::fs::read(pkg.join(rep).join("data/snapshot.pdf")).unwrap());
    let (now_fb, now_ig) = (sum(fb), sum(ig));
    let text = text
        .replace(&now_fb, "@swap@")
        .replace(&now_ig, &now_fb)
        .replace("@swap@", &now_ig);
    std::fs::write(&csv, text).unwrap();
    refit_mets(&pkg);
    let v = env.run(&["verify", pkg.to_str().unwrap()]);
    v.expect(1);
    assert!(!v.stdout.contains("CHANGED"), "METS fits:\n{}", v.stdout);
    assert!(
        v.stdout.contains(&format!(
            "2026-H1/facebook-kommun ({fb}/data/): record.json names itself `2026-H1/instagram-bibliotek`"
        )),
        "{}",
        v.stdout
    );
}

#[test]
fn a_file_name_cannot_forge_a_line_of_the_report() {
    let env = Env::new();
    archive(&env);
    env.run(&["deliver", "--period", "2026-H1", "--out", "leverans"])
        .expect(0);
    let dir = env.path("leverans/data/2026-H1/facebook-kommun");
    registry::archive::make_writable(&env.path("leverans"));
    std::fs::write(dir.join("a\nOK: bag leverans verifies"), "x").unwrap();
    std::fs::write(dir.join("fdp.\u{202e}exe"), "x").unwrap();
    let v = env.run(&["verify", "leverans"]);
    v.expect(1);
    assert!(
        !v.stdout.lines().any(|l| l.starts_with("OK:")),
        "{}",
        v.stdout
    );
    assert!(v.stdout.contains("a\\u000aOK: bag"), "{}", v.stdout);
    assert!(v.stdout.contains("fdp.\\u202eexe"), "{}", v.stdout);
    assert!(!v.stdout.contains('\u{202e}'), "{}", v.stdout);
    // --json keeps the exact name, escaped as the files we write are.
    let v = env.run(&["verify", "leverans", "--json"]);
    assert!(!v.stdout.contains('\u{202e}'), "{}", v.stdout);
    let json: serde_json::Value = serde_json::from_str(&v.stdout).unwrap();
    let names: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(
        names.contains(&"data/2026-H1/facebook-kommun/fdp.\u{202e}exe"),
        "{names:?}"
    );
}

/// `ogonblick ARGS` with the readers of stdout and stderr both gone before
/// the first byte: the exit code.
fn closed_outputs(env: &Env, args: &[&str]) -> i32 {
    let mut cmd = env.cmd(args);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run ogonblick");
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = wait_or_kill(&mut child, crate::harness::run_limit()).expect("ended in time");
    status.code().unwrap_or(-1)
}

#[test]
fn a_closed_stderr_ends_no_command_early() {
    let env = Env::new();
    archive(&env);
    // Commands that end with an error or warnings on stderr.
    let commands: Vec<Vec<&str>> = vec![
        vec!["verify", "nowhere"],
        vec!["verify", "arkiv", "--no-such-flag"],
        vec!["status", "--archive", "nowhere"],
        vec!["dnr", "2026-H1/ingen", "KS 2026/9", "--archive", "arkiv"],
        vec!["report", "--out", "arkiv/rapport"],
    ];
    for args in &commands {
        let open = env.run(args);
        assert!(!open.stderr.is_empty(), "{args:?} says nothing on stderr");
        let code = closed_outputs(&env, args);
        assert_eq!(
            code, open.code,
            "{args:?}: exit {code} with stdout and stderr closed, {} with them open",
            open.code
        );
    }
}
