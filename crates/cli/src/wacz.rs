//! `ogonblick export-wacz RECORD --out FILE.wacz`: a sealed record's web
//! archive packaged as WACZ 1.1.1, for ReplayWeb.page, pywb and the web
//! archives that take WACZ. The package holds each page's `page.warc.gz`
//! byte for byte (the SHA-256 the record's manifest gives it), a
//! `record.warc.gz` with the sealed record itself (snapshot.pdf, record.json,
//! the manifest, the timestamp tokens) as `resource` records, a CDXJ index,
//! `pages/pages.jsonl`, `datapackage.json` and `datapackage-digest.json`.
//! The source is verified first, and every file is checked against the
//! manifest as it is read: nothing is packaged from a record that does not
//! verify.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use capture::warc::{self, Kind, Record};
use chrono::{DateTime, SecondsFormat, Utc};
use registry::journal::Event;
use registry::record::MANIFEST;
use registry::Archive;
use serde_json::json;

use crate::extract::{sha256_hex, verified_source, write_new, Verified};
use crate::{CmdResult, Exit};

/// The WACZ version written (specs.webrecorder.net/wacz/1.1.1).
pub const WACZ_VERSION: &str = "1.1.1";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sealed record: its directory (`arkiv/2026-H1/facebook-kommun`),
    /// its snapshot.pdf, or its id in --archive (`2026-H1/facebook-kommun`).
    pub record: String,
    /// The WACZ file to write. It must not exist (nothing is overwritten)
    /// and must lie outside the archive.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The archive a record id is looked up in.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    /// Trust anchors (PEM) for the record's timestamp tokens, checked as
    /// `verify` checks them (default: the system's roots).
    #[arg(long, value_name = "FILE")]
    pub tsa_ca: Option<PathBuf>,
}

pub fn main(args: Args) -> CmdResult {
    let Some(Verified { dir, source, out }) = verified_source(
        &args.record,
        &args.archive,
        args.tsa_ca.as_deref(),
        &args.out,
        "nothing was exported",
        "it is exported",
    )?
    else {
        return Ok(Exit::Attention);
    };
    let (Some(snapshot_sha256), Some(manifest_sha256)) =
        (&source.snapshot_sha256, &source.manifest_sha256)
    else {
        anyhow::bail!(
            "{} verified, but its snapshot.pdf was not among the files checked",
            dir.display()
        );
    };
    let record = registry::record::read_record(&dir)?;
    let bytes = package(&dir, &record)?;
    let out_sha256 = sha256_hex(&bytes);
    // The archive is locked before anything is written, so a busy archive
    // stops the export before the file exists. Only the archive's journal
    // is written; the record is only read.
    let archive = match &source.archive {
        Some(root) => {
            let a = Archive::open(root)?;
            for w in a.recovery_warnings() {
                eprintln!("warning: {w}");
            }
            Some(a)
        }
        None => None,
    };
    write_new(&out, &bytes)?;
    let line = match &archive {
        Some(a) => {
            let event = Event::WaczCreated {
                record_id: source.record_id.clone(),
                snapshot_sha256: snapshot_sha256.clone(),
                manifest_sha256: manifest_sha256.clone(),
                out: out.display().to_string(),
                out_sha256: out_sha256.clone(),
            };
            match a.append(&event) {
                Ok(entry) => Some(entry.seq),
                Err(e) => {
                    // A package the journal does not know is not handed out.
                    let _ = std::fs::remove_file(&out);
                    return Err(anyhow::Error::new(e).context(
                        "recording wacz.created in the journal; the package was removed",
                    ));
                }
            }
        }
        None => {
            eprintln!(
                "note: {} is not inside an archive (no journal.jsonl above it), so wacz.created is recorded nowhere",
                dir.display()
            );
            None
        }
    };
    eprintln!(
        "wrote {} ({} bytes): the web archive of {} as WACZ {WACZ_VERSION}",
        out.display(),
        bytes.len(),
        record.record_id
    );
    println!("  package SHA-256: {out_sha256}");
    if let Some(seq) = line {
        println!("  journal: wacz.created, seq {seq}");
    }
    Ok(Exit::Ok)
}

