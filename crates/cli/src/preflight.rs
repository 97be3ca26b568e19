//! `ogonblick preflight`: whether the next run would need nobody. Opens every
//! open account's start page as the run would (the capture crate's session
//! and its obstruction verdicts), reads the cookie file's expiry dates, and
//! checks the machine: Chromium, the page fonts, free disk, the journal's
//! chain, the TSAs. Nothing is sealed; the only write is one `preflight.run`
//! event in an existing archive's journal.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use model::{Account, ObstructionKind};
use registry::journal::{Event, PreflightAccount};
use registry::status::ArchiveView;
use registry::{Archive, Period, Register};
use serde::Serialize;

use crate::pipeline::CaptureArgs;
use crate::{CmdResult, Exit};

/// Days after a boundary within which a capture is on time (`Period::is_late`).
const WINDOW_DAYS: u64 = registry::period::ON_TIME_DAYS;
/// The least free space a run is given, whatever the archive holds.
const MIN_FREE: u64 = 100 * 1024 * 1024;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The account register (förteckning).
    #[arg(long, value_name = "FILE", default_value = "accounts.toml")]
    pub register: PathBuf,
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    /// Print the result as JSON on stdout (for monitoring).
    #[arg(long)]
    pub json: bool,
    /// Chromium binary (default: $CHROME, then chromium on PATH).
    #[arg(long, value_name = "PATH")]
    pub chrome: Option<PathBuf>,
    /// Session cookies for login-walled platforms (Netscape cookies.txt or
    /// JSON; default: $OGONBLICK_COOKIES); set in the browser, never stored.
    #[arg(long, value_name = "FILE")]
    pub cookies: Option<PathBuf>,
    /// How long each start page may take to open, in seconds (at most 60).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
    /// Time-stamping authority (RFC 3161) asked for a token, as a seal
    /// would ask it; repeat for each (default: the space-separated URLs in
    /// $OGONBLICK_TSA).
    #[arg(long = "tsa", value_name = "URL")]
    pub tsa: Vec<String>,
}

/// What the checks use, from `preflight`'s options or the run's.
#[derive(Debug, Clone)]
pub struct Using {
    pub chrome: Option<PathBuf>,
    pub cookies: Option<PathBuf>,
    pub timeout: u64,
    pub tsa: Vec<String>,
}

impl From<&CaptureArgs> for Using {
    fn from(c: &CaptureArgs) -> Using {
        Using {
            chrome: c.chrome.clone(),
            cookies: c.cookie_file(),
            timeout: c.timeout,
            tsa: crate::tsa::urls(&c.tsa),
        }
    }
}

impl From<&Args> for Using {
    fn from(a: &Args) -> Using {
        Using {
            chrome: a.chrome.clone(),
            cookies: a.cookies.clone().or_else(|| {
                std::env::var_os("OGONBLICK_COOKIES")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            }),
            timeout: a.timeout,
            tsa: crate::tsa::urls(&a.tsa),
        }
    }
}

/// One thing that needs a human before the next run.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The account, or none for a check of the machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `account`, `cookies`, `chromium`, `fonts`, `disk`, `journal`, `tsa`.
    pub check: &'static str,
    /// In English, for the terminal, the journal and the log.
    pub message: String,
    /// The same in Swedish, for the notice people get by mail.
    #[serde(skip)]
    pub sv: String,
}

/// One account's start page as the run would see it today.
#[derive(Debug, Clone, Serialize)]
pub struct AccountCheck {
    pub account: String,
    pub url: String,
    /// Whether it would be captured whole today.
    pub ok: bool,
    /// The issue codes of `preflight.run` (docs/archive.md).
    pub issues: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Cookies in the cookie file the account's site gets.
    pub cookies: usize,
    /// The earliest expiry among them (UTC day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookies_expire: Option<NaiveDate>,
}

