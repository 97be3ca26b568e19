//! The closing table's rows: one per account of a run.

use serde::Serialize;

/// One account's line in the closing table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub account: String,
    pub record_id: String,
    /// `sealed`, `flagged` (sealed with obstructions), `removed` (sealed; posts were
    /// removed since the previous snapshot), `skipped` (already sealed), `failed`.
    pub status: &'static str,
    pub pages: usize,
    pub warnings: Vec<String>,
    pub seconds: f64,
    /// The newest post is older than the passive limit.
    pub passive: bool,
    /// Sealed, but a time-stamping authority gave no token (the warnings say which).
    pub unstamped: bool,
    /// The record found posts removed since the previous snapshot (the
    /// warnings say how many); for the line after the table.
    #[serde(skip)]
    pub removed: bool,
    /// What blocked a failed capture, as data (the warnings say it in words).
    #[serde(skip)]
    pub blocked_by: Vec<model::ObstructionKind>,
}
