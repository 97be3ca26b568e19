//! A delivery bag is verified deeply and read-only: each kind of tampering
//! that ordinary `bagit.py` can hide (the bag re-manifested with
//! `Bag.save(manifests=True)`) is caught and names the record, and no form
//! of `verify` changes a byte of what it checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

use fixture_server::tsa::{Mode, Pki};
use model::RecordKind;
use registry::archive::Stamped;
use registry::hashing::sha256_hex;
use registry::journal::Event;
use registry::timestamp::{check_answer, Request};
use registry::{Archive, Period, VerifyOptions, VerifyReport};

use crate::common::{sample_record, writable};

const A: &str = "2026-H1/facebook-kommun";
const B: &str = "2026-H1/instagram-bibliotek";

/// Seals a half-year record of the account its id names.
fn seal(archive: &Archive, record_id: &str) {
    let (period, account) = record_id.split_once('/').unwrap();
    let staging = archive.stage(record_id).unwrap();
    let cap = staging.capture_dir().join("01-start");
    fs::create_dir_all(&cap).unwrap();
    fs::write(cap.join("tile-001.png"), format!("png of {record_id}")).unwrap();
    fs::write(cap.join("text.json"), "[]").unwrap();
    let mut record = sample_record(record_id, Some(period), RecordKind::Halvar);
    let (register, _) = registry::load(&crate::common::fixtures().join("good.toml")).unwrap();
    record.account = register.accounts.into_iter().find(|a| a.id == account);
    assert!(record.account.is_some(), "{account} is in good.toml");
    let pdf = format!("%PDF-1.4 snapshot of {record_id}\n%%EOF\n");
    archive.seal(staging, &mut record, pdf.as_bytes()).unwrap();
}

/// Writes the delivery of 2026-H1 of `archive` to `out`, as `deliver` does.
fn deliver(archive: &Archive, out: &Path) {
    let period: Period = "2026-H1".parse().unwrap();
    let plan = registry::delivery::plan(archive, &period).unwrap();
    let payload = registry::delivery::bag_payload(
        &plan,
        b"%PDF-1.4 leveranslista\n%%EOF\n".to_vec(),
        archive,
    )
    .unwrap();
    let info = registry::delivery::bag_info(
        plan[0].record.organisation.as_ref(),
        &period,
        plan.len(),
        chrono::NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
    );
    registry::write_bag(out, &payload, &info).unwrap();
}

/// An archive with two records of 2026-H1 (two accounts) and its delivery.
fn delivered() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let archive = Archive::open(&tmp.path().join("arkiv")).unwrap();
    seal(&archive, A);
    seal(&archive, B);
    archive.assign_dnr(A, "KS 2026/1").unwrap();
    let bag = tmp.path().join("leverans");
    deliver(&archive, &bag);
    (tmp, bag)
}

fn opts() -> VerifyOptions {
    VerifyOptions {
        jobs: 2,
        ..VerifyOptions::default()
    }
}

