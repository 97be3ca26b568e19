//! `ogonblick verify`: an archive, a record directory, a BagIt bag or a single PDF.
//!
//! Verification reads only; for the live archive it then appends one
//! `verify.run` event with the result through [`Archive::append`] (skipped
//! with a warning when another run holds the lock or the journal ends in a
//! torn line). Nothing else is ever written: not into a bag, its `data/`, an
//! E-ARK package, a record folder or a PDF. A delivery is checked deeply by
//! [`crate::delivered`].

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::archive::{record_dirs, JOURNAL, LOCK, STAGING};
use crate::checked::{hex_bytes, Stamps};
pub use crate::checked::{TargetKind, VerifyOptions, VerifyReport};
use crate::delivered::{bag_extra_files, bag_layout, check_delivery, is_our_delivery};
use crate::hashing::{hash_file, Algorithm};
use crate::journal::{check_chain, latest_dnr, Event};
use crate::period::Period;
use crate::record::{check_record_dir, DirCheck, MANIFEST, SNAPSHOT};
pub use crate::record::{files_on_disk, FileCheck, FileStatus, OnDisk};
use crate::timestamp::TIMESTAMPS;
use crate::{Error, Result};

/// Verifies `path`; what it is is detected from its contents.
pub fn verify(path: &Path, opts: &VerifyOptions) -> Result<VerifyReport> {
    let start = Instant::now();
    let meta = fs::metadata(path).map_err(Error::io("read", path))?;
    let mut report = if meta.is_file() {
        verify_pdf(path, opts)?
    } else if looks_like_bag(path) {
        let mut r = VerifyReport::new(path, TargetKind::Bag);
        let c = bagit::validate_bag(path, opts.jobs)?;
        r.algorithms = c.algorithms;
        r.files = c.files;
        r.problems = c.problems;
        r.warnings = c.warnings;
        r.bytes = c.bytes;
        r.bag_manifest_sha256 = fs::read(path.join("manifest-sha256.txt"))
            .ok()
            .map(|b| crate::hashing::sha256_hex(&b));
        if is_our_delivery(path) {
            check_delivery(&bag_layout(path, "data/")?, opts, &mut r)?;
            bag_extra_files(&path.join("data"), "data/", &mut r);
        }
        r
    } else if let Some(bag) = bag_of_data(path) {
        let mut r = VerifyReport::new(path, TargetKind::Delivery);
        r.algorithms = vec!["sha256".into()];
        check_delivery(&bag_layout(&bag, "")?, opts, &mut r)?;
        bag_extra_files(path, "", &mut r);
        r.warnings.push(format!(
            "the bag's own manifests were not checked, nor {} and {} against them: verify the bag folder {} for that",
            crate::delivered::DELIVERY_LIST,
            crate::delivered::FORTECKNING,
            bag.display()
        ));
        r
    } else if path.join(JOURNAL).exists() || looks_like_archive(path) {
        verify_archive(path, opts)?
    } else if path.join(MANIFEST).exists() {
        let mut r = VerifyReport::new(path, TargetKind::Record);
        let c = check_record_dir(path, opts.jobs)?;
        r.algorithms = vec!["sha256".into()];
        let stamps = Stamps::new(opts)?;
        let late = archive_of(path).map(|(root, id)| {
            (
                root.join(TIMESTAMPS).join(&id),
                format!("{TIMESTAMPS}/{id}/"),
                id,
            )
        });
        let id = late
            .as_ref()
            .map_or_else(|| path.display().to_string(), |(_, _, id)| id.clone());
        stamps.record(
            &id,
            path,
            "",
            &c,
            late.as_ref().map(|(d, l, _)| (d.as_path(), l.as_str())),
            &mut r,
        );
        r.files.extend(c.files);
        r.problems.extend(c.problems);
        r.bytes = c.bytes;
        // In an archive or a delivery, a manifest rewritten to fit a changed
        // file still differs from the journal's record.sealed line.
        if let Some((journal, id)) = journal_of_record(path) {
            match against_journal(
                path,
                &journal,
                &id,
                &c.snapshot_sha256,
                &c.manifest_sha256,
                &mut r,
            ) {
                Ok(word) => r.diarienummer = word.diarienummer,
                Err(e) => r.problems.push(e.to_string()),
            }
        }
        r
    } else {
        return Err(Error::UnknownTarget {
            path: path.to_path_buf(),
            reason: "not an archive (no journal.jsonl), a record directory (no manifest-sha256.txt), a BagIt bag (no bagit.txt) or a file".into(),
        });
    };
    report.count();
    report.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    if report.kind == TargetKind::Archive && inside_package(path).is_none() {
        record_verify_run(path, &mut report);
    }
    Ok(report)
}

