//! The account register, the write-once archive, the journal, BagIt and verification.
//!
//! Nothing here knows Chromium or PDF internals. The register (`accounts.toml`)
//! is parsed and validated in [`register`], published as HTML by [`publish`];
//! the archive on disk with its hash-chained journal lives in [`archive`] and
//! [`journal`]; [`bagit`] writes and validates BagIt 1.0 bags; [`verify()`]
//! checks an archive, a record, a bag or a single PDF; [`delivery`] plans what
//! goes to the archivist.

pub mod archive;
pub mod bagit;
pub mod changes;
pub mod delivery;
mod error;
pub mod fault;
pub mod hashing;
pub mod journal;
pub mod period;
pub mod publish;
pub mod register;
pub mod timestamp;
pub mod verify;

pub use archive::{seal_standalone, Archive, Sealed, Staging};
pub use bagit::{write_bag, BagInfo, BagSummary, PayloadItem, PayloadSource};
pub use delivery::{forteckning_csv, CsvRow, PlannedFile, PlannedRecord};
pub use error::{Error, Result};
pub use journal::JournalEntry;
pub use period::{evidence_record_id, period_record_id, Half, Period};
pub use register::{load, parse, Diagnostic, Register, Severity};
pub use verify::{verify, FileCheck, FileStatus, TargetKind, VerifyOptions, VerifyReport};
