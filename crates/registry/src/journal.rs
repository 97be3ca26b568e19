//! `journal.jsonl`: the append-only, hash-chained register of events.
//!
//! One JSON object per line: `seq` (1, 2, ...), `at` (UTC), `event`, the
//! event's fields in key order, and `prev` = SHA-256 (hex) of the previous
//! line's bytes without its newline (64 zeros for the first line). Editing,
//! deleting or reordering any line but the last breaks the chain at the line
//! after it.
//!
//! The line format is defined once, in [`format_line`]: compact JSON, keys in
//! that order, values as `model::json` writes them (bidi and control
//! characters as `\u` escapes; earlier versions wrote them raw). The chain is
//! over a line's bytes as they are in the file, never over a re-serialised
//! line, so journals written either way verify.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use model::RecordKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::hashing::sha256_hex;

/// Every event the journal holds, typed: the variant is the line's `event`
/// (its serde name), the variant's fields are the line's other keys. The
/// archive writes events only through [`crate::Archive::append`]; readers
/// get them back with [`JournalEntry::typed`]. A new kind of event is a new
/// variant here, and nowhere else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event")]
pub enum Event {
    /// A record was sealed into the archive.
    #[serde(rename = "record.sealed")]
    RecordSealed {
        record_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        period: Option<String>,
        kind: RecordKind,
        snapshot_sha256: String,
        manifest_sha256: String,
        /// Appended by recovery for a record sealed before a kill took its event.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        recovered: bool,
    },
    /// A capture failed; nothing was sealed.
    #[serde(rename = "record.failed")]
    RecordFailed {
        record_id: String,
        account: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        period: Option<String>,
        reason: String,
    },
    /// The registrar's diarienummer for a sealed record; the latest one counts.
    #[serde(rename = "dnr.assigned")]
    DnrAssigned {
        record_id: String,
        diarienummer: String,
    },
    /// An account was closed after its final capture.
    #[serde(rename = "account.closed")]
    AccountClosed {
        account: String,
        final_record: String,
        snapshot_sha256: String,
    },
    /// A delivery (BagIt bag or E-ARK SIP) was written.
    #[serde(rename = "delivery.created")]
    DeliveryCreated {
        format: String,
        package_id: String,
        period: String,
        out: String,
        records: Vec<String>,
        /// Checksums of the delivery's own manifests, by name.
        #[serde(flatten)]
        sums: std::collections::BTreeMap<String, Value>,
    },
    /// A time-stamping authority's token over a record's manifest, or over
    /// the journal up to line `journal_seq`.
    #[serde(rename = "timestamp.added")]
    TimestampAdded {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        journal_seq: Option<u64>,
        tsa_url: String,
        /// The TSA's name from its certificate.
        tsa: String,
        /// The token's genTime (RFC 3339).
        time: String,
        /// Where the token is, relative to the archive.
        file: String,
        token_sha256: String,
    },
    /// A TSA gave no token; `ogonblick stamp` can add it later.
    #[serde(rename = "timestamp.missing")]
    TimestampMissing {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        journal_seq: Option<u64>,
        tsa_url: String,
        reason: String,
    },
    /// A half-year record's comparison with the account's previous one
    /// found posts removed or edited, new posts, or a changed profile
    /// (the whole comparison is the record's `changes.json`).
    #[serde(rename = "changes.found")]
    ChangesFound {
        record_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<String>,
        previous: String,
        removed: u64,
        removed_ids: Vec<String>,
        changed: u64,
        new_posts: u64,
        /// The profile fields that changed (`name`, `description`, `picture`, `followers`).
        profile: Vec<String>,
    },
    /// Pages of a sealed record were handed out as a PDF/A excerpt of their
    /// own (`ogonblick extract`), traced by the source's hashes.
    #[serde(rename = "extract.created")]
    ExtractCreated {
        record_id: String,
        /// SHA-256 of the source's snapshot.pdf and manifest-sha256.txt.
        snapshot_sha256: String,
        manifest_sha256: String,
        /// The pages of snapshot.pdf taken (1-based, inclusive), and how many it has.
        first_page: u64,
        last_page: u64,
        source_pages: u64,
        /// The excerpt file as written (an absolute path), and its SHA-256.
        out: String,
        out_sha256: String,
        /// Who made it, when known.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        operator: String,
    },
    /// A sealed record's web archive was handed out as a WACZ package
    /// (`ogonblick export-wacz`), traced by the source's hashes.
    #[serde(rename = "wacz.created")]
    WaczCreated {
        record_id: String,
        /// SHA-256 of the source's snapshot.pdf and manifest-sha256.txt.
        snapshot_sha256: String,
        manifest_sha256: String,
        /// The package as written (an absolute path), and its SHA-256.
        out: String,
        out_sha256: String,
    },
    /// `verify` ran over the archive.
    #[serde(rename = "verify.run")]
    VerifyRun {
        result: String,
        records: u64,
        files_ok: u64,
        files_changed: u64,
        files_missing: u64,
        files_unexpected: u64,
        problems: u64,
    },
    /// `preflight` checked whether the next run would need nobody: each open
    /// account's start page and the machine. Nothing else is written.
    #[serde(rename = "preflight.run")]
    PreflightRun {
        /// `ok` (the next run needs nobody) or `attention`.
        result: String,
        /// The half-year boundary whose capture window was checked against.
        boundary: String,
        /// The last day of that window (a capture after it is late).
        window_ends: String,
        /// What needs a human, one line each, in English, naming the
        /// account or the check (never a cookie value).
        problems: Vec<String>,
        accounts: Vec<PreflightAccount>,
    },
}

