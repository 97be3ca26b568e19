//! `ogonblick accounts check|publish`: validate the register, publish the förteckning.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Subcommand;
use registry::{Diagnostic, Register};

use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check accounts.toml: every problem with file, line and field.
    /// Errors exit 2; policy warnings (fewer than two administrators, no deputy) exit 0.
    Check {
        /// The account register (förteckning).
        #[arg(long, value_name = "FILE", default_value = "accounts.toml")]
        register: PathBuf,
        /// Print the diagnostics as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Also flag passive accounts: those whose newest post in their latest
        /// sealed record in this archive is older than --passive-months.
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// How old the newest post may be before an account counts as passive.
        #[arg(long, value_name = "MONTHS", default_value_t = registry::policy::PASSIVE_MONTHS)]
        passive_months: u32,
    },
    /// Write the förteckning över sociala medier as one self-contained HTML page,
    /// with the same register as open data (CSV and JSON) beside it.
    Publish {
        /// The account register (förteckning).
        #[arg(long, value_name = "FILE", default_value = "accounts.toml")]
        register: PathBuf,
        /// Where to write the page; FILE.csv and FILE.json go beside it.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

pub fn main(args: Args) -> CmdResult {
    match args.command {
        Command::Check {
            register,
            json,
            archive,
            passive_months,
        } => {
            let exit = check(&register, json)?;
            if let Some(archive) = archive {
                passive(&register, &archive, passive_months)?;
            }
            Ok(exit)
        }
        Command::Publish { register, out } => publish(&register, &out),
    }
}

/// Loads the register, printing warnings to stderr; errors become an `Err` (exit 2)
/// whose message lists every diagnostic.
pub fn load_register(path: &Path) -> anyhow::Result<(Register, Vec<Diagnostic>)> {
    match registry::load(path) {
        Ok((register, warnings)) => {
            for w in &warnings {
                eprintln!("{w}");
            }
            Ok((register, warnings))
        }
        // The error's message lists every diagnostic; main prints it.
        Err(err) => Err(err.into()),
    }
}

fn check(path: &Path, json: bool) -> CmdResult {
    let result = registry::load(path);
    if json {
        let (ok, diagnostics, accounts) = match &result {
            Ok((reg, w)) => (true, w.clone(), reg.accounts.len()),
            Err(registry::Error::Register { diagnostics, .. }) => (false, diagnostics.clone(), 0),
            Err(_) => (false, Vec::new(), 0),
        };
        let out = serde_json::json!({ "register": path, "ok": ok, "accounts": accounts, "diagnostics": diagnostics });
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    // The error's message lists every diagnostic; main prints it.
    let (register, warnings) = result?;
    if !json {
        for w in &warnings {
            eprintln!("{w}");
        }
        let today = registry::period::today_stockholm();
        println!(
            "{}: {} accounts ({} open today), {} warning(s), no errors",
            path.display(),
            register.accounts.len(),
            register.open_accounts(today).len(),
            warnings.len()
        );
    }
    Ok(Exit::Ok)
}

fn publish(path: &Path, out: &Path) -> CmdResult {
    let (register, _) = load_register(path)?;
    write_published(&register, out, registry::period::today_stockholm())?;
    Ok(Exit::Ok)
}

/// The published förteckning at `out` (HTML) with its open data beside it
/// (`.csv`, `.json`), each written whole or not at all.
pub fn write_published(
    register: &Register,
    out: &Path,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let stem = out
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "forteckning".into());
    let html = registry::publish::forteckning_page(register, today, Some(&stem));
    let csv_path = out.with_extension("csv");
    let json_path = out.with_extension("json");
    if out == csv_path || out == json_path {
        bail!(
            "--out {}: the page needs its own name; the open data goes beside it as {stem}.csv and {stem}.json",
            out.display()
        );
    }
    write_replacing(out, html.as_bytes())?;
    write_replacing(
        &csv_path,
        registry::publish::forteckning_csv(register, today).as_bytes(),
    )?;
    write_replacing(
        &json_path,
        registry::publish::forteckning_json(register, today).as_bytes(),
    )?;
    eprintln!(
        "wrote {}, {} and {} ({} accounts)",
        out.display(),
        csv_path.display(),
        json_path.display(),
        register.accounts.len()
    );
    Ok(())
}

/// Writes `bytes` to a temporary name beside `out`, then renames it into place,
/// so a web server never serves half a file.
fn write_replacing(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(())
}

/// Warns about every open account whose latest sealed record shows no post
/// newer than `months`: the policies ask passive accounts to be closed.
fn passive(register_path: &Path, archive: &Path, months: u32) -> anyhow::Result<()> {
    let (register, _) = registry::load(register_path)?;
    registry::status::require_archive(archive)?;
    let archive = registry::Archive::open(archive)?;
    for w in archive.recovery_warnings() {
        eprintln!("warning: {w}");
    }
    let records = archive.records()?;
    let today = registry::period::today_stockholm();
    for account in register.open_accounts(today) {
        let latest = records
            .iter()
            .filter(|r| r.account.as_ref().is_some_and(|a| a.id == account.id))
            .max_by_key(|r| r.captured_at());
        let Some(record) = latest else { continue };
        if let Some(newest) = registry::policy::passive_since(record, months) {
            eprintln!(
                "{}: warning: account `{}` is passive: its newest post ({newest}) is more than {months} months older than its latest capture ({}); the policy asks passive accounts to be closed (`ogonblick close {}`)",
                register_path.display(),
                account.id,
                record.record_id,
                account.id
            );
        }
    }
    Ok(())
}
