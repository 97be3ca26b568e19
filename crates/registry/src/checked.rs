//! What a check finds, whichever check it is: the [`VerifyReport`] that
//! `verify` and the deep check of a delivery (`delivered`) both fill, the
//! [`VerifyOptions`] they are given, a file's verdict kept once
//! ([`merge_file`]), and the timestamp tokens checked against one set of
//! trust anchors ([`Stamps`]). Both checks use it; it uses neither.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Serialize;

use crate::record::{files_on_disk, DirCheck, FileCheck, FileStatus, MANIFEST};
use crate::timestamp::{verify_token, Anchors, TokenCheck, TIMESTAMPS};
use crate::Result;

/// Options for `verify` (and the deep check of a delivery it makes).
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// Hashing threads; 0 = every core.
    pub jobs: usize,
    /// For a PDF: the archive to look it up in (else walk up from the file).
    pub archive: Option<PathBuf>,
    /// Trust anchors (PEM) for timestamp tokens; the system's roots when absent.
    pub tsa_ca: Option<PathBuf>,
    /// A record without a timestamp token that verifies is a problem.
    pub require_timestamp: bool,
}

/// What was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Archive,
    Record,
    Bag,
    /// A bag's `data/` folder: the delivery's records and journal, without
    /// the bag's own manifests.
    Delivery,
    Pdf,
    /// A delivery's own document: `leveranslista.pdf` or `forteckning.csv`.
    Document,
    /// An E-ARK (METS) package, checked by the `eark` crate.
    Sip,
}

/// The result of `verify`, and of every deeper check it makes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyReport {
    pub path: PathBuf,
    pub kind: TargetKind,
    pub algorithms: Vec<String>,
    pub files: Vec<FileCheck>,
    pub ok: u64,
    pub changed: u64,
    pub missing: u64,
    pub unexpected: u64,
    /// Bytes hashed.
    pub bytes: u64,
    pub elapsed_ms: u64,
    /// Everything that makes the target not valid, one sentence each.
    pub problems: Vec<String>,
    /// Valid, but worth a look.
    pub warnings: Vec<String>,
    /// For a PDF: the record it belongs to.
    pub record: Option<String>,
    /// For a record or a PDF: the diarienummer the registrar assigned (the
    /// newest `dnr.assigned` event in the archive's journal), if any.
    pub diarienummer: Option<String>,
    /// For an archive: SHA-256 of the journal's last line (write it down to detect later edits of the tail).
    pub journal_head: Option<String>,
    /// For an E-ARK package: SHA-256 of its root METS.xml, the one file no
    /// METS lists (compare it with the journal's `delivery.created`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mets_sha256: Option<String>,
    /// For a BagIt bag: SHA-256 of its `manifest-sha256.txt`, which names
    /// every payload file (compare it with the journal's `delivery.created`:
    /// the bag's own manifests can be rewritten with bagit.py).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bag_manifest_sha256: Option<String>,
    /// Every RFC 3161 token found and what checking it gave.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<TokenCheck>,
    /// Records that carry no timestamp token (a problem only with `require_timestamp`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unstamped: Vec<String>,
}

impl VerifyReport {
    /// An empty report for `path`.
    pub fn new(path: &Path, kind: TargetKind) -> VerifyReport {
        VerifyReport {
            path: path.to_path_buf(),
            kind,
            algorithms: Vec::new(),
            files: Vec::new(),
            ok: 0,
            changed: 0,
            missing: 0,
            unexpected: 0,
            bytes: 0,
            elapsed_ms: 0,
            problems: Vec::new(),
            warnings: Vec::new(),
            record: None,
            diarienummer: None,
            journal_head: None,
            mets_sha256: None,
            bag_manifest_sha256: None,
            timestamps: Vec::new(),
            unstamped: Vec::new(),
        }
    }

    /// True when nothing is wrong (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && self.changed == 0 && self.missing == 0 && self.unexpected == 0
    }

    /// Sets the ok/changed/missing/unexpected counts from `files`.
    pub fn count(&mut self) {
        let n = |s: FileStatus| self.files.iter().filter(|f| f.status == s).count() as u64;
        (self.ok, self.changed, self.missing, self.unexpected) = (
            n(FileStatus::Ok),
            n(FileStatus::Changed),
            n(FileStatus::Missing),
            n(FileStatus::Unexpected),
        );
    }
}

