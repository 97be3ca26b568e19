//! Deep verification of a delivery (a bag, a bag's `data/`, an E-ARK
//! package): every record inside against its own manifest and against the
//! delivered journal, the journal's chain, its tokens, and `forteckning.csv`.
//!
//! A package's own manifests can be rewritten by anyone with `bagit.py`;
//! what they cannot rewrite unseen is a record's `record.sealed` line in a
//! hash-chained journal whose head a time-stamping authority signed. So a
//! delivery is checked the way an archive is, from its records and journal.
//! Reads only.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono_tz::Europe::Stockholm;

use crate::archive::{record_dirs, JOURNAL};
use crate::checked::{hex_bytes, merge_file, Stamps, VerifyOptions, VerifyReport};
use crate::hashing::{hash_file, Algorithm};
use crate::journal::{check_chain, Event, JournalEntry};
use crate::period::Period;
use crate::record::{
    check_record_dir, files_on_disk, DirCheck, FileCheck, FileStatus, MANIFEST, SNAPSHOT,
};
use crate::timestamp::TIMESTAMPS;
use crate::Result;

/// The delivery list's and the CSV's names in every delivery.
pub const DELIVERY_LIST: &str = "leveranslista.pdf";
pub const FORTECKNING: &str = "forteckning.csv";

/// Where a delivery keeps what it carries. Labels are how findings name a
/// path (relative to what was verified).
#[derive(Debug, Clone, Default)]
pub struct DeliveryLayout {
    pub records: Vec<DeliveredRecord>,
    /// The delivered journal and its label.
    pub journal: (PathBuf, String),
    /// The delivered `timestamps/` folder (the archive's late tokens of the
    /// delivered records and the journal-head tokens) and its label, which
    /// ends in `/`.
    pub timestamps: (PathBuf, String),
    /// `forteckning.csv` and its label, when the delivery has one.
    pub forteckning: Option<(PathBuf, String)>,
    /// The period the package says it delivers (bag-info.txt's External-Identifier).
    pub period: Option<Period>,
    /// Where a record's folder would be, as a label, before its id (`data/`
    /// in a bag); none where ids do not name folders (E-ARK).
    pub record_prefix: Option<String>,
}

/// One record folder inside a delivery.
#[derive(Debug, Clone)]
pub struct DeliveredRecord {
    /// How findings name the folder, ending in `/` (`data/2026-H1/x/`).
    pub label: String,
    pub dir: PathBuf,
    /// The record id the folder's place gives (a bag's `data/<id>/`); none
    /// where the place says nothing (an E-ARK representation).
    pub placed_id: Option<String>,
    /// The `fil` value `forteckning.csv` gives the record's snapshot.pdf.
    pub listed_as: String,
}

/// The layout of a bag at `bag`; labels start with `prefix` (`data/` when
/// the bag is verified, empty when its `data/` is).
pub fn bag_layout(bag: &Path, prefix: &str) -> Result<DeliveryLayout> {
    let data = bag.join("data");
    let dirs = if data.is_dir() {
        record_dirs(&data)?
    } else {
        Vec::new()
    };
    let records = dirs
        .into_iter()
        .map(|(id, dir)| DeliveredRecord {
            label: format!("{prefix}{id}/"),
            listed_as: format!("data/{id}/{SNAPSHOT}"),
            placed_id: Some(id),
            dir,
        })
        .collect();
    let period = fs::read_to_string(bag.join("bag-info.txt"))
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == "External-Identifier")
                    .then(|| v.trim().strip_prefix("ogonblick-")?.parse::<Period>().ok())
                    .flatten()
            })
        });
    let csv = data.join(FORTECKNING);
    Ok(DeliveryLayout {
        records,
        journal: (data.join(JOURNAL), format!("{prefix}{JOURNAL}")),
        timestamps: (data.join(TIMESTAMPS), format!("{prefix}{TIMESTAMPS}/")),
        forteckning: csv
            .is_file()
            .then(|| (csv, format!("{prefix}{FORTECKNING}"))),
        period,
        record_prefix: Some(prefix.to_string()),
    })
}

/// True when `bag` is one of our deliveries (it carries a journal or
/// record folders), so its records are checked beyond the bag's manifests.
pub fn is_our_delivery(bag: &Path) -> bool {
    let data = bag.join("data");
    data.join(JOURNAL).exists()
        || record_dirs(&data).is_ok_and(|d| d.iter().any(|(_, dir)| dir.join(MANIFEST).exists()))
}

