//! `ogonblick extract RECORD --pages N-M --out FILE.pdf`: pages of a sealed
//! record handed out as a PDF/A of their own (a records request), with a
//! cover that traces them to the sealed original, and `extract.created` in
//! the journal. The source is verified first; nothing is taken from a record
//! that does not verify.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use registry::journal::Event;
use registry::record::{MANIFEST, SNAPSHOT};
use registry::{Archive, FileStatus, VerifyOptions};
use sha2::{Digest, Sha256};

use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sealed record: its directory (`arkiv/2026-H1/facebook-kommun`),
    /// its snapshot.pdf, or its id in --archive (`2026-H1/facebook-kommun`,
    /// as `search` and `status` name it).
    pub record: String,
    /// The pages of the record's snapshot.pdf to hand out, as `search`
    /// numbers them: `N-M`, or `N` for one page (the record's cover is page 1).
    #[arg(long, value_name = "N-M", value_parser = parse_pages)]
    pub pages: Pages,
    /// The excerpt to write, a PDF (PDF/A, the source's flavour). It must not exist
    /// (nothing is overwritten) and must lie outside the archive.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The archive a record id is looked up in.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    /// Who makes the excerpt, named on its cover and in the journal
    /// (default: $OGONBLICK_OPERATOR).
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// Trust anchors (PEM) for the record's timestamp tokens, checked as
    /// `verify` checks them (default: the system's roots).
    #[arg(long, value_name = "FILE")]
    pub tsa_ca: Option<PathBuf>,
}

/// A range of pages, 1-based and inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pages {
    pub first: u32,
    pub last: u32,
}

/// `3-5`, `3–5` or `3`: pages numbered from 1, the first not after the last.
fn parse_pages(s: &str) -> Result<Pages, String> {
    let number = |t: &str| -> Result<u32, String> {
        let t = t.trim();
        match t.parse::<u32>() {
            Ok(0) => Err("pages are numbered from 1 (the record's cover is page 1)".into()),
            Ok(n) => Ok(n),
            Err(_) => Err(format!(
                "`{t}` is not a page number; write the pages as N-M, e.g. 3-5, or N for one page"
            )),
        }
    };
    let (first, last) = match s.split_once(['-', '–']) {
        Some((a, b)) => (number(a)?, number(b)?),
        None => {
            let n = number(s)?;
            (n, n)
        }
    };
    if last < first {
        return Err(format!(
            "the range {first}-{last} ends before it starts; write the lower page first, e.g. {last}-{first}"
        ));
    }
    Ok(Pages { first, last })
}

/// The record directory RECORD names: a directory with a manifest, a
/// record's snapshot.pdf, or an id inside `archive`.
pub(crate) fn record_dir(record: &str, archive: &Path) -> anyhow::Result<PathBuf> {
    let given = Path::new(record);
    if given.join(MANIFEST).is_file() {
        return Ok(given.to_path_buf());
    }
    if given.file_name().is_some_and(|n| n == SNAPSHOT) && given.is_file() {
        if let Some(dir) = given.parent().filter(|d| d.join(MANIFEST).is_file()) {
            return Ok(dir.to_path_buf());
        }
    }
    let id = record.trim_end_matches('/');
    let safe = !id.is_empty()
        && !given.is_absolute()
        && id
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..");
    if safe && archive.join(id).join(MANIFEST).is_file() {
        return Ok(archive.join(id));
    }
    anyhow::bail!(
        "{record} is not a sealed record: not a record directory (with {MANIFEST}), not a record's \
         {SNAPSHOT}, and no record with that id in {}; ids look like 2026-H1/facebook-kommun \
         (`ogonblick status` and `ogonblick search` name them), or pass --archive DIR",
        archive.display()
    )
}

/// Refuses an --out that exists or lies inside the archive or the record.
pub(crate) fn check_out(out: &Path, inside: &[&Path]) -> anyhow::Result<PathBuf> {
    if std::fs::symlink_metadata(out).is_ok() {
        anyhow::bail!(
            "{} exists; nothing is overwritten: choose another name or remove it first",
            out.display()
        );
    }
    let name = out
        .file_name()
        .with_context(|| format!("--out {} names no file", out.display()))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let parent = std::fs::canonicalize(parent).with_context(|| {
        format!(
            "the folder of --out {} does not exist; create it first",
            out.display()
        )
    })?;
    for dir in inside {
        if let Ok(dir) = std::fs::canonicalize(dir) {
            if parent.starts_with(&dir) {
                anyhow::bail!(
                    "--out {} is inside {}: what is handed out is a copy, not part of the \
                     archive or the record (verify would find an unexpected file); write it elsewhere",
                    out.display(),
                    dir.display()
                );
            }
        }
    }
    Ok(parent.join(name))
}

