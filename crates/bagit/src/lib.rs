//! BagIt (RFC 8493): writing delivery bags and validating any bag.
//!
//! Writing: bagit.txt, bag-info.txt, `data/`, manifest-sha256/sha512 and
//! tagmanifest-sha256/sha512, built in a temporary sibling directory and
//! renamed to the output path at the end, so an interrupted delivery leaves
//! no half bag behind.
//!
//! Validating follows RFC 8493 and the LoC conformance suite: every manifest
//! algorithm present is checked, Payload-Oxum, tag manifests, fetch.txt, tag
//! file encodings (bagit.txt declares it; UTF-16 with BOM and ISO-8859-1 are
//! read). Paths that would leave the bag (`..`, absolute, `~`, Windows drive
//! letters, UNC prefixes, `%VAR%` shortcuts, backslashes) and symlinks are
//! refused and never followed. Deliberate leniencies, each reported as a
//! warning: a leading `./` or md5sum's `*` before a path, the same path listed
//! twice with the same checksum (before BagIt 1.0), paths that differ only in
//! Unicode normalisation or letter case, and OS junk files (`.DS_Store`,
//! `Thumbs.db`) listed but missing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use walkdir::WalkDir;

mod error;
pub mod fsutil;
pub mod hashing;

pub use error::{Error, Result};

use crate::fsutil::{make_writable, sync_dir};
use crate::hashing::{hash_files, hash_reader, Algorithm, HashJob};

/// One file's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Ok,
    Changed,
    Missing,
    Unexpected,
}

/// One file checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    /// Path relative to the verified directory.
    pub path: String,
    pub status: FileStatus,
    pub algorithm: Option<String>,
    pub expected: Option<String>,
    pub actual: Option<String>,
}

impl FileCheck {
    /// A file found where nothing lists it.
    pub fn unexpected(path: String) -> FileCheck {
        FileCheck {
            path,
            status: FileStatus::Unexpected,
            algorithm: None,
            expected: None,
            actual: None,
        }
    }
}

/// Where a payload file's bytes come from.
#[derive(Debug, Clone)]
pub enum PayloadSource {
    File(PathBuf),
    Bytes(Vec<u8>),
}

/// One payload file: its bytes and its path under `data/` (`/`-separated).
#[derive(Debug, Clone)]
pub struct PayloadItem {
    pub source: PayloadSource,
    pub dest: String,
}

/// The bag-info.txt fields we write.
#[derive(Debug, Clone)]
pub struct BagInfo {
    pub source_organization: String,
    /// `Source-Organization-Identifier`: the organisation's registration
    /// number. RFC 8493 reserves no field for it (`External-Identifier` names
    /// the bag), so it is written under a name tied to `Source-Organization`.
    pub source_organization_identifier: Option<String>,
    pub contact_name: String,
    pub contact_email: Option<String>,
    pub external_identifier: String,
    pub external_description: String,
    pub bagging_date: NaiveDate,
    pub bag_group_identifier: Option<String>,
    /// `ogonblick 0.1.0`.
    pub software_agent: String,
}

/// What [`write_bag`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BagSummary {
    pub path: PathBuf,
    pub files: u64,
    pub bytes: u64,
    pub payload_oxum: String,
    /// SHA-256 of manifest-sha256.txt, worth quoting in the delivery note.
    pub manifest_sha256: String,
}

const WRITE_ALGS: [Algorithm; 2] = [Algorithm::Sha256, Algorithm::Sha512];

/// Writes a complete bag at `out` (which must not exist) via a temporary sibling directory.
pub fn write_bag(out: &Path, payload: &[PayloadItem], info: &BagInfo) -> Result<BagSummary> {
    write_bag_watched(out, payload, info, &|_| {})
}

