//! `ogonblick preflight` against the fixture site: a login wall without
//! cookies, cookies that expire tomorrow, a missing browser, an unreachable
//! TSA and a full disk are each named, with exit 1; a clean check is exit 0.

use serde_json::Value;

use crate::faults::disk::{fill, Tmpfs};
use crate::harness::{fixture, page, register, server, Env};

fn account<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["account"] == id))
        .unwrap_or_else(|| panic!("no account {id} in {report:#}"))
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// The UTC day `secs` seconds from now, as the report writes it.
fn day_in(secs: i64) -> (i64, String) {
    let at = chrono::Utc::now() + chrono::Duration::seconds(secs);
    (at.timestamp(), at.date_naive().to_string())
}

#[test]
fn a_login_wall_without_cookies_expiring_cookies_no_browser_and_a_dead_tsa_are_named() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &register(&[
            fixture("blogg-skolan"),
            page("inloggad", "/hostile/inloggad/"),
        ]),
    );

    // Behind the login wall, without cookies.
    let r = env.run(&["preflight", "--json"]);
    r.expect(1);
    let v = json(&r.stdout);
    assert_eq!(account(&v, "blogg-skolan")["ok"], true, "{v:#}");
    let walled = account(&v, "inloggad");
    assert_eq!(walled["ok"], false, "{v:#}");
    let issues = walled["issues"].to_string();
    assert!(
        issues.contains("login-wall") && issues.contains("needs-cookies"),
        "{issues}"
    );
    let problems = v["problems"].to_string();
    assert!(
        problems.contains("inloggad: needs cookies") && !problems.contains("blogg-skolan"),
        "{problems}"
    );
    // No archive yet: nothing is created, nothing written.
    assert!(!env.path("arkiv").exists());
    assert!(v["journal"].as_str().unwrap().starts_with("not written"));

    // With cookies that expire tomorrow: logged in, but warned with the date.
    let host = server().addr().ip().to_string();
    let (expires, day) = day_in(24 * 3600);
    let cookies = env.write(
        "kakor.txt",
        &format!("{host}\tFALSE\t/\tFALSE\t{expires}\tsession\themligt-preflight-9d1\n"),
    );
    std::fs::set_permissions(
        &cookies,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let r = env.run(&["preflight", "--cookies", "kakor.txt"]);
    r.expect(1);
    assert!(
        r.stdout.contains(&format!(
            "inloggad: the cookies for {host} expire on {day}, before the capture window ends"
        )),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("login wall"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("hemligt-preflight"),
        "a cookie value was printed"
    );
    assert!(
        !r.stderr.contains("hemligt-preflight"),
        "a cookie value was printed"
    );

    // No browser, and a TSA nobody answers at: both named, exit 1 (the
    // check ran; it is the next run that would need a human).
    let r = env.run(&[
        "preflight",
        "--chrome",
        "/nonexistent/chromium",
        "--tsa",
        "http://127.0.0.1:9/tsr",
    ]);
    r.expect(1);
    assert!(
        r.stdout
            .contains("needs a human: Chromium: no Chromium browser found"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("needs a human: TSA gave no token: http://127.0.0.1:9/tsr"),
        "{}",
        r.stdout
    );
}

/// A clean check is exit 0 and journals one `preflight.run`; the same check
/// on a nearly full disk names the disk.
#[test]
fn a_clean_check_is_exit_0_and_one_journal_line_and_a_full_disk_is_named() {
    let env = Env::new();
    env.write("accounts.toml", &register(&[fixture("blogg-skolan")]));
    let mnt = env.path("disk");
    let _fs = Tmpfs::mount(&mnt, "160m");
    let archive = mnt.join("arkiv");
    let archive_s = archive.to_str().unwrap();
    env.run(&["run", "--archive", archive_s]).expect(0);
    let lines_before = std::fs::read_to_string(archive.join("journal.jsonl"))
        .unwrap()
        .lines()
        .count();

    let r = env.run(&["preflight", "--archive", archive_s, "--json"]);
    r.expect(0);
    let v = json(&r.stdout);
    assert_eq!(v["problems"], serde_json::json!([]), "{v:#}");
    let journal = std::fs::read_to_string(archive.join("journal.jsonl")).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(lines.len(), lines_before + 1, "{journal}");
    let last: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(last["event"], "preflight.run", "{last}");
    assert_eq!(last["result"], "ok", "{last}");
    env.run(&["verify", archive_s]).expect(0);

    let _filler = fill(&mnt, 8 * 1024 * 1024);
    let r = env.run(&["preflight", "--archive", archive_s]);
    r.expect(1);
    assert!(
        r.stdout.contains("needs a human: disk: only") && r.stdout.contains("free on"),
        "{}",
        r.stdout
    );
}