/// One account in a `preflight.run` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreflightAccount {
    pub account: String,
    /// Whether it would be captured whole today.
    pub ok: bool,
    /// What stands in the way, as codes: `unreachable`, `error-page`,
    /// `login-wall`, `needs-cookies`, `consent-wall`, `obstructed`,
    /// `cookies-expired`, `cookies-expire-soon`.
    #[serde(default)]
    pub issues: Vec<String>,
    /// The earliest expiry (YYYY-MM-DD, UTC) of the cookies the cookie file
    /// holds for the account's site; absent without such cookies or when
    /// they are all session cookies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookies_expire: Option<String>,
}

impl Event {
    // The line's `event` values, for readers that filter the journal by kind
    // (each is also the variant's serde name above).
    pub const RECORD_SEALED: &'static str = "record.sealed";
    pub const RECORD_FAILED: &'static str = "record.failed";
    pub const DNR_ASSIGNED: &'static str = "dnr.assigned";
    pub const ACCOUNT_CLOSED: &'static str = "account.closed";
    pub const DELIVERY_CREATED: &'static str = "delivery.created";
    pub const VERIFY_RUN: &'static str = "verify.run";
    pub const TIMESTAMP_ADDED: &'static str = "timestamp.added";
    pub const TIMESTAMP_MISSING: &'static str = "timestamp.missing";
    pub const CHANGES_FOUND: &'static str = "changes.found";
    pub const EXTRACT_CREATED: &'static str = "extract.created";
    pub const WACZ_CREATED: &'static str = "wacz.created";
    pub const PREFLIGHT_RUN: &'static str = "preflight.run";

    /// The line's `event` value, e.g. `record.sealed`.
    pub fn name(&self) -> &'static str {
        match self {
            Event::RecordSealed { .. } => Event::RECORD_SEALED,
            Event::RecordFailed { .. } => Event::RECORD_FAILED,
            Event::DnrAssigned { .. } => Event::DNR_ASSIGNED,
            Event::AccountClosed { .. } => Event::ACCOUNT_CLOSED,
            Event::DeliveryCreated { .. } => Event::DELIVERY_CREATED,
            Event::TimestampAdded { .. } => Event::TIMESTAMP_ADDED,
            Event::TimestampMissing { .. } => Event::TIMESTAMP_MISSING,
            Event::VerifyRun { .. } => Event::VERIFY_RUN,
            Event::ChangesFound { .. } => Event::CHANGES_FOUND,
            Event::ExtractCreated { .. } => Event::EXTRACT_CREATED,
            Event::WaczCreated { .. } => Event::WACZ_CREATED,
            Event::PreflightRun { .. } => Event::PREFLIGHT_RUN,
        }
    }

    /// The event's own fields, as they go on the line.
    pub fn fields(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(mut m)) => {
                m.remove("event");
                m
            }
            _ => Map::new(),
        }
    }
}