/// [`write_bag`], calling `checkpoint` at the moments a crash matters
/// (`deliver.mid_copy` after each payload file, `deliver.before_rename`,
/// `deliver.after_rename`), so a caller can test what a kill there leaves.
pub fn write_bag_watched(
    out: &Path,
    payload: &[PayloadItem],
    info: &BagInfo,
    checkpoint: &dyn Fn(&'static str),
) -> Result<BagSummary> {
    if out.exists() {
        return Err(Error::OutputExists(out.to_path_buf()));
    }
    let mut seen = BTreeSet::new();
    for item in payload {
        if !is_portable_rel(&item.dest) {
            return Err(Error::BadPayloadPath(item.dest.clone()));
        }
        if !seen.insert(item.dest.nfc().collect::<String>().to_lowercase()) {
            return Err(Error::BadPayloadPath(format!(
                "{} (listed twice, or differs only in case)",
                item.dest
            )));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(Error::io("create", &parent))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bag".into());
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    crate::fsutil::remove_dead_temporaries(&parent, &format!(".{name}.partial-"))?;
    if tmp.exists() {
        make_writable(&tmp);
        fs::remove_dir_all(&tmp).map_err(Error::io("remove the old partial bag", &tmp))?;
    }
    let result = write_bag_into(&tmp, payload, info, checkpoint);
    match result {
        Ok(mut summary) => {
            if out.exists() {
                let _ = fs::remove_dir_all(&tmp);
                return Err(Error::OutputExists(out.to_path_buf()));
            }
            checkpoint("deliver.before_rename");
            fs::rename(&tmp, out).map_err(Error::io("move the finished bag into place at", out))?;
            sync_dir(&parent)?;
            checkpoint("deliver.after_rename");
            summary.path = out.to_path_buf();
            Ok(summary)
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

fn write_bag_into(
    dir: &Path,
    payload: &[PayloadItem],
    info: &BagInfo,
    checkpoint: &dyn Fn(&'static str),
) -> Result<BagSummary> {
    let (mut lines, bytes) = copy_payload(dir, payload, checkpoint)?;
    lines.sort();
    let oxum = format!("{bytes}.{}", payload.len());
    write_tag(
        dir,
        "bagit.txt",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
    )?;
    write_tag(dir, "bag-info.txt", &bag_info_text(info, &oxum))?;
    let manifest_sha256 = write_manifests(dir, &lines)?;
    write_tag_manifests(dir)?;
    for entry in WalkDir::new(dir).contents_first(true).into_iter().flatten() {
        if entry.file_type().is_dir() {
            sync_dir(entry.path())?;
        }
    }
    Ok(BagSummary {
        path: dir.to_path_buf(),
        files: payload.len() as u64,
        bytes,
        payload_oxum: oxum,
        manifest_sha256,
    })
}

/// A payload file's `data/…` path with its digests, one per algorithm of
/// [`WRITE_ALGS`].
type Listed = (String, Vec<String>);

/// Copies (or writes) every payload item under `dir/data/`, hashing it on
/// the way with every algorithm of [`WRITE_ALGS`]. Returns each file's
/// `data/…` path with its digests, and the payload's total size.
fn copy_payload(
    dir: &Path,
    payload: &[PayloadItem],
    checkpoint: &dyn Fn(&'static str),
) -> Result<(Vec<Listed>, u64)> {
    let data = dir.join("data");
    fs::create_dir_all(&data).map_err(Error::io("create", &data))?;
    let mut lines: Vec<Listed> = Vec::new();
    let mut bytes = 0u64;
    for item in payload {
        let dest = data.join(&item.dest);
        if let Some(p) = dest.parent() {
            fs::create_dir_all(p).map_err(Error::io("create", p))?;
        }
        let mut out = File::create(&dest).map_err(Error::io("create", &dest))?;
        let (digests, n) = match &item.source {
            PayloadSource::Bytes(b) => {
                out.write_all(b).map_err(Error::io("write", &dest))?;
                hash_reader(&mut &b[..], &WRITE_ALGS).map_err(Error::io("hash", &dest))?
            }
            PayloadSource::File(src) => {
                let mut input = File::open(src).map_err(Error::io("read", src))?;
                let mut tee = Tee {
                    inner: &mut input,
                    out: &mut out,
                };
                hash_reader(&mut tee, &WRITE_ALGS).map_err(Error::io("copy into the bag", src))?
            }
        };
        out.sync_all().map_err(Error::io("sync", &dest))?;
        checkpoint("deliver.mid_copy");
        bytes += n;
        lines.push((format!("data/{}", item.dest), digests));
    }
    Ok((lines, bytes))
}

/// `bag-info.txt`: one single-line tag per field, `Payload-Oxum` from `oxum`.
fn bag_info_text(info: &BagInfo, oxum: &str) -> String {
    let mut bi = String::new();
    let mut field = |k: &str, v: &str| {
        // Values are single-line; newlines would start a new tag.
        let v: String = v
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        bi.push_str(&format!("{k}: {}\n", v.trim()));
    };
    field("Source-Organization", &info.source_organization);
    if let Some(id) = &info.source_organization_identifier {
        field("Source-Organization-Identifier", id);
    }
    field("Contact-Name", &info.contact_name);
    if let Some(e) = &info.contact_email {
        field("Contact-Email", e);
    }
    field("External-Identifier", &info.external_identifier);
    field("External-Description", &info.external_description);
    field(
        "Bagging-Date",
        &info.bagging_date.format("%Y-%m-%d").to_string(),
    );
    if let Some(g) = &info.bag_group_identifier {
        field("Bag-Group-Identifier", g);
    }
    field("Payload-Oxum", oxum);
    field("Bag-Software-Agent", &info.software_agent);
    bi
}

/// One payload manifest per algorithm of [`WRITE_ALGS`] from the sorted
/// `lines`; returns the SHA-256 of `manifest-sha256.txt`.
fn write_manifests(dir: &Path, lines: &[Listed]) -> Result<String> {
    let mut manifest_sha256 = String::new();
    for (i, alg) in WRITE_ALGS.iter().enumerate() {
        let text: String = lines
            .iter()
            .map(|(p, d)| format!("{}  {}\n", d[i], encode_path(p)))
            .collect();
        if *alg == Algorithm::Sha256 {
            manifest_sha256 = crate::hashing::sha256_hex(text.as_bytes());
        }
        write_tag(dir, &format!("manifest-{}.txt", alg.name()), &text)?;
    }
    Ok(manifest_sha256)
}

/// One tag manifest per algorithm over `bag-info.txt`, `bagit.txt` and the
/// payload manifests, as written.
fn write_tag_manifests(dir: &Path) -> Result<()> {
    let mut tag_files = vec!["bag-info.txt".to_string(), "bagit.txt".to_string()];
    tag_files.extend(
        WRITE_ALGS
            .iter()
            .map(|a| format!("manifest-{}.txt", a.name())),
    );
    tag_files.sort();
    for alg in WRITE_ALGS {
        let mut text = String::new();
        for t in &tag_files {
            let (d, _) = crate::hashing::hash_file(&dir.join(t), &[alg])
                .map_err(Error::io("read", dir.join(t)))?;
            text.push_str(&format!("{}  {t}\n", d[0]));
        }
        write_tag(dir, &format!("tagmanifest-{}.txt", alg.name()), &text)?;
    }
    Ok(())
}

struct Tee<'a> {
    inner: &'a mut dyn std::io::Read,
    out: &'a mut File,
}

impl std::io::Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out.write_all(&buf[..n])?;
        Ok(n)
    }
}

fn write_tag(dir: &Path, name: &str, text: &str) -> Result<()> {
    let path = dir.join(name);
    let mut f = File::create(&path).map_err(Error::io("create", &path))?;
    f.write_all(text.as_bytes())
        .map_err(Error::io("write", &path))?;
    f.sync_all().map_err(Error::io("sync", &path))
}

/// RFC 8493 §2.1.3: CR, LF and `%` in manifest paths are percent-encoded.
fn encode_path(p: &str) -> String {
    p.replace('%', "%25")
        .replace('\n', "%0A")
        .replace('\r', "%0D")
}

fn decode_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut rest = p;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).map(str::to_ascii_uppercase);
        match code.as_deref() {
            Some("25") => out.push('%'),
            Some("0A") => out.push('\n'),
            Some("0D") => out.push('\r'),
            _ => {
                out.push('%');
                rest = &rest[i + 1..];
                continue;
            }
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

/// A relative `/`-separated path with no empty, `.` or `..` parts, nothing
/// Windows would read as a root, and none of the characters manifests must
/// percent-encode (`%`, CR, LF): bagit.py does not decode `%25`.
fn is_portable_rel(p: &str) -> bool {
    unsafe_reason(p).is_none()
        && !p.split('/').any(|c| c.is_empty() || c == ".")
        && !p.contains(['%', '\r', '\n'])
}

/// Why a path in a manifest or fetch.txt would point outside the bag, if it would.
fn unsafe_reason(p: &str) -> Option<&'static str> {
    if p.is_empty() {
        return Some("empty path");
    }
    if p.starts_with('/') {
        return Some("absolute path");
    }
    if p.starts_with('~') {
        return Some("home-directory shortcut `~`");
    }
    if p.contains('\\') {
        return Some("backslash (a Windows path or UNC prefix)");
    }
    let b = p.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        return Some("Windows drive letter");
    }
    if p.starts_with('%') && p[1..].contains('%') {
        return Some("Windows environment-variable shortcut");
    }
    if p.split('/').any(|c| c == "..") {
        return Some("`..` leaves the bag");
    }
    if p.contains('\0') {
        return Some("NUL byte");
    }
    None
}

/// The result of validating a bag.
#[derive(Debug, Clone, Default)]
pub struct BagCheck {
    pub version: String,
    pub algorithms: Vec<String>,
    pub files: Vec<FileCheck>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
    pub bytes: u64,
}

struct Manifest {
    alg: Algorithm,
    name: String,
    /// path as listed (after `./`, `*` and percent decoding) → (checksum, line).
    entries: BTreeMap<String, (String, usize)>,
    /// NFC form → first path listed with it.
    by_nfc: HashMap<String, String>,
    /// NFC + lower-case form → first path listed with it.
    by_folded: HashMap<String, String>,
}

/// Validates a bag: complete and valid (RFC 8493 §3).
pub fn validate_bag(dir: &Path, jobs: usize) -> Result<BagCheck> {
    let mut c = BagCheck::default();
    let Some((encoding, v1)) = read_bagit_txt(dir, &mut c)? else {
        return Ok(c);
    };
    let decode = |bytes: &[u8]| -> String { encoding.decode(bytes).0.into_owned() };
    let disk = list_bag(dir, &mut c);
    let oxum = read_oxum(&disk, &decode, &mut c)?;
    let (payload_manifests, tag_manifests) = read_manifests(&disk, &decode, v1, &mut c)?;
    if payload_manifests.is_empty() {
        c.problems
            .push("no payload manifest (manifest-<algorithm>.txt)".into());
    }
    c.algorithms = payload_manifests
        .iter()
        .chain(&tag_manifests)
        .map(|m| m.alg.name().to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let fetched = read_fetch(&disk, &decode, v1, &mut c)?;
    let plan = plan_hashing(&disk, &payload_manifests, &tag_manifests, &fetched, &mut c);
    check_complete(&disk, &payload_manifests, &mut c);
    hash_and_compare(plan.wanted, plan.expectations, jobs, &mut c);
    if let Some(ox) = oxum {
        check_oxum(&ox, &disk, &plan.missing_junk, &fetched, &mut c);
    }
    c.files = one_per_file(std::mem::take(&mut c.files));
    Ok(c)
}

/// Every file in a bag, without following symlinks, with its indexes by
/// Unicode normalisation and by letter case.
struct Disk {
    /// Path relative to the bag → the file.
    on_disk: BTreeMap<String, PathBuf>,
    /// NFC form → the paths on disk with it.
    nfc_index: HashMap<String, Vec<String>>,
    /// NFC + lower-case form → the first path on disk with it.
    folded_index: HashMap<String, String>,
}

/// What to hash (each file with every algorithm that lists it) and what to
/// compare it with.
struct HashPlan {
    wanted: BTreeMap<String, (PathBuf, BTreeSet<Algorithm>)>,
    /// (listed path, disk rel, alg, checksum)
    expectations: Vec<(String, String, Algorithm, String)>,
    /// Operating-system files a manifest lists that are missing.
    missing_junk: Vec<String>,
}

/// `bagit.txt`: its version into `c`, and the tag files' encoding and
/// whether the bag is version 1 or later; `None` when there is none (not a bag).
fn read_bagit_txt(
    dir: &Path,
    c: &mut BagCheck,
) -> Result<Option<(&'static encoding_rs::Encoding, bool)>> {
    // bagit.txt
    let bagit_path = dir.join("bagit.txt");
    let raw = match fs::read(&bagit_path) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            c.problems
                .push("bagit.txt is missing: this is not a bag".into());
            return Ok(None);
        }
        Err(e) => return Err(Error::io("read", &bagit_path)(e)),
    };
    let mut encoding = encoding_rs::UTF_8;
    let mut v1 = false;
    match parse_bagit_txt(&raw) {
        Ok((version, enc)) => {
            v1 = version
                .split('.')
                .next()
                .and_then(|m| m.parse::<u32>().ok())
                .unwrap_or(0)
                >= 1;
            c.version = version;
            match encoding_rs::Encoding::for_label(enc.as_bytes()) {
                Some(e) => encoding = e,
                None => c.problems.push(format!(
                    "bagit.txt: unknown Tag-File-Character-Encoding `{enc}`"
                )),
            }
        }
        Err(msg) => c.problems.push(format!("bagit.txt: {msg}")),
    }
    Ok(Some((encoding, v1)))
}

fn list_bag(dir: &Path, c: &mut BagCheck) -> Disk {
    let mut on_disk: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut nfc_index: HashMap<String, Vec<String>> = HashMap::new();
    let mut folded_index: HashMap<String, String> = HashMap::new();
    for entry in WalkDir::new(dir).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                c.problems.push(format!("cannot read part of the bag: {e}"));
                continue;
            }
        };
        let rel = rel_string(dir, entry.path());
        if entry.file_type().is_symlink() {
            c.problems.push(format!(
                "{rel}: symbolic link refused (never followed; a bag must hold real files)"
            ));
            continue;
        }
        if entry.file_type().is_file() {
            let nfc: String = rel.nfc().collect();
            folded_index
                .entry(nfc.to_lowercase())
                .or_insert_with(|| rel.clone());
            nfc_index.entry(nfc).or_default().push(rel.clone());
            on_disk.insert(rel, entry.path().to_path_buf());
        }
    }
    Disk {
        on_disk,
        nfc_index,
        folded_index,
    }
}

