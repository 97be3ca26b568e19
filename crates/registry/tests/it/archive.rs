//! The archive: sealing, write-once, the lock, sha256sum compatibility, recovery after kills.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use model::RecordKind;
use registry::{Archive, Error, Period};

use crate::common::{sample_record, seal_sample, tool, writable};

#[test]
fn seal_writes_a_complete_read_only_record_and_journals_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("arkiv");
    let archive = Archive::open(&root).unwrap();
    assert!(archive.recovery_warnings().is_empty());
    let sealed = seal_sample(&archive, "2026-H1/facebook-kommun");
    let dir = root.join("2026-H1/facebook-kommun");
    assert_eq!(sealed.dir, dir);
    for f in [
        "snapshot.pdf",
        "record.json",
        "manifest-sha256.txt",
        "capture/01-start/tile-001.png",
        "capture/01-start/text.json",
    ] {
        let meta = fs::metadata(dir.join(f)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o222, 0, "{f} is writable");
    }
    assert_eq!(
        fs::metadata(&dir).unwrap().permissions().mode() & 0o222,
        0,
        "record dir is writable"
    );
    let manifest = fs::read_to_string(dir.join("manifest-sha256.txt")).unwrap();
    let paths: Vec<&str> = manifest
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .collect();
    assert_eq!(
        paths,
        [
            "capture/01-start/text.json",
            "capture/01-start/tile-001.png",
            "record.json",
            "snapshot.pdf"
        ]
    );
    let rec: model::Record =
        serde_json::from_slice(&fs::read(dir.join("record.json")).unwrap()).unwrap();
    assert_eq!(rec.files.len(), 2);
    assert_eq!(
        rec.files["capture/01-start/text.json"],
        registry::hashing::sha256_hex(b"[]")
    );
    let journal = archive.journal().unwrap();
    assert_eq!(journal.len(), 1);
    let e = &journal[0];
    assert_eq!((e.seq, e.event.as_str()), (1, "record.sealed"));
    assert_eq!(e.field("record_id"), Some("2026-H1/facebook-kommun"));
    assert_eq!(e.field("account"), Some("facebook-kommun"));
    assert_eq!(e.field("period"), Some("2026-H1"));
    assert_eq!(e.field("kind"), Some("halvar"));
    assert_eq!(
        e.field("snapshot_sha256"),
        Some(sealed.snapshot_sha256.as_str())
    );
    assert_eq!(
        e.field("manifest_sha256"),
        Some(registry::hashing::sha256_hex(manifest.as_bytes()).as_str())
    );
    assert_eq!(e.prev, "0".repeat(64));
    assert!(archive.is_sealed("2026-H1/facebook-kommun"));
    assert_eq!(archive.records().unwrap().len(), 1);
    assert!(
        fs::read_dir(root.join(".staging"))
            .unwrap()
            .next()
            .is_none(),
        "staging not empty"
    );
}

#[test]
fn records_are_write_once() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = Archive::open(tmp.path()).unwrap();
    let first = seal_sample(&archive, "2026-H1/facebook-kommun");
    assert!(matches!(
        archive.stage("2026-H1/facebook-kommun"),
        Err(Error::AlreadySealed(_))
    ));
    // A second staging started before the first was sealed must not replace it.
    let tmp2 = tempfile::tempdir().unwrap();
    let archive2 = Archive::open(tmp2.path()).unwrap();
    let a = archive2.stage("2026-H2/facebook-kommun").unwrap();
    let b = archive2.stage("2026-H2/facebook-kommun").unwrap();
    let mut r = sample_record(
        "2026-H2/facebook-kommun",
        Some("2026-H2"),
        RecordKind::Halvar,
    );
    archive2.seal(a, &mut r, b"%PDF-1 first").unwrap();
    let err = archive2.seal(b, &mut r, b"%PDF-1 second").unwrap_err();
    assert!(matches!(err, Error::AlreadySealed(_)), "{err}");
    let pdf = fs::read(tmp2.path().join("2026-H2/facebook-kommun/snapshot.pdf")).unwrap();
    assert_eq!(pdf, b"%PDF-1 first");
    assert_eq!(first.journal_seq, 1);
    for bad in ["../escape", "2026-H1/../../x", "2026-H1/Facebook", "/abs/x"] {
        assert!(
            matches!(archive.stage(bad), Err(Error::BadRecordId(_))),
            "{bad}"
        );
    }
}