/// A sealed record checked before pages are taken out of it (`extract`).
#[derive(Debug, Clone)]
pub struct SourceCheck {
    /// What `verify DIR` reports, with the journal's word added to its problems.
    pub report: VerifyReport,
    /// The archive the record sits in (none for a `capture --out` record).
    pub archive: Option<PathBuf>,
    /// The record's id in its archive, else the id its record.json gives.
    pub record_id: String,
    /// SHA-256 of snapshot.pdf and of manifest-sha256.txt as found.
    pub snapshot_sha256: Option<String>,
    pub manifest_sha256: Option<String>,
    /// The journal's `record.sealed` line for the record.
    pub sealed: Option<crate::JournalEntry>,
    /// The newest diarienummer the journal gives the record.
    pub diarienummer: Option<String>,
}

/// Verifies the record directory `dir` as `verify DIR` does (every file
/// against the manifest, the timestamp tokens), and, when it sits in an
/// archive, against the archive's journal: the chain must hold, and the
/// record's `record.sealed` line must name the snapshot.pdf and the
/// manifest found. What `verify DIR` alone does not check, because a
/// rewritten manifest would otherwise pass.
pub fn verify_source(dir: &Path, opts: &VerifyOptions) -> Result<SourceCheck> {
    if !dir.join(MANIFEST).is_file() {
        return Err(Error::UnknownTarget {
            path: dir.to_path_buf(),
            reason: format!("not a sealed record directory (no {MANIFEST})"),
        });
    }
    let mut report = verify(dir, opts)?;
    if report.kind != TargetKind::Record {
        return Err(Error::UnknownTarget {
            path: dir.to_path_buf(),
            reason: "not a sealed record directory".into(),
        });
    }
    let snapshot_sha256 = report
        .files
        .iter()
        .find(|f| f.path == SNAPSHOT && f.status == FileStatus::Ok)
        .and_then(|f| f.actual.clone());
    if !report.files.iter().any(|f| f.path == SNAPSHOT) {
        report
            .problems
            .push(format!("{MANIFEST} does not list {SNAPSHOT}"));
    }
    let manifest_path = dir.join(MANIFEST);
    let manifest_sha256 = Some(
        hash_file(&manifest_path, &[Algorithm::Sha256])
            .map_err(Error::io("read", &manifest_path))?
            .0
            .into_iter()
            .next()
            .unwrap_or_default(),
    );
    let own_id = crate::archive::read_record(dir).ok().map(|r| r.record_id);
    let mut check = SourceCheck {
        report,
        archive: None,
        record_id: own_id.clone().unwrap_or_default(),
        snapshot_sha256,
        manifest_sha256,
        sealed: None,
        diarienummer: None,
    };
    let Some((root, id)) = archive_of(dir) else {
        return Ok(check);
    };
    // verify() above checked the record against this journal and reported
    // what it found; here only what the journal names is taken.
    let mut again = VerifyReport::new(dir, TargetKind::Record);
    let word = against_journal(
        dir,
        &root.join(JOURNAL),
        &id,
        &check.snapshot_sha256,
        &check.manifest_sha256,
        &mut again,
    )?;
    check.sealed = word.sealed;
    check.diarienummer = word.diarienummer;
    check.archive = Some(root);
    check.record_id = id;
    Ok(check)
}

/// What the journal of the archive or delivery a record folder sits in says
/// of it.
struct JournalWord {
    /// The record's `record.sealed` line.
    sealed: Option<crate::JournalEntry>,
    /// The newest diarienummer the journal gives the record.
    diarienummer: Option<String>,
}