/// `Payload-Oxum` from `bag-info.txt`, which must be `Label: value` lines.
fn read_oxum(
    disk: &Disk,
    decode: &dyn Fn(&[u8]) -> String,
    c: &mut BagCheck,
) -> Result<Option<String>> {
    let mut oxum: Option<String> = None;
    if let Some(p) = disk.on_disk.get("bag-info.txt") {
        let text = decode(&fs::read(p).map_err(Error::io("read", p))?);
        for (lineno, line) in text.lines().enumerate() {
            if line.starts_with([' ', '\t']) || line.trim().is_empty() {
                continue;
            }
            match line.split_once(':') {
                Some((k, v)) if k.trim() == "Payload-Oxum" => {
                    if oxum.is_some() {
                        c.problems.push(format!(
                            "bag-info.txt line {}: Payload-Oxum given twice",
                            lineno + 1
                        ));
                    }
                    oxum = Some(v.trim().to_string());
                }
                Some(_) => {}
                None => c.problems.push(format!(
                    "bag-info.txt line {}: not a `Label: value` line",
                    lineno + 1
                )),
            }
        }
    }
    Ok(oxum)
}

/// The payload and tag manifests, parsed; one in an algorithm we do not
/// know is a warning.
fn read_manifests(
    disk: &Disk,
    decode: &dyn Fn(&[u8]) -> String,
    v1: bool,
    c: &mut BagCheck,
) -> Result<(Vec<Manifest>, Vec<Manifest>)> {
    let on_disk = &disk.on_disk;
    let mut payload_manifests = Vec::new();
    let mut tag_manifests = Vec::new();
    for name in on_disk.keys().filter(|k| !k.contains('/')) {
        let (is_tag, alg) = if let Some(a) = name
            .strip_prefix("tagmanifest-")
            .and_then(|s| s.strip_suffix(".txt"))
        {
            (true, a)
        } else if let Some(a) = name
            .strip_prefix("manifest-")
            .and_then(|s| s.strip_suffix(".txt"))
        {
            (false, a)
        } else {
            continue;
        };
        let Some(alg) = Algorithm::from_name(alg) else {
            c.warnings.push(format!(
                "{name}: algorithm `{alg}` not supported; this manifest was not checked"
            ));
            continue;
        };
        let text = decode(&fs::read(&on_disk[name]).map_err(Error::io("read", &on_disk[name]))?);
        let exists = |p: &str| on_disk.contains_key(p);
        let m = parse_manifest(name, alg, &text, is_tag, v1, &exists, c);
        if is_tag {
            tag_manifests.push(m);
        } else {
            payload_manifests.push(m);
        }
    }
    Ok((payload_manifests, tag_manifests))
}

