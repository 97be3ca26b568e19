//! The write-once archive on disk: staging, sealing, the lock, recovery after a crash.
//!
//! Layout (docs/archive.md): `journal.jsonl`, one directory per record
//! (`2026-H1/facebook-kommun/`, `evidence/<time>-<account>/`), a lock file
//! `.lock` and the staging area `.staging/`. A record is built in staging,
//! every file synced and made read-only, then renamed into place in one step;
//! only then is `record.sealed` appended to the journal.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::Utc;
use model::Record;
use serde_json::{Map, Value};
use sha2::Digest;
use walkdir::WalkDir;

use crate::hashing::{hash_file, sha256_hex, Algorithm};
use crate::journal::{check_chain, format_line, Event, JournalEntry, GENESIS};
use crate::period::{check_record_id, Period};
use crate::record::{check_record_dir, list_files};
pub use crate::record::{raw_file_hashes, read_record};
use crate::timestamp::{Answer, TIMESTAMPS};
use crate::{Error, Result};

/// Name of the staging area inside the archive.
pub const STAGING: &str = ".staging";
/// Name of the lock file inside the archive.
pub const LOCK: &str = ".lock";
/// The journal's file name.
pub const JOURNAL: &str = "journal.jsonl";
/// The manifest of a record directory.
pub use crate::record::MANIFEST;

/// An open archive directory, locked for this process.
#[derive(Debug)]
pub struct Archive {
    root: PathBuf,
    _lock: File,
    tail: Mutex<Tail>,
    recovery: Vec<String>,
}

#[derive(Debug)]
struct Tail {
    next_seq: u64,
    prev: String,
}

/// A temporary directory inside the archive where a capture writes its raw files.
#[derive(Debug)]
pub struct Staging {
    record_id: String,
    dir: PathBuf,
}

impl Staging {
    pub fn record_id(&self) -> &str {
        &self.record_id
    }
    /// The staging directory (the future record directory).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// `<dir>/capture`, where the raw files go.
    pub fn capture_dir(&self) -> PathBuf {
        self.dir.join("capture")
    }

    /// SHA-256 of every raw file under `capture/`, keyed as in `record.files`
    /// (`capture/01-start/tile-001.png`): fill `record.files` with it before
    /// building the PDF so the cover page can list them; `seal` checks they
    /// still match.
    pub fn raw_file_hashes(&self) -> Result<BTreeMap<String, String>> {
        raw_file_hashes(&self.dir)
    }
}

/// What sealing produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub record_id: String,
    pub dir: PathBuf,
    pub snapshot_sha256: String,
    pub manifest_sha256: String,
    pub journal_seq: u64,
    /// One warning per TSA that gave no token (the record is sealed all the same).
    pub unstamped: Vec<String>,
}

impl Archive {
    /// Opens (creating if needed) and locks the archive, recovering from an
    /// interrupted run: leftover staging directories are removed, a torn last
    /// journal line is cut off, and a sealed record whose `record.sealed`
    /// event never reached the journal gets it now. What recovery did is in
    /// [`Archive::recovery_warnings`].
    pub fn open(root: &Path) -> Result<Archive> {
        fs::create_dir_all(root).map_err(Error::io("create the archive directory", root))?;
        let lock = take_lock(root)?;
        let mut archive = Archive {
            root: root.to_path_buf(),
            _lock: lock,
            tail: Mutex::new(Tail {
                next_seq: 1,
                prev: GENESIS.to_string(),
            }),
            recovery: Vec::new(),
        };
        archive.recover()?;
        Ok(archive)
    }