/// Checks the record folder `dir`, `id` in the archive or delivery whose
/// journal is `journal`, against that journal: the chain holds, record.json
/// names `id`, and the record's `record.sealed` line names the snapshot.pdf
/// and the manifest found. Every finding goes to `r`.
fn against_journal(
    dir: &Path,
    journal: &Path,
    id: &str,
    snapshot_sha256: &Option<String>,
    manifest_sha256: &Option<String>,
    r: &mut VerifyReport,
) -> Result<JournalWord> {
    let bytes = fs::read(journal).map_err(Error::io("read", journal))?;
    let chain = check_chain(&bytes);
    for (line, msg) in &chain.problems {
        r.problems.push(format!("journal.jsonl line {line}: {msg}"));
    }
    let own_id = crate::archive::read_record(dir).ok().map(|r| r.record_id);
    if let Some(own) = own_id.filter(|own| own != id) {
        r.problems.push(format!(
            "{id}: record.json names itself `{own}`: the directory was moved or renamed"
        ));
    }
    let sealed = chain
        .entries
        .iter()
        .rev()
        .find(|e| e.event == Event::RECORD_SEALED && e.field("record_id") == Some(id));
    match sealed {
        None => r.problems.push(format!(
            "{id}: no record.sealed event in {} for this record",
            journal.display()
        )),
        Some(e) => {
            let pairs = [
                ("snapshot_sha256", SNAPSHOT, snapshot_sha256),
                ("manifest_sha256", MANIFEST, manifest_sha256),
            ];
            for (field, file, got) in pairs {
                match (e.field(field), got) {
                    (Some(want), Some(got)) if want == got => {}
                    (Some(want), Some(got)) => r.problems.push(format!(
                        "{id}: {file} SHA-256 {got} differs from the journal's {want} (line {})",
                        e.line
                    )),
                    (None, _) => r
                        .problems
                        .push(format!("{id}: journal line {} gives no {field}", e.line)),
                    (Some(_), None) => {}
                }
            }
        }
    }
    Ok(JournalWord {
        sealed: sealed.cloned(),
        diarienummer: dnr_in(&chain.entries, id),
    })
}

/// The newest diarienummer the journal assigns to `record_id`.
fn dnr_in(entries: &[crate::JournalEntry], record_id: &str) -> Option<String> {
    latest_dnr(entries, record_id).map(str::to_string)
}

/// The journal a record folder is sealed in, and the record's id there: the
/// archive's or bag's `journal.jsonl` above it, or, for an E-ARK
/// representation's `data/`, the package's `documentation/journal.jsonl`
/// (the representation `2026-H1_x` holds 2026-H1/x).
fn journal_of_record(dir: &Path) -> Option<(PathBuf, String)> {
    if let Some((root, id)) = archive_of(dir) {
        return Some((root.join(JOURNAL), id));
    }
    let abs = fs::canonicalize(dir).ok()?;
    let rep = abs.parent()?;
    let pkg = rep
        .parent()
        .filter(|p| p.ends_with("representations"))?
        .parent()?;
    let journal = pkg.join("documentation").join(JOURNAL);
    (abs.file_name()? == "data" && journal.is_file())
        .then(|| Some((journal, rep.file_name()?.to_str()?.replacen('_', "/", 1))))
        .flatten()
}

/// The archive a record directory sits in, and the record's id there.
fn archive_of(dir: &Path) -> Option<(PathBuf, String)> {
    let abs = fs::canonicalize(dir).ok()?;
    let archive = abs
        .ancestors()
        .skip(1)
        .find(|a| a.join(JOURNAL).is_file())?;
    let id = abs.strip_prefix(archive).ok()?.to_str()?.to_string();
    Some((archive.to_path_buf(), id))
}

/// The bag whose `data/` folder `path` is.
fn bag_of_data(path: &Path) -> Option<PathBuf> {
    let abs = fs::canonicalize(path).ok()?;
    let bag = abs.parent()?;
    (abs.file_name()? == "data" && bag.join("bagit.txt").is_file()).then(|| bag.to_path_buf())
}

