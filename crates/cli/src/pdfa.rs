//! `ogonblick pdfa check FILE [--flavour 1b|2b|2u|3b]`: the project's own PDF/A checker.

use std::path::PathBuf;

use anyhow::Context;

use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Check a PDF against the PDF/A rules and for text outside its page boxes
    /// (exit 0 conformant, 1 not conformant or text that no reader finds, 2 unreadable).
    Check {
        /// The PDF file to check.
        file: PathBuf,
        /// Check as this flavour instead of the one the file claims in its XMP.
        #[arg(long, value_parser = ["1b", "2b", "2u", "3b"])]
        flavour: Option<String>,
    },
}

pub fn main(args: Args) -> CmdResult {
    match args.command {
        Command::Check { file, flavour } => check(&file, flavour.as_deref()),
    }
}

fn check(file: &std::path::Path, flavour: Option<&str>) -> CmdResult {
    let flavour = flavour.map(str::parse::<pdfa::Flavour>).transpose()?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let report =
        pdfa::check(&bytes, flavour).with_context(|| format!("cannot check {}", file.display()))?;
    let claimed = report
        .claimed
        .map_or_else(|| "no PDF/A flavour".to_string(), |f| format!("PDF/A-{f}"));
    if report.is_conformant() {
        println!(
            "{}: conforms to PDF/A-{} (claims {claimed})",
            file.display(),
            report.checked_as
        );
        if report.unreachable_text.is_empty() {
            return Ok(Exit::Ok);
        }
        print_unreachable(&report);
        return Ok(Exit::Attention);
    }
    println!(
        "{}: does NOT conform to PDF/A-{} (claims {claimed}): {} failure(s)",
        file.display(),
        report.checked_as,
        report.failures.len()
    );
    for failure in &report.failures {
        println!("  [{}] {}", failure.clause, failure.message);
        println!("      hint: {}", failure.hint);
    }
    print_unreachable(&report);
    Ok(Exit::Attention)
}

/// Text no reader finds: breaks no PDF/A rule, but a search of the archive misses it.
fn print_unreachable(report: &pdfa::Report) {
    if report.unreachable_text.is_empty() {
        return;
    }
    println!(
        "  but {} page(s) have text that no reader finds:",
        report.unreachable_text.len()
    );
    for f in &report.unreachable_text {
        println!("  [{}] {}", f.clause, f.message);
        println!("      hint: {}", f.hint);
    }
}