/// Writes `bytes` to `path`, which must not exist (checked again, atomically), and syncs it.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    if let Err(e) = f.write_all(bytes).and_then(|()| f.sync_all()) {
        drop(f);
        let _ = std::fs::remove_file(path);
        return Err(e).with_context(|| format!("writing {}", path.display()));
    }
    if let Some(dir) = path.parent() {
        // The new name is durable too.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(bytes))
}

/// A record that verifies, the source a command hands something out from,
/// with where its output goes.
pub(crate) struct Verified {
    pub dir: PathBuf,
    pub source: registry::SourceCheck,
    pub out: PathBuf,
}

/// Finds RECORD (a folder, its snapshot.pdf or an id in `archive`), checks
/// `out` lies outside it and its archive, and verifies it as `extract`
/// requires. A record that does not verify is reported on stderr, each
/// finding, and `None` is returned: `what` says what was not done ("nothing
/// was extracted") and `why` what the record must verify for.
pub(crate) fn verified_source(
    record: &str,
    archive: &Path,
    tsa_ca: Option<&Path>,
    out: &Path,
    what: &str,
    why: &str,
) -> anyhow::Result<Option<Verified>> {
    let dir = record_dir(record, archive)?;
    let opts = VerifyOptions {
        tsa_ca: tsa_ca.map(Path::to_path_buf),
        ..VerifyOptions::default()
    };
    let source = registry::verify_source(&dir, &opts)?;
    let mut inside: Vec<&Path> = vec![&dir];
    if let Some(root) = &source.archive {
        inside.push(root);
    }
    let out = check_out(out, &inside)?;
    if source.report.is_ok() {
        return Ok(Some(Verified { dir, source, out }));
    }
    let r = &source.report;
    eprintln!("error: {} does not verify; {what}:", dir.display());
    for f in &r.files {
        let word = match f.status {
            FileStatus::Ok => continue,
            FileStatus::Changed => "changed",
            FileStatus::Missing => "missing",
            FileStatus::Unexpected => "unexpected",
        };
        eprintln!("  {word}: {}", f.path);
    }
    for p in &r.problems {
        eprintln!("  problem: {p}");
    }
    if r.timestamps.iter().any(|t| !t.problems.is_empty()) && tsa_ca.is_none() {
        eprintln!(
            "  a timestamp token checked against the system's roots: give its TSA's root with --tsa-ca FILE, as for verify"
        );
    }
    eprintln!(
        "  the record must verify before {why}: ogonblick verify {}",
        dir.display()
    );
    Ok(None)
}

