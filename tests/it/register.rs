//! `accounts check` and URL refusal through the binary: errors exit 2 before any browser starts.

use crate::harness::Env;

const ORG: &str = "[organisation]\nname = \"K\"\narchive_creator = \"KS\"\n";

fn account(extra: &str) -> String {
    format!(
        "{ORG}\n[[account]]\nid = \"fb\"\nplatform = \"facebook\"\nname = \"K\"\nurl = \"https://www.facebook.com/k\"\n\
         unit = \"U\"\nboard = \"KS\"\npurpose = \"P\"\naudience = \"A\"\nresponsible = {{ name = \"R\" }}\n\
         deputy = {{ name = \"D\" }}\nadministrators = [\"R\", \"D\"]\nopened = 2014-03-01\n{extra}"
    )
}

#[test]
fn malformed_registers_exit_2_with_their_line() {
    let check = |text: &str, want_line: &str, want: &str| {
        let env = Env::new();
        env.write("accounts.toml", text);
        let r = env.run(&["accounts", "check"]);
        r.expect(2);
        assert!(
            r.stderr.contains(&format!("accounts.toml:{want_line}")),
            "no line {want_line} in:\n{}",
            r.stderr
        );
        assert!(
            r.stderr.to_lowercase().contains(want),
            "no {want:?} in:\n{}",
            r.stderr
        );
    };
    check(&account("colour = \"blå\"\n"), "18", "colour");
    check(&account("closed = 2010-01-01\n"), "18", "closed");
    check(
        &account("").replace("https://www.facebook.com/k", "file:///etc/passwd"),
        "9",
        "url",
    );
    check(
        &account("").replace("id = \"fb\"", "id = \"Facebook Kommun\""),
        "6",
        "id",
    );
    check(
        &account("").replace("opened = 2014-03-01", "opened = 2014-02-30"),
        "17",
        "opened",
    );
    check("[organisation\nname = 1", "1", "");
}

#[test]
fn policy_warnings_do_not_stop() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &account("")
            .replace("deputy = { name = \"D\" }\n", "")
            .replace("[\"R\", \"D\"]", "[\"R\"]"),
    );
    let r = env.run(&["accounts", "check"]);
    r.expect(0);
    assert!(
        r.stderr.contains("deputy") || r.stdout.contains("deputy"),
        "no deputy warning:\n{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn bad_urls_are_refused_before_a_browser_starts() {
    for url in [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,hej",
        "ftp://example.se/x",
        "not a url",
    ] {
        let env = Env::new();
        // A browser that would fail loudly if it were ever started.
        let r = env.run(&[
            "capture",
            url,
            "--out",
            "rec",
            "--chrome",
            "/nonexistent/chromium",
        ]);
        r.expect(2);
        assert!(
            r.stderr.contains("only http:// and https://"),
            "{url}: {}",
            r.stderr
        );
        assert!(!env.path("rec").exists(), "{url}: a record was written");
    }
}

#[test]
fn run_with_a_bad_register_captures_nothing() {
    let env = Env::new();
    env.write(
        "accounts.toml",
        &account("").replace("https://www.facebook.com/k", "ftp://x"),
    );
    let r = env.run(&["run", "--chrome", "/nonexistent/chromium"]);
    r.expect(2);
    assert!(
        !env.path("arkiv").exists(),
        "the archive was created for a run that could not start"
    );
}

#[test]
fn a_missing_browser_says_how_to_install_it() {
    let env = Env::new();
    let r = test_support::output(
        env.cmd(&["capture", "http://127.0.0.1:9/", "--out", "rec"])
            .env("PATH", "/nonexistent")
            .env_remove("CHROME"),
    )
    .expect("run");
    assert_eq!(r.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("apt-get install chromium"), "{stderr}");
}

#[test]
fn pdfa_check_exits_1_for_a_plain_pdf_and_2_for_what_is_no_pdf() {
    let env = Env::new();
    let made = test_support::status(
        std::process::Command::new("qpdf")
            .arg("--empty")
            .arg(env.path("plain.pdf")),
    )
    .expect("qpdf (apt-get install qpdf)");
    assert!(made.success());
    let r = env.run(&["pdfa", "check", "plain.pdf"]);
    r.expect(1);
    assert!(
        r.stdout.contains("19005") || r.stderr.contains("19005"),
        "failures name their clause:\n{}{}",
        r.stdout,
        r.stderr
    );
    let noise: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(env.path("noise.pdf"), noise).unwrap();
    env.run(&["pdfa", "check", "noise.pdf"]).expect(2);
    env.run(&["pdfa", "check", "missing.pdf"]).expect(2);
}