/// The latest diarienummer the journal gives `record_id`, if any: the one
/// answer to "which diarienummer does this record have?".
pub fn latest_dnr<'a>(entries: &'a [JournalEntry], record_id: &str) -> Option<&'a str> {
    entries
        .iter()
        .rev()
        .find(|e| e.event == Event::DNR_ASSIGNED && e.field("record_id") == Some(record_id))
        .and_then(|e| e.field("diarienummer"))
}

/// Appends one whole line (without its newline) to the journal at `path`:
/// one write, then fsync. A failed write (a full disk) is cut off again so
/// the journal keeps ending in a whole line. The only place the journal file
/// is written; the fault points `journal.*` are here.
pub(crate) fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    let mut f = OpenOptions::new().create(true).append(true).open(path)?;
    crate::fault::point("journal.before_append");
    let before = f.metadata()?.len();
    if crate::fault::due("journal.mid_append") {
        let _ = f.write_all(&bytes[..bytes.len() / 2]);
        let _ = f.sync_data();
        crate::fault::die("journal.mid_append");
    }
    if let Err(e) = f.write_all(&bytes).and_then(|()| f.sync_data()) {
        let _ = f.set_len(before);
        let _ = f.sync_data();
        return Err(e);
    }
    crate::fault::point("journal.after_append");
    Ok(())
}

/// SHA-256 hex of nothing before the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Keys every line has; events cannot use them as field names.
const RESERVED: &[&str] = &["seq", "at", "event", "prev"];

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub event: String,
    /// The event's own fields (everything except seq, at, event, prev).
    pub fields: Map<String, Value>,
    /// SHA-256 (hex) of the previous line's bytes without its newline.
    pub prev: String,
    /// 1-based line number in the file.
    #[serde(skip)]
    pub line: usize,
    /// SHA-256 (hex) of this line's bytes; the next line's `prev`.
    #[serde(skip)]
    pub hash: String,
}

impl JournalEntry {
    /// A string field of the event.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }

    /// The entry as a typed [`Event`]; `None` for an event this version
    /// does not know or fields that do not fit it.
    pub fn typed(&self) -> Option<Event> {
        let mut m = self.fields.clone();
        m.insert("event".into(), Value::String(self.event.clone()));
        serde_json::from_value(Value::Object(m)).ok()
    }
}

/// Builds one journal line (without the newline).
pub(crate) fn format_line(
    seq: u64,
    at: DateTime<Utc>,
    event: &str,
    fields: &Map<String, Value>,
    prev: &str,
) -> String {
    let mut obj = String::new();
    obj.push_str(&format!("{{\"seq\":{seq},\"at\":"));
    obj.push_str(&Value::String(at.to_rfc3339_opts(SecondsFormat::Millis, true)).to_string());
    obj.push_str(",\"event\":");
    obj.push_str(&Value::String(event.to_string()).to_string());
    let mut keys: Vec<&String> = fields
        .keys()
        .filter(|k| !RESERVED.contains(&k.as_str()))
        .collect();
    keys.sort();
    for k in keys {
        obj.push(',');
        obj.push_str(&Value::String(k.clone()).to_string());
        obj.push(':');
        // Page text in a value (a title, a reason) with its bidi and control
        // characters as `\u` escapes (`model::json`); a value cannot fail to
        // serialise, the empty fallback is never taken.
        obj.push_str(&model::json::to_string(&fields[k]).unwrap_or_default());
    }
    obj.push_str(",\"prev\":\"");
    obj.push_str(prev);
    obj.push_str("\"}");
    obj
}

