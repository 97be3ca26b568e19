//! `ogonblick run`: the half-year job. Captures every open account of the
//! register for a period, seals one record per account, and skips what is
//! already sealed so a daily timer catches up and a rerun finishes a crash.

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{bail, Context};
use model::{Handling, RecordKind};
use registry::{Archive, Period};
use serde::Serialize;

use crate::pipeline::{self, CaptureArgs, Job, Outcome};
use crate::preflight;
use crate::{CmdResult, Exit};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The account register (förteckning).
    #[arg(long, value_name = "FILE", default_value = "accounts.toml")]
    pub register: PathBuf,
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    /// Half-year to capture: YYYY-H1, YYYY-H2, or `auto` (the one that most recently ended).
    #[arg(long, value_name = "PERIOD", default_value = "auto")]
    pub period: String,
    /// Capture only this account (repeatable).
    #[arg(long = "only", value_name = "ID")]
    pub only: Vec<String>,
    /// Accounts captured at once, each in its own browser.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub jobs: usize,
    /// Retries of a failed or obstructed capture, with backoff.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,
    /// Flag accounts whose newest post is older than this many months.
    #[arg(long, value_name = "MONTHS", default_value_t = registry::policy::PASSIVE_MONTHS)]
    pub passive_months: u32,
    /// Print the closing table as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// On a day with nothing to capture, this many days or fewer before a
    /// half-year boundary, check as `ogonblick preflight` does (0, the
    /// default: never; the systemd unit and the cron line give 14).
    #[arg(long, value_name = "DAYS", default_value_t = 0)]
    pub preflight_days: u32,
    #[command(flatten)]
    pub capture: CaptureArgs,
    /// The day the run takes as today for its period and lateness (not a
    /// flag: `demo` runs its period as on the boundary).
    #[arg(skip)]
    pub today: Option<chrono::NaiveDate>,
    /// Leave Chromium's sandbox out of the records (not a flag: `demo` says
    /// it once on the terminal).
    #[arg(skip)]
    pub sandbox_said: bool,
}

pub use crate::table::Row;

/// What a run did.
#[derive(Debug, Serialize)]
pub struct Report {
    pub period: String,
    pub archive: PathBuf,
    pub rows: Vec<Row>,
    /// The journal head stamped at the end of the run: one line per TSA that
    /// gave no token (empty when every TSA answered, or none was asked).
    pub journal_unstamped: Vec<String>,
}

impl Report {
    pub fn needs_human(&self) -> bool {
        self.rows
            .iter()
            .any(|r| matches!(r.status, "failed" | "flagged" | "removed") || r.unstamped)
            || !self.journal_unstamped.is_empty()
    }
}

pub fn main(args: Args) -> CmdResult {
    crate::notify::use_register(&args.register);
    let report = execute(&args)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    notify(&report);
    // Ahead of the boundary, on days with nothing to capture (issue 30).
    let ahead = ahead_of_boundary(&args, &report)?;
    Ok(
        if report.needs_human() || ahead.is_some_and(|e| e == Exit::Attention) {
            Exit::Attention
        } else {
            Exit::Ok
        },
    )
}

/// The run's closing table as problems for the notice (`crate::notify`).
fn notify(report: &Report) {
    for r in &report.rows {
        let walled = r.blocked_by.contains(&model::ObstructionKind::LoginWall);
        let sv = match r.status {
            "failed" if walled => {
                "fångsten stoppades av en inloggningsvägg och ingenting förseglades; \
                 arkivarien behöver förnya inloggningskakorna (se README)"
            }
            "failed" => "fångsten misslyckades och ingenting förseglades",
            "flagged" => "ögonblicksbilden förseglades men är flaggad: något på sidan skymde innehållet",
            "removed" => "inlägg eller kommentarer har tagits bort sedan förra ögonblicksbilden; granska dem",
            _ if r.unstamped => {
                "ögonblicksbilden förseglades utan tidsstämpel; lägg till den senare med ogonblick stamp"
            }
            _ => continue,
        };
        crate::notify::problem(Some(&r.account), sv, &r.warnings.join("; "));
    }
    for w in &report.journal_unstamped {
        crate::notify::problem(
            None,
            "journalens senaste rad fick ingen tidsstämpel; lägg till den senare med ogonblick stamp",
            w,
        );
    }
}

