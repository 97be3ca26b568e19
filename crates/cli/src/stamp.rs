//! `ogonblick stamp`: adds the timestamps that records lack (their TSA was
//! down when they were sealed) and stamps the journal head. Sealed records are
//! never touched: late tokens go to the archive's own `timestamps/<record id>/`.

use std::path::PathBuf;

use registry::archive::Stamped;
use registry::Archive;

use crate::tsa::{self, Answer};
use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    /// Time-stamping authority (RFC 3161) to ask; repeat for more
    /// (default: the space-separated URLs in $OGONBLICK_TSA).
    #[arg(long = "tsa", value_name = "URL")]
    pub tsa: Vec<String>,
}

pub fn main(args: Args) -> CmdResult {
    let urls = tsa::urls(&args.tsa);
    if urls.is_empty() {
        anyhow::bail!("no time-stamping authority: give --tsa URL (or set OGONBLICK_TSA)");
    }
    if !args.archive.join(registry::archive::JOURNAL).is_file() {
        anyhow::bail!(
            "{} is not an archive (no journal.jsonl); pass --archive DIR",
            args.archive.display()
        );
    }
    let archive = Archive::open(&args.archive)?;
    for w in archive.recovery_warnings() {
        eprintln!("warning: {w}");
    }
    let mut warnings = Vec::new();
    let mut stamped = 0;
    for (id, dir) in archive.record_dirs()? {
        if !archive.record_tokens(&id).is_empty() {
            continue;
        }
        let digest = tsa::manifest_digest(&dir)?;
        let answers = tsa::ask_all(&urls, &digest);
        let what = Stamped::Record(id.clone());
        warnings.extend(archive.add_tokens(&what, &answers)?);
        let mut tokens = 0;
        for a in &answers {
            if let Answer::Token {
                file, time, tsa, ..
            } = a
            {
                let rel = archive.token_path(&what, file);
                println!("stamped {id}: {rel} ({}, {tsa})", time.to_rfc3339());
                tokens += 1;
            }
        }
        if tokens > 0 {
            stamped += 1;
        }
    }
    warnings.extend(tsa::stamp_head(&archive, &urls)?);
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "{stamped} record(s) stamped; the journal head stamped by {} of {} TSA(s)",
        urls.len()
            - warnings
                .iter()
                .filter(|w| w.contains("journal head"))
                .count(),
        urls.len()
    );
    Ok(if warnings.is_empty() {
        Exit::Ok
    } else {
        Exit::Attention
    })
}
