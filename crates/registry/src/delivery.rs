//! What goes to the archivist for a period: the plan and `forteckning.csv`.
//!
//! `forteckning.csv` is written for a Swedish Excel and for diarium import:
//! UTF-8 with a byte-order mark (Excel otherwise reads åäö as Windows-1252),
//! semicolon as separator (the list separator of the Swedish locale, so a
//! double-click opens it in columns), CRLF line ends and RFC 4180 quoting
//! (fields with `;`, `"`, CR or LF are quoted, `"` doubled).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use chrono_tz::Europe::Stockholm;
use model::{Handling, Platform, Record, RecordKind};

use crate::record::{list_files, MANIFEST};
use crate::{Archive, Error, Period, Result};

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

/// The CSV header, in Swedish.
pub const CSV_HEADER: [&str; 7] = [
    "datum",
    "diarienummer",
    "beskrivning",
    "handlingstyp",
    "avsändare/mottagare",
    "fil",
    "sha256",
];

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
    /// Capture date in Europe/Stockholm.
    pub date: Option<NaiveDate>,
    pub snapshot_sha256: String,
    /// Every file of the record directory, sorted (the manifest included).
    pub files: Vec<PlannedFile>,
}

impl PlannedRecord {
    /// The record's row in forteckning.csv; `bag_dir` is where the record
    /// directory lands inside the bag (`data/2026-H1/facebook-kommun`).
    pub fn csv_row(&self, bag_dir: &str) -> CsvRow {
        let sender = match self.record.handling {
            Handling::Upprattad => self
                .record
                .account
                .as_ref()
                .map(|a| format!("{}, {}", a.unit, a.board))
                .or_else(|| self.record.organisation.as_ref().map(|o| o.name.clone()))
                .unwrap_or_default(),
            Handling::Inkommen => self
                .record
                .sender
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "Avsändare enligt bevisbilden (record.json)".to_string()),
        };
        CsvRow {
            datum: self
                .date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            diarienummer: self.diarienummer.clone(),
            beskrivning: self.description.clone(),
            handlingstyp: self.record.handling.display_sv().to_string(),
            avsandare_mottagare: sender,
            fil: format!("{}/snapshot.pdf", bag_dir.trim_end_matches('/')),
            sha256: self.snapshot_sha256.clone(),
        }
    }
}

/// "Facebooksidan", "Instagramkontot", ...: the definite Swedish noun for an account.
pub fn platform_noun(p: Platform) -> &'static str {
    match p {
        Platform::Facebook => "Facebooksidan",
        Platform::Instagram => "Instagramkontot",
        Platform::X => "X-kontot",
        Platform::Youtube => "YouTube-kanalen",
        Platform::Linkedin => "LinkedIn-sidan",
        Platform::Blog => "bloggen",
        Platform::Other => "kontot",
    }
}