    /// Locks an existing archive to append to its journal, without
    /// recovering anything (`verify` records its `verify.run` this way: a
    /// check never removes staging folders or cuts the journal). Fails when
    /// another run holds the lock, the lock file cannot be opened (a
    /// read-only medium) or the journal ends in a torn line.
    pub fn open_to_append(root: &Path) -> Result<Archive> {
        let lock = take_lock(root)?;
        let journal = root.join(JOURNAL);
        let bytes = fs::read(&journal).map_err(Error::io("read", &journal))?;
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            return Err(Error::Journal {
                path: journal,
                line: bytes.iter().filter(|&&b| b == b'\n').count() + 1,
                message: "ends in a torn line; the next run repairs it".into(),
            });
        }
        let chain = check_chain(&bytes);
        Ok(Archive {
            root: root.to_path_buf(),
            _lock: lock,
            tail: Mutex::new(Tail {
                next_seq: chain.entries.last().map_or(1, |e| e.seq + 1),
                prev: chain.head,
            }),
            recovery: Vec::new(),
        })
    }

    fn recover(&mut self) -> Result<()> {
        // 1. Leftover staging directories: nobody else holds the lock, so they are dead.
        let staging = self.root.join(STAGING);
        if staging.is_dir() {
            let entries = fs::read_dir(&staging).map_err(Error::io("read", &staging))?;
            for entry in entries {
                let entry = entry.map_err(Error::io("read", &staging))?;
                let path = entry.path();
                make_writable(&path);
                let removed = if path.is_dir() {
                    fs::remove_dir_all(&path)
                } else {
                    fs::remove_file(&path)
                };
                removed.map_err(Error::io("remove the leftover staging directory", &path))?;
                self.recovery.push(format!(
                    "removed leftover staging directory {} from an interrupted run",
                    path.display()
                ));
            }
        }
        // 2. A torn last journal line. (An archive always has a journal, even
        // before its first event, so `verify` knows it for an archive.)
        let journal = self.journal_path();
        if !journal.exists() {
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(&journal)
                .and_then(|f| f.sync_all())
                .map_err(Error::io("create", &journal))?;
        }
        let bytes = match fs::read(&journal) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io("read", &journal)(e)),
        };
        let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if keep < bytes.len() {
            let torn = String::from_utf8_lossy(&bytes[keep..]).into_owned();
            let f = OpenOptions::new()
                .write(true)
                .open(&journal)
                .map_err(Error::io("open", &journal))?;
            f.set_len(keep as u64)
                .map_err(Error::io("truncate", &journal))?;
            f.sync_all().map_err(Error::io("sync", &journal))?;
            let shown: String = torn.chars().take(120).collect();
            self.recovery.push(format!(
                "{}: removed a torn last line of {} bytes left by an interrupted write: {shown}",
                journal.display(),
                bytes.len() - keep
            ));
        }
        let chain = check_chain(&bytes[..keep]);
        {
            let tail = self
                .tail
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            tail.next_seq = chain.entries.last().map_or(1, |e| e.seq + 1);
            tail.prev = chain.head.clone();
        }
        // 3. Sealed record directories the journal does not know.
        let journaled: std::collections::HashSet<String> = chain
            .entries
            .iter()
            .filter(|e| e.event == Event::RECORD_SEALED)
            .filter_map(|e| e.field("record_id").map(str::to_string))
            .collect();
        for (id, dir) in self.record_dirs()? {
            if journaled.contains(&id) {
                continue;
            }
            let check = check_record_dir(&dir, 0)?;
            if !check.problems.is_empty() {
                self.recovery.push(format!(
                    "record {id} has no record.sealed event and its manifest does not verify; left as it is for `ogonblick verify` to report"
                ));
                continue;
            }
            let record = read_record(&dir)?;
            let manifest_sha256 = file_sha256(&dir.join(MANIFEST))?;
            let snapshot_sha256 = file_sha256(&dir.join("snapshot.pdf"))?;
            let event = sealed_event(&record, &snapshot_sha256, &manifest_sha256, true);
            // The kill may have come before the record directory was write-protected.
            set_mode(&dir, 0o555)?;
            self.append(&event)?;
            self.recovery.push(format!(
                "record {id} was sealed but its record.sealed event was missing (interrupted run); appended it"
            ));
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What recovery did on open (torn journal line removed, missing event appended, ...).
    pub fn recovery_warnings(&self) -> &[String] {
        &self.recovery
    }

    pub fn journal_path(&self) -> PathBuf {
        self.root.join(JOURNAL)
    }

    /// Directory of a record (whether or not it exists).
    pub fn record_dir(&self, record_id: &str) -> PathBuf {
        self.root.join(record_id)
    }

    /// Every record directory (`YYYY-Hn/<id>`, `evidence/<id>`) with a manifest, sorted by id.
    pub fn record_dirs(&self) -> Result<Vec<(String, PathBuf)>> {
        record_dirs(&self.root)
    }

    /// A fresh staging directory for `record_id` with an empty `capture/` inside.
    pub fn stage(&self, record_id: &str) -> Result<Staging> {
        check_record_id(record_id)?;
        if self.record_dir(record_id).exists() {
            return Err(Error::AlreadySealed(record_id.to_string()));
        }
        let now = Utc::now();
        let name = format!(
            "{}-{}-{}",
            record_id.replace('/', "__"),
            std::process::id(),
            now.timestamp_nanos_opt().unwrap_or_default()
        );
        let dir = self.root.join(STAGING).join(name);
        fs::create_dir_all(dir.join("capture"))
            .map_err(Error::io("create the staging directory", &dir))?;
        Ok(Staging {
            record_id: record_id.to_string(),
            dir,
        })
    }

    /// Seals a staged record: hashes every raw file into `record.files`,
    /// writes `snapshot.pdf`, `record.json` and `manifest-sha256.txt`, syncs
    /// and write-protects everything, renames the directory into place (never
    /// over an existing one) and appends the record's events to the journal
    /// (`record.sealed`; a record without a comparison and without tokens).
    pub fn seal(&self, staging: Staging, record: &mut Record, pdf: &[u8]) -> Result<Sealed> {
        self.seal_stamped(staging, record, pdf, None, &|_| Vec::new())
    }

    /// [`Archive::seal`], asking `ask` for RFC 3161 tokens over the SHA-256
    /// of the record's `manifest-sha256.txt` once it is written and before the
    /// record is made read-only and renamed into place: each token it answers
    /// is stored as `timestamps/<file name>` in the record, outside the
    /// manifest (a token over the manifest cannot be listed in it), and every
    /// answer is journaled after `record.sealed` (`crate::events`).
    /// `changes` is the comparison with the account's previous record that
    /// the caller wrote into the staging directory as `changes.json`: when it
    /// found anything, `changes.found` follows the answers.
    pub fn seal_stamped(
        &self,
        staging: Staging,
        record: &mut Record,
        pdf: &[u8],
        changes: Option<&model::Changes>,
        ask: Ask<'_>,
    ) -> Result<Sealed> {
        let id = staging.record_id.clone();
        check_record_id(&id)?;
        if record.record_id != id {
            return Err(Error::BadRecordId(format!(
                "{} (record.json says {})",
                id, record.record_id
            )));
        }
        let final_dir = self.record_dir(&id);
        let answers = Mutex::new(Vec::new());
        let stamp = |digest: &[u8; 32]| {
            let given = ask(digest);
            let tokens = tokens(&given);
            *answers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = given;
            tokens
        };
        let (snapshot_sha256, manifest_sha256) =
            match seal_into(&staging.dir, &final_dir, &id, record, pdf, &stamp) {
                Ok(hashes) => hashes,
                Err(e) => {
                    // Nothing half-sealed stays behind (a full disk, a name
                    // taken meanwhile): the staging directory goes.
                    make_writable(&staging.dir);
                    let _ = fs::remove_dir_all(&staging.dir);
                    return Err(e);
                }
            };
        sync_dir(&self.root)?;
        let event = sealed_event(record, &snapshot_sha256, &manifest_sha256, false);
        let answers = answers
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (entry, unstamped) = crate::events::sealed(self, record, &event, &answers, changes)?;
        Ok(Sealed {
            record_id: id,
            dir: final_dir,
            snapshot_sha256,
            manifest_sha256,
            journal_seq: entry.seq,
            unstamped,
        })
    }

    /// Throws away a staging directory without sealing it.
    pub fn discard(&self, staging: Staging) -> Result<()> {
        make_writable(&staging.dir);
        fs::remove_dir_all(&staging.dir).map_err(Error::io("remove", &staging.dir))
    }

    /// Whether a record with this id is sealed.
    pub fn is_sealed(&self, record_id: &str) -> bool {
        // A symbolic link in place of a record (or its group) is never one.
        let real_dir = |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
        let dir = self.record_dir(record_id);
        check_record_id(record_id).is_ok()
            && dir.parent().is_some_and(real_dir)
            && real_dir(&dir)
            && dir.join(MANIFEST).is_file()
    }

    /// The parsed `record.json` of every sealed record, sorted by id.
    pub fn records(&self) -> Result<Vec<Record>> {
        self.record_dirs()?
            .iter()
            .map(|(_, dir)| read_record(dir))
            .collect()
    }

    /// Records that a capture failed: journal `record.failed`.
    pub fn fail(
        &self,
        record_id: &str,
        account: &str,
        period: Option<&str>,
        reason: &str,
    ) -> Result<JournalEntry> {
        self.append(&Event::RecordFailed {
            record_id: record_id.to_string(),
            account: account.to_string(),
            period: period.map(str::to_string),
            reason: reason.to_string(),
        })
    }

    /// Appends one event to the journal (through the one appender,
    /// [`crate::journal::append_line`]) and returns the line as written.
    pub fn append(&self, event: &Event) -> Result<JournalEntry> {
        self.append_event(event.name(), event.fields())
    }

    /// Appends an event given by name and fields: the one place a line is
    /// formatted and chained. Everything outside goes through [`Archive::append`].
    fn append_event(&self, event: &str, fields: Map<String, Value>) -> Result<JournalEntry> {
        let mut tail = self.lock_tail();
        let line = format_line(tail.next_seq, Utc::now(), event, &fields, &tail.prev);
        let path = self.journal_path();
        crate::journal::append_line(&path, &line).map_err(Error::io("append to", &path))?;
        let entry = crate::journal::parse_line(&line, 0).map_err(|message| Error::Journal {
            path: path.clone(),
            line: 0,
            message,
        })?;
        tail.next_seq += 1;
        tail.prev = entry.hash.clone();
        Ok(entry)
    }

    fn lock_tail(&self) -> MutexGuard<'_, Tail> {
        self.tail
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every journal entry that parses, in order (the chain is checked by `verify`).
    pub fn journal(&self) -> Result<Vec<JournalEntry>> {
        let path = self.journal_path();
        match fs::read(&path) {
            Ok(b) => Ok(check_chain(&b).entries),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(Error::io("read", &path)(e)),
        }
    }

    /// The latest diarienummer assigned to a record, if any.
    pub fn diarienummer(&self, record_id: &str) -> Result<Option<String>> {
        Ok(crate::journal::latest_dnr(&self.journal()?, record_id).map(str::to_string))
    }

    /// Records the registrar's diarienummer for a sealed record (`dnr.assigned`).
    pub fn assign_dnr(&self, record_id: &str, dnr: &str) -> Result<JournalEntry> {
        if !self.is_sealed(record_id) {
            return Err(Error::NoSuchRecord(record_id.to_string()));
        }
        self.append(&Event::DnrAssigned {
            record_id: record_id.to_string(),
            diarienummer: dnr.trim().to_string(),
        })
    }
}