/// The run's check ahead of the boundary: on a day the run captured
/// nothing (every account skipped), `--preflight-days` or fewer before the
/// next boundary, the same checks as `preflight`, printed after the
/// closing table. `None` when it is not that day.
fn ahead_of_boundary(args: &Args, report: &Report) -> anyhow::Result<Option<Exit>> {
    let today = registry::period::today_stockholm();
    let next = Period::containing(today).boundary_end();
    let days = (next - today).num_days();
    if args.preflight_days == 0
        || days > i64::from(args.preflight_days)
        || report.rows.iter().any(|r| r.status != "skipped")
    {
        return Ok(None);
    }
    eprintln!("{days} day(s) to the boundary {next}: checking what the next run needs");
    let (register, _) = registry::load(&args.register)?;
    let checked = preflight::check(
        &register,
        &args.archive,
        &preflight::Using::from(&args.capture),
    )?;
    if args.json {
        eprintln!("{}", serde_json::to_string_pretty(&checked)?);
    } else {
        preflight::print(&checked);
    }
    Ok(Some(preflight::finish(&checked)))
}

/// Resolves `auto` or `YYYY-Hn`; refuses a period that has not ended.
pub fn resolve_period(arg: &str, today: chrono::NaiveDate) -> anyhow::Result<Period> {
    let period = if arg == "auto" {
        Period::last_ended(today)
    } else {
        arg.parse::<Period>()
            .with_context(|| format!("--period {arg:?} (or `auto`)"))?
    };
    if period.boundary_end() > today {
        bail!(
            "period {period} has not ended yet (it ends {}); an ögonblicksbild is taken at the half-year boundary, never before",
            period.boundary_end()
        );
    }
    Ok(period)
}

/// The run itself, shared with `ogonblick demo`.
pub fn execute(args: &Args) -> anyhow::Result<Report> {
    let run = Run::start(args)?;
    let (mut rows, queue) = run.plan();
    rows.extend(run.capture_all(queue)?);
    run.finish(rows)
}

/// What the run's steps share once it has started.
struct Run<'a> {
    args: &'a Args,
    today: chrono::NaiveDate,
    period: Period,
    register: registry::Register,
    archive: Archive,
    options: capture::Options,
}

/// What the capture workers share: the jobs left, the rows done, and the
/// flag that stops them.
struct Work {
    queue: Mutex<VecDeque<Job>>,
    results: Mutex<Vec<Row>>,
    /// Set when a worker meets an error that stops the run (a full disk):
    /// the others finish the account in hand and take no new one.
    stop: AtomicBool,
    progress: Progress,
}

