//! The municipalities' rules about records, in one place: which captures
//! block a record, what a record's reader is warned of, when an account is
//! passive, and when an account may be closed. The CLI, `status` and the
//! report ask here instead of each deciding for itself.

use chrono::{Months, NaiveDate};
use model::{ObstructionKind, Record};

/// Obstructions that make a capture worthless as a record of the account:
/// it shows a login wall or an error page instead of the account. Such a
/// capture is retried and, if it stays so, not sealed as a half-year record.
pub fn is_blocking(kind: ObstructionKind) -> bool {
    matches!(
        kind,
        ObstructionKind::LoginWall | ObstructionKind::ErrorPage
    )
}

/// Whether a capture is blocked (see [`is_blocking`]).
pub fn is_blocked(record: &Record) -> bool {
    record.obstructions().any(|o| is_blocking(o.kind))
}

/// The kinds of obstruction that block `record`, each once, in the order found.
pub fn blocking_kinds(record: &Record) -> Vec<ObstructionKind> {
    let mut kinds = Vec::new();
    for o in record.obstructions().filter(|o| is_blocking(o.kind)) {
        if !kinds.contains(&o.kind) {
            kinds.push(o.kind);
        }
    }
    kinds
}

/// Why a capture is blocked, for the journal and the closing table.
pub fn blocked_reason(record: &Record) -> String {
    let parts: Vec<String> = record
        .obstructions()
        .filter(|o| is_blocking(o.kind))
        .map(|o| format!("{}: {}", o.kind.display_sv(), o.detail))
        .collect();
    format!("obstructed: {}", parts.join("; "))
}

/// An account may be closed only after a final capture that shows it
/// unobstructed; otherwise the closing would lose the account's last state.
pub fn may_close_after(record: &Record) -> bool {
    record.obstructions().next().is_none()
}

/// What a sealed record's reader should know, in English: late, truncated,
/// obstructed (with the evidence), and the capture's own remarks. The lines
/// quote the page (a title, a label, a URL), so its bidi and control
/// characters come neutralised: shown, never obeyed, wherever a line goes.
pub fn record_warnings(record: &Record) -> Vec<String> {
    let mut out = Vec::new();
    if record.late {
        out.push("late: captured more than 14 days after the half-year boundary".to_string());
    }
    for page in &record.pages {
        if let Some(why) = &page.truncated {
            out.push(format!("{}: truncated: {why}", page.label));
        }
        for o in &page.obstructions {
            out.push(format!(
                "{}: obstructed ({}): {}",
                page.label,
                o.kind.display_sv(),
                o.detail
            ));
        }
        out.extend(page.warnings.iter().map(|w| format!("{}: {w}", page.label)));
    }
    out.iter().map(|w| model::display::neutralise(w)).collect()
}

/// How many months an account's newest post may be older than its latest
/// capture before the account counts as passive (the policies' six months;
/// `--passive-months` overrides it).
pub const PASSIVE_MONTHS: u32 = 6;

/// The date of the newest post a capture saw, if it is more than `months`
/// older than the capture: the policies ask passive accounts to be closed.
/// A date read from the text ("för 8 månader sedan") counts with the last
/// day it can mean, so no account is called passive on a guess.
pub fn passive_since(record: &Record, months: u32) -> Option<NaiveDate> {
    let at = record.captured_at()?;
    let markup = record
        .pages
        .iter()
        .filter_map(|p| p.summary.newest_post.as_deref())
        .filter_map(|s| s.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()));
    let read = record
        .pages
        .iter()
        .filter_map(|p| p.summary.newest_post_read.as_ref())
        .map(|d| crate::period::day_in_sweden(d.until - chrono::Duration::milliseconds(1)));
    let newest = markup.chain(read).max()?;
    let limit = at
        .date_naive()
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN);
    (newest < limit).then_some(newest)
}
