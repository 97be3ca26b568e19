//! The path every capture takes, whichever command asked for it: capture the
//! pages into a staging directory, describe them in a `Record`, render the
//! PDF/A, and hand both to the archive to seal.

use std::path::Path;
use std::time::{Duration, Instant};

use model::{Account, Handling, Organisation, Record, RecordKind};

/// What to capture and how the record describes it.
#[derive(Debug, Clone)]
pub struct Job {
    pub record_id: String,
    pub kind: RecordKind,
    pub handling: Handling,
    pub urls: Vec<String>,
    pub organisation: Option<Organisation>,
    pub account: Option<Account>,
    pub period: Option<String>,
    pub late: bool,
    pub reason: Option<String>,
    /// The sender of the post or comment an evidence record preserves.
    pub sender: Option<String>,
    pub operator: String,
    /// Time-stamping authorities to ask when sealing (`--tsa`, `$OGONBLICK_TSA`).
    pub tsa: Vec<String>,
    /// Whether the record notes that Chromium ran without its sandbox (as
    /// root). `demo` says it once on the terminal instead.
    pub note_sandbox: bool,
}

impl Job {
    /// The account id, or `-` for a capture without a register.
    pub fn account_id(&self) -> &str {
        self.account.as_ref().map_or("-", |a| a.id.as_str())
    }
}

/// How one capture attempt ended.
#[derive(Debug)]
pub enum Attempt {
    /// Every page captured: `record` describes them (its PDF/A is not made
    /// yet: the caller first decides whether the record is kept, then
    /// [`render`]s it).
    Captured {
        record: Box<Record>,
        pages: Vec<capture::PageCapture>,
    },
    /// The browser died under us: nothing of this attempt may be kept.
    BrowserGone(anyhow::Error),
    /// The capture failed in a way a retry may fix (timeout, navigation error).
    Failed(anyhow::Error),
}

/// The folder label of the n-th page of a record (`01-start`, `02-about`).
pub fn page_label(index: usize, url: &str) -> String {
    if index == 0 {
        return "01-start".to_string();
    }
    let tail = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    let mut slug: String = tail
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    slug.truncate(40);
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "sida" } else { slug };
    format!("{:02}-{slug}", index + 1)
}

/// Captures every page of `job` into `dir` (a staging directory) and
/// describes them as a record. Raw files stay in `dir`; the caller decides
/// whether the record is kept, renders it and seals it, or discards `dir`.
pub fn attempt(session: &capture::Session, job: &Job, dir: &Path) -> Attempt {
    let mut pages = Vec::with_capacity(job.urls.len());
    for (i, url) in job.urls.iter().enumerate() {
        let label = page_label(i, url);
        match session.capture(
            url,
            &capture::PageDir::at(dir, &registry::record::page_rel(&label), &label)
                .of_record(&job.record_id),
        ) {
            Ok(page) => pages.push(page),
            Err(err) if err.is_browser_gone() => {
                return Attempt::BrowserGone(
                    anyhow::Error::new(err).context(format!("capturing {url}")),
                )
            }
            Err(err) => {
                return Attempt::Failed(anyhow::Error::new(err).context(format!("capturing {url}")))
            }
        }
    }
    // The account's own count against what the pages hold together; an
    // evidence record keeps one post or comment, not the account's list.
    if job.kind != RecordKind::BevisForeRadering {
        session.judge_declared(&mut pages);
    }
    if job.note_sandbox && !session.is_sandboxed() {
        if let Some(first) = pages.first_mut() {
            first.facts.note(model::Note::SandboxOff);
        }
    }
    let record = Record {
        record_id: job.record_id.clone(),
        kind: job.kind,
        organisation: job.organisation.clone(),
        account: job.account.clone(),
        period: job.period.clone(),
        handling: job.handling,
        pages: pages.iter().map(|p| p.facts.clone()).collect(),
        late: job.late,
        ogonblick_version: env!("CARGO_PKG_VERSION").to_string(),
        operator: job.operator.clone(),
        reason: job.reason.clone(),
        sender: job.sender.clone(),
        diarienummer: String::new(),
        files: match registry::archive::raw_file_hashes(dir) {
            Ok(files) => files,
            Err(err) => return Attempt::Failed(err.into()),
        },
        timestamp_authorities: job.tsa.clone(),
    };
    Attempt::Captured {
        record: Box::new(record),
        pages,
    }
}