/// The record's files as its manifest lists them: path → SHA-256.
fn manifest(dir: &Path) -> anyhow::Result<BTreeMap<String, String>> {
    let path = dir.join(MANIFEST);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let (sum, p) = l.split_once("  ")?;
            Some((p.trim_start_matches('*').to_string(), sum.to_string()))
        })
        .collect())
}

/// `rel` read from `dir`, checked against the manifest (the bytes packaged
/// are the bytes verified).
fn read_checked(
    dir: &Path,
    rel: &str,
    listed: &BTreeMap<String, String>,
) -> anyhow::Result<Vec<u8>> {
    let path = dir.join(rel);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    if let Some(want) = listed.get(rel) {
        let got = sha256_hex(&bytes);
        if &got != want {
            anyhow::bail!(
                "{} changed while it was read (SHA-256 {got}, the manifest gives {want}); nothing was exported",
                path.display()
            );
        }
    }
    Ok(bytes)
}

/// The WACZ of the record in `dir`.
pub fn package(dir: &Path, record: &model::Record) -> anyhow::Result<Vec<u8>> {
    let p = Package {
        dir,
        record,
        listed: manifest(dir)?,
        now: Utc::now(),
    };
    // archive/: each page's WARC as captured, then the record's own.
    let mut warcs = p.page_warcs()?;
    warcs.push(("record.warc.gz".into(), p.record_warc()?));
    let cdxj = cdxj(&warcs)?;
    let pages = p.pages_jsonl();
    let mut files: Vec<(String, Vec<u8>)> = warcs
        .into_iter()
        .map(|(name, b)| (format!("archive/{name}"), b))
        .collect();
    // `.cdx`, as the WACZ specification names an index and as pywb's
    // `wb-manager add --unpack-wacz` looks for one (it takes no `.cdxj`).
    files.push(("indexes/index.cdx".into(), cdxj));
    files.push(("pages/pages.jsonl".into(), pages.into_bytes()));
    let (datapackage, digest) = p.datapackage(&files)?;
    files.push(("datapackage.json".into(), datapackage));
    files.push(("datapackage-digest.json".into(), digest));
    zip_stored(&files, p.now)
}

/// What the package's steps share: the verified record, its manifest, and
/// the moment the package is made.
struct Package<'a> {
    dir: &'a Path,
    record: &'a model::Record,
    /// The record's files as its manifest lists them: path → SHA-256.
    listed: BTreeMap<String, String>,
    now: DateTime<Utc>,
}

