//! One sealed record on disk: the names of its files, reading it back, and
//! checking it against its manifest. The archive ([`crate::archive`]) seals
//! records; [`crate::verify()`] and BagIt validation report on them; both
//! come here for the layout, so it has one owner.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use model::Record;
use walkdir::WalkDir;

use crate::hashing::{hash_file, hash_files, Algorithm, HashJob};
use crate::timestamp::TIMESTAMPS;
use crate::{Error, Result};

/// The record's manifest: `sha256sum -c` checks every other file against it.
pub const MANIFEST: &str = "manifest-sha256.txt";
/// The record's facts, as JSON.
pub const RECORD_JSON: &str = "record.json";
/// The sealed PDF/A.
pub const SNAPSHOT: &str = "snapshot.pdf";
/// The raw capture (tiles, text, MHTML), one folder per page inside.
pub const CAPTURE: &str = "capture";

/// Where a page's raw files go inside its record, by its label: `capture/<label>`.
pub fn page_rel(label: &str) -> String {
    format!("{CAPTURE}/{label}")
}

pub use bagit::{FileCheck, FileStatus};

/// What is on disk under a directory being verified.
#[derive(Debug, Clone, Default)]
pub struct OnDisk {
    /// Regular files, as `/`-separated paths relative to the directory.
    pub files: BTreeSet<String>,
    /// Symbolic links and special files: refused, never followed.
    pub links: Vec<String>,
    /// Parts that could not be read.
    pub errors: Vec<String>,
}

impl OnDisk {
    /// The regular files; unreadable parts and links become problems (links
    /// also unexpected files) of the `what` being verified.
    pub fn report(
        self,
        what: &str,
        problems: &mut Vec<String>,
        files: &mut Vec<FileCheck>,
    ) -> BTreeSet<String> {
        for e in self.errors {
            problems.push(format!("cannot read part of the {what}: {e}"));
        }
        for rel in self.links {
            problems.push(format!(
                "{rel}: symbolic link or special file refused (never followed)"
            ));
            files.push(FileCheck::unexpected(rel));
        }
        self.files
    }
}

/// Walks `dir` without following links.
pub fn files_on_disk(dir: &Path) -> OnDisk {
    let mut out = OnDisk::default();
    for entry in WalkDir::new(dir).follow_links(false) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.errors.push(e.to_string());
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if entry.file_type().is_file() {
            out.files.insert(rel);
        } else {
            out.links.push(rel);
        }
    }
    out
}

/// One record directory checked against its manifest.
#[derive(Debug, Clone, Default)]
pub(crate) struct DirCheck {
    pub files: Vec<FileCheck>,
    pub problems: Vec<String>,
    pub bytes: u64,
    /// SHA-256 of manifest-sha256.txt and snapshot.pdf as found.
    pub manifest_sha256: Option<String>,
    pub snapshot_sha256: Option<String>,
    /// Files under `timestamps/`: tokens over the manifest, outside it,
    /// checked on their own (relative paths).
    pub tokens: Vec<String>,
}

/// Parses a `sha256sum`-style manifest: (line, path, checksum).
fn parse_sha256_manifest(
    text: &str,
    problems: &mut Vec<String>,
    label: &str,
) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let parsed = line.split_once(' ').and_then(|(sum, rest)| {
            let path = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('*'))?;
            (sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| (sum.to_ascii_lowercase(), path.to_string()))
        });
        match parsed {
            Some((sum, path)) => out.push((i + 1, path, sum)),
            None => problems.push(format!("{label} line {}: not `<sha256>  <path>`", i + 1)),
        }
    }
    out
}

fn safe_rel(p: &str) -> bool {
    !p.is_empty()
        && !p.starts_with('/')
        && !p.contains('\\')
        && !p.split('/').any(|c| c.is_empty() || c == "." || c == "..")
}

/// Checks one record directory against its manifest-sha256.txt.
pub(crate) fn check_record_dir(dir: &Path, jobs: usize) -> Result<DirCheck> {
    let mut c = DirCheck::default();
    let listed = read_manifest(dir, &mut c)?;
    // Files on disk.
    let mut on_disk = files_on_disk(dir).report("record", &mut c.problems, &mut c.files);
    on_disk.remove(MANIFEST);
    let token_prefix = format!("{TIMESTAMPS}/");
    c.tokens = on_disk
        .iter()
        .filter(|p| p.starts_with(&token_prefix) && !listed.contains_key(*p))
        .cloned()
        .collect();
    for t in &c.tokens {
        on_disk.remove(t);
    }
    hash_listed(dir, &listed, &on_disk, jobs, &mut c);
    for (p, sum) in &listed {
        if !on_disk.contains(p) {
            c.files.push(FileCheck {
                path: p.clone(),
                status: FileStatus::Missing,
                algorithm: Some("sha256".into()),
                expected: Some(sum.clone()),
                actual: None,
            });
        }
    }
    for p in &on_disk {
        if !listed.contains_key(p) {
            c.files.push(FileCheck::unexpected(p.clone()));
        }
    }
    record_json_agrees(dir, &listed, &mut c);
    c.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(c)
}