/// Asked for timestamp tokens over the SHA-256 of a record's manifest while it
/// is sealed; answers `(file name, DER)` pairs, e.g. `("freetsa.org.tsr", ...)`.
pub type Stamp<'a> = &'a dyn Fn(&[u8; 32]) -> Vec<(String, Vec<u8>)>;

/// [`Stamp`] for a record sealed into the archive: what each TSA answered,
/// token or not, so the journal can say it.
pub type Ask<'a> = &'a dyn Fn(&[u8; 32]) -> Vec<Answer>;

/// The tokens among `answers`, as `(file name, DER)`.
pub fn tokens(answers: &[Answer]) -> Vec<(String, Vec<u8>)> {
    answers
        .iter()
        .filter_map(|a| match a {
            Answer::Token { file, der, .. } => Some((file.clone(), der.clone())),
            Answer::Missing { .. } => None,
        })
        .collect()
}

/// The sealing steps shared by the archive and `ogonblick capture --out`:
/// hash raw files, write snapshot.pdf, record.json and the manifest, sync,
/// write-protect, rename to `final_dir` (never over an existing one).
/// Returns the SHA-256 of snapshot.pdf and of manifest-sha256.txt.
fn seal_into(
    dir: &Path,
    final_dir: &Path,
    id: &str,
    record: &mut Record,
    pdf: &[u8],
    stamp: Stamp<'_>,
) -> Result<(String, String)> {
    if final_dir.exists() {
        return Err(Error::AlreadySealed(id.to_string()));
    }
    crate::fault::point("seal.begin");
    let dir = dir.to_path_buf();
    for name in ["snapshot.pdf", "record.json", MANIFEST] {
        if dir.join(name).exists() {
            return Err(Error::Io {
                action: "seal (the capture must not write this file itself)",
                path: dir.join(name),
                source: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
            });
        }
    }
    // Raw files: hash and sync. If the caller filled record.files already
    // (for the cover page), the files must not have changed since.
    let files = raw_file_hashes(&dir)?;
    for rel in files.keys() {
        let path = dir.join(rel);
        File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(Error::io("sync", &path))?;
    }
    if !record.files.is_empty() && record.files != files {
        return Err(Error::RawFilesChanged(id.to_string()));
    }
    record.files = files;
    record.diarienummer.clear();
    let snapshot_sha256 = sha256_hex(pdf);
    write_synced(&dir.join("snapshot.pdf"), pdf)?;
    crate::fault::point("seal.mid_write");
    let mut json = model::json::to_vec_pretty(record).map_err(|source| Error::Json {
        what: "record.json",
        source,
    })?;
    json.push(b'\n');
    write_synced(&dir.join("record.json"), &json)?;
    // Manifest over every file but itself, sorted.
    let mut manifest = String::new();
    for (rel, path) in list_files(&dir)? {
        if rel == MANIFEST {
            continue;
        }
        let digest = if rel == "snapshot.pdf" {
            snapshot_sha256.clone()
        } else if let Some(d) = record.files.get(&rel) {
            d.clone()
        } else {
            let (d, _) =
                hash_file(&path, &[Algorithm::Sha256]).map_err(Error::io("read", &path))?;
            d.into_iter().next().unwrap_or_default()
        };
        manifest.push_str(&format!("{digest}  {rel}\n"));
    }
    let manifest_sha256 = sha256_hex(manifest.as_bytes());
    write_synced(&dir.join(MANIFEST), manifest.as_bytes())?;
    let digest: [u8; 32] = sha2::Sha256::digest(manifest.as_bytes()).into();
    let tokens = stamp(&digest);
    if !tokens.is_empty() {
        let folder = dir.join(TIMESTAMPS);
        fs::create_dir_all(&folder).map_err(Error::io("create", &folder))?;
        for (name, der) in &tokens {
            check_token_name(name)?;
            write_synced(&folder.join(name), der)?;
        }
    }
    // Read-only: files, then sub-directories (the top one after the rename,
    // since moving a directory to a new parent needs write access to it).
    for entry in WalkDir::new(&dir).contents_first(true) {
        let entry = entry.map_err(|e| Error::io("walk", &dir)(e.into()))?;
        let path = entry.path();
        if entry.file_type().is_file() {
            set_mode(path, 0o444)?;
        } else if entry.file_type().is_dir() && path != dir {
            sync_dir(path)?;
            set_mode(path, 0o555)?;
        }
    }
    sync_dir(&dir)?;
    let parent = match final_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(Error::io("create", &parent))?;
    if final_dir.exists() {
        return Err(Error::AlreadySealed(id.to_string()));
    }
    crate::fault::point("seal.before_rename");
    fs::rename(&dir, final_dir)
        .map_err(Error::io("move the sealed record into place at", final_dir))?;
    crate::fault::point("seal.after_rename");
    set_mode(final_dir, 0o555)?;
    sync_dir(final_dir)?;
    sync_dir(&parent)?;
    Ok((snapshot_sha256, manifest_sha256))
}