/// The delivery (a bag or an E-ARK package) `path` is in or is, if any.
pub fn inside_package(path: &Path) -> Option<PathBuf> {
    let abs = fs::canonicalize(path).ok()?;
    abs.ancestors()
        .find(|a| a.join("bagit.txt").is_file() || a.join("METS.xml").is_file())
        .map(Path::to_path_buf)
}

/// bagit.txt, or a `data/` directory beside bag-info.txt or a BagIt manifest
/// (a bag that lost its bagit.txt is still checked as a bag, and fails).
fn looks_like_bag(path: &Path) -> bool {
    if path.join("bagit.txt").exists() {
        return true;
    }
    if !path.join("data").is_dir() {
        return false;
    }
    fs::read_dir(path).into_iter().flatten().flatten().any(|e| {
        let n = e.file_name().to_string_lossy().into_owned();
        n == "bag-info.txt"
            || n.starts_with("tagmanifest-")
            || (n.starts_with("manifest-") && n.ends_with(".txt") && n != MANIFEST)
    })
}

fn looks_like_archive(path: &Path) -> bool {
    fs::read_dir(path).into_iter().flatten().flatten().any(|e| {
        let n = e.file_name().to_string_lossy().into_owned();
        n == "evidence" || n == JOURNAL || n == LOCK || n.parse::<Period>().is_ok()
    })
}

fn verify_archive(root: &Path, opts: &VerifyOptions) -> Result<VerifyReport> {
    let mut r = VerifyReport::new(root, TargetKind::Archive);
    r.algorithms = vec!["sha256".into()];
    let journal_path = root.join(JOURNAL);
    let bytes = match fs::read(&journal_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            r.problems.push("journal.jsonl is missing".into());
            Vec::new()
        }
        Err(e) => return Err(Error::io("read", &journal_path)(e)),
    };
    let chain = check_chain(&bytes);
    for (line, msg) in &chain.problems {
        r.problems.push(format!("journal.jsonl line {line}: {msg}"));
    }
    r.journal_head = Some(chain.head.clone());
    let sealed = latest_sealed(&chain.entries, &mut r);
    let dirs = record_dirs(root)?;
    let ids: BTreeSet<&str> = dirs.iter().map(|(id, _)| id.as_str()).collect();
    let stamps = Stamps::new(opts)?;
    for (id, dir) in &dirs {
        let mut c = check_record_dir(dir, opts.jobs)?;
        r.bytes += c.bytes;
        let late = root.join(TIMESTAMPS).join(id);
        let late_label = format!("{TIMESTAMPS}/{id}/");
        stamps.record(
            id,
            dir,
            &format!("{id}/"),
            &c,
            Some((&late, &late_label)),
            &mut r,
        );
        for p in std::mem::take(&mut c.problems) {
            r.problems.push(format!("{id}: {p}"));
        }
        for mut f in std::mem::take(&mut c.files) {
            f.path = format!("{id}/{}", f.path);
            r.files.push(f);
        }
        if let Ok(rec) = crate::archive::read_record(dir) {
            if rec.record_id != *id {
                r.problems.push(format!(
                    "{id}: record.json names itself `{}`: the directory was moved or renamed",
                    rec.record_id
                ));
            }
        }
        record_against_journal(id, &c, sealed.get(id.as_str()).copied(), &mut r);
    }
    journaled_tokens(root, &chain.entries, &mut r);
    for (id, e) in &sealed {
        if !ids.contains(id.as_str()) {
            r.problems.push(format!(
                "{id}: sealed on journal line {} but its directory is missing",
                e.line
            ));
            r.files.push(FileCheck {
                path: id.clone(),
                status: FileStatus::Missing,
                algorithm: None,
                expected: None,
                actual: None,
            });
        }
    }
    unexpected_entries(root, &ids, &chain.entries, &stamps, &mut r)?;
    r.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(r)
}

