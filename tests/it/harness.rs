//! Runs the real `ogonblick` binary in a temp dir and reads what it left behind.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

pub use fixture_server::FixtureServer;

/// The fixture site, started once for the whole test binary.
pub fn server() -> &'static FixtureServer {
    static SERVER: OnceLock<FixtureServer> = OnceLock::new();
    SERVER.get_or_init(|| FixtureServer::start().expect("start the fixture server"))
}

/// A temp dir with the binary at hand.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::write(&p, text).expect("write");
        p
    }

    /// `ogonblick ARGS` in the temp dir, with fast retries.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ogonblick"));
        c.args(args)
            .current_dir(self.dir.path())
            .env("OGONBLICK_RETRY_SCALE", "0.01")
            .env("OGONBLICK_OPERATOR", "testare");
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_within(args, run_limit())
    }

    /// `ogonblick ARGS`, killed with everything it started (its process
    /// group: Chromium too) if it has not ended within `limit`, and then the
    /// test fails naming the command, so one hung binary cannot hang the suite.
    #[track_caller]
    pub fn run_within(&self, args: &[&str], limit: Duration) -> Run {
        let mut cmd = self.cmd(args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.process_group(0);
        let mut child = cmd.spawn().expect("run ogonblick");
        let out = test_support::drain(child.stdout.take());
        let err = test_support::drain(child.stderr.take());
        let status = wait_or_kill(&mut child, limit);
        let output = Output {
            status: status.unwrap_or_else(|| child.wait().expect("wait")),
            stdout: out.join().unwrap_or_default(),
            stderr: err.join().unwrap_or_default(),
        };
        let run = Run::from(output, args);
        assert!(
            status.is_some(),
            "ogonblick {} did not end within {limit:?} and was killed\nstdout:\n{}\nstderr:\n{}",
            run.args,
            run.stdout,
            run.stderr
        );
        run
    }

    /// Lines of the archive's journal.
    pub fn journal(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(self.path("arkiv/journal.jsonl")).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).expect("journal line is JSON"))
            .collect()
    }

    pub fn events(&self, event: &str) -> Vec<serde_json::Value> {
        self.journal()
            .into_iter()
            .filter(|e| e["event"] == event)
            .collect()
    }
}

/// How long one run of the binary may take in a test: 420 s, or
/// `OGONBLICK_TEST_LIMIT_SECS`. The longest legitimate run in the suite (the
/// hostile register) takes about 200 s on two busy cores.
pub fn run_limit() -> Duration {
    let secs = std::env::var("OGONBLICK_TEST_LIMIT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(420);
    Duration::from_secs(secs)
}

pub use test_support::wait_or_kill;

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub args: String,
}

impl Run {
    fn from(out: Output, args: &[&str]) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            args: args.join(" "),
        }
    }

    #[track_caller]
    pub fn expect(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "ogonblick {} exited {} (want {code})\nstdout:\n{}\nstderr:\n{}",
            self.args, self.code, self.stdout, self.stderr
        );
        self
    }
}

/// One account for a test register: a fixture account or a hostile page.
#[derive(Debug, Clone)]
pub struct Acc {
    pub id: String,
    pub platform: String,
    pub name: String,
    pub path: String,
    pub extra: Vec<String>,
}

/// A fixture account by id (`facebook-kommun`, `x-kommun`, ...).
pub fn fixture(id: &str) -> Acc {
    let a = fixture_server::accounts()
        .iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("no fixture account {id}"));
    Acc {
        id: a.id.into(),
        platform: a.platform.into(),
        name: a.name.into(),
        path: a.path.into(),
        extra: a.extra_paths.iter().map(|p| p.to_string()).collect(),
    }
}

/// An account whose start page is `path` on the fixture server (a hostile page).
pub fn page(id: &str, path: &str) -> Acc {
    Acc {
        id: id.into(),
        platform: "other".into(),
        name: format!("Testkonto {id}"),
        path: path.into(),
        extra: Vec::new(),
    }
}

