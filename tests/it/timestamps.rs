//! RFC 3161 timestamps end to end, against OpenSSL's own TSA (`openssl ts
//! -reply` behind HTTP, a throwaway CA made once for this test binary): tokens
//! that `openssl ts -verify` and `ogonblick verify` accept, substituted and
//! altered tokens, wrong answers refused, a run with the TSA up and down, and
//! `stamp` adding what was missing without touching a sealed file.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use fixture_server::tsa::{Pki, TsaServer};

use crate::harness::{
    auto_period, bagit_validate, fixture, pdftotext, records, register, server, Env,
};

/// One CA, one TSA, for every test here.
fn tsa() -> &'static TsaServer {
    static TSA: OnceLock<(tempfile::TempDir, TsaServer)> = OnceLock::new();
    &TSA.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let pki = Pki::create(&dir.path().join("pki")).expect("openssl makes a CA and a TSA");
        let server = TsaServer::start(Arc::new(pki)).expect("start the TSA");
        (dir, server)
    })
    .1
}

fn ca() -> &'static str {
    tsa().ca_pem().to_str().expect("utf-8 path")
}

/// `openssl ts -verify` of a token over a file's bytes, or over a digest (hex).
fn openssl_verify(data: Option<&Path>, digest: Option<&str>, token: &Path) -> (bool, String) {
    let mut cmd = std::process::Command::new("openssl");
    cmd.args(["ts", "-verify"]);
    if let Some(d) = data {
        cmd.arg("-data").arg(d);
    }
    if let Some(d) = digest {
        cmd.args(["-digest", d]);
    }
    let out =
        test_support::output(cmd.arg("-in").arg(token).args(["-CAfile", ca()])).expect("openssl");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn token_name() -> String {
    let port = tsa()
        .url("")
        .split(':')
        .nth(2)
        .unwrap_or("")
        .split('/')
        .next()
        .unwrap_or("")
        .to_string();
    format!("127.0.0.1-{port}.tsr")
}

/// A writable copy of a sealed record directory.
fn writable_copy(from: &Path, to: &Path) {
    let ok = test_support::status(std::process::Command::new("cp").arg("-r").arg(from).arg(to))
        .unwrap()
        .success();
    assert!(ok);
    registry::archive::make_writable(to);
}

#[test]
fn capture_carries_a_token_openssl_and_verify_accept_and_a_swapped_or_altered_one_fails() {
    let env = Env::new();
    let url = server().url("/blogg/");
    let good = tsa().url("");
    let (nonce, imprint, reject) = (
        tsa().url("wrong-nonce"),
        tsa().url("wrong-imprint"),
        tsa().url("reject"),
    );
    let r = env.run(&[
        "capture", &url, "--out", "rec", "--tsa", &good, "--tsa", &nonce, "--tsa", &imprint,
        "--tsa", &reject,
    ]);
    // Sealed with the one good token; the three wrong answers were refused,
    // each named, and the capture needs a human.
    r.expect(1);
    for (tsa_url, why) in [
        (&nonce, "nonce"),
        (&imprint, "imprint"),
        (&reject, "not granted"),
    ] {
        assert!(
            r.stderr
                .lines()
                .any(|l| l.contains(tsa_url.as_str()) && l.contains(why)),
            "no warning naming {tsa_url} ({why}):\n{}",
            r.stderr
        );
    }
    let rec = env.path("rec");
    let names: Vec<String> = std::fs::read_dir(rec.join("timestamps"))
        .expect("timestamps/ in the record")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec![token_name()], "exactly the good TSA's token");
    let token = rec.join("timestamps").join(token_name());

    // The auditor's way, without our binary.
    let (ok, out) = openssl_verify(Some(&rec.join("manifest-sha256.txt")), None, &token);
    assert!(ok, "openssl ts -verify refuses the token:\n{out}");
    // Ours, with the TSA's CA, and the token's time and TSA shown.
    let v = env.run(&["verify", "rec", "--tsa-ca", ca(), "--require-timestamp"]);
    v.expect(0);
    assert!(
        v.stdout.contains("timestamp OK") && v.stdout.contains("ogonblick test TSA"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout.contains("captured "),
        "no capture time beside the token:\n{}",
        v.stdout
    );
    // The system's roots do not know this CA: the chain check fails.
    let v = env.run(&["verify", "rec"]);
    v.expect(1);
    assert!(v.stdout.contains("does not chain"), "{}", v.stdout);

    // The cover names the TSA asked.
    let text = pdftotext(&rec.join("snapshot.pdf"));
    assert!(
        text.contains("Tidsstämpel"),
        "no timestamp on the cover:\n{text}"
    );
    assert!(text.contains("RFC 3161"), "{text}");

    // A real token from the same TSA, but over other data, in its place.
    let swapped = env.path("swapped");
    writable_copy(&rec, &swapped);
    let req = registry::timestamp::Request::new([7u8; 32]).unwrap();
    let answer = post(&good, &req.der);
    std::fs::write(swapped.join("timestamps").join(token_name()), answer).unwrap();
    let v = env.run(&["verify", "swapped", "--tsa-ca", ca()]);
    v.expect(1);
    let named = format!("timestamps/{}", token_name());
    assert!(
        v.stdout
            .lines()
            .any(|l| l.contains(&named) && l.contains("over other data")),
        "{}",
        v.stdout
    );

    // The record's own token with one byte flipped inside the signed TSTInfo.
    let flipped = env.path("flipped");
    writable_copy(&rec, &flipped);
    let mut der = std::fs::read(&token).unwrap();
    let at = der
        .windows(2)
        .position(|w| w == [0x18, 0x0f])
        .expect("the token's GeneralizedTime")
        + 5;
    der[at] ^= 0x01;
    std::fs::write(flipped.join("timestamps").join(token_name()), &der).unwrap();
    let v = env.run(&["verify", "flipped", "--tsa-ca", ca()]);
    v.expect(1);
    assert!(
        v.stdout
            .lines()
            .any(|l| l.contains(&named) && l.contains("altered")),
        "{}",
        v.stdout
    );
    let (ok, _) = openssl_verify(
        Some(&flipped.join("manifest-sha256.txt")),
        None,
        &flipped.join("timestamps").join(token_name()),
    );
    assert!(!ok, "openssl accepted the altered token");
}

/// POSTs a TimeStampReq the way a client would (for a substitute token).
fn post(url: &str, der: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/timestamp-query\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        der.len()
    )
    .unwrap();
    s.write_all(der).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let body = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    all[body..].to_vec()
}

