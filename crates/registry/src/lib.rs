//! The account register, the write-once archive, the journal, BagIt and verification.
//!
//! Nothing here knows Chromium or PDF internals. The register (`accounts.toml`)
//! is parsed and validated in [`register`], published as HTML by [`publish`];
//! the archive on disk with its hash-chained journal lives in [`archive`] and
//! [`journal`]; the `bagit` crate writes and validates BagIt 1.0 bags; [`verify()`]
//! checks an archive, a record, a bag or a single PDF; [`delivery`] plans what
//! goes to the archivist.

pub mod archive;
pub mod changes;
mod checked;
pub mod delivered;
pub mod delivery;
mod error;
mod events;
pub mod failure_sv;
pub mod fault;
pub mod journal;
pub mod period;
pub mod policy;
pub mod publish;
pub mod record;
pub mod register;
pub mod report;
pub mod status;
pub mod timestamp;
pub mod verify;

pub use archive::{seal_standalone, Archive, Sealed, Staging};
pub use bagit::{hashing, BagInfo, BagSummary, PayloadItem, PayloadSource};

/// Writes a delivery bag (see [`bagit::write_bag`]), with the fault points
/// `deliver.*` of [`fault`] at the moments a kill matters.
pub fn write_bag(
    out: &std::path::Path,
    payload: &[PayloadItem],
    info: &BagInfo,
) -> Result<BagSummary> {
    Ok(bagit::write_bag_watched(out, payload, info, &fault::point)?)
}
pub use delivery::{forteckning_csv, CsvRow, PlannedFile, PlannedRecord};
pub use error::{Error, Result};
pub use journal::JournalEntry;
pub use period::{evidence_record_id, period_record_id, Half, Period};
pub use register::{load, parse, Diagnostic, Register, Severity};
pub use verify::{
    verify, verify_source, FileCheck, FileStatus, SourceCheck, TargetKind, VerifyOptions,
    VerifyReport,
};
