//! `accounts.toml`, the förteckning över sociala medier: parsing and validation
//! with a file:line:column for every problem.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use model::{Account, Organisation};
use serde::Serialize;

use crate::{Error, Result};

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stops any run; `accounts check` exits 2.
    Error,
    /// Policy warning (one administrator, no deputy); printed, exit 0.
    Warning,
}

/// One problem in the register, with its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// Id of the account the problem belongs to, when known.
    pub account: Option<String>,
    /// Field name (`url`, `extra_pages[1]`, `responsible.email`).
    pub field: Option<String>,
    pub message: String,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {sev}: ", self.file.display(), self.line, self.column)?;
        match (&self.account, &self.field) {
            (Some(a), Some(field)) => write!(f, "account `{a}` field `{field}`: ")?,
            (Some(a), None) => write!(f, "account `{a}`: ")?,
            (None, Some(field)) => write!(f, "field `{field}`: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)
    }
}

/// A validated register.
#[derive(Debug, Clone, PartialEq)]
pub struct Register {
    pub organisation: Organisation,
    pub accounts: Vec<Account>,
}

impl Register {
    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Accounts open on `on`: opened on or before it and not closed on or before it.
    pub fn open_accounts(&self, on: NaiveDate) -> Vec<&Account> {
        self.accounts.iter().filter(|a| a.opened <= on && a.closed.is_none_or(|c| c > on)).collect()
    }

    /// Accounts that were open at some time during `[from, to]` (inclusive).
    pub fn accounts_open_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<&Account> {
        self.accounts.iter().filter(|a| a.opened <= to && a.closed.is_none_or(|c| c >= from)).collect()
    }
}

/// Reads and validates a register file. Errors (any diagnostic of severity
/// error) come back as [`Error::Register`] holding every diagnostic; warnings
/// come back beside the register.
pub fn load(path: &Path) -> Result<(Register, Vec<Diagnostic>)> {
    let bytes = std::fs::read(path).map_err(Error::io("read the register", path))?;
    match String::from_utf8(bytes) {
        Ok(text) => parse(&text, path),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let text = String::from_utf8_lossy(valid);
            let (line, column) = line_col(&text, text.len());
            Err(Error::Register {
                path: path.to_path_buf(),
                diagnostics: vec![Diagnostic {
                    severity: Severity::Error,
                    file: path.to_path_buf(),
                    line,
                    column,
                    account: None,
                    field: None,
                    message: "the file is not valid UTF-8; save it as UTF-8".into(),
                }],
            })
        }
    }
}

/// Parses and validates register text; `path` is used in diagnostics only.
pub fn parse(text: &str, path: &Path) -> Result<(Register, Vec<Diagnostic>)> {
    let _ = (text, path);
    todo!()
}

/// 1-based line and column (in characters) of byte offset `pos`.
pub(crate) fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