#[test]
fn second_open_is_refused_while_locked() {
    let tmp = tempfile::tempdir().unwrap();
    let _first = Archive::open(tmp.path()).unwrap();
    match Archive::open(tmp.path()) {
        Err(Error::Locked { .. }) => {}
        other => panic!("expected Locked, got {other:?}"),
    }
}

#[test]
fn sha256sum_verifies_every_record_without_ogonblick() {
    tool("sha256sum", "coreutils");
    let tmp = tempfile::tempdir().unwrap();
    let archive = Archive::open(tmp.path()).unwrap();
    seal_sample(&archive, "2026-H1/facebook-kommun");
    seal_sample(&archive, "2026-H1/instagram-bibliotek");
    for (id, dir) in archive.record_dirs().unwrap() {
        let out = test_support::output(
            Command::new("sha256sum")
                .args(["-c", "--strict", "manifest-sha256.txt"])
                .current_dir(&dir),
        )
        .unwrap();
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).matches(": OK").count(),
            4,
            "{id}"
        );
    }
    // And it catches a change.
    let dir = tmp.path().join("2026-H1/facebook-kommun");
    writable(&dir);
    fs::write(dir.join("snapshot.pdf"), b"changed").unwrap();
    let out = test_support::output(
        Command::new("sha256sum")
            .args(["-c", "manifest-sha256.txt"])
            .current_dir(&dir),
    )
    .unwrap();
    assert!(!out.status.success());
}

#[test]
fn dnr_failures_and_events_go_to_the_journal() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = Archive::open(tmp.path()).unwrap();
    seal_sample(&archive, "2026-H1/facebook-kommun");
    assert_eq!(
        archive.diarienummer("2026-H1/facebook-kommun").unwrap(),
        None
    );
    archive
        .assign_dnr("2026-H1/facebook-kommun", "KS 2026/12")
        .unwrap();
    archive
        .assign_dnr("2026-H1/facebook-kommun", "KS 2026/123")
        .unwrap();
    assert_eq!(
        archive
            .diarienummer("2026-H1/facebook-kommun")
            .unwrap()
            .as_deref(),
        Some("KS 2026/123")
    );
    assert!(matches!(
        archive.assign_dnr("2026-H1/nope", "KS 1"),
        Err(Error::NoSuchRecord(_))
    ));
    archive
        .fail(
            "2026-H1/x-raddningstjansten",
            "x-raddningstjansten",
            Some("2026-H1"),
            "login wall",
        )
        .unwrap();
    archive
        .append(&registry::journal::Event::AccountClosed {
            account: "x-raddningstjansten".into(),
            final_record: "evidence/20260701T000000Z-x-raddningstjansten".into(),
            snapshot_sha256: "0".repeat(64),
        })
        .unwrap();
    let j = archive.journal().unwrap();
    let events: Vec<&str> = j.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "record.sealed",
            "dnr.assigned",
            "dnr.assigned",
            "record.failed",
            "account.closed"
        ]
    );
    assert_eq!(j.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    for w in j.windows(2) {
        assert_eq!(w[1].prev, w[0].hash);
    }
    // The chain survives reopening.
    drop(archive);
    let archive = Archive::open(tmp.path()).unwrap();
    let e = archive
        .assign_dnr("2026-H1/facebook-kommun", "KS 2026/124")
        .unwrap();
    assert_eq!(e.seq, 6);
    let report = registry::verify(tmp.path(), &registry::VerifyOptions::default()).unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn recovery_removes_leftover_staging() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let archive = Archive::open(tmp.path()).unwrap();
        let s = archive.stage("2026-H1/facebook-kommun").unwrap();
        fs::write(s.capture_dir().join("half-written.png"), b"...").unwrap();
        // Simulated kill: the read-only sub-directory a half-finished seal leaves.
        fs::create_dir(s.dir().join("ro")).unwrap();
        fs::set_permissions(s.dir().join("ro"), fs::Permissions::from_mode(0o555)).unwrap();
        std::mem::forget(s);
    }
    let archive = Archive::open(tmp.path()).unwrap();
    assert_eq!(
        archive.recovery_warnings().len(),
        1,
        "{:?}",
        archive.recovery_warnings()
    );
    assert!(archive.recovery_warnings()[0].contains("staging"));
    assert!(fs::read_dir(tmp.path().join(".staging"))
        .unwrap()
        .next()
        .is_none());
    seal_sample(&archive, "2026-H1/facebook-kommun");
}

