//! `ogonblick verify PATH`: an archive, a record directory, a BagIt bag (or
//! its `data/`), an E-ARK package (a folder with METS.xml), a snapshot PDF,
//! an excerpt, or a delivery's `leveranslista.pdf` or `forteckning.csv`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use registry::hashing::sha256_hex;
use registry::{FileCheck, FileStatus, TargetKind, VerifyOptions, VerifyReport};

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
    /// For a PDF: the archive or delivery whose journal to look it up in
    /// (default: walk up from the file).
    #[arg(long, value_name = "DIR")]
    archive: Option<PathBuf>,
    /// For an excerpt (`extract`): the sealed record folder it was taken
    /// from; its pages are compared with the record's, object for object.
    #[arg(long, value_name = "RECORD", conflicts_with = "archive")]
    source: Option<PathBuf>,
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
    let report = if let Some(source) = &args.source {
        verify_excerpt(&args.path, source, &opts)?
    } else if eark::looks_like_package(&args.path) {
        verify_sip(&args.path, &opts)?
    } else if let Some(pkg) = eark_document(&args.path) {
        let report = verify_sip(&pkg, &opts)?;
        registry::verify::delivery_document(&args.path, &pkg, report)
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
        println!(
            "{}",
            String::from_utf8(model::json::to_vec_pretty(&report)?)?
        );
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

/// An E-ARK package: its METS files (the `eark` crate), then, for one of
/// ours, every record against its own manifest and the delivered journal.
fn verify_sip(path: &Path, opts: &VerifyOptions) -> anyhow::Result<VerifyReport> {
    let start = std::time::Instant::now();
    let mut report = eark::verify_package(path, opts.jobs)?;
    if let Some(layout) = eark::delivery_layout(path) {
        registry::delivered::check_delivery(&layout, opts, &mut report)?;
        report.count();
        report.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    }
    Ok(report)
}

/// The E-ARK package whose `leveranslista.pdf` or `forteckning.csv` `path` is.
fn eark_document(path: &Path) -> Option<PathBuf> {
    if !path.is_file() {
        return None;
    }
    let pkg = registry::verify::inside_package(path)?;
    (eark::looks_like_package(&pkg) && registry::verify::is_delivery_document(path, &pkg))
        .then_some(pkg)
}

/// An excerpt checked against the record it was taken from, without an
/// archive: the record verifies (and against its archive's journal when it
/// sits in one), and the excerpt's pages are the record's.
fn verify_excerpt(
    path: &Path,
    source: &Path,
    opts: &VerifyOptions,
) -> anyhow::Result<VerifyReport> {
    let start = std::time::Instant::now();
    let check = registry::verify_source(source, opts)?;
    let excerpt = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let snapshot_path = source.join("snapshot.pdf");
    let snapshot = std::fs::read(&snapshot_path)
        .with_context(|| format!("cannot read {}", snapshot_path.display()))?;
    let snapshot_sha256 = sha256_hex(&snapshot);
    let actual = sha256_hex(&excerpt);
    let mut r = VerifyReport::new(path, TargetKind::Pdf);
    r.algorithms = vec!["sha256".into()];
    r.bytes = (excerpt.len() + snapshot.len()) as u64;
    for p in &check.report.problems {
        r.problems.push(format!("source {}: {p}", source.display()));
    }
    for f in check
        .report
        .files
        .iter()
        .filter(|f| f.status != FileStatus::Ok)
    {
        r.problems.push(format!(
            "source {}: {} is {:?}",
            source.display(),
            f.path,
            f.status
        ));
    }
    r.timestamps = check.report.timestamps.clone();
    let trace = match pdfa::trace(&excerpt, &snapshot, &snapshot_sha256) {
        Ok(t) => t,
        Err(e) => {
            r.problems.push(format!("{}: {e}", path.display()));
            pdfa::Trace::default()
        }
    };
    if !trace.record_id.is_empty() && trace.record_id != check.record_id {
        r.problems.push(format!(
            "the excerpt names the record {}, but {} is {}",
            trace.record_id,
            source.display(),
            check.record_id
        ));
    }
    r.problems.extend(trace.problems.iter().cloned());
    // The pages are compared object for object; the cover only the journal
    // vouches for, where the record sits beside one that made the excerpt.
    let journaled = check.archive.as_ref().and_then(|root| {
        let bytes = std::fs::read(root.join("journal.jsonl")).ok()?;
        registry::journal::check_chain(&bytes)
            .entries
            .into_iter()
            .rev()
            .find(|e| {
                e.event == registry::journal::Event::EXTRACT_CREATED
                    && e.field("out_sha256") == Some(actual.as_str())
            })
    });
    let vouched = match &journaled {
        Some(e) => format!(", and the journal's line {} names the whole file", e.line),
        None => {
            r.warnings.push(
                "the excerpt's cover was not checked, only its pages: `verify --archive` with the archive that made it checks the whole file".into(),
            );
            String::new()
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let genuine = r.problems.is_empty();
    r.files.push(FileCheck {
        path: name,
        status: if genuine {
            FileStatus::Ok
        } else {
            FileStatus::Changed
        },
        algorithm: Some("sha256".into()),
        expected: None,
        actual: Some(actual),
    });
    r.record = Some(format!(
        "an excerpt (utdrag) of {}: pages {}-{} of the {} of its snapshot.pdf (SHA-256 {snapshot_sha256}), compared page by page with {}{vouched}",
        check.record_id,
        trace.first,
        trace.last,
        trace.source_pages,
        snapshot_path.display()
    ));
    r.diarienummer = check.diarienummer;
    r.count();
    r.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(r)
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

/// Prints one line of the report with every character that could hide,
/// reorder or forge text on a terminal (a newline or a bidi control in a
/// file name, a journal field or a record id) shown as a `\u` escape, so
/// the report shows an auditor what is there and nothing can pose as a
/// line of ours.
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", visible(&format!($($arg)*)))
    };
}

/// `text` with the characters [`model::json::is_escaped`] names written as
/// `\uXXXX`, as the JSON files we write have them.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if model::json::is_escaped(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
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
            (Some(e), Some(a)) => say!(
                "{word} {}  ({} expected {e}, found {a})",
                f.path,
                f.algorithm.as_deref().unwrap_or("")
            ),
            _ => say!("{word} {}", f.path),
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
        say!(
            "timestamp {verdict}: {} over {}: {time} by {tsa}{since}",
            t.file,
            t.over
        );
    }
    for id in &r.unstamped {
        say!("timestamp: none for {id}");
    }
    for p in &r.problems {
        say!("problem: {p}");
    }
    for w in &r.warnings {
        say!("warning: {w}");
    }
    if let Some(rec) = &r.record {
        say!("record: {rec}");
    }
    if let Some(dnr) = &r.diarienummer {
        say!("diarienummer: {dnr}");
    }
    if let Some(h) = &r.bag_manifest_sha256 {
        say!("manifest-sha256.txt SHA-256 (compare with the journal's delivery.created): {h}");
    }
    if let Some(h) = &r.mets_sha256 {
        say!("METS.xml SHA-256 (compare with the journal's delivery.created): {h}");
    }
    if let Some(h) = &r.journal_head {
        match r.kind {
            TargetKind::Archive => {
                say!("journal head (SHA-256 of the last line before this run): {h}")
            }
            _ => say!("delivered journal's head (SHA-256 of its last line): {h}"),
        }
    }
    let kind = format!("{:?}", r.kind).to_lowercase();
    let secs = r.elapsed_ms as f64 / 1000.0;
    let mib = r.bytes as f64 / (1024.0 * 1024.0);
    let counts = format!(
        "{} file(s) ok, {} changed, {} missing, {} unexpected, {} other problem(s), {} warning(s); {} ({mib:.1} MiB in {secs:.2} s)",
        r.ok,
        r.changed,
        r.missing,
        r.unexpected,
        r.problems.len(),
        r.warnings.len(),
        r.algorithms.join("+"),
    );
    if r.is_ok() {
        say!("OK: {kind} {} verifies: {counts}", r.path.display());
    } else {
        say!(
            "FAILED: {kind} {} does not verify: {counts}",
            r.path.display()
        );
    }
}
