//! `ogonblick status`: where each account of the register stands for a period
//! (sealed, late, flagged, failed, missing), read from the archive without
//! touching it; exit 1 when a human must act, so it can run as a monitoring check.

use std::path::PathBuf;

use anyhow::Context;
use registry::status::{ArchiveView, Status};
use registry::Period;

use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The account register (förteckning).
    #[arg(long, value_name = "FILE", default_value = "accounts.toml")]
    pub register: PathBuf,
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    /// Half-year to report on: YYYY-H1, YYYY-H2, or `auto` (the one that most recently ended).
    #[arg(long, value_name = "PERIOD", default_value = "auto")]
    pub period: String,
    /// Count an account as passive when its newest post is older than this many months.
    #[arg(long, value_name = "MONTHS", default_value_t = registry::policy::PASSIVE_MONTHS)]
    pub passive_months: u32,
    /// Print the status as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

pub fn main(args: Args) -> CmdResult {
    let today = registry::period::today_stockholm();
    let period = if args.period == "auto" {
        Period::last_ended(today)
    } else {
        args.period
            .parse::<Period>()
            .with_context(|| format!("--period {:?}", args.period))?
    };
    let (register, _) = crate::accounts::load_register(&args.register)?;
    let view = ArchiveView::read(&args.archive)?;
    let status = registry::status::status(&register, &view, period, today, args.passive_months);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&status)?);
    } else {
        print(&status, &args.archive);
    }
    Ok(if status.needs_human() {
        Exit::Attention
    } else {
        Exit::Ok
    })
}

fn print(status: &Status, archive: &std::path::Path) {
    println!("Period {} — archive {}", status.period, archive.display());
    let width = status
        .accounts
        .iter()
        .map(|a| a.account.len())
        .max()
        .unwrap_or(7)
        .max(7);
    println!(
        "{:width$}  {:9}  {:17}  {:7}  {:14}  {:10}",
        "account", "state", "captured (UTC)", "passive", "diarienummer", "timestamps"
    );
    for a in &status.accounts {
        let captured = a
            .captured_at
            .or(a.last_capture)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "–".into());
        let state = serde_json::to_value(a.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        println!(
            "{:width$}  {:9}  {:17}  {:7}  {:14}  {:10}",
            a.account,
            state,
            captured,
            if a.passive { "yes" } else { "no" },
            a.diarienummer.as_deref().unwrap_or("none"),
            if a.timestamps.is_empty() {
                "none".to_string()
            } else {
                a.timestamps.len().to_string()
            }
        );
        for w in &a.warnings {
            println!("{:width$}  {w}", "");
        }
    }
    if status.journal_problems > 0 {
        println!(
            "the journal's hash chain is broken in {} place(s): run `ogonblick verify {}`",
            status.journal_problems,
            archive.display()
        );
    }
    if let Some(p) = &status.preflight {
        println!(
            "Last preflight {} for the boundary {}: {}",
            p.at.format("%Y-%m-%d %H:%M UTC"),
            p.boundary,
            if p.result == "ok" {
                "the next run would need nobody".to_string()
            } else {
                format!(
                    "{} thing(s) need a human (run `ogonblick preflight`)",
                    p.problems.len()
                )
            }
        );
        for a in p.accounts.iter().filter(|a| a.cookies_expire.is_some()) {
            println!(
                "  cookies for {} expire {}",
                a.account,
                a.cookies_expire.as_deref().unwrap_or_default()
            );
        }
    }
    let human = status.accounts.iter().filter(|a| a.needs_human).count();
    println!(
        "{} account(s), {human} need a human. Next: {} is due on {} ({} open accounts; late after {}).",
        status.accounts.len(),
        status.next.period,
        status.next.due,
        status.next.accounts,
        status.next.late_after
    );
}