/// Parses one line. Errors are plain sentences for the report.
pub fn parse_line(line: &str, lineno: usize) -> Result<JournalEntry, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not valid JSON ({e})"))?;
    let Value::Object(mut obj) = value else {
        return Err("not a JSON object".into());
    };
    let seq = obj
        .remove("seq")
        .and_then(|v| v.as_u64())
        .ok_or("missing or invalid `seq`")?;
    let at = obj
        .remove("at")
        .and_then(|v| {
            v.as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        })
        .ok_or("missing or invalid `at`")?
        .with_timezone(&Utc);
    let event = match obj.remove("event") {
        Some(Value::String(s)) => s,
        _ => return Err("missing or invalid `event`".into()),
    };
    let prev = match obj.remove("prev") {
        Some(Value::String(s)) if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) => s,
        _ => return Err("missing or invalid `prev`".into()),
    };
    Ok(JournalEntry {
        seq,
        at,
        event,
        fields: obj,
        prev,
        line: lineno,
        hash: sha256_hex(line.as_bytes()),
    })
}

/// The journal read and checked.
#[derive(Debug, Clone, Default)]
pub struct ChainCheck {
    /// Every line that parsed.
    pub entries: Vec<JournalEntry>,
    /// (1-based line, problem) for every break.
    pub problems: Vec<(usize, String)>,
    /// SHA-256 of the last line: the chain head an auditor can write down.
    pub head: String,
    /// Bytes after the last newline (a torn write), if any.
    pub torn_tail: usize,
}