/// Every file of a directory tree with its bytes, for "nothing changed".
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn a_run_with_the_tsa_up_stamps_every_record_and_the_journal_head() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[fixture("blogg-skolan"), fixture("youtube-kommun")]),
    );
    let good = tsa().url("");
    env.run(&["run", "--tsa", &good]).expect(0);
    let period = auto_period();
    let recs = records(&env.path("arkiv"), &period);
    assert_eq!(recs.len(), 2);
    for rec in &recs {
        let token = rec.join("timestamps").join(token_name());
        let (ok, out) = openssl_verify(Some(&rec.join("manifest-sha256.txt")), None, &token);
        assert!(ok, "{}: {out}", token.display());
    }
    let added = env.events("timestamp.added");
    assert_eq!(
        added.len(),
        3,
        "two records and the journal head: {added:?}"
    );
    // The journal head: a token over the SHA-256 of the line it names.
    let head = added
        .iter()
        .find(|e| e.get("journal_seq").is_some())
        .expect("the journal head was stamped");
    let seq = head["journal_seq"].as_u64().unwrap();
    let file = env.path(&format!("arkiv/{}", head["file"].as_str().unwrap()));
    let line = std::fs::read_to_string(env.path("arkiv/journal.jsonl"))
        .unwrap()
        .lines()
        .nth(usize::try_from(seq).unwrap() - 1)
        .unwrap()
        .to_string();
    let digest = registry::hashing::sha256_hex(line.as_bytes());
    let (ok, out) = openssl_verify(None, Some(&digest), &file);
    assert!(ok, "journal head token: {out}");
    let v = env.run(&["verify", "arkiv", "--tsa-ca", ca(), "--require-timestamp"]);
    v.expect(0);
    assert_eq!(v.stdout.matches("timestamp OK").count(), 3, "{}", v.stdout);
    // `status` counts the tokens taken while sealing.
    assert_one_token_each_in_status(&env, &period);

    // Deleting a token the journal recorded is found.
    let victim = recs[0].join("timestamps").join(token_name());
    registry::archive::make_writable(&recs[0]);
    std::fs::remove_file(&victim).unwrap();
    let v = env.run(&["verify", "arkiv", "--tsa-ca", ca()]);
    v.expect(1);
    assert!(
        v.stdout.contains("missing, but journal.jsonl line"),
        "{}",
        v.stdout
    );
}