/// Anything at the top of a bag's `data/` that is neither a record, the
/// journal, the timestamps, forteckning.csv nor the delivery list, and
/// anything in a group folder that is not a record folder.
pub fn bag_extra_files(data: &Path, prefix: &str, r: &mut VerifyReport) {
    let Ok(entries) = fs::read_dir(data) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let known_file = [JOURNAL, FORTECKNING, DELIVERY_LIST].contains(&name.as_str());
        let group = name == "evidence" || name.parse::<Period>().is_ok();
        if (known_file && !is_dir) || (is_dir && name == TIMESTAMPS) {
            continue;
        }
        if is_dir && group {
            for sub in fs::read_dir(entry.path()).into_iter().flatten().flatten() {
                if !sub.file_type().is_ok_and(|t| t.is_dir()) {
                    let label = format!("{prefix}{name}/{}", sub.file_name().to_string_lossy());
                    r.problems
                        .push(format!("{label}: not a record folder and not ours"));
                    merge_file(&mut r.files, FileCheck::unexpected(label));
                }
            }
            continue;
        }
        let label = format!("{prefix}{name}");
        r.problems.push(format!(
            "{label}: not part of a delivery (records, {JOURNAL}, {TIMESTAMPS}/, {FORTECKNING}, {DELIVERY_LIST})"
        ));
        merge_file(&mut r.files, FileCheck::unexpected(label));
    }
}

/// The half-year a sealed record belongs to in a delivery: its period, else
/// the date (in Sweden) of an evidence record's id, else the sealing date.
fn period_of(e: &JournalEntry) -> Option<Period> {
    if let Some(p) = e.field("period") {
        return p.parse().ok();
    }
    let id = e.field("record_id")?;
    let date = id
        .strip_prefix("evidence/")
        .and_then(|rest| rest.get(..17))
        .and_then(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H%M%SZ").ok())
        .map(|t| t.and_utc())
        .unwrap_or(e.at);
    Some(Period::containing(
        date.with_timezone(&Stockholm).date_naive(),
    ))
}

/// Checks a delivery's records, journal, tokens and forteckning.csv, adding
/// every finding to `r`. The package's own manifests are checked by the caller.
pub fn check_delivery(
    d: &DeliveryLayout,
    opts: &VerifyOptions,
    r: &mut VerifyReport,
) -> Result<()> {
    let stamps = Stamps::new(opts)?;
    let (jpath, jlabel) = &d.journal;
    let bytes = match fs::read(jpath) {
        Ok(b) => b,
        Err(_) => {
            r.problems.push(format!(
                "{jlabel}: missing: the delivery carries no journal, so none of its records can be traced to its sealing"
            ));
            Vec::new()
        }
    };
    let chain = check_chain(&bytes);
    for (line, msg) in &chain.problems {
        r.problems.push(format!("{jlabel} line {line}: {msg}"));
    }
    r.journal_head = Some(chain.head.clone());
    let last = chain.entries.last();
    let sealed = sealed_lines(&chain.entries, jlabel, r);
    let mut periods: BTreeSet<Period> = d.period.into_iter().collect();
    let mut delivered: BTreeMap<String, &DeliveredRecord> = BTreeMap::new();
    let mut snapshots: BTreeMap<String, Option<String>> = BTreeMap::new();
    for rec in &d.records {
        let c = check_record_dir(&rec.dir, opts.jobs)?;
        r.bytes += c.bytes;
        let record = crate::archive::read_record(&rec.dir).ok();
        let own_id = record.as_ref().map(|x| x.record_id.clone());
        let id = rec
            .placed_id
            .clone()
            .or_else(|| own_id.clone())
            .unwrap_or_else(|| rec.label.trim_end_matches('/').to_string());
        if let (Some(placed), Some(own)) = (&rec.placed_id, &own_id) {
            if placed != own {
                r.problems.push(format!(
                    "{id} ({}): record.json names itself `{own}`: the folder was moved, renamed or swapped with another record's",
                    rec.label
                ));
            }
        }
        let late_dir = d.timestamps.0.join(&id);
        let late_label = format!("{}{id}/", d.timestamps.1);
        stamps.record(
            &id,
            &rec.dir,
            &rec.label,
            &c,
            Some((&late_dir, &late_label)),
            r,
        );
        for p in &c.problems {
            r.problems.push(format!("{id} ({}): {p}", rec.label));
        }
        for mut f in c.files.clone() {
            f.path = format!("{}{}", rec.label, f.path);
            merge_file(&mut r.files, f);
        }
        match sealed.get(id.as_str()) {
            None => r.problems.push(format!(
                "{id} ({}): the delivered journal has no record.sealed line for this record{}: the journal was cut short, or the record was added to the delivery",
                rec.label,
                last.map(|e| format!(" (it ends at line {}, {})", e.line, e.at.to_rfc3339()))
                    .unwrap_or_default()
            )),
            Some(e) => {
                check_sealing(&id, rec, &c, record.as_ref(), (e, jlabel), r);
                if let Some(p) = period_of(e) {
                    periods.insert(p);
                }
            }
        }
        snapshots.insert(rec.listed_as.clone(), c.snapshot_sha256.clone());
        delivered.insert(id, rec);
    }
    removed_records(d, &sealed, &delivered, &periods, r);
    delivered_tokens(d, &delivered, &chain.entries, &stamps, r);
    // `deliver` never writes a delivery without records or without its
    // list: one emptied, or stripped of the list that names its records,
    // is not a delivery that verifies.
    if d.records.is_empty() {
        r.problems.push(format!(
            "the delivery holds no record, although {jlabel} is there: every record was removed"
        ));
    }
    match &d.forteckning {
        Some((csv, label)) => check_forteckning(csv, label, &snapshots, r),
        None => r.problems.push(format!(
            "{}{FORTECKNING}: missing: every delivery lists its records there",
            d.journal.1.trim_end_matches(JOURNAL)
        )),
    }
    Ok(())
}

/// The journal's `record.sealed` line of each record id; a record sealed
/// twice is a problem.
fn sealed_lines<'e>(
    entries: &'e [JournalEntry],
    jlabel: &str,
    r: &mut VerifyReport,
) -> BTreeMap<&'e str, &'e JournalEntry> {
    let mut sealed: BTreeMap<&str, &JournalEntry> = BTreeMap::new();
    for e in entries.iter().filter(|e| e.event == Event::RECORD_SEALED) {
        if let Some(id) = e.field("record_id") {
            if sealed.insert(id, e).is_some() {
                r.problems.push(format!(
                    "{jlabel} line {}: record {id} sealed a second time",
                    e.line
                ));
            }
        }
    }
    sealed
}

