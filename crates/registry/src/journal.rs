//! `journal.jsonl`: the append-only, hash-chained register of events.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// SHA-256 hex of nothing before the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
}

impl JournalEntry {
    /// A string field of the event.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }
}