/// One check of the machine.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// What `preflight` found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub today: NaiveDate,
    /// The half-year boundary checked against, and the last day a capture
    /// after it is on time.
    pub boundary: NaiveDate,
    pub window_ends: NaiveDate,
    pub accounts: Vec<AccountCheck>,
    pub machine: Vec<Check>,
    pub problems: Vec<Problem>,
    /// The journal line written, or why none was.
    pub journal: String,
}

impl Report {
    pub fn needs_human(&self) -> bool {
        !self.problems.is_empty()
    }
}

pub fn main(args: Args) -> CmdResult {
    crate::notify::use_register(&args.register);
    let (register, _) = crate::accounts::load_register(&args.register)?;
    let report = check(&register, &args.archive, &Using::from(&args))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print(&report);
    }
    Ok(finish(&report))
}

/// Hands the problems to the notice and maps the report to an exit.
pub fn finish(report: &Report) -> Exit {
    for p in &report.problems {
        crate::notify::problem(p.account.as_deref(), &p.sv, &p.message);
    }
    if report.needs_human() {
        Exit::Attention
    } else {
        Exit::Ok
    }
}

/// The boundary whose capture window is ahead: the one just passed while its
/// window is open, else the next.
pub fn window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let last = Period::containing(today).boundary_start();
    let boundary = if (today - last).num_days() <= WINDOW_DAYS as i64 {
        last
    } else {
        Period::containing(today).boundary_end()
    };
    (boundary, boundary + chrono::Days::new(WINDOW_DAYS))
}

/// Every check, then one `preflight.run` event if `archive` is an archive.
pub fn check(register: &Register, archive: &Path, using: &Using) -> anyhow::Result<Report> {
    let today = registry::period::today_stockholm();
    let now = Utc::now();
    let (boundary, window_ends) = window(today);
    let mut problems = Vec::new();
    let mut machine = Vec::new();

    // Cookies: a file that cannot be read is the archivist's to fix, not bad input.
    let cookie_file = using.cookies.clone();
    let cookies = match &cookie_file {
        Some(path) => {
            if let Some(w) = capture::cookie_file_warning(path) {
                eprintln!("warning: {w}");
            }
            match capture::load_cookies(path) {
                Ok(c) => c,
                Err(e) => {
                    problems.push(Problem {
                        account: None,
                        check: "cookies",
                        message: format!("{e}"),
                        sv: "kakfilen (inloggningskakorna) kan inte läsas".into(),
                    });
                    Vec::new()
                }
            }
        }
        None => Vec::new(),
    };

    // Chromium: found, starting, and then every open account's start page.
    let accounts: Vec<&Account> = register.open_accounts(today);
    let mut checks = Vec::new();
    match launch(using, cookies.clone()) {
        Ok(session) => {
            machine.push(Check {
                check: "chromium",
                ok: true,
                detail: format!("{} started", session.browser_version()),
            });
            let scratch = scratch_dir()?;
            for (i, account) in accounts.iter().enumerate() {
                let dir = scratch.join(format!("{i:03}"));
                let c = check_account(
                    &session,
                    account,
                    &cookies,
                    cookie_file.is_some(),
                    &dir,
                    now,
                    window_ends,
                );
                problems.extend(c.1);
                checks.push(c.0);
            }
            let _ = std::fs::remove_dir_all(&scratch);
        }
        Err(e) => {
            let message = format!("{e:#}");
            machine.push(Check {
                check: "chromium",
                ok: false,
                detail: message.clone(),
            });
            problems.push(Problem {
                account: None,
                check: "chromium",
                message: format!("Chromium: {message}"),
                sv: "webbläsaren Chromium saknas eller startar inte, så ingenting kan fångas"
                    .into(),
            });
            for account in &accounts {
                checks.push(AccountCheck {
                    account: account.id.clone(),
                    url: account.url.clone(),
                    ok: false,
                    issues: vec!["unchecked"],
                    http_status: None,
                    cookies: 0,
                    cookies_expire: None,
                });
            }
        }
    }

    for (check, result) in [
        ("fonts", fonts()),
        ("disk", disk(archive)),
        ("journal", journal(archive)),
    ] {
        push_check(&mut machine, &mut problems, check, result);
    }
    push_check(&mut machine, &mut problems, "tsa", tsas(&using.tsa, now));

    let mut report = Report {
        today,
        boundary,
        window_ends,
        accounts: checks,
        machine,
        problems,
        journal: String::new(),
    };
    report.journal = journal_event(archive, &report);
    Ok(report)
}