/// A delivered record against the journal line `e` that sealed it: the
/// same manifest and snapshot SHA-256s, the same account.
fn check_sealing(
    id: &str,
    rec: &DeliveredRecord,
    c: &DirCheck,
    record: Option<&model::Record>,
    (e, jlabel): (&JournalEntry, &str),
    r: &mut VerifyReport,
) {
    let pairs = [
        ("manifest_sha256", MANIFEST, &c.manifest_sha256),
        ("snapshot_sha256", SNAPSHOT, &c.snapshot_sha256),
    ];
    for (field, file, got) in pairs {
        match (e.field(field), got) {
            (Some(want), Some(got)) if want == got => {}
            (Some(want), Some(got)) => r.problems.push(format!(
                "{id} ({}{file}): SHA-256 {got} differs from the one {jlabel} line {} sealed, {want}: the record was changed",
                rec.label, e.line
            )),
            (None, _) => r.problems.push(format!(
                "{id}: {jlabel} line {} gives no {field}",
                e.line
            )),
            (Some(_), None) => {}
        }
    }
    let account = record
        .and_then(|x| x.account.as_ref())
        .map(|a| a.id.as_str());
    if let (Some(want), Some(got)) = (e.field("account"), account) {
        if want != got {
            r.problems.push(format!(
                "{id} ({}): record.json is of account `{got}`, but {jlabel} line {} sealed this record for `{want}`",
                rec.label, e.line
            ));
        }
    }
}

/// Every record the journal sealed for a delivered period must be there:
/// one that is not was removed.
fn removed_records(
    d: &DeliveryLayout,
    sealed: &BTreeMap<&str, &JournalEntry>,
    delivered: &BTreeMap<String, &DeliveredRecord>,
    periods: &BTreeSet<Period>,
    r: &mut VerifyReport,
) {
    let jlabel = &d.journal.1;
    for (id, e) in sealed {
        if delivered.contains_key(*id) {
            continue;
        }
        if let Some(p) = period_of(e).filter(|p| periods.contains(p)) {
            r.problems.push(format!(
                "{id}: sealed for {p} on {jlabel} line {}, but not in the delivery: the record was removed",
                e.line
            ));
            merge_file(
                &mut r.files,
                FileCheck {
                    path: format!("{}{id}", d.record_prefix.as_deref().unwrap_or("")),
                    status: FileStatus::Missing,
                    algorithm: None,
                    expected: e.field("manifest_sha256").map(str::to_string),
                    actual: None,
                },
            );
        }
    }
}