fn bagit_py(args: &[&str], bag: &Path) -> (bool, String) {
    let out = test_support::output(Command::new("python3").args(args).arg(bag))
        .expect("python3 runs (pip install bagit)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// bagit.py's own `Bag.save(manifests=True)`: the bag's manifests made to
/// fit whatever the payload now is; then `bagit.py --validate` accepts it.
fn remanifest(bag: &Path) {
    writable(bag);
    let (ok, out) = bagit_py(
        &[
            "-c",
            "import sys, bagit; b = bagit.Bag(sys.argv[1]); b.save(manifests=True)",
        ],
        bag,
    );
    assert!(ok, "bagit.py could not re-manifest: {out}");
    let (ok, out) = bagit_py(&["-m", "bagit", "--validate"], bag);
    assert!(
        ok,
        "bagit.py --validate refuses the re-manifested bag: {out}"
    );
}

/// Verifies `bag`, which must fail, and returns everything it said.
fn caught(bag: &Path) -> (VerifyReport, String) {
    let r = registry::verify(bag, &opts()).unwrap();
    let said = format!("{:?}\n{:?}", r.problems, r.files);
    assert!(!r.is_ok(), "tampering not caught: {said}");
    (r, said)
}

#[test]
fn an_untouched_delivery_verifies_and_bagit_py_agrees() {
    let (_tmp, bag) = delivered();
    let r = registry::verify(&bag, &opts()).unwrap();
    assert!(r.is_ok(), "{:?} {:?}", r.problems, r.files);
    let (ok, out) = bagit_py(&["-m", "bagit", "--validate"], &bag);
    assert!(ok, "{out}");
    // One verdict per file although the bag has sha256 and sha512 manifests.
    let payload = walkdir::WalkDir::new(bag.join("data"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count();
    let listed = r
        .files
        .iter()
        .filter(|f| f.path.starts_with("data/"))
        .count();
    assert_eq!(listed, payload, "{:?}", r.files);
    assert_eq!(r.ok, r.files.len() as u64);
    let mut paths: Vec<&str> = r.files.iter().map(|f| f.path.as_str()).collect();
    paths.dedup();
    assert_eq!(paths.len(), r.files.len(), "a file reported twice");
}

#[test]
fn a_flipped_byte_in_a_sealed_file_is_caught_through_bagit_py() {
    let (_tmp, bag) = delivered();
    let pdf = bag.join("data").join(A).join("snapshot.pdf");
    writable(&bag);
    let mut bytes = fs::read(&pdf).unwrap();
    bytes[3] ^= 1;
    fs::write(&pdf, bytes).unwrap();
    remanifest(&bag);
    let (r, said) = caught(&bag);
    assert!(said.contains(A), "{said}");
    let label = format!("data/{A}/snapshot.pdf");
    let f = r.files.iter().find(|f| f.path == label).expect("named");
    assert_eq!(f.status, registry::FileStatus::Changed, "{said}");
    assert_eq!(r.changed, 1, "reported once: {said}");
}

#[test]
fn two_accounts_records_swapped_are_caught() {
    let (_tmp, bag) = delivered();
    writable(&bag);
    let (a, b) = (bag.join("data").join(A), bag.join("data").join(B));
    let tmp = bag.join("data/2026-H1/tmp");
    fs::rename(&a, &tmp).unwrap();
    fs::rename(&b, &a).unwrap();
    fs::rename(&tmp, &b).unwrap();
    remanifest(&bag);
    let (_, said) = caught(&bag);
    assert!(
        said.contains(&format!("{A} (data/{A}/): record.json names itself `{B}`")),
        "{said}"
    );
    assert!(
        said.contains(&format!("{B} (data/{B}/): record.json names itself `{A}`")),
        "{said}"
    );
}

#[test]
fn a_record_removed_with_its_manifest_lines_is_caught() {
    let (_tmp, bag) = delivered();
    writable(&bag);
    fs::remove_dir_all(bag.join("data").join(B)).unwrap();
    remanifest(&bag);
    let (r, said) = caught(&bag);
    assert!(
        said.contains(&format!(
            "{B}: sealed for 2026-H1 on data/journal.jsonl line"
        )),
        "{said}"
    );
    let f = r
        .files
        .iter()
        .find(|f| f.path == format!("data/{B}"))
        .expect("named");
    assert_eq!(f.status, registry::FileStatus::Missing);
}

#[test]
fn a_record_the_journal_does_not_name_is_caught() {
    let (tmp, bag) = delivered();
    // A genuine sealed record, but of another archive.
    let other = Archive::open(&tmp.path().join("annat")).unwrap();
    let c = "2026-H1/x-raddningstjansten";
    seal(&other, c);
    writable(&bag);
    let to = bag.join("data").join(c);
    fs::create_dir_all(&to).unwrap();
    for e in walkdir::WalkDir::new(other.record_dir(c))
        .into_iter()
        .flatten()
    {
        let rel = e.path().strip_prefix(other.record_dir(c)).unwrap();
        if e.file_type().is_dir() {
            fs::create_dir_all(to.join(rel)).unwrap();
        } else {
            fs::copy(e.path(), to.join(rel)).unwrap();
        }
    }
    remanifest(&bag);
    let (_, said) = caught(&bag);
    assert!(
        said.contains(&format!(
            "{c} (data/{c}/): the delivered journal has no record.sealed line"
        )),
        "{said}"
    );
}

#[test]
fn a_journal_cut_before_a_delivered_record_is_caught() {
    let (_tmp, bag) = delivered();
    writable(&bag);
    let journal = bag.join("data/journal.jsonl");
    let text = fs::read_to_string(&journal).unwrap();
    // Keep the lines before B's record.sealed.
    let cut: String = text
        .lines()
        .take_while(|l| !l.contains(&format!("\"record_id\":\"{B}\"")))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(cut.len() < text.len());
    fs::write(&journal, cut).unwrap();
    remanifest(&bag);
    let (_, said) = caught(&bag);
    assert!(
        said.contains(&format!(
            "{B} (data/{B}/): the delivered journal has no record.sealed line"
        )),
        "{said}"
    );
}

/// Every byte of every file and the folder listing under `dir`.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let meta = fs::symlink_metadata(e.path()).unwrap();
            let what = if meta.is_file() {
                sha256_hex(&fs::read(e.path()).unwrap())
            } else {
                format!(
                    "dir {:o}",
                    std::os::unix::fs::PermissionsExt::mode(&meta.permissions())
                )
            };
            (rel, what)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn no_form_of_verify_writes_into_a_delivery() {
    let (tmp, bag) = delivered();
    let before = tree(&bag);
    let data = bag.join("data");
    let targets: Vec<(PathBuf, Option<PathBuf>)> = vec![
        (bag.clone(), None),
        (data.clone(), None),
        (data.join(A), None),
        (data.join(A).join("snapshot.pdf"), None),
        (data.join(A).join("snapshot.pdf"), Some(bag.clone())),
        (data.join("leveranslista.pdf"), None),
        (data.join("forteckning.csv"), None),
    ];
    for (path, archive) in &targets {
        let r = registry::verify(
            path,
            &VerifyOptions {
                archive: archive.clone(),
                ..opts()
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            tree(&bag),
            before,
            "verify {} changed the delivery",
            path.display()
        );
        assert!(
            r.is_ok(),
            "{}: {:?} {:?}",
            path.display(),
            r.problems,
            r.files
        );
    }
    let (ok, out) = bagit_py(&["-m", "bagit", "--validate"], &bag);
    assert!(ok, "{out}");
    // The bag's data/ names what it holds; the live archive alone gets verify.run.
    let r = registry::verify(&data, &opts()).unwrap();
    assert_eq!(r.kind, registry::TargetKind::Delivery);
    let archive = tmp.path().join("arkiv");
    registry::verify(&archive, &opts()).unwrap();
    let journal = fs::read_to_string(archive.join("journal.jsonl")).unwrap();
    assert!(journal.lines().last().unwrap().contains("\"verify.run\""));
    assert!(registry::journal::check_chain(journal.as_bytes())
        .problems
        .is_empty());
}

#[test]
fn the_delivery_documents_verify_as_part_of_their_delivery() {
    let (_tmp, bag) = delivered();
    let list = bag.join("data/leveranslista.pdf");
    let r = registry::verify(&list, &opts()).unwrap();
    assert!(r.is_ok(), "{:?}", r.problems);
    assert_eq!(r.kind, registry::TargetKind::Document);
    assert!(
        r.record.as_deref().unwrap().contains("delivery list"),
        "{:?}",
        r.record
    );
    // A PDF of the bag found with --archive BAG: the journal is in data/.
    let pdf = bag.join("data").join(A).join("snapshot.pdf");
    let r = registry::verify(
        &pdf,
        &VerifyOptions {
            archive: Some(bag.clone()),
            ..opts()
        },
    )
    .unwrap();
    assert!(r.is_ok(), "{:?}", r.problems);
    assert!(
        r.record.as_deref().unwrap().starts_with(A),
        "{:?}",
        r.record
    );
    // An altered list or CSV, even re-manifested, is not taken.
    writable(&bag);
    let csv = bag.join("data/forteckning.csv");
    let text = fs::read_to_string(&csv).unwrap();
    fs::write(
        &csv,
        text.replace(
            &format!("data/{B}/snapshot.pdf"),
            "data/2026-H1/ingen/snapshot.pdf",
        ),
    )
    .unwrap();
    let r = registry::verify(&csv, &opts()).unwrap();
    assert!(!r.is_ok(), "an altered forteckning.csv verified");
    remanifest(&bag);
    let (_, said) = caught(&csv);
    assert!(
        said.contains("forteckning.csv row 3: lists data/2026-H1/ingen/snapshot.pdf"),
        "{said}"
    );
    assert!(
        said.contains(&format!("does not list data/{B}/snapshot.pdf")),
        "{said}"
    );
}

/// One throwaway CA and TSA for this module.
fn pki() -> Arc<Pki> {
    static PKI: OnceLock<(tempfile::TempDir, Arc<Pki>)> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let pki = Pki::create(&dir.path().join("pki")).expect("openssl makes a CA and a TSA");
        (dir, Arc::new(pki))
    })
    .1
    .clone()
}

/// Stamps the journal's head as `stamp` does: the token beside the journal,
/// then `timestamp.added`.
fn stamp_head(archive: &Archive) {
    let entries = archive.journal().unwrap();
    let head = entries.last().unwrap();
    let mut digest = [0u8; 32];
    for (i, b) in digest.iter_mut().enumerate() {
        *b = u8::from_str_radix(&head.hash[2 * i..2 * i + 2], 16).unwrap();
    }
    let req = Request::new(digest).unwrap();
    let der = pki().reply(&req.der, Mode::Honest).unwrap();
    let granted = check_answer(&der, &req).unwrap();
    let file = archive
        .store_token(&Stamped::Journal(head.seq), "test-tsa.tsr", &granted.der)
        .unwrap();
    archive
        .append(&Event::TimestampAdded {
            record_id: None,
            journal_seq: Some(head.seq),
            tsa_url: "http://127.0.0.1/test".into(),
            tsa: granted.tsa,
            time: granted.time.to_rfc3339(),
            file,
            token_sha256: sha256_hex(&granted.der),
        })
        .unwrap();
}

#[test]
fn a_record_resealed_with_its_journal_recomputed_is_caught_by_the_journal_head_token() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = Archive::open(&tmp.path().join("arkiv")).unwrap();
    seal(&archive, A);
    seal(&archive, B);
    stamp_head(&archive);
    let bag = tmp.path().join("leverans");
    deliver(&archive, &bag);
    let with_ca = VerifyOptions {
        tsa_ca: Some(pki().ca_pem.clone()),
        ..opts()
    };
    let r = registry::verify(&bag, &with_ca).unwrap();
    assert!(r.is_ok(), "{:?}", r.problems);
    assert_eq!(
        r.timestamps.len(),
        1,
        "the journal-head token travels with the delivery"
    );

    // A's snapshot changed, its manifest rewritten, its record.sealed line
    // rewritten and every line after it chained again; bag re-manifested.
    writable(&bag);
    let dir = bag.join("data").join(A);
    let old_pdf = sha256_hex(&fs::read(dir.join("snapshot.pdf")).unwrap());
    fs::write(dir.join("snapshot.pdf"), "%PDF-1.4 forged\n%%EOF\n").unwrap();
    let new_pdf = sha256_hex(&fs::read(dir.join("snapshot.pdf")).unwrap());
    let old_manifest = sha256_hex(&fs::read(dir.join("manifest-sha256.txt")).unwrap());
    let manifest = fs::read_to_string(dir.join("manifest-sha256.txt"))
        .unwrap()
        .replace(&old_pdf, &new_pdf);
    fs::write(dir.join("manifest-sha256.txt"), &manifest).unwrap();
    let new_manifest = sha256_hex(manifest.as_bytes());
    let journal = bag.join("data/journal.jsonl");
    let mut prev = registry::journal::GENESIS.to_string();
    let mut out = String::new();
    for line in fs::read_to_string(&journal).unwrap().lines() {
        let mut line = line
            .replace(&old_pdf, &new_pdf)
            .replace(&old_manifest, &new_manifest);
        let at = line.rfind("\"prev\":\"").unwrap() + 8;
        line.replace_range(at..at + 64, &prev);
        prev = sha256_hex(line.as_bytes());
        out.push_str(&line);
        out.push('\n');
    }
    fs::write(&journal, out).unwrap();
    let csv = bag.join("data/forteckning.csv");
    let text = fs::read_to_string(&csv)
        .unwrap()
        .replace(&old_pdf, &new_pdf);
    fs::write(&csv, text).unwrap();
    remanifest(&bag);
    // The journal chains again and every record matches its line: only
    // the token over the journal's head still knows the line it signed.
    let r = registry::verify(&bag, &with_ca).unwrap();
    let said = format!("{:?}", r.problems);
    assert!(!r.is_ok(), "a recomputed journal passed");
    assert!(
        said.contains("data/timestamps/journal/")
            && said.contains("is not the journal the authority stamped"),
        "{said}"
    );
    assert!(!said.contains("chain breaks"), "{said}");
}

#[test]
fn a_delivery_emptied_of_its_records_and_its_list_is_caught() {
    let (_tmp, bag) = delivered();
    writable(&bag);
    // Every record and forteckning.csv removed, bag-info.txt made to name
    // another half-year, the bag re-manifested: bagit.py accepts it.
    fs::remove_dir_all(bag.join("data/2026-H1")).unwrap();
    fs::remove_file(bag.join("data/forteckning.csv")).unwrap();
    let info = fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    assert!(info.contains("ogonblick-2026-H1"), "{info}");
    fs::write(
        bag.join("bag-info.txt"),
        info.replace("ogonblick-2026-H1", "ogonblick-2025-H2"),
    )
    .unwrap();
    remanifest(&bag);
    let (_, said) = caught(&bag);
    assert!(said.contains("the delivery holds no record"), "{said}");
    assert!(said.contains("data/forteckning.csv: missing"), "{said}");
}

#[test]
fn a_delivery_without_its_forteckning_is_caught() {
    let (_tmp, bag) = delivered();
    writable(&bag);
    fs::remove_file(bag.join("data/forteckning.csv")).unwrap();
    remanifest(&bag);
    let (_, said) = caught(&bag);
    assert!(said.contains("data/forteckning.csv: missing"), "{said}");
    let r = registry::verify(&bag.join("data"), &opts()).unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| p.starts_with("forteckning.csv: missing")),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_pdf_named_by_an_edited_journal_line_is_not_taken() {
    let (tmp, bag) = delivered();
    writable(&bag);
    let forged = tmp.path().join("forged.pdf");
    fs::write(&forged, "%PDF-1.4 forged\n%%EOF\n").unwrap();
    let real = sha256_hex(&fs::read(bag.join("data").join(A).join("snapshot.pdf")).unwrap());
    let journal = bag.join("data/journal.jsonl");
    let text = fs::read_to_string(&journal).unwrap();
    assert!(text.contains(&real));
    fs::write(
        &journal,
        text.replace(&real, &sha256_hex(&fs::read(&forged).unwrap())),
    )
    .unwrap();
    let r = registry::verify(
        &forged,
        &VerifyOptions {
            archive: Some(bag.clone()),
            ..opts()
        },
    )
    .unwrap();
    assert!(
        !r.is_ok(),
        "a PDF found only through an edited line verified: {:?}",
        r.warnings
    );
    assert!(
        r.problems.iter().any(|p| p.contains("chain breaks")),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_delivery_document_says_what_vouches_for_it() {
    let (_tmp, bag) = delivered();
    let manifest = sha256_hex(&fs::read(bag.join("manifest-sha256.txt")).unwrap());
    let r = registry::verify(&bag, &opts()).unwrap();
    assert_eq!(r.bag_manifest_sha256.as_deref(), Some(manifest.as_str()));
    let list = registry::verify(&bag.join("data/leveranslista.pdf"), &opts()).unwrap();
    assert!(list.is_ok(), "{:?}", list.problems);
    assert_eq!((list.ok, list.files.len()), (1, 1), "{:?}", list.files);
    assert!(
        list.warnings.iter().any(|w| w.contains("manifest only")
            && w.contains(&manifest)
            && w.contains("delivery.created")),
        "{:?}",
        list.warnings
    );
}

#[test]
fn a_record_folder_with_its_manifest_refitted_is_caught_by_the_journal_beside_it() {
    let (tmp, bag) = delivered();
    writable(&bag);
    let archive = tmp.path().join("arkiv");
    writable(&archive);
    // Nothing but sha256sum is needed to refit a record's manifest.
    for dir in [bag.join("data").join(A), archive.join(A)] {
        let pdf = dir.join("snapshot.pdf");
        let old = sha256_hex(&fs::read(&pdf).unwrap());
        fs::write(&pdf, "%PDF-1.4 forged\n%%EOF\n").unwrap();
        let new = sha256_hex(&fs::read(&pdf).unwrap());
        let manifest = dir.join("manifest-sha256.txt");
        let text = fs::read_to_string(&manifest).unwrap();
        fs::write(&manifest, text.replace(&old, &new)).unwrap();
        let r = registry::verify(&dir, &opts()).unwrap();
        assert_eq!(r.kind, registry::TargetKind::Record);
        assert!(
            !r.is_ok(),
            "{}: a record whose manifest was refitted verified",
            dir.display()
        );
        assert!(
            r.problems
                .iter()
                .any(|p| p.contains("snapshot.pdf SHA-256")
                    && p.contains("differs from the journal's")),
            "{}: {:?}",
            dir.display(),
            r.problems
        );
    }
}