/// A machine check's result: the detail when it passes, or the problem
/// (English, Swedish) when it does not.
type CheckResult = Result<String, (String, String)>;

fn push_check(
    machine: &mut Vec<Check>,
    problems: &mut Vec<Problem>,
    check: &'static str,
    result: CheckResult,
) {
    match result {
        Ok(detail) => machine.push(Check {
            check,
            ok: true,
            detail,
        }),
        Err((message, sv)) => {
            machine.push(Check {
                check,
                ok: false,
                detail: message.clone(),
            });
            problems.push(Problem {
                account: None,
                check,
                message,
                sv,
            });
        }
    }
}

/// The browser as `run` would start it, with the cookies set.
fn launch(using: &Using, cookies: Vec<capture::Cookie>) -> anyhow::Result<capture::Session> {
    let chrome = capture::find_chrome(using.chrome.as_deref())?;
    capture::check_browser(&chrome)?;
    let budget = std::time::Duration::from_secs(using.timeout.clamp(1, 60));
    let defaults = capture::Options::default();
    let options = capture::Options {
        chrome: Some(chrome),
        cookies,
        // The verdicts (login wall, consent, error page) are read from the
        // page as loaded; its depth is the run's business.
        max_height: 2 * defaults.viewport_height,
        page_limit: 2 * defaults.viewport_height,
        mhtml: false,
        time_zone: Some(registry::period::TIME_ZONE.name().to_string()),
        page_budget: budget,
        navigation_timeout: defaults.navigation_timeout.min(budget),
        settle_timeout: defaults.settle_timeout.min(budget),
        ..defaults
    };
    Ok(capture::Session::launch(&options)?)
}

/// A private directory for the pages' throwaway files, outside the archive.
fn scratch_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("ogonblick-preflight-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("create {}", dir.display()))?;
    Ok(dir)
}

/// The host of an http(s) URL, as the messages name the site.
fn host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

fn day_of(secs: f64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs as i64, 0)
}

fn check_account(
    session: &capture::Session,
    account: &Account,
    cookies: &[capture::Cookie],
    cookie_file: bool,
    dir: &Path,
    now: DateTime<Utc>,
    window_ends: NaiveDate,
) -> (AccountCheck, Vec<Problem>) {
    let id = account.id.clone();
    let site = host(&account.url);
    let mine: Vec<&capture::Cookie> = cookies
        .iter()
        .filter(|c| c.is_sent_to(&account.url))
        .collect();
    let expires = mine.iter().filter_map(|c| c.expires.and_then(day_of)).min();
    // (issue, English, Swedish)
    let mut found: Vec<(&'static str, String, String)> = Vec::new();
    let mut problem = |issue: &'static str, message: String, sv: String| {
        found.push((issue, message, sv));
    };
    let mut http_status = None;
    let page = capture::PageDir::at(dir, "01-start", "01-start");
    match session.capture(&account.url, &page) {
        Err(e) => problem(
            "unreachable",
            format!("the start page {} could not be opened: {e}", account.url),
            "startsidan går inte att öppna".into(),
        ),
        Ok(capture) => {
            http_status = capture.facts.http_status;
            let seen = |kind| capture.facts.obstructions.iter().find(|o| o.kind == kind);
            if let Some(o) = seen(ObstructionKind::ErrorPage) {
                problem(
                    "error-page",
                    format!(
                        "the start page {} is an error page ({})",
                        account.url, o.detail
                    ),
                    "startsidan visar en felsida; stämmer adressen i förteckningen?".into(),
                );
            }
            if let Some(o) = seen(ObstructionKind::LoginWall) {
                let (issue, message, sv) = login_wall(&o.detail, mine.len(), &site, cookie_file);
                problem(issue, message, sv);
            }
            if let Some(o) = seen(ObstructionKind::ConsentWall) {
                problem(
                    "consent-wall",
                    format!("a consent dialog could not be dismissed ({})", o.detail),
                    "en samtyckesruta gick inte att stänga och skymmer sidan".into(),
                );
            }
        }
    }
    if let Some((issue, message, sv)) =
        expires.and_then(|at| cookie_expiry(at, now, window_ends, &site))
    {
        problem(issue, message, sv);
    }
    let mut issues = Vec::new();
    let mut problems = Vec::new();
    for (issue, message, sv) in found {
        if issue == "needs-cookies" {
            issues.push("login-wall");
        }
        issues.push(issue);
        problems.push(Problem {
            account: Some(id.clone()),
            check: "account",
            message: format!("{id}: {message}"),
            sv,
        });
    }
    (
        AccountCheck {
            account: account.id.clone(),
            url: account.url.clone(),
            ok: issues.is_empty(),
            issues,
            http_status,
            cookies: mine.len(),
            cookies_expire: expires.map(|e| e.date_naive()),
        },
        problems,
    )
}