/// The payload paths `fetch.txt` lists (NFC), each line checked.
fn read_fetch(
    disk: &Disk,
    decode: &dyn Fn(&[u8]) -> String,
    v1: bool,
    c: &mut BagCheck,
) -> Result<BTreeSet<String>> {
    let mut fetched: BTreeSet<String> = BTreeSet::new();
    if let Some(p) = disk.on_disk.get("fetch.txt") {
        let text = decode(&fs::read(p).map_err(Error::io("read", p))?);
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let mut parts = line.splitn(3, [' ', '\t']);
            let (url, len, path) = (parts.next(), parts.next(), parts.next());
            let (Some(url), Some(len), Some(path)) = (url, len, path) else {
                c.problems.push(format!(
                    "fetch.txt line {}: expected `URL LENGTH PATH`",
                    i + 1
                ));
                continue;
            };
            let path = path.trim();
            if len != "-" && len.parse::<u64>().is_err() {
                c.problems.push(format!(
                    "fetch.txt line {}: length `{len}` is not a number or `-`",
                    i + 1
                ));
            }
            if url::Url::parse(url).is_err() {
                c.problems
                    .push(format!("fetch.txt line {}: `{url}` is not a URL", i + 1));
            }
            let path = if v1 {
                decode_path(path)
            } else {
                path.to_string()
            };
            if let Some(why) = unsafe_reason(&path) {
                c.problems.push(format!(
                    "fetch.txt line {}: path `{path}` refused: {why}",
                    i + 1
                ));
                continue;
            }
            if !path.starts_with("data/") {
                c.problems.push(format!(
                    "fetch.txt line {}: path `{path}` is not under data/",
                    i + 1
                ));
                continue;
            }
            fetched.insert(path.nfc().collect());
        }
    }
    Ok(fetched)
}