/// Latest `record.sealed` per record id; a record sealed twice is a problem.
fn latest_sealed<'e>(
    entries: &'e [crate::JournalEntry],
    r: &mut VerifyReport,
) -> HashMap<String, &'e crate::JournalEntry> {
    let mut sealed: HashMap<String, &crate::JournalEntry> = HashMap::new();
    for e in entries.iter().filter(|e| e.event == Event::RECORD_SEALED) {
        if let Some(id) = e.field("record_id") {
            if sealed.insert(id.to_string(), e).is_some() {
                r.problems.push(format!(
                    "journal.jsonl line {}: record {id} sealed a second time",
                    e.line
                ));
            }
        }
    }
    sealed
}

/// A record folder against the journal's `record.sealed` for it (`sealed`):
/// the same snapshot and manifest SHA-256s.
fn record_against_journal(
    id: &str,
    c: &DirCheck,
    sealed: Option<&crate::JournalEntry>,
    r: &mut VerifyReport,
) {
    match sealed {
        None => r.problems.push(format!(
            "{id}: no record.sealed event in the journal for this record"
        )),
        Some(e) => {
            if let (Some(want), Some(got)) = (e.field("snapshot_sha256"), &c.snapshot_sha256) {
                if want != got {
                    r.problems.push(format!("{id}: snapshot.pdf SHA-256 {got} differs from the journal's {want} (line {})", e.line));
                }
            }
            if let (Some(want), Some(got)) = (e.field("manifest_sha256"), &c.manifest_sha256) {
                if want != got {
                    r.problems.push(format!(
                        "{id}: {MANIFEST} was changed: SHA-256 {got}, journal line {} says {want}",
                        e.line
                    ));
                }
            }
        }
    }
}

/// Anything else at the top level or in the group directories is
/// unexpected; the archive's own `timestamps/` is checked, a non-empty
/// staging area a warning, the search index left alone.
fn unexpected_entries(
    root: &Path,
    ids: &BTreeSet<&str>,
    entries: &[crate::JournalEntry],
    stamps: &Stamps,
    r: &mut VerifyReport,
) -> Result<()> {
    for entry in fs::read_dir(root)
        .map_err(Error::io("read", root))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let group = name == "evidence" || name.parse::<Period>().is_ok();
        if name == JOURNAL || name == LOCK {
            continue;
        }
        // The search index (`ogonblick index`) is derived data outside the
        // records: never verified, never trusted, rebuilt from the records.
        if name == "index" && entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if name == TIMESTAMPS && entry.file_type().is_ok_and(|t| t.is_dir()) {
            archive_tokens(root, ids, entries, stamps, r);
            continue;
        }
        if name == STAGING {
            if fs::read_dir(entry.path())
                .map(|mut d| d.next().is_some())
                .unwrap_or(false)
            {
                r.warnings.push(format!("{STAGING} is not empty: a run is in progress or was interrupted (the next run cleans it up)"));
            }
            continue;
        }
        let real_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !group || !real_dir {
            r.files.push(FileCheck::unexpected(name));
            continue;
        }
        for sub in fs::read_dir(entry.path())
            .map_err(Error::io("read", entry.path()))?
            .flatten()
        {
            if !sub.path().is_dir() || sub.file_type().map(|t| t.is_symlink()).unwrap_or(true) {
                let p = format!("{name}/{}", sub.file_name().to_string_lossy());
                r.files.push(FileCheck::unexpected(p));
            }
        }
    }
    Ok(())
}

/// The archive's own `timestamps/`: the journal head's tokens are checked;
/// the late tokens of records were checked with their records, so only files
/// that belong to no record are reported here. Every `timestamp.added` the
/// journal records must still be there, byte for byte.
fn archive_tokens(
    root: &Path,
    ids: &BTreeSet<&str>,
    entries: &[crate::JournalEntry],
    stamps: &Stamps,
    r: &mut VerifyReport,
) {
    let area = root.join(TIMESTAMPS);
    let on_disk = files_on_disk(&area);
    for rel in on_disk.files.iter().chain(&on_disk.links) {
        let label = format!("{TIMESTAMPS}/{rel}");
        if ids.iter().any(|id| rel.starts_with(&format!("{id}/"))) {
            continue;
        }
        let journal_seq = rel
            .strip_prefix("journal/")
            .filter(|n| n.ends_with(".tsr") && !n.contains('/'))
            .and_then(|n| n.split_once('-'))
            .and_then(|(seq, _)| seq.parse::<u64>().ok());
        let line = journal_seq.and_then(|seq| entries.iter().find(|e| e.seq == seq));
        match line {
            Some(e) if on_disk.files.contains(rel) => {
                let Some(digest) = hex_bytes(&e.hash) else {
                    continue;
                };
                let check = stamps.check(
                    &area.join(rel),
                    label,
                    format!("{JOURNAL} line {} (seq {})", e.line, e.seq),
                    &digest,
                    Some(e.at),
                );
                for p in &check.problems {
                    r.problems.push(format!("{}: {p}", check.file));
                }
                r.timestamps.push(check);
            }
            _ => {
                r.problems.push(format!(
                    "{label}: belongs to no sealed record and no journal line"
                ));
                r.files.push(FileCheck::unexpected(label));
            }
        }
    }
}