#[test]
fn recovery_truncates_a_torn_journal_line() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let archive = Archive::open(tmp.path()).unwrap();
        seal_sample(&archive, "2026-H1/facebook-kommun");
    }
    let j = tmp.path().join("journal.jsonl");
    let good = fs::read(&j).unwrap();
    let mut torn = good.clone();
    torn.extend_from_slice(b"{\"seq\":2,\"at\":\"2026-07-01T08:");
    fs::write(&j, &torn).unwrap();
    let bad = registry::verify(tmp.path(), &registry::VerifyOptions::default()).unwrap();
    assert!(
        bad.problems
            .iter()
            .any(|p| p.contains("line 2") && p.contains("torn")),
        "{:?}",
        bad.problems
    );
    let archive = Archive::open(tmp.path()).unwrap();
    assert!(
        archive
            .recovery_warnings()
            .iter()
            .any(|w| w.contains("torn")),
        "{:?}",
        archive.recovery_warnings()
    );
    assert_eq!(fs::read(&j).unwrap(), good);
    let e = archive
        .assign_dnr("2026-H1/facebook-kommun", "KS 1")
        .unwrap();
    assert_eq!(e.seq, 2);
    drop(archive);
    assert!(
        registry::verify(tmp.path(), &registry::VerifyOptions::default())
            .unwrap()
            .is_ok()
    );
}

#[test]
fn recovery_journals_a_sealed_record_the_journal_lacks() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let archive = Archive::open(tmp.path()).unwrap();
        seal_sample(&archive, "2026-H1/facebook-kommun");
        seal_sample(&archive, "2026-H1/instagram-bibliotek");
    }
    // Kill between the rename and the journal append: drop the last line.
    let j = tmp.path().join("journal.jsonl");
    let text = fs::read_to_string(&j).unwrap();
    let first_line = format!("{}\n", text.lines().next().unwrap());
    fs::write(&j, &first_line).unwrap();
    let before = registry::verify(tmp.path(), &registry::VerifyOptions::default()).unwrap();
    assert!(
        before
            .problems
            .iter()
            .any(|p| p.contains("instagram-bibliotek") && p.contains("no record.sealed")),
        "{:?}",
        before.problems
    );
    // verify appended verify.run; recovery must still find the record.
    let archive = Archive::open(tmp.path()).unwrap();
    assert!(
        archive
            .recovery_warnings()
            .iter()
            .any(|w| w.contains("2026-H1/instagram-bibliotek")),
        "{:?}",
        archive.recovery_warnings()
    );
    let sealed: Vec<String> = archive
        .journal()
        .unwrap()
        .iter()
        .filter(|e| e.event == "record.sealed")
        .map(|e| e.field("record_id").unwrap().to_string())
        .collect();
    assert_eq!(
        sealed,
        ["2026-H1/facebook-kommun", "2026-H1/instagram-bibliotek"]
    );
    drop(archive);
    let after = registry::verify(tmp.path(), &registry::VerifyOptions::default()).unwrap();
    assert!(after.is_ok(), "{:?}", after.problems);
}