impl<'a> Run<'a> {
    /// The period and the register checked, the archive opened (saying what
    /// recovery did) and the capture options with the period's start.
    fn start(args: &'a Args) -> anyhow::Result<Run<'a>> {
        let today = args.today.unwrap_or_else(registry::period::today_stockholm);
        let period = resolve_period(&args.period, today)?;
        let (register, _) = crate::accounts::load_register(&args.register)?;
        for id in &args.only {
            if register.account(id).is_none() {
                bail!(
                    "--only {id}: no account with that id in {}",
                    args.register.display()
                );
            }
        }
        let mut options = args.capture.options()?;
        // A half-year snapshot follows each feed back to the period's first day.
        options.since = options
            .since
            .or(Some(crate::args::since(period.boundary_start())));
        let archive = Archive::open(&args.archive)?;
        for w in archive.recovery_warnings() {
            eprintln!("warning: {w}");
        }
        Ok(Run {
            args,
            today,
            period,
            register,
            archive,
            options,
        })
    }

    /// The accounts this run captures, as jobs, and a `skipped` row for each
    /// already sealed for the period.
    fn plan(&self) -> (Vec<Row>, VecDeque<Job>) {
        let (args, period) = (self.args, &self.period);
        let late = period.is_late(self.today);
        let operator = pipeline::operator(
            args.capture.operator.as_deref(),
            Some(&self.register.organisation),
        );
        let mut rows = Vec::new();
        let mut queue = VecDeque::new();
        for account in &self.register.accounts {
            if !args.only.is_empty() && !args.only.contains(&account.id) {
                continue;
            }
            if account.closed.is_some_and(|c| c <= self.today) || account.opened > period.last_day()
            {
                continue;
            }
            let record_id = registry::period_record_id(period, &account.id);
            if self.archive.is_sealed(&record_id) {
                rows.push(skipped(&account.id, record_id));
                continue;
            }
            queue.push_back(Job {
                record_id,
                kind: RecordKind::Halvar,
                handling: Handling::Upprattad,
                urls: registry::register::pages_of(account),
                organisation: Some(self.register.organisation.clone()),
                account: Some(account.clone()),
                period: Some(period.to_string()),
                late,
                reason: None,
                sender: None,
                operator: operator.clone(),
                tsa: args.capture.tsa_urls(),
                note_sandbox: !args.sandbox_said,
            });
        }
        (rows, queue)
    }

    /// Every job captured and sealed by `--jobs` workers, each with its own
    /// browser; the first error stops the run.
    fn capture_all(&self, queue: VecDeque<Job>) -> anyhow::Result<Vec<Row>> {
        let total = queue.len();
        let work = Work {
            queue: Mutex::new(queue),
            results: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            progress: Progress::new(total),
        };
        if total > 0 {
            // Fail fast on a browser that cannot start at all: that is exit 2, not 1.
            let mut first = Some(capture::Session::launch(&self.options)?);
            let jobs = self.args.jobs.clamp(1, total);
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..jobs)
                    .map(|_| {
                        let session = first.take();
                        let work = &work;
                        scope.spawn(move || self.worker(session, work))
                    })
                    .collect();
                let mut first_err = None;
                for h in handles {
                    match h.join() {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => first_err = first_err.or(Some(e)),
                        Err(_) => {
                            first_err =
                                first_err.or(Some(anyhow::anyhow!("a capture worker panicked")));
                        }
                    }
                }
                first_err.map_or(Ok(()), Err)
            })?;
        }
        work.progress.finish();
        Ok(work.results.into_inner().expect("results lock"))
    }

    /// One worker: takes jobs until none is left or the run stops, and
    /// carries each to its row of the closing table.
    fn worker(&self, mut session: Option<capture::Session>, work: &Work) -> anyhow::Result<()> {
        loop {
            if work.stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            let Some(job) = work.queue.lock().expect("queue lock").pop_front() else {
                return Ok(());
            };
            work.progress.start(job.account_id());
            let started = Instant::now();
            let log = |msg: &str| work.progress.log(msg);
            let outcome = pipeline::capture_and_seal(
                &mut session,
                &self.options,
                &self.archive,
                &job,
                self.args.capture.pdfa,
                self.args.retries,
                &log,
            )
            .inspect_err(|_| work.stop.store(true, Ordering::SeqCst))
            .with_context(|| format!("the run stopped at account {}", job.account_id()))?;
            let row = row_for(
                &job,
                outcome,
                pipeline::secs(started),
                self.args.passive_months,
            );
            work.progress.done(&row);
            work.results.lock().expect("results lock").push(row);
        }
    }

    /// The rows in the register's order, and the journal head stamped as
    /// the run leaves it.
    fn finish(self, mut rows: Vec<Row>) -> anyhow::Result<Report> {
        let order: Vec<&str> = self
            .register
            .accounts
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        rows.sort_by_key(|r| order.iter().position(|id| *id == r.account));
        // The order of events is anchored in time too: the journal head as the
        // run leaves it.
        let tsa = self.args.capture.tsa_urls();
        let journal_unstamped = if tsa.is_empty() {
            Vec::new()
        } else {
            crate::tsa::stamp_head(&self.archive, &tsa)?
        };
        for w in &journal_unstamped {
            eprintln!("warning: {w}");
        }
        Ok(Report {
            period: self.period.to_string(),
            archive: self.args.archive.clone(),
            rows,
            journal_unstamped,
        })
    }
}

