//! `accounts.toml`, the förteckning över sociala medier: parsing and validation
//! with a file:line:column for every problem.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use model::{Account, Contact, Organisation, Platform, Retention};
use serde::Serialize;
use toml_edit::{ImDocument, Item, Key, TableLike, Value};

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
        write!(
            f,
            "{}:{}:{}: {sev}: ",
            self.file.display(),
            self.line,
            self.column
        )?;
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
    /// `[organisation] archivist`: who is told when the scheduled job needs
    /// a human (with each affected account's `responsible`). Kept out of
    /// `Organisation`, so it is not copied into every record.
    pub archivist: Option<Contact>,
}

impl Register {
    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Accounts open on `on`: opened on or before it and not closed on or before it.
    pub fn open_accounts(&self, on: NaiveDate) -> Vec<&Account> {
        self.accounts
            .iter()
            .filter(|a| a.opened <= on && a.closed.is_none_or(|c| c > on))
            .collect()
    }

    /// Accounts that were open at some time during `[from, to]` (inclusive).
    pub fn accounts_open_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<&Account> {
        self.accounts
            .iter()
            .filter(|a| a.opened <= to && a.closed.is_none_or(|c| c >= from))
            .collect()
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
    let mut cx = Cx {
        text,
        file: path.to_path_buf(),
        diags: Vec::new(),
        account: None,
    };
    let register = cx.register();
    let Cx { mut diags, .. } = cx;
    diags.sort_by_key(|d| (d.line, d.column));
    match register {
        Some(register) if !diags.iter().any(Diagnostic::is_error) => Ok((register, diags)),
        _ => Err(Error::Register {
            path: path.to_path_buf(),
            diagnostics: diags,
        }),
    }
}

const ORGANISATION_KEYS: &[&str] = &[
    "name",
    "archive_creator",
    "organisation_number",
    "website",
    "contact",
    "archivist",
];
const ACCOUNT_KEYS: &[&str] = &[
    "id",
    "platform",
    "name",
    "url",
    "extra_pages",
    "post_pages",
    "unit",
    "board",
    "purpose",
    "audience",
    "responsible",
    "deputy",
    "administrators",
    "opened",
    "closed",
    "retention",
];
const CONTACT_KEYS: &[&str] = &["name", "email", "phone"];
const PLATFORMS: &[(&str, Platform)] = &[
    ("facebook", Platform::Facebook),
    ("instagram", Platform::Instagram),
    ("x", Platform::X),
    ("youtube", Platform::Youtube),
    ("linkedin", Platform::Linkedin),
    ("blog", Platform::Blog),
    ("other", Platform::Other),
];
const RETENTIONS: &[(&str, Retention)] = &[
    ("bevaras", Retention::Bevaras),
    (
        "gallras-vid-inaktualitet",
        Retention::GallrasVidInaktualitet,
    ),
];

/// The pages a capture of `account` takes, in order: the start page, the
/// pages that list its posts (the register's `post_pages`, else the
/// platform's own: [`default_post_pages`]), then its `extra_pages`; each once.
pub fn pages_of(account: &Account) -> Vec<String> {
    let listing = account
        .post_pages
        .clone()
        .unwrap_or_else(|| default_post_pages(account.platform, &account.url));
    let mut out = vec![account.url.clone()];
    for u in listing
        .into_iter()
        .chain(account.extra_pages.iter().cloned())
    {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

/// The pages that list an account's posts where its start page `url` does
/// not: a YouTube channel's home shows a few videos, its videos tab lists
/// them all (`…/videos`); a LinkedIn company page's posts are on its posts
/// tab (`…/posts/`). Facebook, Instagram and X profiles and blogs list their
/// posts on the start page: none. A start page that already is such a list
/// (or a single video) gets none either.
pub fn default_post_pages(platform: Platform, url: &str) -> Vec<String> {
    let Ok(mut u) = url::Url::parse(url) else {
        return Vec::new();
    };
    let slash = u.path().ends_with('/');
    let mut segments: Vec<String> = u
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    let last = segments.last().map(|s| s.to_ascii_lowercase());
    let tab = match platform {
        Platform::Youtube => {
            const LISTS: &[&str] = &[
                "videos",
                "streams",
                "shorts",
                "playlists",
                "playlist",
                "community",
                "posts",
                "podcasts",
                "releases",
                "search",
                "watch",
            ];
            if segments.is_empty() || last.as_deref().is_some_and(|l| LISTS.contains(&l)) {
                return Vec::new();
            }
            if last.as_deref() == Some("featured") {
                segments.pop();
            }
            "videos"
        }
        Platform::Linkedin => {
            let first = segments.first().map(|s| s.to_ascii_lowercase());
            if segments.len() != 2 || !matches!(first.as_deref(), Some("company" | "showcase")) {
                return Vec::new();
            }
            "posts"
        }
        Platform::Facebook
        | Platform::Instagram
        | Platform::X
        | Platform::Blog
        | Platform::Other => return Vec::new(),
    };
    segments.push(tab.to_string());
    let mut path = format!("/{}", segments.join("/"));
    if slash || platform == Platform::Linkedin {
        path.push('/');
    }
    u.set_path(&path);
    u.set_query(None);
    u.set_fragment(None);
    vec![u.to_string()]
}

/// Checks a Swedish organisationsnummer: `NNNNNN-NNNN`, the middle pair at
/// least 20 (below that it is a personnummer, which has no place in a
/// delivery), and the last digit the Luhn check digit of the nine before it.
pub fn check_organisation_number(s: &str) -> std::result::Result<(), String> {
    let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    let form = s.len() == 11
        && s.as_bytes()[6] == b'-'
        && digits.len() == 10
        && s.chars().filter(|c| c.is_ascii_digit()).count() == 10;
    if !form {
        return Err(format!(
            "`{s}` is not an organisationsnummer: write ten digits as NNNNNN-NNNN, \
             e.g. \"212000-9994\""
        ));
    }
    if digits[2] * 10 + digits[3] < 20 {
        return Err(format!(
            "`{s}` is a personnummer, not an organisationsnummer (its third and fourth \
             digits are below 20); give the organisation's number"
        ));
    }
    let sum: u32 = digits[..9]
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let v = if i % 2 == 0 { d * 2 } else { d };
            v / 10 + v % 10
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    if digits[9] != check {
        return Err(format!(
            "`{s}`: the check digit is wrong (the Luhn check digit of the nine digits \
             before it is {check}); check the number against Bolagsverket's or SCB's register"
        ));
    }
    Ok(())
}

/// A table or an inline table, with its position.
#[derive(Clone)]
struct Tbl<'a> {
    like: &'a dyn TableLike,
    span: Option<Range<usize>>,
}

/// Validation context: collects diagnostics.
struct Cx<'a> {
    text: &'a str,
    file: PathBuf,
    diags: Vec<Diagnostic>,
    /// Account label for diagnostics while inside an `[[account]]`.
    account: Option<String>,
}

impl Cx<'_> {
    fn push(
        &mut self,
        severity: Severity,
        span: Option<Range<usize>>,
        field: Option<&str>,
        message: String,
    ) {
        let (line, column) = line_col(self.text, span.map_or(0, |s| s.start));
        self.diags.push(Diagnostic {
            severity,
            file: self.file.clone(),
            line,
            column,
            account: self.account.clone(),
            field: field.map(str::to_string),
            message,
        });
    }