/// A login wall on the start page (`detail`): no cookies for `site` at
/// all (`needs-cookies`), or cookies that no longer log in (`login-wall`).
/// (issue, English, Swedish)
fn login_wall(
    detail: &str,
    cookies: usize,
    site: &str,
    cookie_file: bool,
) -> (&'static str, String, String) {
    if cookies == 0 {
        (
            "needs-cookies",
            format!(
                "needs cookies for {site}: the start page shows a login wall ({}) and {}; \
                 log in as the account in a browser, export its cookies and give them with --cookies",
                detail,
                if cookie_file {
                    "the cookie file holds none for it"
                } else {
                    "no cookie file was given"
                }
            ),
            format!(
                "startsidan visar en inloggningsvägg och det finns inga inloggningskakor för {site}: \
                 arkivarien behöver logga in och förnya kakorna"
            ),
        )
    } else {
        (
            "login-wall",
            format!(
                "the start page shows a login wall ({}) although {} cookie(s) for {site} were set: \
                 they have probably expired or been logged out; renew them",
                detail,
                cookies
            ),
            "startsidan visar en inloggningsvägg trots inloggningskakorna: de har troligen gått ut; \
             arkivarien behöver förnya dem"
                .into(),
        )
    }
}

/// Cookies that expire at `at`: already, or before the capture window
/// ends. (issue, English, Swedish)
fn cookie_expiry(
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    window_ends: NaiveDate,
    site: &str,
) -> Option<(&'static str, String, String)> {
    let day = at.date_naive();
    if at <= now {
        Some((
            "cookies-expired",
            format!("the cookies for {site} expired on {day}; renew them"),
            format!("inloggningskakorna för {site} gick ut {day}; arkivarien behöver förnya dem"),
        ))
    } else if day <= window_ends {
        Some((
            "cookies-expire-soon",
            format!(
                "the cookies for {site} expire on {day}, before the capture window ends on {window_ends}; renew them before then"
            ),
            format!(
                "inloggningskakorna för {site} går ut {day}, innan fångstfönstret stänger {window_ends}; \
                 arkivarien behöver förnya dem före dess"
            ),
        ))
    } else {
        None
    }
}

