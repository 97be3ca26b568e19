//! `ogonblick accounts check|publish`: validate the register, publish the förteckning.

use std::path::{Path, PathBuf};

use anyhow::Context;
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
        /// The register.
        #[arg(long, default_value = "accounts.toml")]
        register: PathBuf,
        /// Print the diagnostics as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Write the förteckning över sociala medier as one self-contained HTML page.
    Publish {
        /// The register.
        #[arg(long, default_value = "accounts.toml")]
        register: PathBuf,
        /// Where to write the page.
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn main(args: Args) -> CmdResult {
    match args.command {
        Command::Check { register, json } => check(&register, json),
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
        let today = chrono::Local::now().date_naive();
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
    let today = chrono::Local::now().date_naive();
    let html = registry::publish::forteckning_html(&register, today);
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "forteckning.html".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, html.as_bytes())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!(
        "wrote {} ({} accounts)",
        out.display(),
        register.accounts.len()
    );
    Ok(Exit::Ok)
}