/// What to hash: each file with every algorithm that lists it. A listed file
/// that is missing is one, unless `fetch.txt` lists it, a file differing
/// only in case stands for it, or it is an operating-system file.
fn plan_hashing(
    disk: &Disk,
    payload_manifests: &[Manifest],
    tag_manifests: &[Manifest],
    fetched: &BTreeSet<String>,
    c: &mut BagCheck,
) -> HashPlan {
    let Disk {
        on_disk,
        nfc_index,
        folded_index,
    } = disk;
    let mut wanted: BTreeMap<String, (PathBuf, BTreeSet<Algorithm>)> = BTreeMap::new();
    let mut expectations: Vec<(String, String, Algorithm, String)> = Vec::new();
    let mut missing_junk: Vec<String> = Vec::new();
    for m in payload_manifests.iter().chain(tag_manifests) {
        for (path, (sum, line)) in &m.entries {
            let nfc: String = path.nfc().collect();
            let disk = resolve(path, &nfc, on_disk, nfc_index);
            match disk {
                Some(rel) => {
                    if &rel != path {
                        c.warnings.push(format!("{}: `{path}` found on disk as `{rel}` (different Unicode normalisation)", m.name));
                    }
                    wanted
                        .entry(rel.clone())
                        .or_insert_with(|| (on_disk[&rel].clone(), BTreeSet::new()))
                        .1
                        .insert(m.alg);
                    expectations.push((path.clone(), rel, m.alg, sum.clone()));
                }
                None if fetched.contains(&nfc) => {
                    c.warnings.push(format!(
                        "{path}: not present, listed in fetch.txt (a holey bag; not fetched)"
                    ));
                }
                None => {
                    let base = path.rsplit('/').next().unwrap_or(path);
                    if let Some(other) = case_variant(path, folded_index) {
                        c.warnings.push(format!(
                            "{}: `{path}` and `{other}` differ only in letter case; on Windows and macOS they are the same file (checked against `{other}`)",
                            m.name
                        ));
                        wanted
                            .entry(other.clone())
                            .or_insert_with(|| (on_disk[&other].clone(), BTreeSet::new()))
                            .1
                            .insert(m.alg);
                        expectations.push((path.clone(), other, m.alg, sum.clone()));
                    } else if is_os_junk(base) {
                        c.warnings.push(format!("{path}: operating-system file listed in {} line {line} but missing (copy tools often drop it)", m.name));
                        missing_junk.push(path.clone());
                    } else {
                        c.files.push(FileCheck {
                            path: path.clone(),
                            status: FileStatus::Missing,
                            algorithm: Some(m.alg.name().into()),
                            expected: Some(sum.clone()),
                            actual: None,
                        });
                    }
                }
            }
        }
    }
    HashPlan {
        wanted,
        expectations,
        missing_junk,
    }
}