/// Seals a record directory outside any archive (`ogonblick capture URL --out DIR`):
/// the same files, hashes, syncing and write protection as [`Archive::seal`],
/// renamed from `staging_dir` to `out` (which must not exist), but no journal.
/// `journal_seq` of the result is 0. `staging_dir` must be on the same file
/// system as `out`, e.g. a temporary directory beside it.
pub fn seal_standalone(
    staging_dir: &Path,
    out: &Path,
    record: &mut Record,
    pdf: &[u8],
) -> Result<Sealed> {
    seal_standalone_stamped(staging_dir, out, record, pdf, &|_| Vec::new())
}

/// [`seal_standalone`] with timestamp tokens, as [`Archive::seal_stamped`].
pub fn seal_standalone_stamped(
    staging_dir: &Path,
    out: &Path,
    record: &mut Record,
    pdf: &[u8],
    stamp: Stamp<'_>,
) -> Result<Sealed> {
    let id = record.record_id.clone();
    let (snapshot_sha256, manifest_sha256) = seal_into(staging_dir, out, &id, record, pdf, stamp)?;
    Ok(Sealed {
        record_id: id,
        dir: out.to_path_buf(),
        snapshot_sha256,
        manifest_sha256,
        journal_seq: 0,
        unstamped: Vec::new(),
    })
}

