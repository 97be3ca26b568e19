//! `search` on the demo archive as the README shows it, and as a user who
//! may read the archive but not write it.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::*;

/// Post texts of `search QUERY --json` in `archive`, best first.
fn texts(env: &Env, archive: &str, query: &[&str]) -> (Vec<serde_json::Value>, String) {
    let mut args = vec!["search"];
    args.extend_from_slice(query);
    args.extend_from_slice(&["--archive", archive, "--json"]);
    let r = env.run(&args);
    r.expect(0);
    let hits = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (hits, r.stderr.clone())
}

fn snippets(hits: &[serde_json::Value]) -> String {
    hits.iter()
        .map(|h| h["snippet"].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The README's and docs' examples on the demo archive (`demo/arkiv`).
pub fn examples_on_the_demo(env: &Env) {
    let a = "demo/arkiv";
    // README: `ogonblick search '"ny simhall"' --from 2025-01-01`.
    let (hits, _) = texts(env, a, &["\"ny simhall\"", "--from", "2025-01-01"]);
    let s = snippets(&hits);
    assert!(s.contains("Invigning av **nya** **simhallen**"), "{s}");
    // Inflected forms: "simhall" finds "simhallen".
    let (hits, _) = texts(env, a, &["simhall"]);
    assert!(snippets(&hits).contains("simhallen"), "{hits:?}");
    // A word inside a compound: "midsommar" finds "Midsommarfirande".
    let (hits, _) = texts(env, a, &["midsommar"]);
    let s: String = hits
        .iter()
        .map(|h| h["snippet"].as_str().unwrap())
        .collect();
    assert!(s.contains("**Midsommarfirande**"), "{s}");
    // An exact phrase, as written only.
    let (hits, _) = texts(env, a, &["exakt:\"nya simhallen\""]);
    assert!(!hits.is_empty());
    let (hits, _) = texts(env, a, &["exakt:\"ny simhall\""]);
    assert!(hits.is_empty(), "{hits:?}");
    // A slip is said, in the answer and in each JSON line.
    let r = env.run(&["search", "midsomar", "--archive", a]);
    r.expect(0);
    assert!(
        r.stdout
            .starts_with("Inga träffar för midsomar; visar träffar för midsommar"),
        "{}",
        r.stdout
    );
    let (hits, _) = texts(env, a, &["midsomar"]);
    assert!(!hits.is_empty());
    for h in &hits {
        assert_eq!(h["correction"]["asked"], "midsomar", "{h}");
        assert_eq!(h["correction"]["searched"], "midsommar", "{h}");
        assert!(h["score"].as_f64().unwrap() > 0.0, "{h}");
    }
}

/// Every file under `dir` with its bytes' length and modification time.
fn listing(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            }
            out.push((
                e.path().display().to_string(),
                m.len(),
                m.modified().unwrap(),
            ));
        }
    }
    out.sort();
    out
}

/// `search` as `nobody` (uid 65534), who may read `demo/arkiv` but not write it.
fn as_nobody(env: &Env, home: &Path, query: &str) -> (i32, String, String) {
    let out = test_support::output(
        Command::new("setpriv")
            .args([
                "--reuid",
                "65534",
                "--regid",
                "65534",
                "--clear-groups",
                "--",
            ])
            .arg(env!("CARGO_BIN_EXE_ogonblick"))
            .args(["search", query, "--archive", "demo/arkiv", "--json"])
            .current_dir(env.dir.path())
            .env("HOME", home)
            .env_remove("XDG_CACHE_HOME")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .expect("setpriv (util-linux)");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Search never needs to write: a current index is searched as it is; a
/// stale one is built under the user's cache, or in memory when there is
/// none; the archive is left exactly as it was, and the user is told.
pub fn without_write_permission(env: &Env) {
    // The index is current after the demo's seals; as root, once more.
    env.run(&["search", "simhall", "--archive", "demo/arkiv"])
        .expect(0);
    let home = env.path("nobody-home");
    std::fs::create_dir_all(&home).unwrap();
    let chmod = |mode: &str, p: &Path| {
        assert!(
            test_support::status(Command::new("chmod").args([mode]).arg(p))
                .unwrap()
                .success()
        );
    };
    chmod("a+rx", env.dir.path());
    assert!(test_support::status(
        Command::new("chmod")
            .args(["-R", "a+rX,go-w"])
            .arg(env.path("demo"))
    )
    .unwrap()
    .success());
    assert!(
        test_support::status(Command::new("chown").args(["65534:65534"]).arg(&home))
            .unwrap()
            .success()
    );
    let arkiv = env.path("demo/arkiv");
    let before = listing(&arkiv);

    // 1. Current: searched as it is.
    let (code, out, err) = as_nobody(env, &home, "simhall");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("searched it as it is"), "{err}");
    assert!(out.contains("simhallen"), "{out}\n{err}");
    assert_eq!(listing(&arkiv), before, "{err}");

    // 2. Stale (its ledger gone): built under the user's cache, and said.
    std::fs::remove_file(arkiv.join("index/ogonblick-index.json")).unwrap();
    let before = listing(&arkiv);
    let (code, out, err) = as_nobody(env, &home, "simhall");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("simhallen"), "{out}\n{err}");
    assert!(err.contains("cannot be written"), "{err}");
    assert!(err.contains(".cache/ogonblick/index/"), "{err}");
    assert!(err.contains("built anew"), "{err}");
    assert_eq!(listing(&arkiv), before, "{err}");
    // The second time the cached index is current.
    let (code, _, err) = as_nobody(env, &home, "midsommar");
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("built anew"), "{err}");

    // `index`, asked to write the archive's index, cannot, and says so.
    let out = test_support::output(
        Command::new("setpriv")
            .args([
                "--reuid",
                "65534",
                "--regid",
                "65534",
                "--clear-groups",
                "--",
            ])
            .arg(env!("CARGO_BIN_EXE_ogonblick"))
            .args(["index", "--archive", "demo/arkiv"])
            .current_dir(env.dir.path())
            .env("HOME", &home),
    )
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot be written"), "{err}");
    assert_eq!(listing(&arkiv), before, "{err}");

    // 3. No cache to write either: in memory.
    let (code, out, err) = as_nobody(env, Path::new("/nonexistent"), "simhall");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("simhallen"), "{out}\n{err}");
    assert!(err.contains("in memory"), "{err}");
    assert_eq!(listing(&arkiv), before, "{err}");
}