/// Completeness: every payload file in every payload manifest.
fn check_complete(disk: &Disk, payload_manifests: &[Manifest], c: &mut BagCheck) {
    for rel in disk.on_disk.keys().filter(|k| k.starts_with("data/")) {
        let nfc: String = rel.nfc().collect();
        for m in payload_manifests {
            let folded = nfc.to_lowercase();
            let listed = m.entries.contains_key(rel)
                || m.by_nfc.contains_key(&nfc)
                || m.by_folded.contains_key(&folded);
            if !listed {
                c.files.push(FileCheck {
                    path: rel.clone(),
                    status: FileStatus::Unexpected,
                    algorithm: Some(m.alg.name().into()),
                    expected: None,
                    actual: None,
                });
            }
        }
    }
}

/// Hashes every planned file (on `jobs` cores) and compares each listed checksum.
fn hash_and_compare(
    wanted: BTreeMap<String, (PathBuf, BTreeSet<Algorithm>)>,
    expectations: Vec<(String, String, Algorithm, String)>,
    jobs: usize,
    c: &mut BagCheck,
) {
    let order: Vec<String> = wanted.keys().cloned().collect();
    let jobs_list: Vec<HashJob> = order
        .iter()
        .map(|k| HashJob {
            path: wanted[k].0.clone(),
            algorithms: wanted[k].1.iter().copied().collect(),
        })
        .collect();
    let results = hash_files(&jobs_list, jobs);
    let mut digests: HashMap<(String, Algorithm), String> = HashMap::new();
    for ((rel, job), res) in order.iter().zip(&jobs_list).zip(results) {
        match res {
            Ok((d, n)) => {
                c.bytes += n;
                for (alg, h) in job.algorithms.iter().zip(d) {
                    digests.insert((rel.clone(), *alg), h);
                }
            }
            Err(e) => c.problems.push(format!("{rel}: cannot read ({e})")),
        }
    }
    for (listed, rel, alg, sum) in expectations {
        let Some(actual) = digests.get(&(rel.clone(), alg)) else {
            continue;
        };
        let status = if actual.eq_ignore_ascii_case(&sum) {
            FileStatus::Ok
        } else {
            FileStatus::Changed
        };
        c.files.push(FileCheck {
            path: listed,
            status,
            algorithm: Some(alg.name().into()),
            expected: Some(sum),
            actual: Some(actual.clone()),
        });
    }
}

