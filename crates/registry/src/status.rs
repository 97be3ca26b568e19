//! Where each account stands for a period, read from the archive without
//! opening (and so without locking, creating or repairing) it: the sealed
//! records, the journal's failures and diarienummer, the timestamp tokens.
//! `ogonblick status` prints it; `ogonblick report` shows the same facts.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use model::{Account, Record};
use serde::Serialize;

use crate::archive::{read_record, record_dirs, JOURNAL, MANIFEST};
use crate::journal::Event;
use crate::journal::{check_chain, JournalEntry};
use crate::period::{period_record_id, Period};
use crate::policy::{passive_since, record_warnings};
use crate::timestamp::TIMESTAMPS;
use crate::{Error, Register, Result};

/// An archive read as it is: every sealed record and every journal entry.
#[derive(Debug)]
pub struct ArchiveView {
    pub root: PathBuf,
    /// Every sealed record with its directory, sorted by id.
    pub records: Vec<(Record, PathBuf)>,
    /// Every journal entry that parses, in order.
    pub journal: Vec<JournalEntry>,
    /// Where the journal's hash chain is broken (`verify` says more).
    pub chain_problems: Vec<(usize, String)>,
}

/// Whether `root` is an archive: a directory with a journal. Commands that only
/// read an archive refuse anything else instead of creating one there.
pub fn is_archive(root: &Path) -> bool {
    root.is_dir() && root.join(JOURNAL).is_file()
}

/// Refuses a path that is not an archive, with a hint.
pub fn require_archive(root: &Path) -> Result<()> {
    if is_archive(root) {
        Ok(())
    } else {
        Err(Error::NotAnArchive(root.to_path_buf()))
    }
}

impl ArchiveView {
    /// Reads the archive at `root` without writing anything.
    pub fn read(root: &Path) -> Result<ArchiveView> {
        require_archive(root)?;
        let path = root.join(JOURNAL);
        let bytes = fs::read(&path).map_err(Error::io("read", &path))?;
        let chain = check_chain(&bytes);
        let mut records = Vec::new();
        for (_, dir) in record_dirs(root)? {
            if dir.join(MANIFEST).is_file() {
                records.push((read_record(&dir)?, dir));
            }
        }
        Ok(ArchiveView {
            root: root.to_path_buf(),
            records,
            journal: chain.entries,
            chain_problems: chain.problems,
        })
    }

    /// The sealed record with this id.
    pub fn record(&self, record_id: &str) -> Option<&(Record, PathBuf)> {
        self.records.iter().find(|(r, _)| r.record_id == record_id)
    }

    /// The latest diarienummer the journal assigns to a record.
    pub fn diarienummer(&self, record_id: &str) -> Option<String> {
        crate::journal::latest_dnr(&self.journal, record_id).map(str::to_string)
    }

    /// The latest `record.failed` entry for a record id.
    pub fn failure(&self, record_id: &str) -> Option<&JournalEntry> {
        self.journal
            .iter()
            .rev()
            .find(|e| e.event == Event::RECORD_FAILED && e.field("record_id") == Some(record_id))
    }

    /// The periods that have records or journal events, newest first.
    pub fn periods(&self) -> Vec<Period> {
        let mut out: Vec<Period> = self
            .records
            .iter()
            .filter_map(|(r, _)| r.period.as_deref()?.parse().ok())
            .chain(
                self.journal
                    .iter()
                    .filter_map(|e| e.field("period")?.parse().ok()),
            )
            .collect();
        out.sort();
        out.dedup();
        out.reverse();
        out
    }
}