/// Adds `f` to `files`, or, when that path is there already (checked by
/// another manifest or algorithm), keeps the worse verdict: a file is
/// reported once.
pub(crate) fn merge_file(files: &mut Vec<FileCheck>, f: FileCheck) {
    let rank = |s: FileStatus| match s {
        FileStatus::Ok => 0,
        FileStatus::Unexpected => 1,
        FileStatus::Missing => 2,
        FileStatus::Changed => 3,
    };
    match files.iter_mut().find(|g| g.path == f.path) {
        Some(g) if rank(f.status) > rank(g.status) => *g = f,
        Some(_) => {}
        None => files.push(f),
    }
}

/// Checks timestamp tokens against one set of trust anchors, read once.
pub(crate) struct Stamps {
    anchors: Anchors,
    require: bool,
}

impl Stamps {
    pub(crate) fn new(opts: &VerifyOptions) -> Result<Stamps> {
        let anchors = match &opts.tsa_ca {
            Some(path) => Anchors::from_pem_file(path)?,
            None => Anchors::system(),
        };
        Ok(Stamps {
            anchors,
            require: opts.require_timestamp,
        })
    }

    /// Checks one token file; `label` is its path as reported.
    pub(crate) fn check(
        &self,
        path: &Path,
        label: String,
        over: String,
        digest: &[u8],
        since: Option<chrono::DateTime<Utc>>,
    ) -> TokenCheck {
        let (time, tsa, problems) = match fs::read(path) {
            Ok(der) => verify_token(&der, digest, &self.anchors, since),
            Err(e) => (None, None, vec![format!("cannot read ({e})")]),
        };
        TokenCheck {
            file: label,
            over,
            time,
            since,
            tsa,
            problems,
        }
    }

    /// Checks a record's tokens: those sealed in it (`c.tokens`, under `dir`)
    /// and the late ones in `late` (the archive's `timestamps/<id>/`, and how
    /// findings name that folder). Paths are reported with `prefix`
    /// (`2026-H1/x/` inside an archive).
    pub(crate) fn record(
        &self,
        id: &str,
        dir: &Path,
        prefix: &str,
        c: &DirCheck,
        late: Option<(&Path, &str)>,
        r: &mut VerifyReport,
    ) {
        let digest = c.manifest_sha256.as_deref().and_then(hex_bytes);
        let since = crate::archive::read_record(dir)
            .ok()
            .and_then(|rec| rec.captured_at());
        // (path, label, name inside its timestamps folder)
        let mut files: Vec<(PathBuf, String, String)> = c
            .tokens
            .iter()
            .map(|rel| {
                let name = rel.strip_prefix(&format!("{TIMESTAMPS}/")).unwrap_or(rel);
                (dir.join(rel), format!("{prefix}{rel}"), name.to_string())
            })
            .collect();
        if let Some((late, late_label)) = late {
            let on_disk = files_on_disk(late);
            for rel in on_disk.files.iter().chain(&on_disk.links) {
                let label = format!("{late_label}{rel}");
                files.push((late.join(rel), label, rel.clone()));
            }
        }
        let mut verified = 0;
        for (path, label, name) in files {
            let is_token = name.ends_with(".tsr")
                && !name.contains('/')
                && fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
            if !is_token {
                r.problems.push(format!(
                    "{label}: not a timestamp token (only timestamps/*.tsr files belong there)"
                ));
                r.files.push(FileCheck::unexpected(label));
                continue;
            }
            let Some(digest) = &digest else {
                r.problems.push(format!(
                    "{label}: cannot be checked: the record's {MANIFEST} is missing"
                ));
                continue;
            };
            let check = self.check(&path, label, format!("{prefix}{MANIFEST}"), digest, since);
            if check.problems.is_empty() {
                verified += 1;
            }
            for p in &check.problems {
                r.problems.push(format!("{}: {p}", check.file));
            }
            r.timestamps.push(check);
        }
        if verified == 0 {
            r.unstamped.push(id.to_string());
            if self.require {
                r.problems.push(format!(
                    "{id}: no timestamp token that verifies (--require-timestamp); add one with `ogonblick stamp --tsa URL`"
                ));
            }
        }
    }
}

/// A journal or manifest digest (hex) as bytes; `None` for anything not hex.
pub(crate) fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(hex.as_bytes())
        .ok()
}