/// The delivered `timestamps/`: the journal-head tokens checked against the
/// delivered journal, the records' late tokens (checked with their records)
/// let through, anything else reported; and every token the journal's
/// `timestamp.added` names for a delivered record or the journal must be in
/// the delivery, byte for byte.
fn delivered_tokens(
    d: &DeliveryLayout,
    delivered: &BTreeMap<String, &DeliveredRecord>,
    entries: &[JournalEntry],
    stamps: &Stamps,
    r: &mut VerifyReport,
) {
    let (area, tlabel) = &d.timestamps;
    let jlabel = &d.journal.1;
    let on_disk = files_on_disk(area);
    for rel in on_disk.files.iter().chain(&on_disk.links) {
        let label = format!("{tlabel}{rel}");
        if delivered
            .keys()
            .any(|id| rel.starts_with(&format!("{id}/")))
        {
            continue;
        }
        let seq = rel
            .strip_prefix("journal/")
            .filter(|n| n.ends_with(".tsr") && !n.contains('/'))
            .and_then(|n| n.split_once('-'))
            .and_then(|(seq, _)| seq.parse::<u64>().ok());
        let line = seq.and_then(|seq| entries.iter().find(|e| e.seq == seq));
        match (seq, line) {
            (Some(_), Some(e)) if on_disk.files.contains(rel) => {
                let Some(digest) = hex_bytes(&e.hash) else {
                    continue;
                };
                let check = stamps.check(
                    &area.join(rel),
                    label,
                    format!("{jlabel} line {} (seq {})", e.line, e.seq),
                    &digest,
                    Some(e.at),
                );
                for p in &check.problems {
                    r.problems.push(format!(
                        "{}: {p}: {jlabel} up to line {} is not the journal the authority stamped",
                        check.file, e.line
                    ));
                }
                r.timestamps.push(check);
            }
            (Some(seq), None) => {
                r.problems.push(format!(
                    "{label}: a token over the journal up to seq {seq}, but the delivered {jlabel} has no such line: the journal was cut short"
                ));
            }
            _ => {
                r.problems.push(format!(
                    "{label}: belongs to no delivered record and no journal line"
                ));
                merge_file(&mut r.files, FileCheck::unexpected(label));
            }
        }
    }
    for e in entries.iter().filter(|e| e.event == Event::TIMESTAMP_ADDED) {
        let (Some(file), Some(want)) = (e.field("file"), e.field("token_sha256")) else {
            continue;
        };
        let journal_token =
            e.field("journal_seq").is_some() || e.fields.contains_key("journal_seq");
        let record = e
            .field("record_id")
            .and_then(|id| delivered.get(id).map(|rec| (id, rec)));
        // Where the archive's path lands in the delivery.
        let (path, label) = if let Some(rest) = file.strip_prefix(&format!("{TIMESTAMPS}/")) {
            if !journal_token && record.is_none() {
                continue;
            }
            (area.join(rest), format!("{tlabel}{rest}"))
        } else if let Some((id, rec)) = record {
            let Some(inner) = file.strip_prefix(&format!("{id}/")) else {
                continue;
            };
            (rec.dir.join(inner), format!("{}{inner}", rec.label))
        } else {
            continue;
        };
        match hash_file(&path, &[Algorithm::Sha256]) {
            Ok((dg, _)) if dg.first().map(String::as_str) == Some(want) => {}
            Ok(_) => r.problems.push(format!(
                "{label}: changed since {jlabel} line {} recorded it (timestamp.added)",
                e.line
            )),
            Err(_) => r.problems.push(format!(
                "{label}: missing from the delivery, but {jlabel} line {} recorded it (timestamp.added): a delivery carries every token",
                e.line
            )),
        }
    }
}

/// `forteckning.csv` names every delivered record's snapshot.pdf with its
/// SHA-256, and nothing else.
fn check_forteckning(
    csv: &Path,
    label: &str,
    snapshots: &BTreeMap<String, Option<String>>,
    r: &mut VerifyReport,
) {
    let text = match fs::read(csv) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            r.problems.push(format!("{label}: cannot read ({e})"));
            return;
        }
    };
    let rows = parse_csv(text.trim_start_matches('\u{feff}'));
    let mut listed: BTreeSet<String> = BTreeSet::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        let (Some(fil), Some(sum)) = (row.get(5), row.get(6)) else {
            r.problems
                .push(format!("{label} row {}: fewer than 7 fields", i + 1));
            continue;
        };
        listed.insert(fil.clone());
        match snapshots.get(fil) {
            None => r.problems.push(format!(
                "{label} row {}: lists {fil}, which the delivery does not hold",
                i + 1
            )),
            Some(Some(actual)) if actual != sum => r.problems.push(format!(
                "{label} row {}: gives {fil} the SHA-256 {sum}, but it is {actual}",
                i + 1
            )),
            Some(_) => {}
        }
    }
    for fil in snapshots.keys() {
        if !listed.contains(fil) {
            r.problems.push(format!(
                "{label}: does not list {fil}, which the delivery holds"
            ));
        }
    }
}

/// RFC 4180 rows (`;`-separated, `"` quoting, CRLF or LF).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ';') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_with_quotes_and_newlines() {
        let rows = parse_csv("a;b\r\n\"x;\"\"y\";\"rad1\nrad2\"\r\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], vec!["x;\"y".to_string(), "rad1\nrad2".to_string()]);
    }
}