    fn error(
        &mut self,
        span: Option<Range<usize>>,
        field: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Error, span, field, message.into());
    }

    fn warning(
        &mut self,
        span: Option<Range<usize>>,
        field: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Warning, span, field, message.into());
    }

    fn register(&mut self) -> Option<Register> {
        let doc = match ImDocument::parse(self.text) {
            Ok(doc) => doc,
            Err(e) => {
                self.toml_error(&e);
                return None;
            }
        };
        let root = doc.as_table();
        for (key, _) in root.iter() {
            if key != "organisation" && key != "account" {
                let span = root.key(key).and_then(Key::span);
                self.error(
                    span,
                    Some(key),
                    format!("unknown key `{key}`; expected `[organisation]` or `[[account]]`"),
                );
            }
        }
        let organisation = match root.get("organisation") {
            None => {
                self.error(None, Some("organisation"), "missing `[organisation]` table");
                None
            }
            Some(item) => match table_of(item) {
                Some(t) => self.organisation(&t),
                None => {
                    self.error(
                        item.span(),
                        Some("organisation"),
                        "`organisation` must be a table",
                    );
                    None
                }
            },
        };
        let archivist = root
            .get("organisation")
            .and_then(table_of)
            .and_then(|t| self.contact(&t, "archivist", false));
        let accounts = match root.get("account") {
            None => {
                self.warning(
                    None,
                    Some("account"),
                    "the register has no `[[account]]` tables",
                );
                Vec::new()
            }
            Some(item) => self.accounts(item),
        };
        Some(Register {
            organisation: organisation?,
            accounts,
            archivist,
        })
    }

    /// A register that is not TOML: the parser's message, at the key on the
    /// offending line when there is one.
    fn toml_error(&mut self, e: &toml_edit::TomlError) {
        let msg = e.message().trim().replace('\n', ": ");
        // Name the key on the offending line when there is one.
        let (line, _) = line_col(self.text, e.span().map_or(0, |s| s.start));
        let key = self.text.lines().nth(line - 1).and_then(|l| {
            let (k, _) = l.split_once('=')?;
            let k = k.trim();
            (!k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            .then(|| k.to_string())
        });
        self.error(e.span(), key.as_deref(), format!("invalid TOML: {msg}"));
    }

    /// Every `[[account]]` entry that is valid; each one's problems are reported.
    fn accounts(&mut self, item: &Item) -> Vec<Account> {
        let mut accounts = Vec::new();
        let tables: Vec<Option<Tbl<'_>>> = match item {
            Item::ArrayOfTables(a) => a
                .iter()
                .map(|t| {
                    Some(Tbl {
                        like: t as &dyn TableLike,
                        span: t.span(),
                    })
                })
                .collect(),
            Item::Value(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_inline_table().map(|t| Tbl {
                        like: t as &dyn TableLike,
                        span: t.span(),
                    })
                })
                .collect(),
            _ => {
                self.error(
                    item.span(),
                    Some("account"),
                    "`account` must be an array of tables: write `[[account]]`",
                );
                Vec::new()
            }
        };
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (i, t) in tables.into_iter().enumerate() {
            self.account = Some(format!("#{}", i + 1));
            let Some(t) = t else {
                self.error(item.span(), None, "every `account` entry must be a table");
                continue;
            };
            if let Some(a) = self.account_entry(&t, &mut seen) {
                accounts.push(a);
            }
        }
        self.account = None;
        accounts
    }

    fn unknown_keys(&mut self, t: &Tbl<'_>, allowed: &[&str], prefix: &str) {
        for (key, _) in t.like.iter() {
            if !allowed.contains(&key) {
                let span = t.like.key(key).and_then(Key::span);
                let field = format!("{prefix}{key}");
                self.error(
                    span,
                    Some(&field),
                    format!("unknown key; expected one of: {}", allowed.join(", ")),
                );
            }
        }
    }

    /// A required or optional non-empty string.
    /// The item at `key`; a missing required one is reported with `missing`.
    fn field<'t>(
        &mut self,
        t: &Tbl<'t>,
        key: &str,
        required: bool,
        missing: &str,
    ) -> Option<&'t toml_edit::Item> {
        let item = t.like.get(key);
        if item.is_none() && required {
            self.error(t.span.clone(), Some(key), missing);
        }
        item
    }

    fn string(
        &mut self,
        t: &Tbl<'_>,
        key: &str,
        prefix: &str,
        required: bool,
    ) -> Option<(String, Option<Range<usize>>)> {
        let field = format!("{prefix}{key}");
        match t.like.get(key) {
            None => {
                if required {
                    self.error(t.span.clone(), Some(&field), "missing required field");
                }
                None
            }
            Some(item) => match item.as_str() {
                Some(s) if s.trim().is_empty() => {
                    self.error(item.span(), Some(&field), "must not be empty");
                    None
                }
                Some(s) => Some((s.to_string(), item.span())),
                None => {
                    self.error(
                        item.span(),
                        Some(&field),
                        format!("must be a string, found {}", item.type_name()),
                    );
                    None
                }
            },
        }
    }

    fn url(&mut self, value: &str, span: Option<Range<usize>>, field: &str) -> bool {
        match check_url(value) {
            Ok(()) => true,
            Err(msg) => {
                self.error(span, Some(field), msg);
                false
            }
        }
    }

    fn date(
        &mut self,
        t: &Tbl<'_>,
        key: &str,
        required: bool,
    ) -> Option<(NaiveDate, Option<Range<usize>>)> {
        let item = self.field(
            t,
            key,
            required,
            "missing required field (a date such as 2014-03-01)",
        )?;
        let span = item.span();
        match item.as_value() {
            Some(Value::Datetime(dt)) => {
                let dt = dt.value();
                match (dt.date, dt.time) {
                    (Some(d), None) => match NaiveDate::from_ymd_opt(
                        i32::from(d.year),
                        u32::from(d.month),
                        u32::from(d.day),
                    ) {
                        Some(date) => Some((date, span)),
                        None => {
                            self.error(
                                span,
                                Some(key),
                                format!("{dt} is not a date in the calendar"),
                            );
                            None
                        }
                    },
                    _ => {
                        self.error(
                            span,
                            Some(key),
                            format!("must be a date without time, such as 2014-03-01 (found {dt})"),
                        );
                        None
                    }
                }
            }
            Some(Value::String(s)) => {
                let s = s.value();
                self.error(span, Some(key), format!("must be a TOML date without quotes, e.g. {key} = 2014-03-01 (found the string \"{s}\")"));
                None
            }
            _ => {
                self.error(
                    span,
                    Some(key),
                    format!(
                        "must be a date such as 2014-03-01, found {}",
                        item.type_name()
                    ),
                );
                None
            }
        }
    }

    fn contact(&mut self, t: &Tbl<'_>, key: &str, required: bool) -> Option<Contact> {
        let item = self.field(
            t,
            key,
            required,
            "missing required field, e.g. { name = \"...\", email = \"...\" }",
        )?;
        let Some(c) = table_of(item) else {
            self.error(
                item.span(),
                Some(key),
                format!(
                    "must be a table such as {{ name = \"...\", email = \"...\" }}, found {}",
                    item.type_name()
                ),
            );
            return None;
        };
        let prefix = format!("{key}.");
        self.unknown_keys(&c, CONTACT_KEYS, &prefix);
        let name = self.string(&c, "name", &prefix, true);
        let email = self.string(&c, "email", &prefix, false);
        if let Some((e, span)) = &email {
            if !looks_like_email(e) {
                self.error(
                    span.clone(),
                    Some(&format!("{prefix}email")),
                    format!("`{e}` is not an e-mail address"),
                );
            }
        }
        let phone = self.string(&c, "phone", &prefix, false);
        Some(Contact {
            name: name?.0,
            email: email.map(|e| e.0),
            phone: phone.map(|p| p.0),
        })
    }

    fn string_list(
        &mut self,
        t: &Tbl<'_>,
        key: &str,
    ) -> Option<Vec<(String, Option<Range<usize>>)>> {
        let item = t.like.get(key)?;
        let Some(arr) = item.as_array() else {
            self.error(
                item.span(),
                Some(key),
                format!("must be an array of strings, found {}", item.type_name()),
            );
            return Some(Vec::new());
        };
        let mut out = Vec::new();
        for (i, v) in arr.iter().enumerate() {
            match v.as_str() {
                Some(s) if !s.trim().is_empty() => out.push((s.to_string(), v.span())),
                Some(_) => self.error(v.span(), Some(&format!("{key}[{i}]")), "must not be empty"),
                None => self.error(
                    v.span(),
                    Some(&format!("{key}[{i}]")),
                    format!("must be a string, found {}", v.type_name()),
                ),
            }
        }
        Some(out)
    }

    fn organisation(&mut self, t: &Tbl<'_>) -> Option<Organisation> {
        self.unknown_keys(t, ORGANISATION_KEYS, "");
        let name = self.string(t, "name", "", true);
        let archive_creator = self.string(t, "archive_creator", "", true);
        let website = self.string(t, "website", "", false);
        if let Some((w, span)) = &website {
            self.url(w, span.clone(), "website");
        }
        let number = self.string(t, "organisation_number", "", false);
        match &number {
            Some((n, span)) => {
                if let Err(why) = check_organisation_number(n) {
                    self.error(span.clone(), Some("organisation_number"), why);
                }
            }
            None => self.warning(
                t.span.clone(),
                Some("organisation_number"),
                "missing: without the organisationsnummer an E-ARK delivery cannot say who \
                 delivered it (its agents get no identification code); add \
                 `organisation_number = \"NNNNNN-NNNN\"`",
            ),
        }
        let contact = self.contact(t, "contact", false);
        Some(Organisation {
            name: name?.0,
            archive_creator: archive_creator?.0,
            organisation_number: number.map(|n| n.0),
            website: website.map(|w| w.0),
            contact,
        })
    }

    fn account_entry(&mut self, t: &Tbl<'_>, seen: &mut Vec<(String, usize)>) -> Option<Account> {
        // Name the account by its id in diagnostics as early as possible.
        let id = self.string(t, "id", "", true);
        if let Some((id, _)) = &id {
            self.account = Some(id.clone());
        }
        self.unknown_keys(t, ACCOUNT_KEYS, "");
        let mut ok = true;
        if let Some((id, span)) = &id {
            ok &= self.account_id(id, span, seen);
        }
        let platform = self.platform(t);
        let name = self.string(t, "name", "", true);
        let url = self.string(t, "url", "", true);
        if let Some((u, span)) = &url {
            ok &= self.url(u, span.clone(), "url");
        }
        let extra = self.string_list(t, "extra_pages").unwrap_or_default();
        for (i, (u, span)) in extra.iter().enumerate() {
            ok &= self.url(u, span.clone(), &format!("extra_pages[{i}]"));
        }
        let post_pages = self.string_list(t, "post_pages");
        for (i, (u, span)) in post_pages.iter().flatten().enumerate() {
            ok &= self.url(u, span.clone(), &format!("post_pages[{i}]"));
        }
        let unit = self.string(t, "unit", "", true);
        let board = self.string(t, "board", "", true);
        let purpose = self.string(t, "purpose", "", true);
        let audience = self.string(t, "audience", "", true);
        let responsible = self.contact(t, "responsible", true);
        let deputy = self.contact(t, "deputy", false);
        if t.like.get("deputy").is_none() {
            self.warning(t.span.clone(), Some("deputy"), "no deputy (ersättare); the policy asks for someone who stands in for the responsible person");
        }
        let admins_item = t.like.get("administrators").and_then(Item::span);
        let administrators = self.string_list(t, "administrators");
        let n_admins = administrators.as_ref().map_or(0, |a| {
            a.iter()
                .map(|(name, _)| name.trim().to_lowercase())
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        });
        if n_admins < 2 {
            let span = admins_item.or(t.span.clone());
            self.warning(
                span,
                Some("administrators"),
                format!(
                    "{n_admins} distinct administrator(s); the policy asks for at least two per account"
                ),
            );
        }
        let opened = self.date(t, "opened", true);
        let closed = self.date(t, "closed", false);
        if let (Some((o, _)), Some((c, span))) = (&opened, &closed) {
            if c < o {
                self.error(
                    span.clone(),
                    Some("closed"),
                    format!("closed {c} is before opened {o}"),
                );
                ok = false;
            }
        }
        let retention = self.retention(t);
        if !ok {
            return None;
        }
        Some(Account {
            id: id?.0,
            platform: platform?,
            name: name?.0,
            url: url?.0,
            extra_pages: extra.into_iter().map(|e| e.0).collect(),
            post_pages: post_pages.map(|p| p.into_iter().map(|e| e.0).collect()),
            unit: unit?.0,
            board: board?.0,
            purpose: purpose?.0,
            audience: audience?.0,
            responsible: responsible?,
            deputy,
            administrators: administrators
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.0)
                .collect(),
            opened: opened?.0,
            closed: closed.map(|c| c.0),
            retention: retention?,
        })
    }

    /// An account's id: a slug of at most 64 characters, not used by an
    /// account before it (`seen`: ids with their lines). False when it is not.
    fn account_id(
        &mut self,
        id: &str,
        span: &Option<Range<usize>>,
        seen: &mut Vec<(String, usize)>,
    ) -> bool {
        let mut ok = true;
        if !crate::period::is_slug(id) {
            self.error(
                span.clone(),
                Some("id"),
                "must contain only a-z, 0-9 and `-` (it is used in paths)",
            );
            ok = false;
        } else if id.len() > 64 {
            self.error(span.clone(), Some("id"), "must be at most 64 characters");
            ok = false;
        }
        let line = line_col(self.text, span.as_ref().map_or(0, |s| s.start)).0;
        if let Some((_, first)) = seen.iter().find(|(s, _)| s == id) {
            self.error(
                span.clone(),
                Some("id"),
                format!("duplicate id; already used on line {first}"),
            );
            ok = false;
        } else {
            seen.push((id.to_string(), line));
        }
        ok
    }

    /// An account's `platform`, one of [`PLATFORMS`].
    fn platform(&mut self, t: &Tbl<'_>) -> Option<Platform> {
        match t.like.get("platform") {
            None => {
                self.error(t.span.clone(), Some("platform"), "missing required field");
                None
            }
            Some(item) => match item
                .as_str()
                .and_then(|s| PLATFORMS.iter().find(|(n, _)| *n == s))
            {
                Some((_, p)) => Some(*p),
                None => {
                    let names: Vec<&str> = PLATFORMS.iter().map(|(n, _)| *n).collect();
                    self.error(
                        item.span(),
                        Some("platform"),
                        format!("unknown platform; expected one of: {}", names.join(", ")),
                    );
                    None
                }
            },
        }
    }

    /// An account's `retention`; `bevaras` when it is not given.
    fn retention(&mut self, t: &Tbl<'_>) -> Option<Retention> {
        match t.like.get("retention") {
            None => Some(Retention::Bevaras),
            Some(item) => match item
                .as_str()
                .and_then(|s| RETENTIONS.iter().find(|(n, _)| *n == s))
            {
                Some((_, r)) => Some(*r),
                None => {
                    self.error(
                        item.span(),
                        Some("retention"),
                        "unknown retention; expected `bevaras` or `gallras-vid-inaktualitet`",
                    );
                    None
                }
            },
        }
    }
}