/// The record's manifest: each listed path (safe, once) with its SHA-256;
/// its own SHA-256 into `c`, a missing manifest a problem.
fn read_manifest(dir: &Path, c: &mut DirCheck) -> Result<BTreeMap<String, String>> {
    let manifest_path = dir.join(MANIFEST);
    let text = match fs::read(&manifest_path) {
        Ok(b) => {
            c.manifest_sha256 = Some(crate::hashing::sha256_hex(&b));
            String::from_utf8_lossy(&b).into_owned()
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            c.problems.push(format!("{MANIFEST} is missing"));
            c.files.push(FileCheck {
                path: MANIFEST.into(),
                status: FileStatus::Missing,
                algorithm: None,
                expected: None,
                actual: None,
            });
            String::new()
        }
        Err(e) => return Err(Error::io("read", &manifest_path)(e)),
    };
    let entries = parse_sha256_manifest(&text, &mut c.problems, MANIFEST);
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    for (line, path, sum) in entries {
        if !safe_rel(&path) {
            c.problems.push(format!(
                "{MANIFEST} line {line}: path `{path}` refused (absolute, `..` or not portable)"
            ));
            continue;
        }
        if listed.insert(path.clone(), sum).is_some() {
            c.problems
                .push(format!("{MANIFEST} line {line}: `{path}` listed twice"));
        }
    }
    Ok(listed)
}

/// Hashes every listed file that is on disk (on `jobs` cores) and compares it
/// with the manifest; the snapshot's SHA-256 goes into `c`.
fn hash_listed(
    dir: &Path,
    listed: &BTreeMap<String, String>,
    on_disk: &BTreeSet<String>,
    jobs: usize,
    c: &mut DirCheck,
) {
    let present: Vec<&String> = listed.keys().filter(|p| on_disk.contains(*p)).collect();
    let jobs_list: Vec<HashJob> = present
        .iter()
        .map(|p| HashJob {
            path: dir.join(p.as_str()),
            algorithms: vec![Algorithm::Sha256],
        })
        .collect();
    let results = hash_files(&jobs_list, jobs);
    for (p, res) in present.iter().zip(results) {
        let expected = listed[*p].clone();
        match res {
            Ok((d, n)) => {
                c.bytes += n;
                let actual = d.into_iter().next().unwrap_or_default();
                if p.as_str() == "snapshot.pdf" {
                    c.snapshot_sha256 = Some(actual.clone());
                }
                let status = if actual == expected {
                    FileStatus::Ok
                } else {
                    FileStatus::Changed
                };
                c.files.push(FileCheck {
                    path: (*p).clone(),
                    status,
                    algorithm: Some("sha256".into()),
                    expected: Some(expected),
                    actual: Some(actual),
                });
            }
            Err(e) => c.problems.push(format!("{p}: cannot read ({e})")),
        }
    }
}

/// `record.json` must agree with the manifest about the raw files.
fn record_json_agrees(dir: &Path, listed: &BTreeMap<String, String>, c: &mut DirCheck) {
    if let Ok(bytes) = fs::read(dir.join("record.json")) {
        match serde_json::from_slice::<model::Record>(&bytes) {
            Ok(rec) => {
                for (f, sum) in &rec.files {
                    if listed.get(f).is_some_and(|m| m != sum) {
                        c.problems.push(format!(
                            "record.json gives {f} a different SHA-256 than {MANIFEST}"
                        ));
                    }
                }
            }
            Err(e) => c.problems.push(format!("record.json does not parse ({e})")),
        }
    }
}

/// Reads a record directory's `record.json`.
pub fn read_record(dir: &Path) -> Result<Record> {
    let path = dir.join("record.json");
    let bytes = fs::read(&path).map_err(Error::io("read", &path))?;
    serde_json::from_slice(&bytes).map_err(|source| Error::RecordJson { path, source })
}

/// Every regular file under `dir`, as (`/`-separated relative path, path), sorted.
pub(crate) fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io("walk", dir)(e.into()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel_s = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if !entry.file_type().is_file() {
            return Err(Error::Io {
                action:
                    "seal (only regular files may be archived, found a symlink or special file)",
                path: entry.path().to_path_buf(),
                source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
            });
        }
        if rel_s.contains(['\n', '\r', '\\']) {
            return Err(Error::Io {
                action: "seal (file names must not contain newlines or backslashes)",
                path: entry.path().to_path_buf(),
                source: std::io::Error::from(std::io::ErrorKind::InvalidInput),
            });
        }
        out.push((rel_s, entry.path().to_path_buf()));
    }
    out.sort();
    Ok(out)
}

/// SHA-256 of every raw file under `dir/capture`, keyed by its path relative to
/// `dir` (`capture/01-start/tile-001.png`): what `record.files` holds.
pub fn raw_file_hashes(dir: &Path) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (rel, path) in list_files(dir)? {
        if rel.starts_with("capture/") {
            let (d, _) =
                hash_file(&path, &[Algorithm::Sha256]).map_err(Error::io("read", &path))?;
            out.insert(rel, d.into_iter().next().unwrap_or_default());
        }
    }
    Ok(out)
}