fn sealed_event(
    record: &Record,
    snapshot_sha256: &str,
    manifest_sha256: &str,
    recovered: bool,
) -> Event {
    Event::RecordSealed {
        record_id: record.record_id.clone(),
        account: record.account.as_ref().map(|a| a.id.clone()),
        period: record.period.clone(),
        kind: record.kind,
        snapshot_sha256: snapshot_sha256.to_string(),
        manifest_sha256: manifest_sha256.to_string(),
        recovered,
    }
}

/// A token file name: one path component of `[a-z0-9.-]`, ending in `.tsr`.
fn check_token_name(name: &str) -> Result<()> {
    let ok = name.ends_with(".tsr")
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::Timestamp(format!(
            "invalid token file name `{name}`: expected [a-z0-9.-] ending in .tsr"
        )))
    }
}

/// What a token stamps: a sealed record's manifest, or the journal up to a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stamped {
    /// `timestamps/<record id>/` in the archive (a token got after sealing).
    Record(String),
    /// `timestamps/journal/<seq>-…`: the journal's head at line `seq`.
    Journal(u64),
}

impl Archive {
    /// Stores a token got after the fact, outside every sealed record:
    /// `timestamps/<record id>/<name>` for a record, or
    /// `timestamps/journal/<seq, 6 digits>-<name>` for the journal head. The
    /// file is synced and made read-only; nothing sealed changes. Returns its
    /// path relative to the archive.
    pub fn store_token(&self, what: &Stamped, name: &str, der: &[u8]) -> Result<String> {
        check_token_name(name)?;
        if let Stamped::Record(id) = what {
            check_record_id(id)?;
            if !self.is_sealed(id) {
                return Err(Error::NoSuchRecord(id.clone()));
            }
        }
        let rel = self.token_path(what, name);
        let path = self.root.join(&rel);
        let folder = path.parent().unwrap_or(&self.root).to_path_buf();
        fs::create_dir_all(&folder).map_err(Error::io("create", &folder))?;
        write_synced(&path, der)?;
        set_mode(&path, 0o444)?;
        sync_dir(&folder)?;
        Ok(rel)
    }