/// The fonts Chromium draws the pages with (the packages `ogonblick`
/// depends on). The cover's own font is built into the binary.
fn fonts() -> CheckResult {
    const NEEDED: &[(&str, &str)] = &[
        ("DejaVuSans", "fonts-dejavu-core"),
        ("NotoSans-", "fonts-noto-core"),
        ("NotoSansCJK", "fonts-noto-cjk"),
        ("NotoColorEmoji", "fonts-noto-color-emoji"),
    ];
    let mut names = Vec::new();
    for root in ["/usr/share/fonts", "/usr/local/share/fonts"] {
        for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    let missing: Vec<&str> = NEEDED
        .iter()
        .filter(|(prefix, _)| !names.iter().any(|n| n.starts_with(prefix)))
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        Ok("DejaVu Sans, Noto Sans, Noto CJK and Noto Color Emoji are installed".into())
    } else {
        Err((
            format!(
                "fonts missing, so pages would show empty boxes for some letters: install {}",
                missing.join(" ")
            ),
            format!("typsnitt saknas på servern ({})", missing.join(", ")),
        ))
    }
}

/// Bytes in the files under `dir`.
fn size_of(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Free space where the archive is (or will be) against twice the last
/// half-year's records: a record is staged beside the archive before it is
/// sealed, and the search index grows with it.
fn disk(archive: &Path) -> CheckResult {
    let mut at = archive.to_path_buf();
    while !at.exists() {
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p.to_path_buf(),
            _ => {
                at = PathBuf::from(".");
                break;
            }
        }
    }
    let stat = rustix::fs::statvfs(&at).map_err(|e| {
        (
            format!("disk: cannot read the free space of {}: {e}", at.display()),
            "det går inte att läsa hur mycket diskutrymme som är ledigt".to_string(),
        )
    })?;
    let free = stat.f_bavail * stat.f_frsize;
    let last = ArchiveView::read(archive).ok().and_then(|view| {
        view.periods()
            .into_iter()
            .map(|p| (p, size_of(&archive.join(p.to_string()))))
            .find(|(_, size)| *size > 0)
    });
    let (need, what) = match last {
        Some((period, size)) => (
            (2 * size).max(MIN_FREE),
            format!(
                "twice the last half-year's records ({period}: {})",
                mib(size)
            ),
        ),
        None => (MIN_FREE, "the least a first run is given".to_string()),
    };
    if free >= need {
        Ok(format!(
            "{} free on {}; {what} is {}",
            mib(free),
            at.display(),
            mib(need)
        ))
    } else {
        Err((
            format!(
                "disk: only {} free on {}, less than {what}, {}: free some space before the next run",
                mib(free),
                at.display(),
                mib(need)
            ),
            format!(
                "för lite ledigt diskutrymme för nästa körning ({} ledigt, {} behövs)",
                mib(free),
                mib(need)
            ),
        ))
    }
}

/// The archive's journal chain, read without opening the archive.
fn journal(archive: &Path) -> CheckResult {
    let empty_dir = std::fs::read_dir(archive).is_ok_and(|mut d| d.next().is_none());
    if !archive.exists() || empty_dir {
        return Ok(format!(
            "no archive at {} yet; the first run creates it",
            archive.display()
        ));
    }
    match ArchiveView::read(archive) {
        Ok(view) if view.chain_problems.is_empty() => {
            Ok(format!("the chain holds ({} lines)", view.journal.len()))
        }
        Ok(view) => {
            let (line, why) = &view.chain_problems[0];
            Err((
                format!(
                    "journal: the hash chain is broken in {} place(s), first at line {line} ({why}); run `ogonblick verify {}`",
                    view.chain_problems.len(),
                    archive.display()
                ),
                "arkivets journal är bruten (någon rad har ändrats eller tagits bort)".into(),
            ))
        }
        Err(e) => Err((
            format!("journal: {e}"),
            "arkivet eller dess journal kan inte läsas".into(),
        )),
    }
}