/// Every token the journal's `timestamp.added` events name must still be
/// there, byte for byte: a deleted or replaced token is found even where the
/// rest of the archive verifies.
fn journaled_tokens(root: &Path, entries: &[crate::JournalEntry], r: &mut VerifyReport) {
    for e in entries.iter().filter(|e| e.event == Event::TIMESTAMP_ADDED) {
        let (Some(file), Some(want)) = (e.field("file"), e.field("token_sha256")) else {
            continue;
        };
        let path = root.join(file);
        match hash_file(&path, &[Algorithm::Sha256]) {
            Ok((d, _)) if d.first().map(String::as_str) == Some(want) => {}
            Ok(_) => r.problems.push(format!(
                "{file}: changed since journal.jsonl line {} recorded it (timestamp.added)",
                e.line
            )),
            Err(_) => r.problems.push(format!(
                "{file}: missing, but journal.jsonl line {} recorded it (timestamp.added)",
                e.line
            )),
        }
    }
}

/// Appends `verify.run` to the live archive's journal through
/// [`Archive::append`], without running recovery.
fn record_verify_run(root: &Path, r: &mut VerifyReport) {
    let archive = match crate::Archive::open_to_append(root) {
        Ok(a) => a,
        Err(Error::Locked { .. }) => {
            r.warnings.push(
                "verify.run not recorded: another ogonblick run holds the archive's lock".into(),
            );
            return;
        }
        Err(e @ Error::Journal { .. }) => {
            r.warnings.push(format!("verify.run not recorded: {e}"));
            return;
        }
        Err(e) => {
            r.warnings.push(format!(
                "verify.run not recorded: {e} (a read-only medium?)"
            ));
            return;
        }
    };
    let event = Event::VerifyRun {
        result: if r.is_ok() { "ok" } else { "problems" }.into(),
        records: record_dirs(root).map_or(0, |d| d.len() as u64),
        files_ok: r.ok,
        files_changed: r.changed,
        files_missing: r.missing,
        files_unexpected: r.unexpected,
        problems: r.problems.len() as u64,
    };
    if let Err(e) = archive.append(&event) {
        r.warnings.push(format!("verify.run not recorded: {e}"));
    }
}

