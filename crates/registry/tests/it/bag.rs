//! BagIt: the LoC conformance suite, and bags we write read by bagit.py.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use registry::{BagInfo, FileStatus, PayloadItem, PayloadSource, TargetKind, VerifyOptions};

use crate::common::suite;

fn bags(folder: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for version in fs::read_dir(suite()).unwrap().flatten() {
        let dir = version.path().join(folder);
        if let Ok(entries) = fs::read_dir(&dir) {
            out.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
        }
    }
    out.sort();
    out
}

fn check(bag: &Path) -> registry::VerifyReport {
    let r = registry::verify(
        bag,
        &VerifyOptions {
            jobs: 2,
            archive: None,
            ..VerifyOptions::default()
        },
    )
    .unwrap();
    assert_eq!(r.kind, TargetKind::Bag, "{}", bag.display());
    r
}

#[test]
fn conformance_valid_bags_verify() {
    let all = bags("valid");
    assert!(all.len() >= 20, "only {} valid bags found", all.len());
    for bag in all {
        let r = check(&bag);
        assert!(
            r.is_ok(),
            "{} should be valid: {:?} {:?}",
            bag.display(),
            r.problems,
            r.files
                .iter()
                .filter(|f| f.status != FileStatus::Ok)
                .collect::<Vec<_>>()
        );
        assert!(r.ok > 0, "{}: nothing was checked", bag.display());
    }
}

#[test]
fn conformance_invalid_bags_fail() {
    let mut all = bags("invalid");
    all.extend(bags("linux-only"));
    // Windows paths (drive letters, UNC, %VAR%, backslashes) are refused as
    // unsafe on every platform: an archive bag must be portable.
    all.extend(bags("windows-only"));
    assert!(all.len() >= 20, "only {} invalid bags found", all.len());
    for bag in all {
        let r = check(&bag);
        assert!(!r.is_ok(), "{} should be invalid", bag.display());
    }
}

#[test]
fn conformance_warning_bags_verify_with_a_warning() {
    let all = bags("warning");
    assert!(all.len() >= 6, "only {} warning bags found", all.len());
    for bag in all {
        let r = check(&bag);
        assert!(
            r.is_ok(),
            "{} should be valid: {:?}",
            bag.display(),
            r.problems
        );
        assert!(!r.warnings.is_empty(), "{} should warn", bag.display());
    }
}

#[test]
fn out_of_scope_paths_are_named() {
    let r = check(&suite().join("v0.97/invalid/out-of-scope-file-paths-using-dot-notation"));
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("../../../README.md") && p.contains("refused")),
        "{:?}",
        r.problems
    );
}

fn info() -> BagInfo {
    BagInfo {
        source_organization: "Gislaveds kommun".into(),
        source_organization_identifier: Some("212000-9994".into()),
        contact_name: "Informationsfunktionen".into(),
        contact_email: Some("info@example.se".into()),
        external_identifier: "ogonblick-2026-H1".into(),
        external_description: "Ögonblicksbilder av kommunens sociala medier, 2026 H1".into(),
        bagging_date: NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
        bag_group_identifier: None,
        software_agent: "ogonblick 0.1.0".into(),
    }
}

fn write_sample(out: &Path) -> registry::BagSummary {
    let src = out.parent().unwrap().join("src.bin");
    fs::write(&src, vec![7u8; 100_000]).unwrap();
    let payload = vec![
        PayloadItem {
            source: PayloadSource::File(src),
            dest: "2026-H1/facebook-kommun/snapshot.pdf".into(),
        },
        PayloadItem {
            source: PayloadSource::Bytes("datum;sha256\r\nåäö\r\n".into()),
            dest: "forteckning.csv".into(),
        },
        PayloadItem {
            source: PayloadSource::Bytes(b"a name".to_vec()),
            dest: "udda namn & mellanslag åäö.txt".into(),
        },
    ];
    registry::write_bag(out, &payload, &info()).unwrap()
}

fn bagit_py(dir: &Path) -> std::process::Output {
    let probe = test_support::output(Command::new("python3").args(["-c", "import bagit"]));
    assert!(
        probe.map(|o| o.status.success()).unwrap_or(false),
        "python module `bagit` missing: pip install bagit (Debian: python3-bagit)"
    );
    test_support::output(
        Command::new("python3")
            .args(["-m", "bagit", "--validate"])
            .arg(dir),
    )
    .unwrap()
}

