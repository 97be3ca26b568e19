//! What goes to the archivist for a period: the plan and `forteckning.csv`.

use std::path::PathBuf;

use chrono::NaiveDate;
use model::Record;

use crate::{Archive, Period, Result};

/// One row of `forteckning.csv`, for import into the diarium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    pub datum: String,
    pub diarienummer: String,
    pub beskrivning: String,
    pub handlingstyp: String,
    pub avsandare_mottagare: String,
    pub fil: String,
    pub sha256: String,
}

/// One file of a planned record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Path relative to the record directory (`snapshot.pdf`, `capture/01-start/tile-001.png`).
    pub rel: String,
    pub path: PathBuf,
    pub sha256: String,
}

/// One record of the period, ready to be bagged.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRecord {
    pub record_id: String,
    pub dir: PathBuf,
    pub record: Record,
    /// "Ögonblicksbild av Facebooksidan Gislaveds kommun, 2026 H1".
    pub description: String,
    /// Latest `dnr.assigned` in the journal, or empty.
    pub diarienummer: String,
    /// Capture date (Europe/Stockholm calendar date would need tz; UTC date of the capture).
    pub date: Option<NaiveDate>,
    pub snapshot_sha256: String,
    /// Every file of the record directory, sorted.
    pub files: Vec<PlannedFile>,
}

/// The period's sealed records, with descriptions, diarienummer, files and hashes.
pub fn plan(archive: &Archive, period: &Period) -> Result<Vec<PlannedRecord>> {
    let _ = (archive, period);
    todo!()
}

/// `forteckning.csv`: RFC 4180, CRLF, UTF-8 with BOM.
pub fn forteckning_csv(rows: &[CsvRow]) -> String {
    let _ = rows;
    todo!()
}
