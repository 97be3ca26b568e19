//! `ogonblick verify`: an archive, a record directory, a BagIt bag or a single PDF.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Result;

/// Options for [`verify`].
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Hashing threads; 0 = every core.
    pub jobs: usize,
    /// For a PDF: the archive to look it up in (else walk up from the file).
    pub archive: Option<PathBuf>,
}

/// What was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Archive,
    Record,
    Bag,
    Pdf,
}

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

/// The result of [`verify`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyReport {
    pub path: PathBuf,
    pub kind: TargetKind,
    pub algorithms: Vec<String>,
    pub files: Vec<FileCheck>,
    pub ok: u64,
    pub changed: u64,
    pub missing: u64,
    pub unexpected: u64,
    /// Bytes hashed.
    pub bytes: u64,
    pub elapsed_ms: u64,
    /// Everything that makes the target not valid, one sentence each.
    pub problems: Vec<String>,
    /// Valid, but worth a look.
    pub warnings: Vec<String>,
    /// For a PDF: the record it belongs to.
    pub record: Option<String>,
}

impl VerifyReport {
    /// True when nothing is wrong (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && self.changed == 0 && self.missing == 0 && self.unexpected == 0
    }
}

/// Verifies `path`; what it is is detected from its contents.
pub fn verify(path: &Path, opts: &VerifyOptions) -> Result<VerifyReport> {
    let _ = (path, opts);
    todo!()
}
