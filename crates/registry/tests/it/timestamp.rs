//! RFC 3161 answers made by OpenSSL's own TSA (`openssl ts -reply`): granted
//! ones are taken, wrong nonces, wrong imprints and rejections are refused,
//! and stored tokens verify only over their own data, unaltered, and only
//! against the CA that issued the TSA's certificate.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use fixture_server::tsa::{Mode, Pki};
use registry::timestamp::{check_answer, verify_token, Anchors, Request};

/// One throwaway CA and TSA for the whole test binary.
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

fn digest(s: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes()).into()
}

fn answer(mode: Mode, over: &str) -> (Request, Vec<u8>) {
    let req = Request::new(digest(over)).expect("request");
    let der = pki().reply(&req.der, mode).expect("openssl ts -reply");
    (req, der)
}

#[test]
fn a_granted_answer_is_taken_and_verifies_against_its_ca() {
    let (req, der) = answer(Mode::Honest, "manifest");
    let granted = check_answer(&der, &req).expect("granted");
    assert!(
        granted.tsa.contains("ogonblick test TSA"),
        "{}",
        granted.tsa
    );
    let age = chrono::Utc::now() - granted.time;
    assert!(age.num_seconds().abs() < 120, "token time {}", granted.time);
    let anchors = Anchors::from_pem_file(&pki().ca_pem).unwrap();
    let (time, tsa, problems) = verify_token(&der, &digest("manifest"), &anchors, None);
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(time, Some(granted.time));
    assert_eq!(tsa, Some(granted.tsa));
}

#[test]
fn strict_parsing_refuses_wrong_nonce_wrong_imprint_and_rejection() {
    let check = |mode: Mode, want: &str| {
        let (req, der) = answer(mode, "manifest");
        let err = check_answer(&der, &req).expect_err("refused").to_string();
        assert!(err.contains(want), "{mode:?}: {err}");
    };
    check(Mode::WrongNonce, "nonce");
    check(Mode::WrongImprint, "imprint");
    check(Mode::Reject, "not granted");
    // Not DER at all.
    let req = Request::new(digest("x")).unwrap();
    let err = check_answer(b"<html>busy</html>", &req)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a DER TimeStampResp"), "{err}");
}

#[test]
fn a_stored_token_fails_over_other_data_altered_or_under_another_ca() {
    let (_, der) = answer(Mode::Honest, "manifest");
    let anchors = Anchors::from_pem_file(&pki().ca_pem).unwrap();
    let (_, _, problems) = verify_token(&der, &digest("other"), &anchors, None);
    assert!(
        problems.iter().any(|p| p.contains("over other data")),
        "{problems:?}"
    );

    // Every single flipped byte in the signed part is caught (or the DER breaks).
    let mut caught = 0;
    let positions: Vec<usize> = (0..der.len()).step_by(7).collect();
    for &i in &positions {
        let mut bad = der.clone();
        bad[i] ^= 0x01;
        let (_, _, problems) = verify_token(&bad, &digest("manifest"), &anchors, None);
        if !problems.is_empty() {
            caught += 1;
        }
    }
    // The unsigned parts (status text, the certificate set's outer tags) may
    // survive a flip only where the flip does not change a verified value.
    assert!(
        caught * 10 >= positions.len() * 9,
        "{caught} of {}",
        positions.len()
    );

    // A flip inside the TSTInfo's genTime: the message digest no longer matches.
    let at = der
        .windows(2)
        .position(|w| w == [0x18, 0x0f])
        .expect("GeneralizedTime")
        + 5;
    let mut bad = der.clone();
    bad[at] ^= 0x01;
    let (_, _, problems) = verify_token(&bad, &digest("manifest"), &anchors, None);
    assert!(
        problems.iter().any(|p| p.contains("altered")),
        "{problems:?}"
    );

    // Another CA is no anchor for it.
    let other = tempfile::tempdir().unwrap();
    let stranger = Pki::create(other.path()).unwrap();
    let wrong = Anchors::from_pem_file(&stranger.ca_pem).unwrap();
    let (_, _, problems) = verify_token(&der, &digest("manifest"), &wrong, None);
    assert!(
        problems.iter().any(|p| p.contains("does not chain")),
        "{problems:?}"
    );

    // A token from before the capture started.
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let (_, _, problems) = verify_token(&der, &digest("manifest"), &anchors, Some(later));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("earlier than the capture start")),
        "{problems:?}"
    );
}