impl Package<'_> {
    /// Each page's `page.warc.gz` byte for byte, named after its page;
    /// an error when the record has none.
    fn page_warcs(&self) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
        let mut warcs: Vec<(String, Vec<u8>)> = Vec::new();
        for rel in self.listed.keys().filter(|p| p.ends_with(".warc.gz")) {
            let page = rel
                .rsplit('/')
                .nth(1)
                .filter(|p| !p.is_empty())
                .unwrap_or("page");
            warcs.push((
                format!("{page}.warc.gz"),
                read_checked(self.dir, rel, &self.listed)?,
            ));
        }
        if warcs.is_empty() {
            anyhow::bail!(
                "{} holds no web archive (no page.warc.gz among its files): it was captured before \
                 ogonblick recorded the exchange, or with the recording off; there is nothing to export",
                self.dir.display()
            );
        }
        Ok(warcs)
    }

    /// `record.warc.gz`: a `warcinfo` record, then the sealed record's own
    /// files as `resource` records.
    fn record_warc(&self) -> anyhow::Result<Vec<u8>> {
        let record = self.record;
        let mut own = warc::warcinfo(
            "record.warc.gz",
            self.now,
            &[
                (
                    "software",
                    format!("ogonblick {}", env!("CARGO_PKG_VERSION")),
                ),
                ("format", "WARC File Format 1.1".into()),
                ("isPartOf", record.record_id.clone()),
                (
                    "description",
                    "the sealed record: its PDF/A, record.json, manifest and timestamp tokens"
                        .into(),
                ),
            ],
        )
        .to_gzip();
        for rel in &self.sealed_files() {
            let bytes = read_checked(self.dir, rel, &self.listed)?;
            let mime = match rel.rsplit('.').next() {
                Some("pdf") => "application/pdf",
                Some("json") => "application/json",
                Some("tsr") => "application/timestamp-reply",
                Some("txt") => "text/plain; charset=utf-8",
                _ => "application/octet-stream",
            };
            let mut r = Record::new(Kind::Resource, self.now, mime, bytes);
            r.target_uri = Some(format!("urn:ogonblick:{}/{rel}", record.record_id));
            r.payload_at = Some(0);
            own.extend(r.to_gzip());
        }
        Ok(own)
    }

    /// The record's own files in `record.warc.gz`: the manifest, every file
    /// it lists outside `capture/`, and the timestamp tokens.
    fn sealed_files(&self) -> Vec<String> {
        // The timestamp tokens are over the manifest, outside it (verified above).
        let mut tokens: Vec<String> = std::fs::read_dir(self.dir.join("timestamps"))
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .map(|e| format!("timestamps/{}", e.file_name().to_string_lossy()))
                    .collect()
            })
            .unwrap_or_default();
        tokens.sort();
        std::iter::once(MANIFEST.to_string())
            .chain(
                self.listed
                    .keys()
                    .filter(|p| !p.starts_with("capture/"))
                    .cloned(),
            )
            .chain(tokens)
            .collect()
    }

    /// `pages/pages.jsonl`: one line per captured page.
    fn pages_jsonl(&self) -> String {
        let mut pages = String::from(
            "{\"format\": \"json-pages-1.0\", \"id\": \"pages\", \"title\": \"All Pages\"}\n",
        );
        for p in &self.record.pages {
            pages += &json!({
                "id": p.label,
                "url": p.final_url,
                "ts": p.started.to_rfc3339_opts(SecondsFormat::Secs, true),
                "title": p.title,
            })
            .to_string();
            pages.push('\n');
        }
        pages
    }

    /// `datapackage.json` over `files`, and `datapackage-digest.json` over it.
    fn datapackage(&self, files: &[(String, Vec<u8>)]) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
        let resources: Vec<_> = files
            .iter()
            .map(|(path, b)| {
                json!({
                    "name": path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase(),
                    "path": path,
                    "hash": format!("sha256:{}", sha256_hex(b)),
                    "bytes": b.len(),
                })
            })
            .collect();
        let first = self.record.pages.first();
        let datapackage = serde_json::to_vec_pretty(&json!({
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "software": format!("ogonblick {}", env!("CARGO_PKG_VERSION")),
            "created": self.now.to_rfc3339_opts(SecondsFormat::Secs, true),
            "title": self.record.record_id,
            "mainPageURL": first.map(|p| p.final_url.clone()),
            "mainPageDate": first.map(|p| p.started.to_rfc3339_opts(SecondsFormat::Secs, true)),
            "resources": resources,
        }))?;
        let digest = serde_json::to_vec_pretty(&json!({
            "path": "datapackage.json",
            "hash": format!("sha256:{}", sha256_hex(&datapackage)),
        }))?;
        Ok((datapackage, digest))
    }
}