/// A TSA URL as it may be shown: without a user name or password.
pub fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Each TSA asked for a token, as a seal would ask it.
fn tsas(urls: &[String], now: DateTime<Utc>) -> CheckResult {
    if urls.is_empty() {
        return Ok("no TSA configured (--tsa, $OGONBLICK_TSA)".into());
    }
    use sha2::Digest;
    let digest: [u8; 32] =
        sha2::Sha256::digest(format!("ogonblick preflight {}", now.to_rfc3339())).into();
    let mut ok = Vec::new();
    let mut down = Vec::new();
    for answer in crate::tsa::ask_all(urls, &digest) {
        match answer {
            crate::tsa::Answer::Token { url, .. } => ok.push(shown_url(&url)),
            crate::tsa::Answer::Missing { url, reason } => {
                down.push(format!("{}: {reason}", shown_url(&url)));
            }
        }
    }
    if down.is_empty() {
        Ok(format!("answered: {}", ok.join(", ")))
    } else {
        Err((
            format!("TSA gave no token: {}", down.join("; ")),
            format!(
                "tidsstämplingstjänsten svarar inte ({} av {}); förseglingen går ändå, men utan tidsstämpel",
                down.len(),
                urls.len()
            ),
        ))
    }
}

/// Appends `preflight.run` when `archive` is an archive; says what it did.
fn journal_event(archive: &Path, report: &Report) -> String {
    if !registry::status::is_archive(archive) {
        return "not written: no archive yet".into();
    }
    let event = Event::PreflightRun {
        result: if report.needs_human() {
            "attention"
        } else {
            "ok"
        }
        .into(),
        boundary: report.boundary.to_string(),
        window_ends: report.window_ends.to_string(),
        problems: report.problems.iter().map(|p| p.message.clone()).collect(),
        accounts: report
            .accounts
            .iter()
            .map(|a| PreflightAccount {
                account: a.account.clone(),
                ok: a.ok,
                issues: a.issues.iter().map(|i| i.to_string()).collect(),
                cookies_expire: a.cookies_expire.map(|d| d.to_string()),
            })
            .collect(),
    };
    match Archive::open(archive).and_then(|a| a.append(&event)) {
        Ok(entry) => format!("preflight.run at line {}", entry.seq),
        Err(e) => {
            eprintln!("warning: the result is not in the journal: {e}");
            format!("not written: {e}")
        }
    }
}

pub fn print(report: &Report) {
    println!(
        "Preflight {} for the boundary {} (on time until {})",
        report.today, report.boundary, report.window_ends
    );
    let width = report
        .accounts
        .iter()
        .map(|a| a.account.len())
        .max()
        .unwrap_or(7)
        .max(7);
    println!(
        "{:width$}  {:5}  {:14}  issues",
        "account", "ready", "cookies expire"
    );
    for a in &report.accounts {
        println!(
            "{:width$}  {:5}  {:14}  {}",
            a.account,
            if a.ok { "yes" } else { "NO" },
            a.cookies_expire
                .map(|d| d.to_string())
                .unwrap_or_else(|| "–".into()),
            a.issues.join(", ")
        );
    }
    for c in &report.machine {
        println!(
            "{:8}  {:4}  {}",
            c.check,
            if c.ok { "ok" } else { "FAIL" },
            c.detail
        );
    }
    for p in &report.problems {
        println!("needs a human: {}", p.message);
    }
    println!("journal: {}", report.journal);
    if report.needs_human() {
        println!(
            "ATTENTION: {} thing(s) need a human before the next run",
            report.problems.len()
        );
    } else {
        println!("OK: the next run would need nobody");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_window_is_the_boundary_just_passed_while_it_runs_else_the_next() {
        for (today, boundary, ends) in [
            ("2026-12-07", "2027-01-01", "2027-01-15"),
            ("2027-01-01", "2027-01-01", "2027-01-15"),
            ("2027-01-15", "2027-01-01", "2027-01-15"),
            ("2027-01-16", "2027-07-01", "2027-07-15"),
            ("2027-06-30", "2027-07-01", "2027-07-15"),
        ] {
            assert_eq!(window(day(today)), (day(boundary), day(ends)), "{today}");
        }
    }
}