pub fn main(args: Args) -> CmdResult {
    let Some(Verified { dir, source, out }) = verified_source(
        &args.record,
        &args.archive,
        args.tsa_ca.as_deref(),
        &args.out,
        "nothing was extracted",
        "pages are handed out from it",
    )?
    else {
        return Ok(Exit::Attention);
    };
    for w in &source.report.warnings {
        eprintln!("warning: {w}");
    }
    let (Some(snapshot_sha256), Some(manifest_sha256)) =
        (&source.snapshot_sha256, &source.manifest_sha256)
    else {
        anyhow::bail!(
            "{} verified, but its {SNAPSHOT} was not among the files checked",
            dir.display()
        );
    };
    let snapshot_path = dir.join(SNAPSHOT);
    let snapshot = read_verified(&snapshot_path, snapshot_sha256)?;
    let record = registry::record::read_record(&dir)?;
    let slices = std::fs::read(dir.join("posts.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<model::Posts>(&b).ok())
        .map(|p| p.pdf_pages)
        .unwrap_or_default();
    // The operator, else the register's contact as the record copied it;
    // the cover names the organisation when neither is known.
    let operator =
        crate::pipeline::operator(args.operator.as_deref(), record.organisation.as_ref());
    let created = chrono::Utc::now();
    let version = env!("CARGO_PKG_VERSION");
    let sealed = source.sealed.as_ref().map(|e| (e.at, e.seq));
    let ex = pdfa::Excerpt {
        record: &record,
        first: args.pages.first,
        last: args.pages.last,
        snapshot_sha256,
        manifest_sha256,
        sealed,
        diarienummer: source.diarienummer.as_deref(),
        slices: &slices,
        created,
        operator: &operator,
        tool_version: version,
    };
    let built = match pdfa::excerpt(&snapshot, &ex) {
        Ok(b) => b,
        Err(e @ pdfa::Error::PageRange { .. }) => {
            return Err(anyhow::Error::new(e).context(format!(
                "--pages {}-{} of {}",
                args.pages.first,
                args.pages.last,
                snapshot_path.display()
            )))
        }
        Err(e) => return Err(e).context("building the excerpt"),
    };
    let out_sha256 = sha256_hex(&built.bytes);

    // The archive is locked before anything is written, so a busy archive
    // stops the extract before the file exists.
    let archive = source.archive.as_deref().map(open_archive).transpose()?;
    write_new(&out, &built.bytes)?;
    let pages = format!("{}-{}", args.pages.first, args.pages.last);
    let event = Event::ExtractCreated {
        record_id: source.record_id.clone(),
        snapshot_sha256: snapshot_sha256.clone(),
        manifest_sha256: manifest_sha256.clone(),
        first_page: u64::from(args.pages.first),
        last_page: u64::from(args.pages.last),
        source_pages: u64::from(built.source_pages),
        out: out.display().to_string(),
        out_sha256: out_sha256.clone(),
        operator: operator.clone(),
    };
    let line = journal_excerpt(archive.as_ref(), &event, &out, &dir)?;
    println!(
        "{}: pages {pages} of {} written to {} (PDF/A-{}, {} cover page(s) in front)",
        source.record_id,
        built.source_pages,
        out.display(),
        built.flavour,
        built.cover_pages
    );
    println!("  excerpt SHA-256:       {out_sha256}");
    println!("  source {SNAPSHOT} SHA-256: {snapshot_sha256}");
    if let Some(seq) = line {
        println!("  journal: extract.created, seq {seq}");
    }
    Ok(Exit::Ok)
}

/// The snapshot's bytes, which must be the bytes verified.
fn read_verified(snapshot_path: &Path, snapshot_sha256: &str) -> anyhow::Result<Vec<u8>> {
    let snapshot = std::fs::read(snapshot_path)
        .with_context(|| format!("reading {}", snapshot_path.display()))?;
    // The bytes copied from are the bytes verified.
    let read_sha256 = sha256_hex(&snapshot);
    if read_sha256 != snapshot_sha256 {
        anyhow::bail!(
            "{} changed while it was read (SHA-256 {read_sha256}, verified {snapshot_sha256}); nothing was extracted",
            snapshot_path.display()
        );
    }
    Ok(snapshot)
}

/// The source's archive, locked before anything is written, so a busy
/// archive stops the extract before the file exists.
fn open_archive(root: &Path) -> anyhow::Result<Archive> {
    let a = Archive::open(root)?;
    for w in a.recovery_warnings() {
        eprintln!("warning: {w}");
    }
    Ok(a)
}

/// `extract.created` in the archive's journal, if the source is in one;
/// its line number. An excerpt the journal does not know is removed.
fn journal_excerpt(
    archive: Option<&Archive>,
    event: &Event,
    out: &Path,
    dir: &Path,
) -> anyhow::Result<Option<u64>> {
    Ok(match archive {
        Some(a) => {
            match a.append(event) {
                Ok(entry) => Some(entry.seq),
                Err(e) => {
                    // An excerpt the journal does not know is not handed out.
                    let _ = std::fs::remove_file(out);
                    return Err(anyhow::Error::new(e).context(
                        "recording extract.created in the journal; the excerpt was removed",
                    ));
                }
            }
        }
        None => {
            eprintln!(
                "note: {} is not inside an archive (no journal.jsonl above it), so extract.created is recorded nowhere; the cover still carries the source's SHA-256",
                dir.display()
            );
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_pages, Pages};

    #[test]
    fn page_ranges() {
        let ok =
            |s: &str, first, last| assert_eq!(parse_pages(s), Ok(Pages { first, last }), "{s}");
        ok("3-5", 3, 5);
        ok("3–5", 3, 5);
        ok(" 2 - 2 ", 2, 2);
        ok("7", 7, 7);
        let bad = |s: &str, says: &str| {
            let e = parse_pages(s).unwrap_err();
            assert!(e.contains(says), "{s}: {e}");
        };
        bad("0-3", "numbered from 1");
        bad("0", "numbered from 1");
        bad("5-3", "ends before it starts");
        bad("", "is not a page number");
        bad("a-b", "`a` is not a page number");
        bad("3-", "`` is not a page number");
        bad("-3", "`` is not a page number");
        bad("1-2-3", "`2-3` is not a page number");
        bad("99999999999", "is not a page number");
    }
}