#[test]
fn our_bags_pass_bagit_py_and_our_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("leverans");
    let summary = write_sample(&out);
    assert_eq!(
        summary.payload_oxum,
        format!("{}.3", 100_000 + "datum;sha256\r\nåäö\r\n".len() + 6)
    );
    let o = bagit_py(&out);
    assert!(
        o.status.success(),
        "bagit.py rejects our bag: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let info = fs::read_to_string(out.join("bag-info.txt")).unwrap();
    for k in [
        "Source-Organization: Gislaveds kommun",
        "Source-Organization-Identifier: 212000-9994",
        "Contact-Name:",
        "Contact-Email:",
        "External-Identifier:",
        "Bagging-Date: 2026-07-02",
        "Payload-Oxum:",
        "Bag-Software-Agent: ogonblick",
        "External-Description: Ögonblicksbilder",
    ] {
        assert!(info.contains(k), "{k} missing in {info}");
    }
    let r = check(&out);
    assert!(
        r.is_ok() && r.warnings.is_empty(),
        "{:?} {:?}",
        r.problems,
        r.warnings
    );
    assert_eq!(r.algorithms, ["sha256", "sha512"]);
    // Tampering with the bag is caught by both.
    let p = out.join("data/forteckning.csv");
    fs::write(&p, "datum;sha256\r\nåäo\r\n").unwrap();
    assert!(!bagit_py(&out).status.success());
    let r = check(&out);
    // One changed file, though both the sha256 and the sha512 manifest list it.
    assert_eq!(r.changed, 1, "{:?}", r.files);
}

#[test]
fn a_failed_delivery_leaves_no_bag() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("leverans");
    let payload = vec![
        PayloadItem {
            source: PayloadSource::Bytes(b"ok".to_vec()),
            dest: "a.txt".into(),
        },
        PayloadItem {
            source: PayloadSource::File(tmp.path().join("does-not-exist")),
            dest: "b.txt".into(),
        },
    ];
    assert!(registry::write_bag(&out, &payload, &info()).is_err());
    assert!(!out.exists());
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "partial bag left behind"
    );
    // Never over an existing directory, never outside data/.
    fs::create_dir(&out).unwrap();
    assert!(registry::write_bag(&out, &payload[..1], &info()).is_err());
    for evil in ["../x", "/abs", "a/./b", "50%.txt", "a\nb", "a\\b", ""] {
        let item = vec![PayloadItem {
            source: PayloadSource::Bytes(vec![]),
            dest: evil.into(),
        }];
        assert!(
            registry::write_bag(&tmp.path().join("other"), &item, &info()).is_err(),
            "{evil:?}"
        );
    }
}

#[test]
fn symlinks_in_a_bag_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bag");
    write_sample(&out);
    std::os::unix::fs::symlink("/etc/passwd", out.join("data/passwd")).unwrap();
    let r = check(&out);
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("data/passwd") && p.contains("symbolic link")),
        "{:?}",
        r.problems
    );
}

#[test]
fn random_tag_files_never_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let bag = tmp.path().join("bag");
    fs::create_dir_all(bag.join("data")).unwrap();
    fs::write(bag.join("data/a.txt"), b"a").unwrap();
    let mut s: u64 = 0xDEAD_BEEF_1234_5678;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let alphabet = b"0123456789abcdef  \t\r\n*./%~\\data/a.txt:BagIt-Version Tag-File-Character-Encoding UTF-8 1.0 Payload-Oxum";
    let mut noise = |n: u64| -> Vec<u8> {
        (0..(next() % n))
            .map(|_| {
                let r = next();
                if r % 5 == 0 {
                    r as u8
                } else {
                    alphabet[(r >> 8) as usize % alphabet.len()]
                }
            })
            .collect()
    };
    for i in 0..300 {
        let bagit = if i % 2 == 0 {
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec()
        } else {
            noise(80)
        };
        fs::write(bag.join("bagit.txt"), bagit).unwrap();
        fs::write(bag.join("bag-info.txt"), noise(120)).unwrap();
        fs::write(bag.join("manifest-sha256.txt"), noise(200)).unwrap();
        fs::write(bag.join("fetch.txt"), noise(100)).unwrap();
        let r = registry::verify(
            &bag,
            &VerifyOptions {
                jobs: 1,
                archive: None,
                ..VerifyOptions::default()
            },
        )
        .unwrap();
        assert!(!r.is_ok() || r.ok > 0);
    }
}