/// The row of an account already sealed for the period.
fn skipped(account: &str, record_id: String) -> Row {
    Row {
        account: account.to_string(),
        record_id,
        status: "skipped",
        pages: 0,
        warnings: vec!["already sealed for this period".to_string()],
        seconds: 0.0,
        passive: false,
        unstamped: false,
        removed: false,
        blocked_by: Vec::new(),
    }
}

fn row_for(job: &Job, outcome: Outcome, seconds: f64, passive_months: u32) -> Row {
    match outcome {
        Outcome::Sealed {
            record,
            unstamped,
            changes,
            ..
        } => {
            let mut warnings = registry::policy::record_warnings(&record);
            warnings.extend(unstamped.iter().cloned());
            let flagged = record.obstructions().next().is_some();
            let row = Row {
                account: job.account_id().to_string(),
                record_id: job.record_id.clone(),
                status: if flagged { "flagged" } else { "sealed" },
                pages: record.pages.len(),
                passive: registry::policy::passive_since(&record, passive_months).is_some(),
                warnings,
                seconds,
                unstamped: !unstamped.is_empty(),
                removed: false,
                blocked_by: Vec::new(),
            };
            crate::posts::mark_removals(row, changes.as_deref())
        }
        Outcome::Failed { reason, blocked_by } => Row {
            account: job.account_id().to_string(),
            record_id: job.record_id.clone(),
            status: "failed",
            pages: 0,
            warnings: vec![reason],
            seconds,
            passive: false,
            unstamped: false,
            removed: false,
            blocked_by,
        },
    }
}

/// The closing table: account, status, pages, warnings, seconds.
pub fn print_table(report: &Report) {
    println!(
        "Period {} — archive {}",
        report.period,
        report.archive.display()
    );
    let width = report
        .rows
        .iter()
        .map(|r| r.account.len())
        .max()
        .unwrap_or(7)
        .max(7);
    println!(
        "{:width$}  {:8}  {:>5}  {:>7}  warnings",
        "account", "status", "pages", "seconds"
    );
    for r in &report.rows {
        let mut warnings = r.warnings.clone();
        if r.passive {
            warnings.push("passive: newest post is older than the limit; the policy asks passive accounts to be closed".to_string());
        }
        let first = warnings.first().cloned().unwrap_or_default();
        println!(
            "{:width$}  {:8}  {:>5}  {:>7.1}  {first}",
            r.account, r.status, r.pages, r.seconds
        );
        for w in warnings.iter().skip(1) {
            println!("{:width$}  {:8}  {:>5}  {:>7}  {w}", "", "", "", "");
        }
    }
    let count = |s: &str| report.rows.iter().filter(|r| r.status == s).count();
    println!(
        "{} sealed, {} flagged, {} failed, {} skipped",
        count("sealed"),
        count("flagged"),
        count("failed"),
        count("skipped")
    );
    crate::posts::print_removals(&report.rows);
}

/// Progress on stderr: a bar when stderr is a terminal, log lines otherwise.
#[derive(Debug)]
struct Progress {
    total: usize,
    done: Mutex<usize>,
    tty: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            done: Mutex::new(0),
            tty: std::io::stderr().is_terminal(),
        }
    }

    fn start(&self, account: &str) {
        if !self.tty {
            eprintln!("capturing {account}");
        }
        self.bar(account);
    }

    fn log(&self, msg: &str) {
        if self.tty {
            eprint!("\r\x1b[2K");
        }
        eprintln!("{msg}");
    }

    fn done(&self, row: &Row) {
        let mut done = self.done.lock().expect("progress lock");
        *done += 1;
        if !self.tty {
            eprintln!("{}: {} in {:.1} s", row.account, row.status, row.seconds);
        }
        drop(done);
        self.bar(&row.account);
    }

    fn bar(&self, current: &str) {
        if !self.tty || self.total == 0 {
            return;
        }
        let done = *self.done.lock().expect("progress lock");
        let filled = done * 30 / self.total;
        eprint!(
            "\r\x1b[2K[{}{}] {done}/{} {current}",
            "#".repeat(filled),
            " ".repeat(30 - filled),
            self.total
        );
    }

    fn finish(&self) {
        if self.tty && self.total > 0 {
            eprintln!();
        }
    }
}
