//! Someone is told: a real SMTP server (aiosmtpd, from PyPI through
//! scripts/setup) on 127.0.0.1 receives the Swedish notice when a run under
//! the service ($OGONBLICK_NOTIFY) ends with exit 1, and nothing when it
//! ends with 0; the run's check ahead of the boundary, `status` and the
//! report show the preflight's result.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::harness::{fixture, page, register, run_limit, server, wait_or_kill, Env};

/// aiosmtpd storing every message it accepts in a Maildir.
struct Smtp {
    child: Child,
    port: u16,
    maildir: PathBuf,
}

impl Smtp {
    fn start(dir: &Path) -> Smtp {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let maildir = dir.join("post");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("python3 -m aiosmtpd (scripts/setup installs aiosmtpd)");
        let smtp = Smtp {
            child,
            port,
            maildir,
        };
        // Until it accepts connections, at most 30 s.
        let listening = test_support::poll_within(Duration::from_secs(30), || {
            TcpStream::connect(("127.0.0.1", port)).ok()
        });
        assert!(
            listening.is_some(),
            "aiosmtpd did not listen on 127.0.0.1:{port} within 30 s (pip install aiosmtpd)"
        );
        smtp
    }

    /// Every message received: (to, subject, body), decoded by Python's own
    /// e-mail parser.
    fn messages(&self) -> Vec<(String, String, String)> {
        let script = r#"
import email, email.policy, glob, json, sys
out = []
for p in sorted(glob.glob(sys.argv[1] + "/new/*")):
    with open(p, "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    out.append([str(m["To"]), str(m["Subject"]), m.get_content()])
print(json.dumps(out))
"#;
        let out = test_support::output(
            Command::new("python3")
                .args(["-c", script])
                .arg(&self.maildir),
        )
        .expect("python3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<(String, String, String)>>(&out.stdout).expect("JSON")
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `ogonblick ARGS` with extra environment: (exit code, stdout, stderr).
fn run_with(env: &Env, args: &[&str], vars: &[(&str, &str)]) -> (i32, String, String) {
    let out = env.path(".out");
    let err = env.path(".err");
    let mut cmd = env.cmd(args);
    cmd.envs(vars.iter().copied())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .process_group(0);
    let mut child = cmd.spawn().expect("run ogonblick");
    let status = wait_or_kill(&mut child, run_limit())
        .unwrap_or_else(|| panic!("ogonblick {args:?} did not end in time"));
    (
        status.code().unwrap_or(-1),
        std::fs::read_to_string(out).unwrap(),
        std::fs::read_to_string(err).unwrap(),
    )
}

/// The test register, with the archivist's and the responsible person's addresses.
fn register_with_addresses(accounts: &[crate::harness::Acc]) -> String {
    register(accounts)
        .replace(
            "contact = { name = \"Kommunikation\", email = \"info@testby.se\" }\n",
            "contact = { name = \"Kommunikation\", email = \"info@testby.se\" }\n\
             archivist = { name = \"Arkivarien\", email = \"arkivarie@testby.se\" }\n",
        )
        .replace(
            "responsible = { name = \"Anna A\" }",
            "responsible = { name = \"Anna A\", email = \"anna@testby.se\" }",
        )
}

#[test]
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
fn a_run_that_needs_a_human_is_mailed_in_swedish_and_a_clean_one_is_not() {
    let env = Env::new();
    let smtp = Smtp::start(env.dir.path());
    let mail = env.write(
        "mail.toml",
        &format!(
            "from = \"ogonblick@testby.se\"\ntransport = \"smtp\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\n",
            smtp.port
        ),
    );
    let notify = [("OGONBLICK_NOTIFY", mail.to_str().unwrap())];
    env.write(
        "accounts.toml",
        &register_with_addresses(&[fixture("blogg-skolan")]),
    );

    // Exit 0: nobody is told.
    let (code, out, err) = run_with(&env, &["run"], &notify);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(smtp.messages(), Vec::new());

    // Nothing left to capture, with cookies that expire tomorrow: the check
    // ahead of the boundary warns, exit 1, and the notice names the account,
    // the reason and the date.
    let host = server().addr().ip().to_string();
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let day = tomorrow.date_naive().to_string();
    let secret = "hemligt-kakvarde-5e2b";
    env.write(
        "kakor.txt",
        &format!(
            "{host}\tFALSE\t/\tFALSE\t{}\tsession\t{secret}\n",
            tomorrow.timestamp()
        ),
    );
    // Outside the days before the boundary (0: never), the same run is quiet.
    let (code, out, err) = run_with(
        &env,
        &["run", "--preflight-days", "0", "--cookies", "kakor.txt"],
        &notify,
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(smtp.messages(), Vec::new());
    let (code, out, err) = run_with(
        &env,
        &["run", "--preflight-days", "400", "--cookies", "kakor.txt"],
        &notify,
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("skipped"), "{out}");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "{messages:?}\n{err}");
    let (to, subject, body) = &messages[0];
    assert!(
        to.contains("arkivarie@testby.se") && to.contains("anna@testby.se"),
        "{to}"
    );
    assert!(subject.contains("åtgärd behövs (kod 1)"), "{subject}");
    assert!(
        body.contains("Kontot blogg-skolan")
            && body.contains(&format!("inloggningskakorna för {host} går ut {day}"))
            && body.contains("ogonblick status"),
        "{body}"
    );
    assert!(!body.contains(secret) && !out.contains(secret) && !err.contains(secret));

    // Status and the report show the preflight's result and the expiry.
    let (code, out, _) = run_with(&env, &["status", "--json"], &[]);
    assert_eq!(code, 0, "{out}");
    let status: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["preflight"]["result"], "attention", "{status:#}");
    assert_eq!(
        status["accounts"][0]["cookies_expire"],
        day.as_str(),
        "{status:#}"
    );
    let (code, _, err) = run_with(&env, &["report", "--out", "rapport"], &[]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(env.path("rapport/index.html")).unwrap();
    assert!(
        html.contains("Senaste förhandskontroll")
            && html.contains("kakorna går ut före fångstfönstrets slut")
            && html.contains(&day),
        "{html}"
    );
    crate::a11y::assert_readable_everywhere(&env.path("rapport/index.html"));

    // A capture behind a login wall fails: exit 1, and the notice names the
    // account and why.
    env.write(
        "accounts.toml",
        &register_with_addresses(&[
            fixture("blogg-skolan"),
            page("inloggad", "/hostile/inloggad/"),
        ]),
    );
    let (code, out, err) = run_with(&env, &["run", "--retries", "0"], &notify);
    assert_eq!(code, 1, "{out}\n{err}");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 2, "{messages:?}\n{err}");
    let body = &messages
        .iter()
        .find(|m| m.2.contains("inloggad"))
        .expect("a notice")
        .2;
    assert!(
        body.contains(
            "Kontot inloggad (Testkonto inloggad): fångsten stoppades av en inloggningsvägg"
        ) && body.contains("förnya inloggningskakorna")
            && body.contains("visible password field"),
        "{body}"
    );

    // The OnFailure= side: quiet when the command told already, a notice
    // when it was killed before it could.
    let unit = ["notify", "--unit", "ogonblick.service"];
    let told = [
        notify[0],
        ("MONITOR_SERVICE_RESULT", "exit-code"),
        ("MONITOR_EXIT_CODE", "exited"),
        ("MONITOR_EXIT_STATUS", "1"),
    ];
    let (code, out, err) = run_with(&env, &unit, &told);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(smtp.messages().len(), 2);
    let killed = [
        notify[0],
        ("MONITOR_SERVICE_RESULT", "signal"),
        ("MONITOR_EXIT_CODE", "killed"),
        ("MONITOR_EXIT_STATUS", "KILL"),
    ];
    let (code, out, err) = run_with(&env, &unit, &killed);
    assert_eq!(code, 0, "{out}\n{err}");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.1.contains("ogonblick.service kunde inte köras klart")
                && m.2.contains("signalen KILL")),
        "{messages:?}"
    );

    // Exit 2 is told too: no browser, and arguments the binary refuses.
    let (code, out, err) = run_with(&env, &["run", "--chrome", "/nonexistent/chromium"], &notify);
    assert_eq!(
        code, 2,
        "{out}
{err}"
    );
    let (code, out, err) = run_with(&env, &["run", "--no-such-option"], &notify);
    assert_eq!(
        code, 2,
        "{out}
{err}"
    );
    let messages = smtp.messages();
    assert_eq!(messages.len(), 5, "{messages:?}");
    for (needle, detail) in [
        ("åtgärd behövs (kod 2)", "no Chromium browser found"),
        ("åtgärd behövs (kod 2)", "unexpected argument"),
    ] {
        assert!(
            messages.iter().any(|m| m.1.contains(needle)
                && m.2.contains("kommandot kunde inte köras")
                && m.2.contains(detail)
                && m.0.contains("arkivarie@testby.se")),
            "no notice with {detail}: {messages:?}"
        );
    }
    // The sendmail interface (the configuration's default), through a real
    // sendmail: msmtp's, relaying to the same server. `preflight` tells too.
    env.write(
        ".msmtprc",
        &format!(
            "account default\nhost 127.0.0.1\nport {}\nfrom ogonblick@testby.se\nauth off\ntls off\n",
            smtp.port
        ),
    );
    std::fs::set_permissions(
        env.path(".msmtprc"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let sendmail = env.write(
        "mail-sendmail.toml",
        "from = \"ogonblick@testby.se\"\nto = [\"it@testby.se\"]\nsendmail = \"/usr/bin/msmtp\"\n",
    );
    let home = env.dir.path().to_str().unwrap().to_string();
    let (code, out, err) = run_with(
        &env,
        &["preflight", "--chrome", "/nonexistent/chromium"],
        &[
            ("OGONBLICK_NOTIFY", sendmail.to_str().unwrap()),
            ("HOME", &home),
        ],
    );
    assert_eq!(code, 1, "{out}\n{err}");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 6, "{messages:?}\n{err}");
    assert!(
        messages.iter().any(|m| m.1.contains("Förhandskontrollen")
            && m.0.contains("it@testby.se")
            && m.2.contains("webbläsaren Chromium saknas")),
        "{messages:?}"
    );
}