/// The Swedish description of a record for the diarium.
pub fn describe(record: &Record) -> String {
    let date = record
        .captured_at()
        .map(|t| t.with_timezone(&Stockholm).format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let what = match &record.account {
        Some(a) => format!("{} {}", platform_noun(a.platform), a.name),
        None => record
            .pages
            .first()
            .map(|p| format!("webbsidan {}", p.requested_url))
            .unwrap_or_else(|| "webbsidan".into()),
    };
    let when = match record
        .period
        .as_deref()
        .and_then(|p| p.parse::<Period>().ok())
    {
        Some(p) if record.kind == RecordKind::Halvar => p.display_sv(),
        _ => date,
    };
    match record.kind {
        RecordKind::Halvar | RecordKind::Manuell => format!("Ögonblicksbild av {what}, {when}"),
        RecordKind::BevisForeRadering => {
            format!("Bevis före radering av inlägg eller kommentar på {what}, {when}")
        }
        RecordKind::SlutligForeAvslut => {
            format!("Slutlig ögonblicksbild av {what} före avslut, {when}")
        }
    }
}

/// The period's sealed records (half-year records of the period, and ad-hoc
/// records captured during it), with descriptions, diarienummer, files and hashes.
pub fn plan(archive: &Archive, period: &Period) -> Result<Vec<PlannedRecord>> {
    let journal = archive.journal()?;

    let mut out = Vec::new();
    for (id, dir) in archive.record_dirs()? {
        let record = crate::archive::read_record(&dir)?;
        let date = record
            .captured_at()
            .map(|t| t.with_timezone(&Stockholm).date_naive());
        let in_period = match record.period.as_deref() {
            Some(p) => p.parse::<Period>().ok() == Some(*period),
            None => date.is_some_and(|d| period.contains(d)),
        };
        if !in_period {
            continue;
        }
        let manifest_text = std::fs::read_to_string(dir.join(MANIFEST))
            .map_err(Error::io("read", dir.join(MANIFEST)))?;
        let sums: BTreeMap<&str, &str> = manifest_text
            .lines()
            .filter_map(|l| l.split_once("  ").map(|(s, p)| (p, s)))
            .collect();
        let mut files = Vec::new();
        for (rel, path) in list_files(&dir)? {
            let sha256 = match sums.get(rel.as_str()) {
                Some(s) => (*s).to_string(),
                None => crate::hashing::hash_file(&path, &[crate::hashing::Algorithm::Sha256])
                    .map_err(Error::io("read", &path))?
                    .0
                    .remove(0),
            };
            files.push(PlannedFile { rel, path, sha256 });
        }
        let snapshot_sha256 = files
            .iter()
            .find(|f| f.rel == "snapshot.pdf")
            .map(|f| f.sha256.clone())
            .unwrap_or_default();
        out.push(PlannedRecord {
            description: describe(&record),
            diarienummer: crate::journal::latest_dnr(&journal, &id)
                .map_or_else(|| record.diarienummer.clone(), str::to_string),
            record_id: id,
            dir,
            record,
            date,
            snapshot_sha256,
            files,
        });
    }
    Ok(out)
}

/// Where a record lands inside the bag: `data/<record id>/...`.
pub fn bag_dir(record_id: &str) -> String {
    format!("data/{record_id}")
}

/// The payload of a delivery bag: every file of every record under
/// `<record id>/`, `forteckning.csv`, the PDF/A delivery list
/// `leveranslista.pdf`, the archive's journal, all at the top of `data/`,
/// and the tokens the records and the journal got after sealing
/// (`timestamps/`, see [`tokens`]).
pub fn bag_payload(
    plan: &[PlannedRecord],
    delivery_list_pdf: Vec<u8>,
    archive: &Archive,
) -> Result<Vec<crate::PayloadItem>> {
    let mut items = payload_items(plan);
    items.push(crate::PayloadItem {
        source: crate::PayloadSource::Bytes(delivery_list_pdf),
        dest: "leveranslista.pdf".into(),
    });
    items.push(crate::PayloadItem {
        source: crate::PayloadSource::File(archive.journal_path()),
        dest: "journal.jsonl".into(),
    });
    for (rel, path) in tokens(archive, plan)? {
        items.push(crate::PayloadItem {
            source: crate::PayloadSource::File(path),
            dest: rel,
        });
    }
    Ok(items)
}

/// The archive's `timestamps/` files a delivery carries, as (path relative
/// to the archive, file): the late tokens of the planned records
/// (`timestamps/<record id>/`) and every journal-head token
/// (`timestamps/journal/`), so the delivered journal can be checked against
/// what a time-stamping authority signed.
pub fn tokens(archive: &Archive, plan: &[PlannedRecord]) -> Result<Vec<(String, PathBuf)>> {
    let area = archive.root().join(crate::timestamp::TIMESTAMPS);
    let mut folders = vec!["journal".to_string()];
    folders.extend(plan.iter().map(|p| p.record_id.clone()));
    let mut out = Vec::new();
    for folder in folders {
        let dir = area.join(&folder);
        let mut names: Vec<String> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tsr"))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io("read", &dir)(e)),
        };
        names.sort();
        for n in names {
            out.push((
                format!("{}/{folder}/{n}", crate::timestamp::TIMESTAMPS),
                dir.join(n),
            ));
        }
    }
    Ok(out)
}