/// The CDXJ index of every `response` and `resource` record in `warcs`,
/// sorted by SURT key.
fn cdxj(warcs: &[(String, Vec<u8>)]) -> anyhow::Result<Vec<u8>> {
    let mut index = Vec::new();
    for (name, bytes) in warcs {
        let records = warc::index(bytes).map_err(|e| anyhow::anyhow!("archive/{name}: {e}"))?;
        for r in records {
            if r.kind != "response" && r.kind != "resource" {
                continue;
            }
            let Some(url) = &r.target_uri else { continue };
            let ts = r.date.as_deref().map(timestamp14).unwrap_or_default();
            let mut fields = json!({
                "url": url,
                "digest": r.payload_digest,
                "length": r.length.to_string(),
                "offset": r.offset.to_string(),
                "filename": name,
            });
            if let Some(m) = &r.mime {
                fields["mime"] = json!(m);
            }
            if let Some(s) = r.status {
                fields["status"] = json!(s.to_string());
            }
            index.push(format!("{} {ts} {fields}", surt(url)));
        }
    }
    index.sort();
    let mut cdxj = index.join("\n");
    cdxj.push('\n');
    Ok(cdxj.into_bytes())
}

/// A ZIP of `files`, every entry stored (WACZ wants the WARCs readable at
/// their offsets without inflating the archive).
fn zip_stored(files: &[(String, Vec<u8>)], now: DateTime<Utc>) -> anyhow::Result<Vec<u8>> {
    use chrono::{Datelike, Timelike};
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let when = zip::DateTime::from_date_and_time(
        u16::try_from(now.year()).unwrap_or(1980).max(1980),
        now.month() as u8,
        now.day() as u8,
        now.hour() as u8,
        now.minute() as u8,
        now.second() as u8,
    )
    .unwrap_or_default();
    for (path, bytes) in files {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(when)
            .large_file(bytes.len() as u64 >= u64::from(u32::MAX));
        zip.start_file(path.as_str(), opts)
            .with_context(|| format!("packaging {path}"))?;
        zip.write_all(bytes)
            .with_context(|| format!("packaging {path}"))?;
    }
    Ok(zip.finish().context("finishing the WACZ")?.into_inner())
}

/// `2024-09-01T10:00:00.123Z` as `20240901100000`.
fn timestamp14(date: &str) -> String {
    date.chars().filter(char::is_ascii_digit).take(14).collect()
}

/// The SURT form of `url` as pywb's CDXJ keys it: scheme and `www.` gone,
/// host labels reversed, default port dropped, lower case, query arguments
/// sorted, fragment and a trailing slash gone.
pub fn surt(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let Some((scheme, rest)) = lower.split_once("://") else {
        return lower;
    };
    let rest = rest.split('#').next().unwrap_or(rest);
    let (authority, path_query) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (authority, None),
    };
    let default = match scheme {
        "http" => Some("80"),
        "https" => Some("443"),
        _ => None,
    };
    let port = port.filter(|p| Some(*p) != default && !p.is_empty());
    let mut host = host.trim_end_matches('.');
    while let Some(h) = host.strip_prefix("www.") {
        host = h;
    }
    let mut key: Vec<&str> = host.split('.').collect();
    key.reverse();
    let mut out = key.join(",");
    if let Some(p) = port {
        out.push(':');
        out.push_str(p);
    }
    out.push(')');
    let (path, query) = match path_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_query, None),
    };
    let path = if path.is_empty() { "/" } else { path };
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    out.push_str(path);
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        let mut args: Vec<&str> = q.split('&').collect();
        args.sort_unstable();
        out.push('?');
        out.push_str(&args.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys the Python `surt` library (pywb's) gives for the same URLs.
    #[test]
    fn surt_keys_match_pywb() {
        assert_eq!(
            surt("http://127.0.0.1:8080/a/b?c=1&a=2"),
            "1,0,0,127:8080)/a/b?a=2&c=1"
        );
        assert_eq!(
            surt("http://localhost:4000/layouts/x/?n=1"),
            "localhost:4000)/layouts/x?n=1"
        );
        assert_eq!(surt("https://www.Example.se/A?b"), "se,example)/a?b");
        assert_eq!(surt("http://127.0.0.1:80/"), "1,0,0,127)/");
        assert_eq!(timestamp14("2024-09-01T10:00:00.123456Z"), "20240901100000");
    }
}