/// `Payload-Oxum` against the payload present.
fn check_oxum(
    ox: &str,
    disk: &Disk,
    missing_junk: &[String],
    fetched: &BTreeSet<String>,
    c: &mut BagCheck,
) {
    let payload: Vec<&PathBuf> = disk
        .on_disk
        .iter()
        .filter(|(k, _)| k.starts_with("data/"))
        .map(|(_, v)| v)
        .collect();
    let count = payload.len() as u64;
    let octets: u64 = payload
        .iter()
        .map(|p| fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .sum();
    match ox
        .split_once('.')
        .and_then(|(o, n)| Some((o.parse::<u64>().ok()?, n.parse::<u64>().ok()?)))
    {
        Some((o, n)) if o == octets && n == count => {}
        Some((o, n)) if o == octets && n == count + missing_junk.len() as u64 => {
            c.warnings.push(format!(
                "Payload-Oxum {ox} counts {} operating-system file(s) that are missing",
                missing_junk.len()
            ));
        }
        Some(_) if !fetched.is_empty() => {
            c.warnings.push(format!("Payload-Oxum {ox} differs from the {octets} bytes in {count} files present (holey bag)"));
        }
        Some(_) => c.problems.push(format!(
            "Payload-Oxum {ox} does not match the payload: {octets} bytes in {count} files"
        )),
        None => c.problems.push(format!(
            "bag-info.txt: Payload-Oxum `{ox}` is not OCTETS.COUNT"
        )),
    }
}

/// One verdict per file, however many manifests (algorithms) list it: the
/// worst one (changed, then missing, then unexpected, then ok), sorted by
/// path. A file changed in the bag is one changed file, not one per manifest.
fn one_per_file(mut files: Vec<FileCheck>) -> Vec<FileCheck> {
    let rank = |s: FileStatus| match s {
        FileStatus::Changed => 0,
        FileStatus::Missing => 1,
        FileStatus::Unexpected => 2,
        FileStatus::Ok => 3,
    };
    files.sort_by(|a, b| {
        a.path
            .cmp(&b.path)
            .then(rank(a.status).cmp(&rank(b.status)))
            .then(a.algorithm.cmp(&b.algorithm))
    });
    files.dedup_by(|later, first| later.path == first.path);
    files
}

fn resolve(
    path: &str,
    nfc: &str,
    on_disk: &BTreeMap<String, PathBuf>,
    nfc_index: &HashMap<String, Vec<String>>,
) -> Option<String> {
    if on_disk.contains_key(path) {
        return Some(path.to_string());
    }
    nfc_index.get(nfc).and_then(|v| v.first()).cloned()
}

fn case_variant(path: &str, folded_index: &HashMap<String, String>) -> Option<String> {
    folded_index
        .get(&path.nfc().collect::<String>().to_lowercase())
        .cloned()
}

fn is_os_junk(base: &str) -> bool {
    matches!(
        base,
        ".DS_Store" | "Thumbs.db" | "desktop.ini" | "Desktop.ini"
    ) || base.starts_with("._")
}

fn rel_string(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// bagit.txt must be exactly two `Label: value` lines, UTF-8 without BOM.
fn parse_bagit_txt(raw: &[u8]) -> std::result::Result<(String, String), String> {
    if raw.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err("starts with a byte-order mark, which BagIt forbids".into());
    }
    let text = std::str::from_utf8(raw).map_err(|_| "not valid UTF-8".to_string())?;
    let mut version = None;
    let mut encoding = None;
    for (i, line) in text
        .split(['\n', '\r'])
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
    {
        let Some((k, v)) = line.split_once(": ") else {
            return Err(format!(
                "line `{line}` is not `Label: value` (no white space allowed before the colon)"
            ));
        };
        if k.trim() != k || k.contains(char::is_whitespace) {
            return Err(format!("label `{k}` has white space around it"));
        }
        let v = v.trim_end();
        match k {
            "BagIt-Version" => version = Some(v.to_string()),
            "Tag-File-Character-Encoding" => encoding = Some(v.to_string()),
            other => return Err(format!("unexpected label `{other}` on line {}", i + 1)),
        }
    }
    let version = version.ok_or("missing BagIt-Version")?;
    let ok = version.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
    });
    if !ok {
        return Err(format!("BagIt-Version `{version}` is not MAJOR.MINOR"));
    }
    let encoding = encoding.ok_or("missing Tag-File-Character-Encoding")?;
    Ok((version, encoding))
}