/// Where the journal of `dir` is: an archive's `journal.jsonl`, a bag's
/// `data/journal.jsonl`, an E-ARK package's `documentation/journal.jsonl`.
fn journal_in(dir: &Path) -> Option<PathBuf> {
    [
        dir.join(JOURNAL),
        dir.join("data").join(JOURNAL),
        dir.join("documentation").join(JOURNAL),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// `leveranslista.pdf` or `forteckning.csv` as a delivery holds them (at the
/// top of a bag's `data/` or in an E-ARK package's `documentation/`).
pub fn is_delivery_document(path: &Path, package: &Path) -> bool {
    let Ok(abs) = fs::canonicalize(path) else {
        return false;
    };
    let name = abs.file_name().map(|n| n.to_string_lossy().into_owned());
    let parent = abs.parent().and_then(|p| p.strip_prefix(package).ok());
    matches!(
        name.as_deref(),
        Some(crate::delivered::DELIVERY_LIST | crate::delivered::FORTECKNING)
    ) && matches!(
        parent.and_then(Path::to_str),
        Some("data" | "documentation")
    )
}

/// The verdict on a delivery's own document (`leveranslista.pdf`,
/// `forteckning.csv`), given the whole delivery's report `pkg`: the document
/// is genuine when the delivery verifies and its manifest lists the file as
/// it is.
pub fn delivery_document(path: &Path, package: &Path, pkg: VerifyReport) -> VerifyReport {
    let mut r = VerifyReport::new(path, TargetKind::Document);
    r.algorithms = pkg.algorithms.clone();
    r.elapsed_ms = pkg.elapsed_ms;
    r.bytes = pkg.bytes;
    let rel = fs::canonicalize(path)
        .ok()
        .and_then(|abs| abs.strip_prefix(package).ok().map(Path::to_path_buf))
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let own = pkg.files.iter().find(|f| f.path == rel).cloned();
    let what = if rel.ends_with(crate::delivered::DELIVERY_LIST) {
        "the delivery list (leveranslista)"
    } else {
        "the list for the diarium (forteckning.csv)"
    };
    match own {
        Some(f) => r.files.push(f),
        None => r
            .problems
            .push(format!("{rel}: the delivery's manifests do not list it")),
    }
    r.problems
        .extend(pkg.problems.iter().map(|p| format!("the delivery: {p}")));
    let others = pkg
        .files
        .iter()
        .filter(|f| f.path != rel && f.status != FileStatus::Ok)
        .count();
    if others > 0 {
        r.problems.push(format!(
            "the delivery: {others} other file(s) do not verify; run verify on {}",
            package.display()
        ));
    }
    r.journal_head = pkg.journal_head;
    // Nothing inside a delivery names the list's own bytes but the
    // package's manifest, which bagit.py can rewrite: only the archive's
    // journal (`delivery.created`) holds that manifest's hash.
    let anchor = match (&pkg.mets_sha256, &pkg.bag_manifest_sha256) {
        (Some(h), _) => Some(format!("METS.xml SHA-256 {h}")),
        (None, Some(h)) => Some(format!("manifest-sha256.txt SHA-256 {h}")),
        (None, None) => None,
    };
    if let Some(anchor) = anchor {
        let checked = if rel.ends_with(crate::delivered::DELIVERY_LIST) {
            "the file is checked against the package's manifest only"
        } else {
            "its file names and SHA-256 are checked against the records, the rest of it against the package's manifest only"
        };
        r.warnings.push(format!(
            "{checked}, which can be rewritten: compare the package's {anchor} with the archive journal's delivery.created"
        ));
    }
    r.mets_sha256 = pkg.mets_sha256;
    r.bag_manifest_sha256 = pkg.bag_manifest_sha256;
    r.timestamps = pkg.timestamps;
    r.record = Some(format!(
        "{what} of the delivery {}, as its manifest lists it",
        package.display()
    ));
    r.count();
    r
}

fn verify_pdf(path: &Path, opts: &VerifyOptions) -> Result<VerifyReport> {
    if let Some(bag) = inside_package(path).filter(|p| p.join("bagit.txt").is_file()) {
        if is_delivery_document(path, &bag) {
            let pkg = verify(&bag, opts)?;
            return Ok(delivery_document(path, &bag, pkg));
        }
    }
    let mut r = VerifyReport::new(path, TargetKind::Pdf);
    r.algorithms = vec!["sha256".into()];
    let is_pdf_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    let mut magic = [0u8; 5];
    let has_magic = fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && &magic == b"%PDF-";
    if !is_pdf_name && !has_magic {
        return Err(Error::UnknownTarget {
            path: path.to_path_buf(),
            reason: "a file that is not a PDF; verify takes an archive, a record directory, a bag, an E-ARK package, a snapshot PDF, an excerpt or a delivery's leveranslista.pdf or forteckning.csv".into(),
        });
    }
    let journal = pdf_journal(path, opts)?;
    let bytes = fs::read(&journal).map_err(Error::io("read", &journal))?;
    let chain = check_chain(&bytes);
    // A line found in a journal whose chain breaks vouches for nothing: it
    // may be the line that was edited to name this file.
    for (line, msg) in &chain.problems {
        r.problems
            .push(format!("{} line {line}: {msg}", journal.display()));
    }
    let (d, n) = hash_file(path, &[Algorithm::Sha256]).map_err(Error::io("read", path))?;
    let actual = d.into_iter().next().unwrap_or_default();
    r.bytes = n;
    let found = chain.entries.iter().rev().find(|e| {
        e.event == Event::RECORD_SEALED && e.field("snapshot_sha256") == Some(actual.as_str())
    });
    let excerpt = chain.entries.iter().rev().find(|e| {
        e.event == Event::EXTRACT_CREATED && e.field("out_sha256") == Some(actual.as_str())
    });
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ok = FileCheck {
        path: name.clone(),
        status: FileStatus::Ok,
        algorithm: Some("sha256".into()),
        expected: Some(actual.clone()),
        actual: Some(actual.clone()),
    };
    match (found, excerpt) {
        (Some(e), _) => {
            let id = e.field("record_id").unwrap_or_default().to_string();
            r.files.push(ok);
            r.diarienummer = dnr_in(&chain.entries, &id);
            r.record = Some(format!(
                "{id} (journal line {}, sealed {})",
                e.line,
                e.at.to_rfc3339()
            ));
        }
        (None, Some(e)) => {
            r.files.push(ok);
            excerpt_line(e, &chain.entries, &mut r);
        }
        (None, None) => {
            r.problems.push(format!(
                "SHA-256 {actual} is neither the snapshot of a sealed record nor an excerpt in {}: the file was changed or does not come from there",
                journal.display()
            ));
            r.files.push(FileCheck {
                path: name,
                status: FileStatus::Changed,
                algorithm: Some("sha256".into()),
                expected: None,
                actual: Some(actual),
            });
        }
    }
    Ok(r)
}

/// The journal a PDF is checked against: `--archive`'s, else the first one
/// found above the file.
fn pdf_journal(path: &Path, opts: &VerifyOptions) -> Result<PathBuf> {
    Ok(match &opts.archive {
        Some(a) => journal_in(a).ok_or_else(|| Error::UnknownTarget {
            path: a.clone(),
            reason: "--archive: no journal.jsonl in it, in its data/ (a bag) or in its documentation/ (an E-ARK package)".into(),
        })?,
        None => {
            let abs = fs::canonicalize(path).map_err(Error::io("resolve", path))?;
            abs.ancestors()
                .skip(1)
                .find_map(journal_in)
                .ok_or_else(|| Error::UnknownTarget {
                    path: path.to_path_buf(),
                    reason: "no archive or delivery (journal.jsonl) found above this file; pass --archive DIR, or --source RECORD for an excerpt".into(),
                })?
        }
    })
}

/// A file the journal's `extract.created` line `e` made: its source must be
/// the snapshot the journal sealed for that record.
fn excerpt_line(e: &crate::JournalEntry, entries: &[crate::JournalEntry], r: &mut VerifyReport) {
    let id = e.field("record_id").unwrap_or_default().to_string();
    let pages = |k: &str| {
        e.fields
            .get(k)
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0)
    };
    let source = e.field("snapshot_sha256").unwrap_or_default();
    let sealed = entries
        .iter()
        .rev()
        .find(|s| s.event == Event::RECORD_SEALED && s.field("record_id") == Some(id.as_str()));
    match sealed {
        Some(s) if s.field("snapshot_sha256") == Some(source) => {}
        Some(s) => r.problems.push(format!(
            "journal line {}: the excerpt's source snapshot.pdf {source} is not the one line {} sealed for {id}",
            e.line, s.line
        )),
        None => r.problems.push(format!(
            "journal line {}: the excerpt's source {id} has no record.sealed line",
            e.line
        )),
    }
    r.diarienummer = dnr_in(entries, &id);
    r.record = Some(format!(
        "an excerpt (utdrag) of {id}: pages {}-{} of the {} of its snapshot.pdf (SHA-256 {source}), made {} (journal line {})",
        pages("first_page"),
        pages("last_page"),
        pages("source_pages"),
        e.at.to_rfc3339(),
        e.line
    ));
}