#[test]
fn openssl_accepts_what_we_accept() {
    let (_, der) = answer(Mode::Honest, "manifest");
    let dir = tempfile::tempdir().unwrap();
    let (data, tsr) = (dir.path().join("data"), dir.path().join("t.tsr"));
    std::fs::write(&data, "manifest").unwrap();
    std::fs::write(&tsr, &der).unwrap();
    let ok = openssl_verify(&data, &tsr);
    assert!(ok, "openssl ts -verify refused our token");
    std::fs::write(&data, "other").unwrap();
    assert!(
        !openssl_verify(&data, &tsr),
        "openssl ts -verify accepted other data"
    );
}

fn openssl_verify(data: &Path, tsr: &Path) -> bool {
    test_support::output(
        std::process::Command::new("openssl")
            .args(["ts", "-verify", "-data"])
            .arg(data)
            .arg("-in")
            .arg(tsr)
            .arg("-CAfile")
            .arg(&pki().ca_pem),
    )
    .expect("openssl")
    .status
    .success()
}

/// A record's events are appended by the seal alone, in one order:
/// `record.sealed`, each TSA's answer as asked, then `changes.found` from the
/// comparison the seal is handed; the token is stored in the record and the
/// TSA without one is a warning.
#[test]
fn a_seal_journals_the_record_its_tokens_and_its_changes_in_order() {
    use registry::timestamp::Answer;
    let dir = tempfile::tempdir().unwrap();
    let archive = registry::Archive::open(&dir.path().join("arkiv")).unwrap();
    let id = "2026-H1/facebook-kommun";
    let staging = archive.stage(id).unwrap();
    std::fs::write(staging.capture_dir().join("page.txt"), "captured").unwrap();
    let changes = model::Changes {
        previous: Some("2025-H2/facebook-kommun".into()),
        new_posts: 2,
        ..model::Changes::default()
    };
    // Handed over in memory: the seal journals the comparison it is given,
    // never a `changes.json` read back from the staging directory (none here).
    let mut record = crate::common::sample_record(id, Some("2026-H1"), model::RecordKind::Halvar);
    let ask = |d: &[u8; 32]| {
        let req = Request::new(*d).unwrap();
        let der = pki().reply(&req.der, Mode::Honest).unwrap();
        let granted = check_answer(&der, &req).unwrap();
        vec![
            Answer::Token {
                url: "http://127.0.0.1:1/tsa".into(),
                file: "tsa.tsr".into(),
                der,
                time: granted.time,
                tsa: granted.tsa,
            },
            Answer::Missing {
                url: "http://127.0.0.1:2/tsa".into(),
                reason: "no answer".into(),
            },
        ]
    };
    let sealed = archive
        .seal_stamped(staging, &mut record, b"%PDF-1.4 x", Some(&changes), &ask)
        .unwrap();
    let events: Vec<String> = archive
        .journal()
        .unwrap()
        .iter()
        .map(|e| e.event.clone())
        .collect();
    assert_eq!(
        events,
        [
            "record.sealed",
            "timestamp.added",
            "timestamp.missing",
            "changes.found"
        ]
    );
    let entries = archive.journal().unwrap();
    assert_eq!(
        entries[1].field("file"),
        Some("2026-H1/facebook-kommun/timestamps/tsa.tsr")
    );
    assert!(sealed.dir.join("timestamps/tsa.tsr").is_file());
    assert_eq!(entries[3].fields["new_posts"], 2);
    assert_eq!(sealed.unstamped.len(), 1, "{:?}", sealed.unstamped);
    assert!(sealed.unstamped[0].contains("http://127.0.0.1:2/tsa"));
}