    /// Where [`Archive::store_token`] stores a token named `name` about
    /// `what`, relative to the archive.
    pub fn token_path(&self, what: &Stamped, name: &str) -> String {
        match what {
            Stamped::Record(id) => format!("{TIMESTAMPS}/{id}/{name}"),
            Stamped::Journal(seq) => format!("{TIMESTAMPS}/journal/{seq:06}-{name}"),
        }
    }

    /// Every token of a record, as paths relative to the archive: those
    /// sealed with it (`<id>/timestamps/*.tsr`) and those added later
    /// (`timestamps/<id>/*.tsr`).
    pub fn record_tokens(&self, record_id: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (prefix, dir) in [
            (
                format!("{record_id}/{TIMESTAMPS}"),
                self.record_dir(record_id).join(TIMESTAMPS),
            ),
            (
                format!("{TIMESTAMPS}/{record_id}"),
                self.root.join(TIMESTAMPS).join(record_id),
            ),
        ] {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            let mut names: Vec<String> = entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tsr"))
                .collect();
            names.sort();
            out.extend(names.into_iter().map(|n| format!("{prefix}/{n}")));
        }
        out
    }
}

/// Record directories under an archive root, sorted by id.
pub fn record_dirs(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(root) {
        Ok(e) => e,
        Err(e) => return Err(Error::io("read", root)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(Error::io("read", root))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_group = name == "evidence" || name.parse::<Period>().is_ok();
        // Symbolic links are never followed: a linked group or record
        // directory would pull files from outside the archive into it.
        let real_dir = |t: std::io::Result<fs::FileType>| t.is_ok_and(|t| t.is_dir());
        if !is_group || !real_dir(entry.file_type()) {
            continue;
        }
        for sub in fs::read_dir(entry.path()).map_err(Error::io("read", entry.path()))? {
            let sub = sub.map_err(Error::io("read", entry.path()))?;
            if real_dir(sub.file_type()) {
                let id = format!("{name}/{}", sub.file_name().to_string_lossy());
                out.push((id, sub.path()));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn file_sha256(path: &Path) -> Result<String> {
    let (d, _) = hash_file(path, &[Algorithm::Sha256]).map_err(Error::io("read", path))?;
    Ok(d.into_iter().next().unwrap_or_default())
}

/// Writes a new file, syncs it and makes it read-only.
pub(crate) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(Error::io("create", path))?;
    f.write_all(bytes).map_err(Error::io("write", path))?;
    f.sync_all().map_err(Error::io("sync", path))?;
    Ok(())
}

pub(crate) fn sync_dir(path: &Path) -> Result<()> {
    Ok(bagit::fsutil::sync_dir(path)?)
}

fn set_mode(path: &Path, mode: u32) -> Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(Error::io("make read-only", path))
}

/// Removes the directories `<prefix><pid>` in `parent` whose process is gone
/// (a killed `deliver` or `capture --out` left them beside its output).
pub fn remove_dead_temporaries(parent: &Path, prefix: &str) -> Result<()> {
    Ok(bagit::fsutil::remove_dead_temporaries(parent, prefix)?)
}

/// Gives back write permission to everything under `path` (symlinks untouched),
/// so a read-only tree that is not a sealed record (staging, a demo) can be removed.
pub use bagit::fsutil::make_writable;

/// Opens `root`'s lock file and takes the lock, or says who holds it.
fn take_lock(root: &Path) -> Result<File> {
    let lock_path = root.join(LOCK);
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(Error::io("open the lock file", &lock_path))?;
    // A lock just let go can still be held for a moment by a child another
    // thread of this process is starting (it shares the open file until it
    // runs its program): asked again for a short while before it counts as
    // another run's.
    let deadline = std::time::Instant::now() + LOCK_PATIENCE;
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(lock),
            Err(TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Locked {
                    archive: root.to_path_buf(),
                    lock: lock_path,
                })
            }
            Err(TryLockError::Error(e)) => return Err(Error::io("lock", &lock_path)(e)),
        }
    }
}

/// How long a lock held elsewhere is asked for again before `Locked`.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_millis(500);