#[test]
fn delivery_plan_lists_the_period() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = Archive::open(tmp.path()).unwrap();
    seal_sample(&archive, "2026-H1/facebook-kommun");
    seal_sample(&archive, "2025-H2/facebook-kommun");
    archive
        .assign_dnr("2026-H1/facebook-kommun", "KS 2026/123")
        .unwrap();
    let period: Period = "2026-H1".parse().unwrap();
    let plan = registry::delivery::plan(&archive, &period).unwrap();
    assert_eq!(plan.len(), 1);
    let p = &plan[0];
    assert_eq!(
        p.description,
        "Ögonblicksbild av Facebooksidan Gislaveds kommun, 2026 H1"
    );
    assert_eq!(p.diarienummer, "KS 2026/123");
    assert_eq!(p.files.len(), 5);
    let row = p.csv_row("data/2026-H1/facebook-kommun");
    assert_eq!(row.handlingstyp, "upprättad");
    assert_eq!(row.fil, "data/2026-H1/facebook-kommun/snapshot.pdf");
    assert_eq!(row.sha256, p.snapshot_sha256);
    let csv = registry::forteckning_csv(&[row]);
    // The whole delivery: a bag bagit.py accepts, holding each record and forteckning.csv.
    let items = registry::delivery::payload_items(&plan);
    assert_eq!(items.len(), 6);
    // A delivery carries the journal beside them (and the delivery list),
    // without which `verify` cannot trace a record to its sealing.
    let items =
        registry::delivery::bag_payload(&plan, b"%PDF-1.4 list\n".to_vec(), &archive).unwrap();
    assert_eq!(items.len(), 8);
    let bag = tmp.path().join("leverans-2026-H1");
    let info = registry::BagInfo {
        source_organization: "Gislaveds kommun".into(),
        source_organization_identifier: None,
        contact_name: "Informationsfunktionen".into(),
        contact_email: None,
        external_identifier: "2026-H1".into(),
        external_description: "Ögonblicksbilder 2026 H1".into(),
        bagging_date: chrono::NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
        bag_group_identifier: None,
        software_agent: "ogonblick test".into(),
    };
    registry::write_bag(&bag, &items, &info).unwrap();
    assert!(bag
        .join("data/2026-H1/facebook-kommun/snapshot.pdf")
        .is_file());
    let r = registry::verify(&bag, &registry::VerifyOptions::default()).unwrap();
    assert!(r.is_ok(), "{:?}", r.problems);
    let inner = test_support::output(
        Command::new("sha256sum")
            .args(["-c", "manifest-sha256.txt"])
            .current_dir(bag.join("data/2026-H1/facebook-kommun")),
    )
    .unwrap();
    assert!(
        inner.status.success(),
        "record manifest inside the bag: {}",
        String::from_utf8_lossy(&inner.stdout)
    );
    assert!(csv.contains("KS 2026/123;Ögonblicksbild av Facebooksidan Gislaveds kommun, 2026 H1;upprättad;Kommunledningsförvaltningen, Kommunstyrelsen;"), "{csv}");
}

#[test]
fn raw_files_hashed_for_the_cover_page_must_not_change_before_sealing() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = Archive::open(tmp.path()).unwrap();
    let staging = archive.stage("2026-H1/facebook-kommun").unwrap();
    fs::write(staging.capture_dir().join("tile.png"), b"before").unwrap();
    let mut record = sample_record(
        "2026-H1/facebook-kommun",
        Some("2026-H1"),
        RecordKind::Halvar,
    );
    record.files = staging.raw_file_hashes().unwrap();
    assert_eq!(
        record.files.keys().collect::<Vec<_>>(),
        ["capture/tile.png"]
    );
    fs::write(staging.capture_dir().join("tile.png"), b"after").unwrap();
    let err = archive.seal(staging, &mut record, b"%PDF").unwrap_err();
    assert!(matches!(err, Error::RawFilesChanged(_)), "{err}");
    assert!(!archive.is_sealed("2026-H1/facebook-kommun"));
}

#[test]
fn standalone_record_directory_without_an_archive() {
    tool("sha256sum", "coreutils");
    let tmp = tempfile::tempdir().unwrap();
    let staging = tmp.path().join(".ut-staging");
    fs::create_dir_all(staging.join("capture/01-start")).unwrap();
    fs::write(staging.join("capture/01-start/tile-001.png"), b"png").unwrap();
    let out = tmp.path().join("ut");
    let mut record = sample_record("manuell/ut", None, RecordKind::Manuell);
    let sealed = registry::seal_standalone(&staging, &out, &mut record, b"%PDF-1.4 x").unwrap();
    assert_eq!(sealed.journal_seq, 0);
    assert!(!staging.exists());
    let r = registry::verify(&out, &registry::VerifyOptions::default()).unwrap();
    assert_eq!(r.kind, registry::TargetKind::Record);
    assert!(r.is_ok() && r.ok == 3, "{r:?}");
    let o = test_support::output(
        Command::new("sha256sum")
            .args(["-c", "manifest-sha256.txt"])
            .current_dir(&out),
    )
    .unwrap();
    assert!(o.status.success());
    // Never over an existing directory.
    fs::create_dir_all(staging.join("capture")).unwrap();
    let err = registry::seal_standalone(&staging, &out, &mut record, b"%PDF-1.4 y").unwrap_err();
    assert!(matches!(err, Error::AlreadySealed(_)), "{err}");
}
