//! Every kind of tampering with an archive is caught and named.

use std::fs;
use std::path::Path;

use registry::{Archive, FileStatus, VerifyOptions, VerifyReport};

use crate::common::{seal_sample, writable};

const REC: &str = "2026-H1/facebook-kommun";

fn archive_with_records() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let archive = Archive::open(tmp.path()).unwrap();
    seal_sample(&archive, REC);
    seal_sample(&archive, "2026-H1/instagram-bibliotek");
    archive.assign_dnr(REC, "KS 2026/1").unwrap();
    drop(archive);
    let clean = registry::verify(tmp.path(), &VerifyOptions::default()).unwrap();
    assert!(
        clean.is_ok(),
        "clean archive does not verify: {:?}",
        clean.problems
    );
    writable(tmp.path());
    tmp
}

fn verify(root: &Path) -> VerifyReport {
    let r = registry::verify(
        root,
        &VerifyOptions {
            jobs: 2,
            archive: None,
            ..VerifyOptions::default()
        },
    )
    .unwrap();
    assert!(!r.is_ok(), "tampering not detected");
    r
}

fn status_of(r: &VerifyReport, path: &str) -> Option<FileStatus> {
    r.files.iter().find(|f| f.path == path).map(|f| f.status)
}

#[test]
fn flipped_byte() {
    let t = archive_with_records();
    let p = t.path().join(REC).join("capture/01-start/tile-001.png");
    let mut b = fs::read(&p).unwrap();
    b[3] ^= 0x01;
    fs::write(&p, b).unwrap();
    let r = verify(t.path());
    assert_eq!(
        status_of(&r, &format!("{REC}/capture/01-start/tile-001.png")),
        Some(FileStatus::Changed)
    );
    assert_eq!((r.changed, r.missing, r.unexpected), (1, 0, 0));
}

#[test]
fn truncated_file() {
    let t = archive_with_records();
    let p = t.path().join(REC).join("snapshot.pdf");
    let b = fs::read(&p).unwrap();
    fs::write(&p, &b[..b.len() / 2]).unwrap();
    let r = verify(t.path());
    assert_eq!(
        status_of(&r, &format!("{REC}/snapshot.pdf")),
        Some(FileStatus::Changed)
    );
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("snapshot.pdf") && p.contains("journal")),
        "{:?}",
        r.problems
    );
}

#[test]
fn deleted_file() {
    let t = archive_with_records();
    fs::remove_file(t.path().join(REC).join("capture/01-start/text.json")).unwrap();
    let r = verify(t.path());
    assert_eq!(
        status_of(&r, &format!("{REC}/capture/01-start/text.json")),
        Some(FileStatus::Missing)
    );
}

#[test]
fn added_file() {
    let t = archive_with_records();
    fs::write(t.path().join(REC).join("capture/extra.png"), b"x").unwrap();
    let r = verify(t.path());
    assert_eq!(
        status_of(&r, &format!("{REC}/capture/extra.png")),
        Some(FileStatus::Unexpected)
    );
}

#[test]
fn renamed_file() {
    let t = archive_with_records();
    let d = t.path().join(REC).join("capture/01-start");
    fs::rename(d.join("tile-001.png"), d.join("tile-002.png")).unwrap();
    let r = verify(t.path());
    assert_eq!(
        status_of(&r, &format!("{REC}/capture/01-start/tile-001.png")),
        Some(FileStatus::Missing)
    );
    assert_eq!(
        status_of(&r, &format!("{REC}/capture/01-start/tile-002.png")),
        Some(FileStatus::Unexpected)
    );
}

#[test]
fn deleted_record_directory() {
    let t = archive_with_records();
    fs::remove_dir_all(t.path().join("2026-H1/instagram-bibliotek")).unwrap();
    let r = verify(t.path());
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("instagram-bibliotek") && p.contains("missing")),
        "{:?}",
        r.problems
    );
}

#[test]
fn manifest_edited_consistently() {
    // Change a file and fix its line in the manifest: the journal's manifest hash still catches it.
    let t = archive_with_records();
    let dir = t.path().join(REC);
    fs::write(dir.join("capture/01-start/text.json"), b"[1]").unwrap();
    let m = fs::read_to_string(dir.join("manifest-sha256.txt")).unwrap();
    let new = m.replace(
        &registry::hashing::sha256_hex(b"[]"),
        &registry::hashing::sha256_hex(b"[1]"),
    );
    fs::write(dir.join("manifest-sha256.txt"), new).unwrap();
    let r = verify(t.path());
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("manifest-sha256.txt was changed")),
        "{:?}",
        r.problems
    );
}