fn parse_manifest(
    name: &str,
    alg: Algorithm,
    text: &str,
    is_tag: bool,
    v1: bool,
    exists: &dyn Fn(&str) -> bool,
    c: &mut BagCheck,
) -> Manifest {
    let mut m = Manifest {
        alg,
        name: name.to_string(),
        entries: BTreeMap::new(),
        by_nfc: HashMap::new(),
        by_folded: HashMap::new(),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.split('\n').enumerate() {
        let lineno = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let Some((sum, rest)) = line.split_once([' ', '\t']) else {
            c.problems
                .push(format!("{name} line {lineno}: expected `CHECKSUM PATH`"));
            continue;
        };
        let mut path = rest.trim_start_matches([' ', '\t']).to_string();
        if sum.len() != alg.hex_len() || !sum.bytes().all(|b| b.is_ascii_hexdigit()) {
            c.problems.push(format!(
                "{name} line {lineno}: `{sum}` is not a {} checksum",
                alg.name()
            ));
            continue;
        }
        if let Some(p) = path.strip_prefix('*') {
            c.warnings.push(format!(
                "{name} line {lineno}: `*` before the path (md5sum binary mode) ignored"
            ));
            path = p.to_string();
        }
        if v1 && path.contains('%') {
            let decoded = decode_path(&path);
            // A literal `%` written by a tool that does not encode (bagit.py) stays as it is.
            if !exists(&path) || exists(&decoded) {
                path = decoded;
            }
        }
        if let Some(why) = unsafe_reason(&path) {
            c.problems.push(format!(
                "{name} line {lineno}: path `{path}` refused: {why}"
            ));
            continue;
        }
        while let Some(p) = path.strip_prefix("./") {
            c.warnings.push(format!(
                "{name} line {lineno}: leading `./` in `{path}` ignored"
            ));
            path = p.to_string();
        }
        if !is_tag && !path.starts_with("data/") {
            c.problems.push(format!(
                "{name} line {lineno}: payload path `{path}` is not under data/"
            ));
            continue;
        }
        if is_tag && path.starts_with("data/") {
            c.warnings.push(format!(
                "{name} line {lineno}: tag manifest lists payload file `{path}`"
            ));
        }
        match m.entries.get(&path) {
            Some((old, first)) if !old.eq_ignore_ascii_case(sum) => {
                c.problems.push(format!("{name} line {lineno}: `{path}` listed again with a different checksum (first on line {first})"));
            }
            Some((_, first)) if v1 => {
                c.problems.push(format!("{name} line {lineno}: `{path}` listed twice (first on line {first}); BagIt 1.0 forbids it"));
            }
            Some((_, first)) => {
                c.warnings.push(format!("{name} line {lineno}: `{path}` listed twice with the same checksum (first on line {first})"));
            }
            None => {
                let nfc: String = path.nfc().collect();
                let folded = nfc.to_lowercase();
                if let Some(other) = m.by_nfc.get(&nfc) {
                    c.warnings.push(format!("{name} line {lineno}: `{path}` and `{other}` are the same name in different Unicode normalisation"));
                } else if let Some(other) = m.by_folded.get(&folded) {
                    c.warnings.push(format!(
                        "{name} line {lineno}: `{path}` and `{other}` differ only in letter case"
                    ));
                }
                m.by_nfc.entry(nfc).or_insert_with(|| path.clone());
                m.by_folded.entry(folded).or_insert_with(|| path.clone());
                m.entries.insert(path, (sum.to_ascii_lowercase(), lineno));
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths() {
        for p in [
            "../x",
            "data/../../x",
            "/tmp/x",
            "~/x",
            "~root/x",
            "C:\\x",
            "%HomeDrive%\\x",
            "\\\\?\\UNC\\s\\x",
            "data\\x",
        ] {
            assert!(unsafe_reason(p).is_some(), "{p}");
        }
        for p in ["data/x", "data/~x", "data/%7Ex", "data/a b.txt", "data/%x"] {
            assert!(unsafe_reason(p).is_none(), "{p}");
        }
        assert_eq!(decode_path("data/a%0Ab%25c%7E"), "data/a\nb%c%7E");
        assert_eq!(encode_path("data/a\nb%c"), "data/a%0Ab%25c");
    }

    #[test]
    fn bagit_txt() {
        assert!(
            parse_bagit_txt(b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n").is_ok()
        );
        assert!(
            parse_bagit_txt(b"BagIt-Version : 1.0\nTag-File-Character-Encoding : UTF-8\n").is_err()
        );
        assert!(
            parse_bagit_txt(b"BagIt-Version: .97\nTag-File-Character-Encoding: UTF-8\n").is_err()
        );
        assert!(parse_bagit_txt(
            b"\xEF\xBB\xBFBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        )
        .is_err());
        assert!(parse_bagit_txt(b"BagIt-Version: 1.0\n").is_err());
    }
}
