//! BagIt 1.0 (RFC 8493): writing delivery bags and validating any bag.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::Result;

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

/// Writes a complete bag at `out` (which must not exist) via a temporary sibling directory.
pub fn write_bag(out: &Path, payload: &[PayloadItem], info: &BagInfo) -> Result<BagSummary> {
    let _ = (out, payload, info);
    todo!()
}