fn journal_lines(root: &Path) -> Vec<String> {
    fs::read_to_string(root.join("journal.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_journal(root: &Path, lines: &[String]) {
    fs::write(
        root.join("journal.jsonl"),
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

fn breaks_at(r: &VerifyReport, line: usize) -> bool {
    r.problems.iter().any(|p| {
        p.starts_with(&format!("journal.jsonl line {line}:")) && p.contains("chain breaks")
    })
}

#[test]
fn edited_journal_line() {
    let t = archive_with_records();
    let mut lines = journal_lines(t.path());
    lines[1] = lines[1].replace("\"seq\":2,", "\"seq\":2, ");
    write_journal(t.path(), &lines);
    let r = verify(t.path());
    assert!(breaks_at(&r, 3), "{:?}", r.problems);
}

#[test]
fn edited_journal_value() {
    let t = archive_with_records();
    let mut lines = journal_lines(t.path());
    lines[2] = lines[2].replace("KS 2026/1", "KS 2026/9");
    write_journal(t.path(), &lines);
    let r = verify(t.path());
    assert!(breaks_at(&r, 4), "{:?}", r.problems);
}

#[test]
fn deleted_journal_line() {
    let t = archive_with_records();
    let mut lines = journal_lines(t.path());
    lines.remove(1);
    write_journal(t.path(), &lines);
    let r = verify(t.path());
    assert!(breaks_at(&r, 2), "{:?}", r.problems);
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("instagram-bibliotek") && p.contains("no record.sealed")),
        "{:?}",
        r.problems
    );
}

#[test]
fn reordered_journal_lines() {
    let t = archive_with_records();
    let mut lines = journal_lines(t.path());
    lines.swap(0, 1);
    write_journal(t.path(), &lines);
    let r = verify(t.path());
    assert!(breaks_at(&r, 1), "{:?}", r.problems);
}

#[test]
fn verify_run_is_journaled() {
    let t = archive_with_records();
    let lines = journal_lines(t.path());
    let last: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(last["event"], "verify.run");
    assert_eq!(last["result"], "ok");
}

#[test]
fn single_pdf_is_found_in_the_journal() {
    let t = archive_with_records();
    let pdf = t.path().join(REC).join("snapshot.pdf");
    let copy = tempfile::tempdir().unwrap();
    let copied = copy.path().join("kopia.pdf");
    fs::copy(&pdf, &copied).unwrap();
    let r = registry::verify(
        &copied,
        &VerifyOptions {
            jobs: 1,
            archive: Some(t.path().to_path_buf()),
            ..VerifyOptions::default()
        },
    )
    .unwrap();
    assert!(r.is_ok(), "{:?}", r.problems);
    assert!(r.record.as_deref().unwrap().starts_with(REC));
    // Walking up from a PDF inside the archive finds it too.
    let r = registry::verify(&pdf, &VerifyOptions::default()).unwrap();
    assert!(r.record.as_deref().unwrap().starts_with(REC));
    fs::write(&copied, b"%PDF-1.4 something else").unwrap();
    let r = registry::verify(
        &copied,
        &VerifyOptions {
            jobs: 1,
            archive: Some(t.path().to_path_buf()),
            ..VerifyOptions::default()
        },
    )
    .unwrap();
    assert!(!r.is_ok());
    // Not a PDF at all: cannot verify (exit 2), rather than "changed".
    let txt = copy.path().join("notes.txt");
    fs::write(&txt, b"hello").unwrap();
    let err = registry::verify(
        &txt,
        &VerifyOptions {
            jobs: 1,
            archive: Some(t.path().to_path_buf()),
            ..VerifyOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, registry::Error::UnknownTarget { .. }),
        "{err}"
    );
}

#[test]
fn single_record_directory() {
    let t = archive_with_records();
    let dir = t.path().join(REC);
    let r = registry::verify(&dir, &VerifyOptions::default()).unwrap();
    assert_eq!(r.kind, registry::TargetKind::Record);
    assert!(r.is_ok(), "{:?}", r.problems);
    assert_eq!(r.ok, 4);
    fs::write(dir.join("record.json"), b"{}").unwrap();
    let r = registry::verify(&dir, &VerifyOptions::default()).unwrap();
    assert_eq!(status_of(&r, "record.json"), Some(FileStatus::Changed));
}

#[test]
fn moved_record_directory() {
    let t = archive_with_records();
    fs::create_dir_all(t.path().join("2025-H2")).unwrap();
    fs::rename(t.path().join(REC), t.path().join("2025-H2/facebook-kommun")).unwrap();
    let r = verify(t.path());
    assert!(
        r.problems
            .iter()
            .any(|p| p.starts_with("2025-H2/facebook-kommun: record.json names itself")),
        "{:?}",
        r.problems
    );
    assert!(
        r.problems
            .iter()
            .any(|p| p.starts_with("2026-H1/facebook-kommun: sealed on journal line")),
        "{:?}",
        r.problems
    );
}
