//! The crate's one error type.

use std::path::PathBuf;

use crate::register::Diagnostic;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the registry crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The register has errors; every one of them is in `diagnostics`, and
    /// the message lists them all (one `file:line:column: ...` per line), so
    /// whoever prints the error shows where to fix the register.
    #[error(
        "{} has {} error(s):\n{}\nfix them and run `ogonblick accounts check` again",
        path.display(),
        diagnostics.iter().filter(|d| d.is_error()).count(),
        diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
    )]
    Register {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
    /// A file or directory could not be read or written.
    #[error("cannot {action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Another run holds the archive's lock.
    #[error("archive {} is in use by another ogonblick run (lock file {})", archive.display(), lock.display())]
    Locked { archive: PathBuf, lock: PathBuf },
    /// A record with this id is already sealed; records are written once.
    #[error(
        "record {0} already exists in the archive; records are written once and never replaced"
    )]
    AlreadySealed(String),
    /// A raw file changed between filling `record.files` and sealing.
    #[error("raw files of {0} changed after their hashes were taken for the cover page; capture the record again")]
    RawFilesChanged(String),
    /// A command that reads an archive was given a path that is not one.
    #[error("{} is not an ogonblick archive (it has no journal.jsonl); give the archive directory with --archive", .0.display())]
    NotAnArchive(PathBuf),
    /// No sealed record with this id.
    #[error("no sealed record {0} in the archive; list records with `ogonblick verify` or look under the archive directory")]
    NoSuchRecord(String),
    /// A record id that would not make a safe path.
    #[error("invalid record id `{0}`: expected `YYYY-Hn/<account>` or `evidence/<timestamp>-<account>` with [a-z0-9-] names")]
    BadRecordId(String),
    /// A period string that is not `YYYY-H1`/`YYYY-H2`.
    #[error("invalid period `{0}`: expected YYYY-H1 or YYYY-H2, e.g. 2026-H1")]
    BadPeriod(String),
    /// A line of journal.jsonl that cannot be read.
    #[error("{} line {line}: {message}", path.display())]
    Journal {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A record.json that cannot be read.
    #[error("{} is not a valid record.json", path.display())]
    RecordJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// Serialising JSON failed (should not happen).
    #[error("cannot serialise {what} as JSON")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// `verify` was given something it does not know how to check.
    #[error("{}: {reason}", path.display())]
    UnknownTarget { path: PathBuf, reason: String },
    /// Writing or validating a BagIt bag failed.
    #[error(transparent)]
    Bag(#[from] bagit::Error),
    /// A time-stamping authority's answer, or a trust-anchor file, that cannot be used.
    #[error("timestamp: {0}")]
    Timestamp(String),
}

impl Error {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }
}