/// The RFC 3161 tokens of a record: those stored with it while it was sealed
/// (`timestamps/*.tsr` in the record, named relative to it) and those added
/// later by `ogonblick stamp` in the archive's own `timestamps/<record id>/`
/// (named `../../timestamps/<record id>/…`, relative to the record too).
pub fn timestamp_tokens(record_dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut places = vec![
        (format!("{TIMESTAMPS}/"), record_dir.join(TIMESTAMPS)),
        (String::new(), record_dir.to_path_buf()),
    ];
    let group = record_dir.parent();
    if let (Some(group), Some(root)) = (group, group.and_then(Path::parent)) {
        let id = format!(
            "{}/{}",
            group.file_name().unwrap_or_default().to_string_lossy(),
            record_dir.file_name().unwrap_or_default().to_string_lossy()
        );
        places.push((
            format!("../../{TIMESTAMPS}/{id}/"),
            root.join(TIMESTAMPS).join(&id),
        ));
    }
    for (prefix, dir) in places {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".tsr") && e.file_type().is_ok_and(|t| t.is_file()) {
                out.push(format!("{prefix}{name}"));
            }
        }
    }
    out.sort();
    out
}

/// Where one account's record for the period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Sealed with nothing to remark.
    Sealed,
    /// Sealed more than 14 days after the boundary (marked so, never back-dated).
    Late,
    /// Sealed, but obstructed or incomplete: a human must look.
    Flagged,
    /// The journal says the capture failed, and nothing is sealed.
    Failed,
    /// The period has ended and there is neither a record nor a failure.
    Missing,
    /// The period has not ended: the record is not due yet.
    NotDue,
    /// The account was closed before the period ended; its final record is elsewhere.
    Closed,
}

impl State {
    /// Whether a human has to act.
    pub fn needs_human(self) -> bool {
        matches!(self, State::Flagged | State::Failed | State::Missing)
    }

    /// The state in the words of the Swedish report.
    pub fn display_sv(self) -> &'static str {
        match self {
            State::Sealed => "förseglad",
            State::Late => "förseglad, sen",
            State::Flagged => "flaggad",
            State::Failed => "misslyckad",
            State::Missing => "saknas",
            State::NotDue => "inte förfallen",
            State::Closed => "avslutat konto",
        }
    }
}

/// One account's line.
#[derive(Debug, Clone, Serialize)]
pub struct AccountStatus {
    pub account: String,
    pub name: String,
    pub record_id: String,
    pub state: State,
    /// When the period's record was captured (its first page's start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<DateTime<Utc>>,
    /// The newest capture of the account anywhere in the archive (half-year,
    /// evidence or final record).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_capture: Option<DateTime<Utc>>,
    /// The newest post in the account's latest record is older than the passive limit.
    pub passive: bool,
    /// The diarienummer the registrar assigned to the period's record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diarienummer: Option<String>,
    /// RFC 3161 tokens stored with the period's record.
    pub timestamps: Vec<String>,
    /// Posts and comments the period's record no longer shows that the
    /// account's previous half-year record did (its `changes.json`):
    /// disposal the archivist must look at.
    pub removed_posts: usize,
    /// The earliest expiry of the account's cookies, as the latest
    /// `preflight` read them from the cookie file (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookies_expire: Option<String>,
    /// Why the record is flagged, failed or missing, in English.
    pub warnings: Vec<String>,
    pub needs_human: bool,
}

/// What is due next: the half-year boundary after today.
#[derive(Debug, Clone, Serialize)]
pub struct Due {
    pub period: String,
    /// The day the period ends and its records become due.
    pub due: NaiveDate,
    /// After this day a capture is marked late.
    pub late_after: NaiveDate,
    /// Accounts in the register open on that day.
    pub accounts: usize,
}

/// Where every account stands for one period.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub period: String,
    pub today: NaiveDate,
    pub accounts: Vec<AccountStatus>,
    pub next: Due,
    /// Journal lines whose hash chain is broken (run `ogonblick verify`).
    pub journal_problems: usize,
    /// The latest `ogonblick preflight` (or the run's check ahead of the boundary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preflight: Option<LastPreflight>,
}

/// The latest `preflight.run` event: whether the next run would need nobody.
#[derive(Debug, Clone, Serialize)]
pub struct LastPreflight {
    pub at: DateTime<Utc>,
    /// `ok` or `attention`.
    pub result: String,
    /// The boundary it checked against.
    pub boundary: String,
    pub problems: Vec<String>,
    pub accounts: Vec<crate::journal::PreflightAccount>,
}

