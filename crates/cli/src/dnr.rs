//! `ogonblick dnr`: records the registrar's diarienummer for a record as a
//! journal event (records are immutable; exports and `verify` read it back).

use std::path::PathBuf;

use registry::Archive;

use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Record id, e.g. `2026-H1/facebook-kommun` or `evidence/2026-11-21T101503Z-facebook-kommun`.
    pub record: String,
    /// The case number as the registrar writes it, e.g. `KS 2026/123`.
    pub diarienummer: String,
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
}

pub fn main(args: Args) -> CmdResult {
    let dnr = args.diarienummer.trim();
    if dnr.is_empty() || dnr.chars().any(char::is_control) {
        anyhow::bail!("diarienummer {:?} is empty or has control characters; write it as the registrar does, e.g. \"KS 2026/123\"", args.diarienummer);
    }
    let record = args.record.trim_end_matches('/');
    // Refuse a path that is not an archive rather than create one there.
    registry::status::require_archive(&args.archive)?;
    let archive = Archive::open(&args.archive)?;
    for w in archive.recovery_warnings() {
        eprintln!("warning: {w}");
    }
    if let Some(old) = archive.diarienummer(record)? {
        eprintln!(
            "note: {record} had diarienummer {old}; the journal keeps both, the newest counts"
        );
    }
    let entry = archive.assign_dnr(record, dnr)?;
    println!("{record}: diarienummer {dnr} (journal line {})", entry.seq);
    Ok(Exit::Ok)
}