#[test]
fn with_the_tsa_down_the_run_seals_warns_and_exits_1_and_stamp_adds_the_tokens() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[fixture("blogg-skolan"), fixture("instagram-kultur")]),
    );
    let down = tsa().url("down");
    let r = env.run(&["run", "--tsa", &down]);
    r.expect(1);
    assert!(
        r.stderr.contains(&down) && r.stderr.contains("no timestamp"),
        "no warning naming the TSA:\n{}",
        r.stderr
    );
    let period = auto_period();
    let recs = records(&env.path("arkiv"), &period);
    assert_eq!(recs.len(), 2, "every record is sealed all the same");
    assert_eq!(env.events("record.sealed").len(), 2);
    // Two records and the journal head.
    assert_eq!(env.events("timestamp.missing").len(), 3);
    for rec in &recs {
        assert!(!rec.join("timestamps").exists());
    }
    env.run(&["verify", "arkiv", "--tsa-ca", ca()]).expect(0);
    let v = env.run(&["verify", "arkiv", "--tsa-ca", ca(), "--require-timestamp"]);
    v.expect(1);
    assert!(v.stdout.contains("no timestamp token"), "{}", v.stdout);

    let sealed_before: Vec<_> = recs.iter().map(|r| snapshot(r)).collect();
    let good = tsa().url("");
    let s = env.run(&["stamp", "--archive", "arkiv", "--tsa", &good]);
    s.expect(0);
    assert!(s.stdout.contains("2 record(s) stamped"), "{}", s.stdout);
    let sealed_after: Vec<_> = recs.iter().map(|r| snapshot(r)).collect();
    assert!(
        sealed_before == sealed_after,
        "stamp changed a sealed record"
    );
    for rec in &recs {
        let id = rec.strip_prefix(env.path("arkiv")).unwrap();
        let late = env.path("arkiv/timestamps").join(id).join(token_name());
        let (ok, out) = openssl_verify(Some(&rec.join("manifest-sha256.txt")), None, &late);
        assert!(ok, "{}: {out}", late.display());
    }
    let v = env.run(&["verify", "arkiv", "--tsa-ca", ca(), "--require-timestamp"]);
    v.expect(0);
    assert_eq!(v.stdout.matches("timestamp OK").count(), 3, "{}", v.stdout);
    // `status` counts the tokens `stamp` added beside the records, too.
    assert_one_token_each_in_status(&env, &period);
    // A second stamp finds nothing missing but the new journal head.
    let s = env.run(&["stamp", "--archive", "arkiv", "--tsa", &good]);
    s.expect(0);
    assert!(s.stdout.contains("0 record(s) stamped"), "{}", s.stdout);

    // The delivery carries every token `stamp` added, the journal-head ones
    // too, and verify checks the delivered journal against them.
    env.run(&["deliver", "--period", &period, "--out", "leverans"])
        .expect(0);
    let v = env.run(&[
        "verify",
        "leverans",
        "--tsa-ca",
        ca(),
        "--require-timestamp",
    ]);
    v.expect(0);
    for rec in &recs {
        let id = rec.strip_prefix(env.path("arkiv")).unwrap();
        let late = format!("data/timestamps/{}/{}", id.display(), token_name());
        assert!(
            v.stdout.contains(&format!("timestamp OK: {late}")),
            "{late}:\n{}",
            v.stdout
        );
    }
    assert_eq!(
        v.stdout
            .matches("timestamp OK: data/timestamps/journal/")
            .count(),
        2,
        "both journal heads `stamp` stamped:\n{}",
        v.stdout
    );
    let (valid, out) = bagit_validate(&env.path("leverans"));
    assert!(valid, "{out}");
}

/// `status --json` gives every account of `period` exactly one token.
fn assert_one_token_each_in_status(env: &Env, period: &str) {
    let st = env.run(&["status", "--archive", "arkiv", "--period", period, "--json"]);
    let st: serde_json::Value = serde_json::from_str(&st.stdout)
        .unwrap_or_else(|e| panic!("status --json ({e}):\n{}", st.stdout));
    for row in st["accounts"].as_array().expect("accounts") {
        assert_eq!(row["timestamps"].as_array().map(Vec::len), Some(1), "{row}");
    }
}
