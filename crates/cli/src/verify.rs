//! `ogonblick verify PATH`: an archive, a record directory, a BagIt bag, an
//! E-ARK package (a folder with METS.xml) or a single PDF.

use std::path::PathBuf;

use registry::{FileStatus, VerifyOptions, VerifyReport};

use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Archive directory, record directory, BagIt bag, E-ARK package or PDF.
    path: PathBuf,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Hashing threads (0 = every core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// For a PDF: the archive whose journal to look it up in (default: walk up from the file).
    #[arg(long, value_name = "DIR")]
    archive: Option<PathBuf>,
    /// Trust anchors (PEM) for the time-stamping authorities' tokens
    /// (default: the system's roots, /etc/ssl/certs/ca-certificates.crt).
    #[arg(long, value_name = "FILE")]
    tsa_ca: Option<PathBuf>,
    /// A record without a timestamp token that verifies is a failure (exit 1).
    #[arg(long)]
    require_timestamp: bool,
}

pub fn main(args: Args) -> CmdResult {
    let opts = VerifyOptions {
        jobs: args.jobs,
        archive: args.archive,
        tsa_ca: args.tsa_ca,
        require_timestamp: args.require_timestamp,
    };
    let report = if eark::looks_like_package(&args.path) {
        eark::verify_package(&args.path, opts.jobs)?
    } else if let Some(inner) = package_inside(&args.path) {
        anyhow::bail!(
            "{} is the folder `deliver --format eark` wrote into; verify the package itself: ogonblick verify {}",
            args.path.display(),
            inner.display()
        );
    } else {
        registry::verify(&args.path, &opts)?
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_human(&report);
    }
    if !report.is_ok() {
        crate::notify::problem(
            None,
            "kontrollen hittade filer som ändrats, saknas eller inte hör dit, eller andra fel",
            &format!("ogonblick verify {} failed", args.path.display()),
        );
    }
    Ok(if report.is_ok() {
        Exit::Ok
    } else {
        Exit::Attention
    })
}

/// The one E-ARK package in `dir`, when `dir` holds nothing else but packages
/// (the `--out` of an E-ARK delivery).
fn package_inside(dir: &std::path::Path) -> Option<PathBuf> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .collect();
    let packages: Vec<&PathBuf> = entries
        .iter()
        .filter(|p| eark::looks_like_package(p))
        .collect();
    (!packages.is_empty() && packages.len() == entries.len()).then(|| packages[0].clone())
}

fn print_human(r: &VerifyReport) {
    for f in &r.files {
        let word = match f.status {
            FileStatus::Ok => continue,
            FileStatus::Changed => "CHANGED   ",
            FileStatus::Missing => "MISSING   ",
            FileStatus::Unexpected => "UNEXPECTED",
        };
        match (&f.expected, &f.actual) {
            (Some(e), Some(a)) => println!(
                "{word} {}  ({} expected {e}, found {a})",
                f.path,
                f.algorithm.as_deref().unwrap_or("")
            ),
            _ => println!("{word} {}", f.path),
        }
    }
    for t in &r.timestamps {
        let time = t
            .time
            .map_or_else(|| "time unreadable".to_string(), |t| t.to_rfc3339());
        let tsa = t.tsa.as_deref().unwrap_or("TSA unknown");
        let since = t
            .since
            .map(|s| format!(", captured {}", s.to_rfc3339()))
            .unwrap_or_default();
        let verdict = if t.problems.is_empty() {
            "OK"
        } else {
            "FAILED"
        };
        println!(
            "timestamp {verdict}: {} over {}: {time} by {tsa}{since}",
            t.file, t.over
        );
    }
    for id in &r.unstamped {
        println!("timestamp: none for {id}");
    }
    for p in &r.problems {
        println!("problem: {p}");
    }
    for w in &r.warnings {
        println!("warning: {w}");
    }
    if let Some(rec) = &r.record {
        println!("record: {rec}");
    }
    if let Some(dnr) = &r.diarienummer {
        println!("diarienummer: {dnr}");
    }
    if let Some(h) = &r.mets_sha256 {
        println!("METS.xml SHA-256 (compare with the journal's delivery.created): {h}");
    }
    if let Some(h) = &r.journal_head {
        println!("journal head (SHA-256 of the last line before this run): {h}");
    }
    let kind = format!("{:?}", r.kind).to_lowercase();
    let secs = r.elapsed_ms as f64 / 1000.0;
    let mib = r.bytes as f64 / (1024.0 * 1024.0);
    let counts = format!(
        "{} ok, {} changed, {} missing, {} unexpected, {} other problem(s), {} warning(s); {} ({mib:.1} MiB in {secs:.2} s)",
        r.ok,
        r.changed,
        r.missing,
        r.unexpected,
        r.problems.len(),
        r.warnings.len(),
        r.algorithms.join("+"),
    );
    if r.is_ok() {
        println!("OK: {kind} {} verifies: {counts}", r.path.display());
    } else {
        println!(
            "FAILED: {kind} {} does not verify: {counts}",
            r.path.display()
        );
    }
}