/// Backoff before retry `n` (1-based): 2 s, 8 s, 30 s, scaled down by
/// `OGONBLICK_RETRY_SCALE` for tests.
pub fn backoff(n: u32) -> Duration {
    let base = match n {
        1 => 2_000,
        2 => 8_000,
        _ => 30_000,
    };
    let scale: f64 = std::env::var("OGONBLICK_RETRY_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    Duration::from_millis((base as f64 * scale) as u64)
}

/// Seconds since `start`, for the closing table.
pub fn secs(start: Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 10.0).round() / 10.0
}

/// Who runs a capture, for the record and the cover page: `--operator NAME`, else
/// `$OGONBLICK_OPERATOR`, else the register's contact for the organisation, else
/// empty (the cover then says that neither was given). Never the login name: a
/// scheduled run as `root` names no person.
pub fn operator(given: Option<&str>, organisation: Option<&Organisation>) -> String {
    let named = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    given
        .and_then(named)
        .or_else(|| {
            std::env::var("OGONBLICK_OPERATOR")
                .ok()
                .and_then(|s| named(&s))
        })
        .or_else(|| {
            organisation
                .and_then(|o| o.contact.as_ref())
                .and_then(|c| named(&c.name))
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{operator, page_label};

    #[test]
    fn labels() {
        let check = |i, url, want: &str| assert_eq!(page_label(i, url), want);
        check(0, "https://www.facebook.com/kommun", "01-start");
        check(1, "https://www.facebook.com/kommun/about", "02-about");
        check(2, "https://example.se/a/B%20c/?x=1", "03-b-20c");
        check(1, "https://example.se/", "02-example-se");
        check(1, "http://127.0.0.1:8080/?q", "02-127-0-0-1-8080");
    }

    #[test]
    fn operator_from_the_flag_then_the_environment_then_the_registers_contact() {
        let org = model::Organisation {
            name: "Gislaveds kommun".into(),
            archive_creator: "Kommunstyrelsen".into(),
            organisation_number: None,
            website: None,
            contact: Some(model::Contact {
                name: "Informationsfunktionen".into(),
                email: None,
                phone: None,
            }),
        };
        let env = std::env::var("OGONBLICK_OPERATOR")
            .ok()
            .filter(|s| !s.trim().is_empty());
        assert_eq!(operator(Some(" Karin Lind "), Some(&org)), "Karin Lind");
        let fallback = |contact: &str| env.clone().unwrap_or_else(|| contact.to_string());
        assert_eq!(
            operator(Some(" "), Some(&org)),
            fallback("Informationsfunktionen")
        );
        assert_eq!(operator(None, None), fallback(""));
    }
}

pub use crate::args::CaptureArgs;

/// One capture job carried to its end: retried with backoff, then sealed or
/// recorded as failed. The session is relaunched if the browser died.
#[derive(Debug)]
pub enum Outcome {
    Sealed {
        record: Box<Record>,
        sealed: registry::Sealed,
        /// One line per TSA that gave no token (the record is sealed all the same).
        unstamped: Vec<String>,
        /// The comparison with the account's previous half-year record, as
        /// sealed in its `changes.json`.
        changes: Option<Box<model::Changes>>,
    },
    Failed {
        reason: String,
        /// What blocked the last try, as data (empty when it failed for
        /// another reason: a page that did not load, a browser that died).
        blocked_by: Vec<model::ObstructionKind>,
    },
}

/// Runs `job` against `archive` with up to `retries` retries. An error
/// (exit 2) stops the command: the archive cannot be written, most often
/// because the disk is full, which the error then says.
pub fn capture_and_seal(
    session: &mut Option<capture::Session>,
    options: &capture::Options,
    archive: &registry::Archive,
    job: &Job,
    flavour: pdfa::Flavour,
    retries: u32,
    log: &dyn Fn(&str),
) -> anyhow::Result<Outcome> {
    let mut tries = Tries {
        session,
        options,
        archive,
        job,
        flavour,
        retries,
        log,
        last_reason: String::new(),
    };
    tries.run().map_err(|err| {
        if is_disk_full(&err) {
            disk_full(err)
        } else {
            err
        }
    })
}

/// One job's tries and what they share: the browser, where the record goes,
/// and why the last try did not seal.
struct Tries<'a> {
    session: &'a mut Option<capture::Session>,
    options: &'a capture::Options,
    archive: &'a registry::Archive,
    job: &'a Job,
    flavour: pdfa::Flavour,
    retries: u32,
    log: &'a dyn Fn(&str),
    last_reason: String,
}

/// How one try ended.
enum Try {
    /// Sealed, or failed for good (blocked on the last try).
    Done(Outcome),
    /// Nothing kept; the next try may do better (`last_reason` says why).
    Again,
    /// Nothing kept, and no later try can do better.
    GiveUp,
}

impl Tries<'_> {
    /// The tries in order, with backoff between them; failed when none sealed.
    fn run(&mut self) -> anyhow::Result<Outcome> {
        for attempt_no in 0..=self.retries {
            if attempt_no > 0 {
                self.back_off(attempt_no);
            }
            match self.once(attempt_no)? {
                Try::Done(outcome) => return Ok(outcome),
                Try::Again => {}
                Try::GiveUp => break,
            }
        }
        self.give_up()
    }

    /// Says that retry `attempt_no` comes, and why, then waits its backoff.
    fn back_off(&self, attempt_no: u32) {
        let wait = backoff(attempt_no);
        (self.log)(&format!(
            "{}: retry {attempt_no} of {} in {:.0} s ({})",
            self.job.account_id(),
            self.retries,
            wait.as_secs_f64(),
            self.last_reason
        ));
        std::thread::sleep(wait);
    }

    /// A running browser for the next try, launched again when there is none
    /// or it died. `false` when it did not start (the reason is kept for the
    /// next try); a browser that cannot run here at all is an error.
    fn browser_ready(&mut self) -> anyhow::Result<bool> {
        if self.session.as_ref().is_none_or(|s| s.is_browser_gone()) {
            *self.session = None;
            match capture::Session::launch(self.options) {
                Ok(s) => *self.session = Some(s),
                Err(err) if err.is_setup() => return Err(err.into()),
                Err(err) => {
                    self.last_reason = format!("{:#}", anyhow::Error::new(err));
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// One try: the pages captured into a fresh staging folder, then kept
    /// or thrown away.
    fn once(&mut self, attempt_no: u32) -> anyhow::Result<Try> {
        if !self.browser_ready()? {
            return Ok(Try::Again);
        }
        let Some(browser) = self.session.as_ref() else {
            return Ok(Try::Again);
        };
        let staging = self.archive.stage(&self.job.record_id)?;
        registry::fault::point("capture.staged");
        match attempt(browser, self.job, staging.dir()) {
            Attempt::Captured { record, pages } => self.keep(attempt_no, staging, record, &pages),
            Attempt::BrowserGone(err) | Attempt::Failed(err) if is_disk_full(&err) => {
                self.archive.discard(staging)?;
                Err(err)
            }
            Attempt::BrowserGone(err) => {
                self.archive.discard(staging)?;
                *self.session = None;
                self.last_reason = format!("{err:#}");
                Ok(Try::Again)
            }
            Attempt::Failed(err) => {
                self.archive.discard(staging)?;
                self.last_reason = format!("{err:#}");
                // The page killed its tab twice (once in a fresh one): no
                // later try can do better.
                Ok(if is_page_fatal(&err) {
                    Try::GiveUp
                } else {
                    Try::Again
                })
            }
        }
    }

    /// A captured record: a blocked one is decided on before anything is
    /// rendered (tried again, or failed on the last try); any other is
    /// rendered and sealed.
    fn keep(
        &mut self,
        attempt_no: u32,
        staging: registry::Staging,
        record: Box<Record>,
        pages: &[capture::PageCapture],
    ) -> anyhow::Result<Try> {
        if registry::policy::is_blocked(&record) {
            self.archive.discard(staging)?;
            if attempt_no < self.retries {
                self.last_reason = registry::policy::blocked_reason(&record);
                return Ok(Try::Again);
            }
            return self.blocked(&record).map(Try::Done);
        }
        let rendered = match crate::posts::render(
            &record,
            staging.dir(),
            pages,
            self.flavour,
            Some(self.archive.root()),
        ) {
            Ok(rendered) => rendered,
            Err(err) => {
                self.archive.discard(staging)?;
                if is_disk_full(&err) {
                    return Err(err);
                }
                self.last_reason = format!("{err:#}");
                return Ok(Try::Again);
            }
        };
        self.seal(staging, record, rendered).map(Try::Done)
    }

    /// A record still blocked on the last try: journaled as failed, with
    /// what blocked it.
    fn blocked(&self, record: &Record) -> anyhow::Result<Outcome> {
        let reason = registry::policy::blocked_reason(record);
        self.failed(reason, registry::policy::blocking_kinds(record))
    }

    /// The rendered record sealed with the TSAs' tokens and its comparison,
    /// then taken into the search index.
    fn seal(
        &self,
        staging: registry::Staging,
        mut record: Box<Record>,
        rendered: crate::posts::Rendered,
    ) -> anyhow::Result<Outcome> {
        let sealed = self.archive.seal_stamped(
            staging,
            &mut record,
            &rendered.pdf,
            rendered.changes.as_ref(),
            &|d| crate::tsa::ask_all(&self.job.tsa, d),
        )?;
        let unstamped = sealed.unstamped.clone();
        for w in &unstamped {
            (self.log)(&format!("warning: {w}"));
        }
        crate::search::take_in(self.archive.root(), self.log);
        Ok(Outcome::Sealed {
            record,
            sealed,
            unstamped,
            changes: rendered.changes.map(Box::new),
        })
    }

    /// No try sealed: journaled as failed with the last try's reason.
    fn give_up(&mut self) -> anyhow::Result<Outcome> {
        let reason = std::mem::take(&mut self.last_reason);
        self.failed(reason, Vec::new())
    }

    /// The record journaled as failed for `reason`.
    fn failed(
        &self,
        reason: String,
        blocked_by: Vec<model::ObstructionKind>,
    ) -> anyhow::Result<Outcome> {
        self.archive.fail(
            &self.job.record_id,
            self.job.account_id(),
            self.job.period.as_deref(),
            &reason,
        )?;
        Ok(Outcome::Failed { reason, blocked_by })
    }
}

/// Whether `err` is a page that kills its own tab (see [`capture::Error::is_page_fatal`]).
pub fn is_page_fatal(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<capture::Error>()
            .is_some_and(capture::Error::is_page_fatal)
    })
}

/// Whether `err` comes from a full disk (ENOSPC, or a quota): no retry can
/// help, and the command cannot run (exit 2), unlike a page that failed.
pub fn is_disk_full(err: &anyhow::Error) -> bool {
    fn full(io: &std::io::Error) -> bool {
        matches!(
            io.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        ) || matches!(io.raw_os_error(), Some(28 | 122))
            // An encoder (the PNG writer) may wrap the OS error in one of
            // its own, which io::Error hides from the source chain.
            || io
                .get_ref()
                .is_some_and(|inner| inner.to_string().contains("No space left on device"))
    }
    err.chain()
        .any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(full))
}

/// `err` with the hint for a full disk on top.
pub fn disk_full(err: anyhow::Error) -> anyhow::Error {
    err.context(
        "the disk is full: free space (or move the archive with --archive/--out) and run again; \
         nothing incomplete was sealed",
    )
}

/// Opens the archive (saying what recovery did), starts a browser and carries
/// one ad-hoc job (`evidence`, `close`) to its end.
pub fn capture_one(
    capture_args: &CaptureArgs,
    archive: &Path,
    job: &Job,
    retries: u32,
) -> anyhow::Result<(registry::Archive, Outcome)> {
    let options = capture_args.options()?;
    let archive = registry::Archive::open(archive)?;
    for w in archive.recovery_warnings() {
        eprintln!("warning: {w}");
    }
    let mut session = Some(capture::Session::launch(&options)?);
    let log = |msg: &str| eprintln!("{msg}");
    let outcome = capture_and_seal(
        &mut session,
        &options,
        &archive,
        job,
        capture_args.pdfa,
        retries,
        &log,
    )?;
    Ok((archive, outcome))
}

/// Prints a sealed record's warnings; a record with obstructions, or without
/// the timestamp a TSA was asked for, needs a human (exit 1).
pub fn sealed_exit(record: &Record, unstamped: &[String]) -> crate::Exit {
    for w in registry::policy::record_warnings(record) {
        eprintln!("warning: {w}");
    }
    if record.obstructions().next().is_some() || !unstamped.is_empty() {
        crate::Exit::Attention
    } else {
        crate::Exit::Ok
    }
}