/// bag-info.txt of a period's delivery: who delivers, a Swedish description
/// of what is in it, and the software.
pub fn bag_info(
    organisation: Option<&model::Organisation>,
    period: &Period,
    records: usize,
    today: NaiveDate,
) -> crate::BagInfo {
    let (org_name, creator, contact) = match organisation {
        Some(o) => (o.name.clone(), o.archive_creator.clone(), o.contact.clone()),
        None => (String::new(), String::new(), None),
    };
    crate::BagInfo {
        source_organization: org_name.clone(),
        source_organization_identifier: organisation
            .and_then(|o| o.organisation_number.clone()),
        contact_name: contact
            .as_ref()
            .map_or_else(|| creator.clone(), |c| c.name.clone()),
        contact_email: contact.and_then(|c| c.email),
        external_identifier: format!("ogonblick-{period}"),
        external_description: format!(
            "Ögonblicksbilder av {}s officiella konton i sociala medier, {} ({} handlingar). Arkivbildare: {}.",
            org_name,
            period.display_sv(),
            records,
            creator
        ),
        bagging_date: today,
        bag_group_identifier: None,
        software_agent: format!("ogonblick {}", env!("CARGO_PKG_VERSION")),
    }
}

/// Every record file of a plan under `<record id>/`, plus `forteckning.csv`.
pub fn payload_items(plan: &[PlannedRecord]) -> Vec<crate::PayloadItem> {
    let mut items: Vec<crate::PayloadItem> = plan
        .iter()
        .flat_map(|p| {
            p.files.iter().map(move |f| crate::PayloadItem {
                source: crate::PayloadSource::File(f.path.clone()),
                dest: format!("{}/{}", p.record_id, f.rel),
            })
        })
        .collect();
    let rows: Vec<CsvRow> = plan
        .iter()
        .map(|p| p.csv_row(&bag_dir(&p.record_id)))
        .collect();
    items.push(crate::PayloadItem {
        source: crate::PayloadSource::Bytes(forteckning_csv(&rows).into_bytes()),
        dest: "forteckning.csv".into(),
    });
    items
}

pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\r', '\n']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `forteckning.csv`: UTF-8 with BOM, `;`-separated, CRLF, RFC 4180 quoting.
pub fn forteckning_csv(rows: &[CsvRow]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&CSV_HEADER.join(";"));
    out.push_str("\r\n");
    for r in rows {
        let fields = [
            &r.datum,
            &r.diarienummer,
            &r.beskrivning,
            &r.handlingstyp,
            &r.avsandare_mottagare,
            &r.fil,
            &r.sha256,
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        let row = CsvRow {
            datum: "2026-07-01".into(),
            diarienummer: "KS 2026/123".into(),
            beskrivning: "Ögonblicksbild av Facebooksidan \"Gislaveds kommun\"; 2026 H1".into(),
            handlingstyp: "upprättad".into(),
            avsandare_mottagare: "rad1\nrad2".into(),
            fil: "data/x/snapshot.pdf".into(),
            sha256: "ab".into(),
        };
        let csv = forteckning_csv(&[row]);
        assert!(csv.starts_with("\u{feff}datum;diarienummer;beskrivning;handlingstyp;avsändare/mottagare;fil;sha256\r\n"));
        assert!(csv.contains("2026-07-01;KS 2026/123;\"Ögonblicksbild av Facebooksidan \"\"Gislaveds kommun\"\"; 2026 H1\";upprättad;\"rad1\nrad2\";"));
        assert!(csv.ends_with("ab\r\n"));
    }
}