/// Reads journal bytes and checks the chain line by line.
pub fn check_chain(bytes: &[u8]) -> ChainCheck {
    let mut out = ChainCheck {
        head: GENESIS.to_string(),
        ..ChainCheck::default()
    };
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(i) => &bytes[..=i],
        None => &bytes[..0],
    };
    out.torn_tail = bytes.len() - complete.len();
    let mut prev_hash = GENESIS.to_string();
    let mut expect_seq = 1u64;
    for (i, raw) in complete.split(|&b| b == b'\n').enumerate() {
        let lineno = i + 1;
        if lineno > complete.iter().filter(|&&b| b == b'\n').count() {
            break; // the empty piece after the final newline
        }
        let this_hash = sha256_hex(raw);
        let Ok(line) = std::str::from_utf8(raw) else {
            out.problems
                .push((lineno, "line is not valid UTF-8".into()));
            prev_hash = this_hash;
            expect_seq += 1;
            continue;
        };
        match parse_line(line, lineno) {
            Ok(entry) => {
                if entry.prev != prev_hash {
                    let what = if lineno == 1 {
                        "the first line's `prev` is not 64 zeros: lines were removed from the start"
                            .to_string()
                    } else {
                        format!("`prev` does not match the SHA-256 of line {}: line {} was changed, or lines were removed or reordered", lineno - 1, lineno - 1)
                    };
                    out.problems.push((lineno, format!("chain breaks: {what}")));
                }
                if entry.seq != expect_seq {
                    out.problems.push((
                        lineno,
                        format!("`seq` is {}, expected {expect_seq}", entry.seq),
                    ));
                }
                expect_seq = entry.seq + 1;
                out.entries.push(entry);
            }
            Err(e) => {
                out.problems.push((lineno, e));
                expect_seq += 1;
            }
        }
        prev_hash = this_hash;
    }
    if out.torn_tail > 0 {
        out.problems.push((
            complete.iter().filter(|&&b| b == b'\n').count() + 1,
            format!(
                "{} bytes without a final newline (a torn write)",
                out.torn_tail
            ),
        ));
    }
    out.head = prev_hash;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_bytes_never_panic() {
        let mut s: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let alphabet = b"{}[]\":,0123456789abcdef\n\\seqatpreventZ-T.";
        for _ in 0..2000 {
            let len = (next() % 300) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 4 == 0 {
                        r as u8
                    } else {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    }
                })
                .collect();
            let c = check_chain(&bytes);
            assert!(c.entries.len() <= bytes.iter().filter(|&&b| b == b'\n').count());
        }
    }

    #[test]
    fn events_go_on_the_line_as_before_and_come_back_typed() {
        let e = Event::RecordSealed {
            record_id: "2026-H1/x".into(),
            account: Some("x".into()),
            period: None,
            kind: RecordKind::Halvar,
            snapshot_sha256: "a".repeat(64),
            manifest_sha256: "b".repeat(64),
            recovered: false,
        };
        let line = format_line(1, Utc::now(), e.name(), &e.fields(), GENESIS);
        // No key for what is absent or false; the kind as record.json spells it.
        assert!(
            !line.contains("period") && !line.contains("recovered"),
            "{line}"
        );
        assert!(line.contains("\"kind\":\"halvar\""), "{line}");
        let entry = parse_line(&line, 1).unwrap();
        assert_eq!(entry.typed(), Some(e));
        let d = Event::DeliveryCreated {
            format: "bagit".into(),
            package_id: "p".into(),
            period: "2026-H1".into(),
            out: "o".into(),
            records: vec!["2026-H1/x".into()],
            sums: [("tagmanifest_sha256".to_string(), Value::from("c"))].into(),
        };
        let line = format_line(2, Utc::now(), d.name(), &d.fields(), GENESIS);
        assert!(line.contains("\"tagmanifest_sha256\":\"c\""), "{line}");
        assert_eq!(parse_line(&line, 2).unwrap().typed(), Some(d));
        // An event this version does not know is kept as a line, untyped.
        let other = format_line(3, Utc::now(), "something.new", &Map::new(), GENESIS);
        assert_eq!(parse_line(&other, 3).unwrap().typed(), None);
    }

    #[test]
    fn the_latest_diarienummer_wins() {
        let at = Utc::now();
        let dnr = |n: &str| Event::DnrAssigned {
            record_id: "2026-H1/x".into(),
            diarienummer: n.into(),
        };
        let entries: Vec<JournalEntry> = [dnr("KS 1"), dnr("KS 2")]
            .iter()
            .enumerate()
            .map(|(i, e)| {
                parse_line(
                    &format_line(i as u64 + 1, at, e.name(), &e.fields(), GENESIS),
                    i + 1,
                )
                .unwrap()
            })
            .collect();
        assert_eq!(latest_dnr(&entries, "2026-H1/x"), Some("KS 2"));
        assert_eq!(latest_dnr(&entries, "2026-H1/y"), None);
    }

    #[test]
    fn page_text_goes_on_the_line_escaped_and_old_raw_lines_still_chain() {
        let reason = "Sidan \u{202e}txet\u{85} \u{2066}x\u{2069}\u{7}";
        let e = Event::RecordFailed {
            record_id: "2026-H1/x".into(),
            account: "x".into(),
            period: None,
            reason: reason.into(),
        };
        let line = format_line(1, Utc::now(), e.name(), &e.fields(), GENESIS);
        assert!(!line.chars().any(model::json::is_escaped), "{line:?}");
        assert!(
            line.contains("\\u202e") && line.contains("\\u0085"),
            "{line}"
        );
        assert_eq!(parse_line(&line, 1).unwrap().typed(), Some(e.clone()));
        // A line as earlier versions wrote it, raw, chains with a new one.
        let raw = line
            .replace("\\u202e", "\u{202e}")
            .replace("\\u0085", "\u{85}");
        assert!(raw.contains('\u{202e}'));
        let next = format_line(
            2,
            Utc::now(),
            e.name(),
            &e.fields(),
            &sha256_hex(raw.as_bytes()),
        );
        let c = check_chain(format!("{raw}\n{next}\n").as_bytes());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.entries[0].field("reason"), Some(reason));
        assert_eq!(c.entries[1].field("reason"), Some(reason));
    }

    #[test]
    fn chain_round_trip_and_break() {
        let at = Utc::now();
        let mut f = Map::new();
        f.insert("record_id".into(), "2026-H1/x".into());
        let l1 = format_line(1, at, "record.sealed", &f, GENESIS);
        let l2 = format_line(2, at, "dnr.assigned", &f, &sha256_hex(l1.as_bytes()));
        let good = format!("{l1}\n{l2}\n");
        let c = check_chain(good.as_bytes());
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.entries.len(), 2);
        assert_eq!(c.entries[1].field("record_id"), Some("2026-H1/x"));
        let swapped = format!("{l2}\n{l1}\n");
        let c = check_chain(swapped.as_bytes());
        assert_eq!(c.problems[0].0, 1);
        let torn = format!("{l1}\n{}", &l2[..10]);
        assert_eq!(check_chain(torn.as_bytes()).torn_tail, 10);
    }
}