/// A register with the given accounts, pointing at the fixture server.
pub fn register(accounts: &[Acc]) -> String {
    let s = server();
    let mut out = String::from(
        "[organisation]\nname = \"Testby kommun\"\narchive_creator = \"Kommunstyrelsen\"\n\
         organisation_number = \"212000-9994\"\n\
         contact = { name = \"Kommunikation\", email = \"info@testby.se\" }\n",
    );
    for a in accounts {
        let extra: Vec<String> = a
            .extra
            .iter()
            .map(|p| format!("\"{}\"", s.url(p)))
            .collect();
        out += &format!(
            "\n[[account]]\nid = \"{}\"\nplatform = \"{}\"\nname = \"{}\"\nurl = \"{}\"\nextra_pages = [{}]\n\
             unit = \"Kommunledningsförvaltningen\"\nboard = \"Kommunstyrelsen\"\npurpose = \"Information\"\n\
             audience = \"Invånare\"\nresponsible = {{ name = \"Anna A\" }}\ndeputy = {{ name = \"Bo B\" }}\n\
             administrators = [\"Anna A\", \"Bo B\"]\nopened = 2019-01-01\n",
            a.id,
            a.platform,
            a.name,
            s.url(&a.path),
            extra.join(", ")
        );
    }
    out
}

/// Text of a PDF through poppler's pdftotext.
pub fn pdftotext(pdf: &Path) -> String {
    let out = test_support::output(
        Command::new("pdftotext")
            .arg("-enc")
            .arg("UTF-8")
            .arg(pdf)
            .arg("-"),
    )
    .expect("pdftotext (apt-get install poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Apache PDFBox Preflight's verdict on a PDF/A-1b file: (valid, output).
pub fn preflight(pdf: &Path) -> (bool, String) {
    let jars = [
        "preflight",
        "pdfbox2",
        "fontbox2",
        "xmpbox",
        "commons-logging",
        "javax.activation",
        "jaxb-api",
    ];
    let cp: Vec<String> = jars
        .iter()
        .map(|j| format!("/usr/share/java/{j}.jar"))
        .collect();
    for j in &cp {
        assert!(
            Path::new(j).exists(),
            "{j} missing: apt-get install libpdfbox2-java libactivation-java libjaxb-api-java"
        );
    }
    let out = test_support::output(
        Command::new("java")
            .arg("-cp")
            .arg(cp.join(":"))
            .arg("org.apache.pdfbox.preflight.Validator_A1b")
            .arg(pdf),
    )
    .expect("java (apt-get install default-jre-headless)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.success() && text.contains("is a valid PDF/A-1b file"),
        text,
    )
}

/// `bagit.py --validate DIR` through the Python module: (valid, output).
pub fn bagit_validate(dir: &Path) -> (bool, String) {
    let out = test_support::output(
        Command::new("python3")
            .args(["-m", "bagit", "--validate"])
            .arg(dir),
    )
    .expect("python3 (apt-get install python3)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("No module named bagit"),
        "bagit.py missing: pip install bagit"
    );
    (out.status.success(), text)
}

/// Every sealed record directory under `arkiv/<period>/`.
pub fn records(archive: &Path, period: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(archive.join(period))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.join("manifest-sha256.txt").is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The half-year that most recently ended, as `run --period auto` picks it.
pub fn auto_period() -> String {
    use chrono::Datelike;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive();
    if today.month() <= 6 {
        format!("{}-H2", today.year() - 1)
    } else {
        format!("{}-H1", today.year())
    }
}

/// Pids of processes whose command line mentions `dir` (Chromium started
/// with a profile under a test's TMPDIR).
pub fn processes_under(dir: &Path) -> Vec<u32> {
    let needle = dir.to_string_lossy().into_owned();
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if String::from_utf8_lossy(&cmdline).contains(&needle) {
            out.push(pid);
        }
    }
    out
}

/// SIGKILLs the given pids (processes this test started, directly or not).
pub fn kill_pids(pids: &[u32]) {
    for pid in pids {
        let _ = test_support::status(Command::new("kill").args(["-KILL", &pid.to_string()]));
    }
}
