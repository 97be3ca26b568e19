//! The write-once archive on disk: staging, sealing, the lock, recovery after a crash.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use model::Record;
use serde_json::{Map, Value};

use crate::journal::JournalEntry;
use crate::Result;

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
}

/// What sealing produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub record_id: String,
    pub dir: PathBuf,
    pub snapshot_sha256: String,
    pub manifest_sha256: String,
    pub journal_seq: u64,
}

impl Archive {
    /// Opens (creating if needed) and locks the archive, recovering from an interrupted run.
    pub fn open(root: &Path) -> Result<Archive> {
        let _ = root;
        todo!()
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    /// What recovery did on open (torn journal line removed, missing event appended, ...).
    pub fn recovery_warnings(&self) -> &[String] {
        &self.recovery
    }
    pub fn journal_path(&self) -> PathBuf {
        self.root.join("journal.jsonl")
    }
    /// Directory of a record (whether or not it exists).
    pub fn record_dir(&self, record_id: &str) -> PathBuf {
        self.root.join(record_id)
    }
    pub fn stage(&self, record_id: &str) -> Result<Staging> {
        let _ = record_id;
        todo!()
    }
    pub fn seal(&self, staging: Staging, record: &mut Record, pdf: &[u8]) -> Result<Sealed> {
        let _ = (staging, record, pdf, &self.tail);
        todo!()
    }
    /// Throws away a staging directory without sealing it.
    pub fn discard(&self, staging: Staging) -> Result<()> {
        let _ = staging;
        todo!()
    }
    pub fn is_sealed(&self, record_id: &str) -> bool {
        self.record_dir(record_id).join("manifest-sha256.txt").is_file()
    }
    pub fn records(&self) -> Result<Vec<Record>> {
        todo!()
    }
    pub fn fail(&self, record_id: &str, account: &str, period: Option<&str>, reason: &str) -> Result<JournalEntry> {
        let _ = (record_id, account, period, reason);
        todo!()
    }
    pub fn append_event(&self, event: &str, fields: Map<String, Value>) -> Result<JournalEntry> {
        let _ = (event, fields);
        todo!()
    }
    pub fn journal(&self) -> Result<Vec<JournalEntry>> {
        todo!()
    }
    pub fn diarienummer(&self, record_id: &str) -> Result<Option<String>> {
        let _ = record_id;
        todo!()
    }
    pub fn assign_dnr(&self, record_id: &str, dnr: &str) -> Result<JournalEntry> {
        let _ = (record_id, dnr);
        todo!()
    }
}