/// The journal's latest `preflight.run`, if any.
pub fn last_preflight(view: &ArchiveView) -> Option<LastPreflight> {
    view.journal.iter().rev().find_map(|e| match e.typed()? {
        Event::PreflightRun {
            result,
            boundary,
            problems,
            accounts,
            ..
        } => Some(LastPreflight {
            at: e.at,
            result,
            boundary,
            problems,
            accounts,
        }),
        _ => None,
    })
}

impl Status {
    pub fn needs_human(&self) -> bool {
        self.journal_problems > 0 || self.accounts.iter().any(|a| a.needs_human)
    }
}

/// Where every account of `register` stands in `period` on `today`.
pub fn status(
    register: &Register,
    view: &ArchiveView,
    period: Period,
    today: NaiveDate,
    passive_months: u32,
) -> Status {
    let ended = period.boundary_end() <= today;
    let preflight = last_preflight(view);
    let mut accounts = Vec::new();
    for account in register.accounts_open_between(period.boundary_start(), period.last_day()) {
        let mut a = account_status(account, view, period, ended, passive_months);
        a.cookies_expire = preflight.as_ref().and_then(|p| {
            p.accounts
                .iter()
                .find(|pa| pa.account == a.account)?
                .cookies_expire
                .clone()
        });
        accounts.push(a);
    }
    let next = Period::containing(today);
    let due = next.boundary_end();
    Status {
        period: period.to_string(),
        today,
        accounts,
        next: Due {
            period: next.to_string(),
            due,
            late_after: due + chrono::Days::new(14),
            accounts: register.open_accounts(due).len(),
        },
        journal_problems: view.chain_problems.len(),
        preflight,
    }
}

fn account_status(
    account: &Account,
    view: &ArchiveView,
    period: Period,
    ended: bool,
    passive_months: u32,
) -> AccountStatus {
    let record_id = period_record_id(&period, &account.id);
    let mine = |r: &Record| r.account.as_ref().is_some_and(|a| a.id == account.id);
    let latest = view
        .records
        .iter()
        .filter(|(r, _)| mine(r))
        .max_by_key(|(r, _)| r.captured_at());
    let last_capture = latest.and_then(|(r, _)| r.captured_at());
    let passive = latest.is_some_and(|(r, _)| passive_since(r, passive_months).is_some());
    let mut warnings = Vec::new();
    let mut removed_posts = 0;
    let (state, captured_at, timestamps) = if let Some((record, dir)) = view.record(&record_id) {
        warnings = record_warnings(record);
        if let Ok(Some(c)) = crate::changes::read_changes(dir) {
            removed_posts = c.removed.len();
            if removed_posts > 0 {
                warnings.push(format!(
                    "{removed_posts} post(s) or comment(s) removed since {}",
                    c.previous.as_deref().unwrap_or("the previous record")
                ));
            }
        }
        let state = if record.obstructions().next().is_some() {
            State::Flagged
        } else if record.late {
            State::Late
        } else {
            State::Sealed
        };
        (state, record.captured_at(), timestamp_tokens(dir))
    } else if account.closed.is_some_and(|c| c <= period.last_day()) {
        (State::Closed, None, Vec::new())
    } else if let Some(failed) = view.failure(&record_id) {
        warnings.push(format!(
            "capture failed at {}: {}",
            failed.at.format("%Y-%m-%d %H:%M UTC"),
            failed.field("reason").unwrap_or("no reason given")
        ));
        (State::Failed, None, Vec::new())
    } else if ended {
        warnings.push(format!(
            "no record for {period}: run `ogonblick run --period {period}`"
        ));
        (State::Missing, None, Vec::new())
    } else {
        (State::NotDue, None, Vec::new())
    };
    AccountStatus {
        account: account.id.clone(),
        name: account.name.clone(),
        diarienummer: view.diarienummer(&record_id),
        record_id,
        state,
        captured_at,
        last_capture,
        passive,
        timestamps,
        removed_posts,
        cookies_expire: None,
        warnings,
        needs_human: state.needs_human() || removed_posts > 0,
    }
}