fn table_of(item: &Item) -> Option<Tbl<'_>> {
    match item {
        Item::Table(t) => Some(Tbl {
            like: t,
            span: t.span(),
        }),
        Item::Value(Value::InlineTable(t)) => Some(Tbl {
            like: t,
            span: t.span(),
        }),
        _ => None,
    }
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// Only absolute `http`/`https` URLs with a host are captured.
pub fn check_url(value: &str) -> std::result::Result<(), String> {
    if value.trim() != value || value.chars().any(char::is_whitespace) {
        return Err(format!(
            "`{value}` contains white space; write the URL without spaces"
        ));
    }
    let parsed = url::Url::parse(value)
        .map_err(|e| format!("`{value}` is not a valid URL ({e}); write it as https://..."))?;
    match parsed.scheme() {
        "http" | "https" => {}
        other => {
            return Err(format!(
                "`{other}:` URLs are refused; only http and https pages can be captured"
            ))
        }
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{value}` has no host name"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "`{value}` contains a user name or password; credentials never go in the register"
        ));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::check_organisation_number as check;
    use super::{default_post_pages, pages_of, parse};
    use model::Platform;
    use std::path::Path;

    #[test]
    fn the_pages_that_list_the_posts_are_taken_by_default() {
        let p = |platform, url| default_post_pages(platform, url);
        assert_eq!(
            p(
                Platform::Youtube,
                "https://www.youtube.com/@gislavedskommun"
            ),
            ["https://www.youtube.com/@gislavedskommun/videos"]
        );
        assert_eq!(
            p(
                Platform::Youtube,
                "https://www.youtube.com/@kanal/featured?x=1"
            ),
            ["https://www.youtube.com/@kanal/videos"]
        );
        assert_eq!(
            p(Platform::Youtube, "http://127.0.0.1:8080/youtube/kanal/"),
            ["http://127.0.0.1:8080/youtube/kanal/videos/"]
        );
        assert!(p(Platform::Youtube, "https://www.youtube.com/@kanal/videos").is_empty());
        assert!(p(Platform::Youtube, "https://www.youtube.com/watch?v=abc").is_empty());
        assert_eq!(
            p(
                Platform::Linkedin,
                "https://www.linkedin.com/company/kommunen"
            ),
            ["https://www.linkedin.com/company/kommunen/posts/"]
        );
        assert!(p(
            Platform::Linkedin,
            "https://www.linkedin.com/company/kommunen/posts/"
        )
        .is_empty());
        assert!(p(Platform::Instagram, "https://www.instagram.com/kultur/").is_empty());
        assert!(p(Platform::Facebook, "https://www.facebook.com/kommunen").is_empty());
    }

    #[test]
    fn post_pages_in_the_register_replace_the_platforms_own() {
        let text = |extra: &str| {
            format!(
                "[organisation]\nname = \"K\"\narchive_creator = \"KS\"\n\n[[account]]\nid = \"yt\"\n\
                 platform = \"youtube\"\nname = \"K\"\nurl = \"https://www.youtube.com/@k\"\n\
                 extra_pages = [\"https://www.youtube.com/@k/playlists\"]\n{extra}\
                 unit = \"U\"\nboard = \"B\"\npurpose = \"P\"\naudience = \"A\"\n\
                 responsible = {{ name = \"R\" }}\nopened = 2020-01-01\n"
            )
        };
        let pages = |extra: &str| {
            let (reg, _) = parse(&text(extra), Path::new("accounts.toml")).expect("a register");
            pages_of(&reg.accounts[0])
        };
        assert_eq!(
            pages(""),
            [
                "https://www.youtube.com/@k",
                "https://www.youtube.com/@k/videos",
                "https://www.youtube.com/@k/playlists"
            ]
        );
        assert_eq!(
            pages("post_pages = []\n"),
            [
                "https://www.youtube.com/@k",
                "https://www.youtube.com/@k/playlists"
            ]
        );
        assert_eq!(
            pages("post_pages = [\"https://www.youtube.com/@k/streams\", \"https://www.youtube.com/@k/playlists\"]\n"),
            [
                "https://www.youtube.com/@k",
                "https://www.youtube.com/@k/streams",
                "https://www.youtube.com/@k/playlists"
            ]
        );
    }

    #[test]
    fn organisation_numbers_are_checked_for_form_and_check_digit() {
        assert_eq!(check("212000-9994"), Ok(()));
        assert_eq!(check("556677-8899"), Ok(()));
        let bad = |s: &str, says: &str| {
            let e = check(s).unwrap_err();
            assert!(e.contains(says), "{s}: {e}");
        };
        bad("2120009994", "NNNNNN-NNNN");
        bad("212000-999", "NNNNNN-NNNN");
        bad("21200-09994", "NNNNNN-NNNN");
        bad("212000-999a", "NNNNNN-NNNN");
        bad("212000 9994", "NNNNNN-NNNN");
        bad("212000-9995", "before it is 4");
        bad("212100-9994", "check digit");
        bad("850101-1234", "personnummer");
    }
}
