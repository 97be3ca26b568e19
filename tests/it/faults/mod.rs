//! The bad day: kills, browser faults, a full disk, bad input and secrets (issue 7).
//!
//! Kills at precise points use the binary's test-only hook
//! `OGONBLICK_FAULT=<point>[@n]` (`registry::fault`): the process SIGKILLs
//! itself there. Timed kills use `Child::kill` (SIGKILL) on the real process.
//! Every killed run gets its own `TMPDIR`, so the Chromium it started can be
//! found (its profile lives there) and ended by pid afterwards.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{
    bagit_validate, fixture, kill_pids, page, pdftotext, processes_under, records, register,
    server, Env,
};

/// Kills what a killed run left running under `tmp`; returns how many
/// browsers (main processes, not their renderers and helpers) were still
/// running three seconds after the kill (the kernel should have ended them
/// with their parent).
pub(super) fn reap_orphans(tmp: &Path) -> usize {
    test_support::poll_within(Duration::from_secs(3), || {
        processes_under(tmp).is_empty().then_some(())
    });
    let mut browsers = 0;
    for _ in 0..20 {
        let pids = processes_under(tmp);
        if pids.is_empty() {
            break;
        }
        let main = pids
            .iter()
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| !String::from_utf8_lossy(&c).contains("--type="))
            })
            .count();
        browsers = browsers.max(main);
        kill_pids(&pids);
        std::thread::sleep(Duration::from_millis(100));
    }
    browsers
}

/// Runs `cmd` (the binary) with a time limit through the tests' one bounded
/// runner, collecting output: (code, stdout, stderr). Past the limit its
/// process group (Chromium too) is killed and the test fails naming it.
pub(super) fn run_bounded(mut cmd: Command, limit: Duration) -> (Option<i32>, String, String) {
    let out = test_support::output_within(&mut cmd, limit).expect("spawn ogonblick");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every record directory under `archive/<period>/` (complete or not).
pub(super) fn record_dirs(archive: &Path, period: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(archive.join(period))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

/// A record directory is complete: PDF, record.json, manifest, and
/// `sha256sum -c` (the auditor's tool, not ours) accepts the manifest.
#[track_caller]
pub(super) fn assert_complete(dir: &Path) {
    for f in ["snapshot.pdf", "record.json", "manifest-sha256.txt"] {
        assert!(
            dir.join(f).is_file(),
            "half-written record {}: no {f}",
            dir.display()
        );
    }
    let out = test_support::output(
        Command::new("sha256sum")
            .args(["-c", "--quiet", "--strict", "manifest-sha256.txt"])
            .current_dir(dir),
    )
    .expect("sha256sum (coreutils)");
    assert!(
        out.status.success(),
        "{}: sha256sum -c fails: {}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// No staging directory, partial bag or temporary file anywhere under `dir`.
#[track_caller]
pub(super) fn assert_no_temporaries(dir: &Path) {
    let litter: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            (e.depth() > 0 && e.path().parent().is_some_and(|p| p.ends_with(".staging")))
                || name.contains(".partial-")
                || name.contains(".staging-")
                || name.ends_with(".tmp")
        })
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(litter.is_empty(), "temporary files left: {litter:?}");
}

/// Each sealed record of the journal appears exactly once.
#[track_caller]
pub(super) fn assert_sealed_once(env: &Env) {
    let mut seen = BTreeMap::new();
    for e in env.events("record.sealed") {
        *seen
            .entry(e["record_id"].as_str().unwrap_or("").to_string())
            .or_insert(0) += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "records sealed twice: {twice:?}");
}

/// The journal of `archive` ends in a whole line.
#[track_caller]
pub(super) fn assert_whole_lines(journal: &Path) {
    let bytes = std::fs::read(journal).unwrap_or_default();
    assert!(
        bytes.is_empty() || bytes.ends_with(b"\n"),
        "{} ends in a torn line",
        journal.display()
    );
}

/// The `n`-th half-year from January of `first_year` (0 = `first_year-H1`).
pub(super) fn nth_period(first_year: i32, n: usize) -> String {
    format!("{}-H{}", first_year + (n / 2) as i32, n % 2 + 1)
}

/// A Chromium stand-in: a script that records that it was started, then fails.
pub(super) fn tattletale_chrome(env: &Env) -> (PathBuf, PathBuf) {
    let marker = env.path("chrome-was-started");
    let script = env.path("fake-chrome.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ntouch '{}'\necho 'fake chromium: refusing to start' >&2\nexit 1\n",
            marker.display()
        ),
    )
    .expect("write the fake chrome");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    (script, marker)
}

mod browser;
pub(crate) mod disk;
mod input;
mod kills;
mod secrets;
mod urls;
mod write_once;
