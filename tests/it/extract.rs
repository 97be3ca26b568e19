//! `ogonblick extract`: pages of a real sealed record handed out as a PDF/A
//! excerpt (PDFBox Preflight), traced to the sealed original by its cover
//! and the journal; bad ranges and records that do not verify give nothing.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::harness::*;

fn sha256_file(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn page_count(pdf: &Path) -> u32 {
    let out = test_support::output(Command::new("pdfinfo").arg(pdf)).expect("pdfinfo");
    assert!(out.status.success(), "pdfinfo {}", pdf.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

/// Text of page `n` of a PDF, through poppler's pdftotext.
fn page_text(pdf: &Path, n: u32) -> String {
    let n = n.to_string();
    let out = test_support::output(
        Command::new("pdftotext")
            .args(["-enc", "UTF-8", "-f", &n, "-l", &n])
            .arg(pdf)
            .arg("-"),
    )
    .expect("pdftotext");
    assert!(out.status.success(), "pdftotext -f {n} {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writable again (sealed records are read-only), for tampering with a copy.
fn writable(path: &Path) {
    for entry in walkdir::WalkDir::new(path) {
        let entry = entry.expect("walk");
        let mode = entry.metadata().expect("metadata").permissions().mode();
        let perms = std::fs::Permissions::from_mode(mode | 0o200);
        std::fs::set_permissions(entry.path(), perms).expect("chmod");
    }
}

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
fn extract_hands_out_pages_as_pdfa_traced_to_the_sealed_record() {
    let env = Env::new();
    env.write("accounts.toml", &register(&[fixture("facebook-kommun")]));
    env.run(&["run"]).expect(0);
    let id = format!("{}/facebook-kommun", auto_period());
    let dir = env.path("arkiv").join(&id);
    let source = dir.join("snapshot.pdf");
    let source_sha = sha256_file(&source);
    let total = page_count(&source);
    // The first two screenshot pages, where the record's text layer is.
    let posts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("posts.json")).unwrap()).unwrap();
    let first = posts["pdf_pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["pdf_page"].as_u64().unwrap() as u32)
        .min()
        .expect("screenshot pages");
    let last = first + 1;
    assert!(last <= total, "the record has {total} pages");
    let pages = format!("{first}-{last}");

    let run = env.run(&[
        "extract",
        &id,
        "--pages",
        &pages,
        "--out",
        "utdrag.pdf",
        "--operator",
        "Registrator Rut",
    ]);
    run.expect(0);
    let out = env.path("utdrag.pdf");
    let (valid, report) = preflight(&out);
    assert!(valid, "Preflight rejects the excerpt:\n{report}");

    // One cover page, then the pages taken.
    let taken = last - first + 1;
    assert_eq!(page_count(&out), taken + 1, "{}", run.stdout);
    let cover = folded(&page_text(&out, 1));
    assert!(cover.contains("Utdrag ur ögonblicksbild"), "{cover}");
    assert!(
        cover.contains(&source_sha),
        "no source SHA-256 {source_sha}:\n{cover}"
    );
    assert!(
        cover.contains(&format!("sidorna {first}–{last} av {total}")),
        "no page range:\n{cover}"
    );
    assert!(cover.contains(&id), "{cover}");
    assert!(cover.contains("Registrator Rut"), "{cover}");
    assert!(
        !page_text(&source, first).contains("Utdrag"),
        "the source's page is not a cover"
    );
    // Each page taken reads as it does in the source.
    for k in 0..taken {
        let want = page_text(&source, first + k);
        assert!(
            want.split_whitespace().count() > 3,
            "page {} of the source has no text layer to compare:\n{want}",
            first + k
        );
        assert_eq!(
            page_text(&out, 2 + k),
            want,
            "page {} of the excerpt is not page {} of the source",
            2 + k,
            first + k
        );
    }

    // The journal traces the excerpt to the source.
    let events = env.events("extract.created");
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e["record_id"], id.as_str());
    assert_eq!(e["snapshot_sha256"], source_sha.as_str());
    assert_eq!(
        e["manifest_sha256"],
        sha256_file(&dir.join("manifest-sha256.txt")).as_str()
    );
    assert_eq!(e["first_page"], first);
    assert_eq!(e["last_page"], last);
    assert_eq!(e["source_pages"], total);
    assert_eq!(e["out_sha256"], sha256_file(&out).as_str());
    assert!(e["out"].as_str().unwrap().ends_with("/utdrag.pdf"), "{e}");
    assert_eq!(e["operator"], "Registrator Rut");
    env.run(&["verify", "arkiv"]).expect(0);
    env.run(&["report", "--out", "rapport"]).expect(0);
    let report = std::fs::read_to_string(env.path("rapport/index.html")).unwrap();
    assert!(
        report.contains("Utdrag skapat"),
        "the report names no excerpt"
    );

    // Whoever receives the excerpt can check it: against the archive's
    // journal, and without the archive against the record it came from.
    for args in [
        vec!["verify", "utdrag.pdf", "--archive", "arkiv"],
        vec!["verify", "utdrag.pdf", "--source", dir.to_str().unwrap()],
    ] {
        let v = env.run(&args);
        v.expect(0);
        assert!(
            v.stdout.contains(&format!(
                "an excerpt (utdrag) of {id}: pages {first}-{last}"
            )),
            "{args:?}:\n{}",
            v.stdout
        );
    }
    // One byte changed: neither takes it.
    let mut bytes = std::fs::read(&out).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(env.path("andrat.pdf"), &bytes).unwrap();
    for args in [
        vec!["verify", "andrat.pdf", "--archive", "arkiv"],
        vec!["verify", "andrat.pdf", "--source", dir.to_str().unwrap()],
    ] {
        let v = env.run(&args);
        v.expect(1);
        assert!(v.stdout.contains("FAILED"), "{args:?}:\n{}", v.stdout);
    }

    // Bad input: exit 2, no file, no journal line. A record's snapshot.pdf
    // and its directory name it as well as its id.
    let journal = std::fs::read(env.path("arkiv/journal.jsonl")).unwrap();
    let snapshot = source.to_str().unwrap();
    let dir_arg = dir.to_str().unwrap();
    let beyond = format!("{}-{}", total, total + 1);
    let reversed = format!("{last}-{first}");
    for (record, pages, says) in [
        (id.as_str(), "0-2", "numbered from 1"),
        (snapshot, reversed.as_str(), "ends before it starts"),
        (dir_arg, beyond.as_str(), &format!("it has {total} page(s)")),
        (id.as_str(), "två-tre", "is not a page number"),
        (id.as_str(), "", "is not a page number"),
    ] {
        let bad = env.run(&["extract", record, "--pages", pages, "--out", "fel.pdf"]);
        bad.expect(2);
        assert!(
            bad.stderr.contains(says),
            "--pages {pages:?}: {}",
            bad.stderr
        );
        assert!(
            !env.path("fel.pdf").exists(),
            "--pages {pages:?} wrote a file"
        );
    }
    // An existing file is never overwritten; the archive is no place for an excerpt.
    let before = sha256_file(&out);
    let again = env.run(&["extract", &id, "--pages", "1", "--out", "utdrag.pdf"]);
    again.expect(2);
    assert!(
        again.stderr.contains("nothing is overwritten"),
        "{}",
        again.stderr
    );
    assert_eq!(sha256_file(&out), before);
    let inside = env.run(&["extract", &id, "--pages", "1", "--out", "arkiv/utdrag.pdf"]);
    inside.expect(2);
    assert!(!env.path("arkiv/utdrag.pdf").exists());
    let unknown = env.run(&[
        "extract",
        "2020-H1/finns-inte",
        "--pages",
        "1",
        "--out",
        "x.pdf",
    ]);
    unknown.expect(2);
    assert!(!env.path("x.pdf").exists());
    assert_eq!(
        std::fs::read(env.path("arkiv/journal.jsonl")).unwrap(),
        journal,
        "bad input changed the journal"
    );

    // A copy of the archive where record.json and its manifest line were
    // rewritten together: the manifest verifies, the journal does not agree.
    let copy = env.path("kopia");
    let cp = test_support::status(
        Command::new("cp")
            .arg("-a")
            .arg(env.path("arkiv"))
            .arg(&copy),
    )
    .expect("cp");
    assert!(cp.success());
    let forged = copy.join(&id);
    writable(&forged);
    let record_json = forged.join("record.json");
    let text = std::fs::read_to_string(&record_json).unwrap();
    let changed = text.replace("\"operator\": \"testare\"", "\"operator\": \"Någon annan\"");
    assert_ne!(text, changed, "record.json names the operator `testare`");
    std::fs::write(&record_json, &changed).unwrap();
    let new_sum = sha256_file(&record_json);
    let manifest = forged.join("manifest-sha256.txt");
    let lines: Vec<String> = std::fs::read_to_string(&manifest)
        .unwrap()
        .lines()
        .map(|l| match l.strip_suffix("  record.json") {
            Some(_) => format!("{new_sum}  record.json"),
            None => l.to_string(),
        })
        .collect();
    std::fs::write(&manifest, lines.join("\n") + "\n").unwrap();
    let refused = env.run(&[
        "extract",
        forged.to_str().unwrap(),
        "--pages",
        &pages,
        "--out",
        "forfalskad.pdf",
    ]);
    refused.expect(1);
    assert!(
        refused.stderr.contains("manifest-sha256.txt SHA-256")
            && refused.stderr.contains("differs from the journal"),
        "{}",
        refused.stderr
    );
    assert!(!env.path("forfalskad.pdf").exists());
}

#[test]
fn extract_refuses_a_changed_record_and_takes_a_standalone_one_without_a_journal() {
    let env = Env::new();
    env.run(&[
        "capture",
        &server().url(&fixture("blogg-skolan").path),
        "--out",
        "rec",
    ])
    .expect(0);
    let source = env.path("rec/snapshot.pdf");
    let source_sha = sha256_file(&source);

    // A record outside any archive: extracted, said so, no journal anywhere.
    let run = env.run(&["extract", "rec", "--pages", "1", "--out", "utdrag.pdf"]);
    run.expect(0);
    assert!(
        run.stderr.contains("not inside an archive"),
        "{}",
        run.stderr
    );
    let out = env.path("utdrag.pdf");
    let (valid, report) = preflight(&out);
    assert!(valid, "Preflight rejects the excerpt:\n{report}");
    assert_eq!(page_count(&out), 2);
    let cover = folded(&page_text(&out, 1));
    assert!(cover.contains(&source_sha), "{cover}");
    assert!(cover.contains("sidan 1 av"), "{cover}");
    // The source's own cover page, taken as it is.
    assert_eq!(page_text(&out, 2), page_text(&source, 1));
    assert!(!env.path("journal.jsonl").exists());

    // One changed tile: the record does not verify, nothing is written, exit 1.
    let tile = walkdir::WalkDir::new(env.path("rec/capture"))
        .into_iter()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "png"))
        .expect("a tile")
        .into_path();
    writable(&env.path("rec"));
    let mut bytes = std::fs::read(&tile).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0xff;
    std::fs::write(&tile, bytes).unwrap();
    let refused = env.run(&["extract", "rec", "--pages", "1", "--out", "andra.pdf"]);
    refused.expect(1);
    assert!(
        refused.stderr.contains("does not verify") && refused.stderr.contains("changed: capture/"),
        "{}",
        refused.stderr
    );
    assert!(!env.path("andra.pdf").exists());
}
