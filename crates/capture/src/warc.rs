//! WARC/1.1 (ISO 28500) records, each written as a gzip member of its own so
//! that any record can be read alone at its offset, and read back for an
//! index: what the capture's recorder writes (`page.warc.gz`) and what the
//! WACZ export indexes and adds to.

use std::io::{Read, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};

/// The WARC record types we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Warcinfo,
    Request,
    Response,
    Resource,
    Metadata,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Warcinfo => "warcinfo",
            Kind::Request => "request",
            Kind::Response => "response",
            Kind::Resource => "resource",
            Kind::Metadata => "metadata",
        }
    }
}

/// One record before it is written.
#[derive(Debug, Clone)]
pub struct Record {
    pub kind: Kind,
    /// `<urn:uuid:…>`, see [`record_id`].
    pub id: String,
    pub target_uri: Option<String>,
    pub date: DateTime<Utc>,
    pub content_type: String,
    pub concurrent_to: Option<String>,
    /// Further WARC named fields (`WARC-Filename`, `WARC-Warcinfo-ID`, …).
    pub fields: Vec<(String, String)>,
    /// The record block.
    pub block: Vec<u8>,
    /// Where the payload starts in the block (after an HTTP header), so a
    /// `WARC-Payload-Digest` is given; `None` for blocks without one.
    pub payload_at: Option<usize>,
}

/// A fresh record id, `<urn:uuid:…>` (version 4, random).
pub fn record_id() -> String {
    format!("<urn:uuid:{}>", uuid::Uuid::new_v4())
}

/// `sha256:` and the lower-case hex SHA-256 of `bytes`.
pub fn sha256_label(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    format!("sha256:{}", data_encoding::HEXLOWER.encode(&d))
}

/// A WARC-Date with second precision or finer, as WARC/1.1 allows.
pub fn warc_date(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl Record {
    /// A record of `kind` with a fresh id and no fields yet.
    pub fn new(kind: Kind, date: DateTime<Utc>, content_type: &str, block: Vec<u8>) -> Record {
        Record {
            kind,
            id: record_id(),
            target_uri: None,
            date,
            content_type: content_type.to_string(),
            concurrent_to: None,
            fields: Vec::new(),
            block,
            payload_at: None,
        }
    }

    /// The record as WARC bytes, uncompressed.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut h = String::new();
        h.push_str("WARC/1.1\r\n");
        h.push_str(&format!("WARC-Type: {}\r\n", self.kind.name()));
        h.push_str(&format!("WARC-Record-ID: {}\r\n", self.id));
        h.push_str(&format!("WARC-Date: {}\r\n", warc_date(self.date)));
        if let Some(uri) = &self.target_uri {
            h.push_str(&format!("WARC-Target-URI: {}\r\n", one_line(uri)));
        }
        if let Some(c) = &self.concurrent_to {
            h.push_str(&format!("WARC-Concurrent-To: {c}\r\n"));
        }
        for (k, v) in &self.fields {
            h.push_str(&format!("{k}: {}\r\n", one_line(v)));
        }
        h.push_str(&format!(
            "WARC-Block-Digest: {}\r\n",
            sha256_label(&self.block)
        ));
        if let Some(at) = self.payload_at {
            h.push_str(&format!(
                "WARC-Payload-Digest: {}\r\n",
                sha256_label(&self.block[at.min(self.block.len())..])
            ));
        }
        h.push_str(&format!(
            "Content-Type: {}\r\n",
            one_line(&self.content_type)
        ));
        h.push_str(&format!("Content-Length: {}\r\n\r\n", self.block.len()));
        let mut out = Vec::with_capacity(h.len() + self.block.len() + 4);
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(&self.block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    /// The record as one gzip member.
    pub fn to_gzip(&self) -> Vec<u8> {
        gzip(&self.to_bytes())
    }
}

/// `bytes` as one gzip member (fast compression: the capture waits for it).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2 + 64),
        Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// A header value on one line: CR and LF would end the field early.
fn one_line(v: &str) -> String {
    v.replace(['\r', '\n'], " ")
}

/// The `warcinfo` record that opens a WARC file: the software and the fields given.
pub fn warcinfo(filename: &str, date: DateTime<Utc>, info: &[(&str, String)]) -> Record {
    let mut block = String::new();
    for (k, v) in info {
        block.push_str(&format!("{k}: {}\r\n", one_line(v)));
    }
    let mut r = Record::new(
        Kind::Warcinfo,
        date,
        "application/warc-fields",
        block.into_bytes(),
    );
    r.fields
        .push(("WARC-Filename".into(), filename.to_string()));
    r
}

/// One record read back from a `.warc.gz`: where its gzip member is and
/// what an index needs of it.
#[derive(Debug, Clone)]
pub struct Indexed {
    pub offset: u64,
    /// The gzip member's length.
    pub length: u64,
    pub kind: String,
    pub target_uri: Option<String>,
    pub date: Option<String>,
    pub payload_digest: Option<String>,
    /// The HTTP status and `Content-Type` of a response record.
    pub status: Option<u16>,
    pub mime: Option<String>,
}

/// Every record of a `.warc.gz` written one gzip member per record.
pub fn index(bytes: &[u8]) -> Result<Vec<Indexed>, String> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let offset = (bytes.len() - rest.len()) as u64;
        let mut dec = flate2::bufread::GzDecoder::new(rest);
        let mut plain = Vec::new();
        dec.read_to_end(&mut plain)
            .map_err(|e| format!("the gzip member at byte {offset} does not decompress: {e}"))?;
        let after = dec.into_inner();
        let length = (rest.len() - after.len()) as u64;
        if length == 0 {
            return Err(format!("no gzip member at byte {offset}"));
        }
        rest = after;
        let head_end = find(&plain, b"\r\n\r\n")
            .ok_or_else(|| format!("the record at byte {offset} has no end of header"))?;
        let head = String::from_utf8_lossy(&plain[..head_end]);
        if !head.starts_with("WARC/") {
            return Err(format!("the record at byte {offset} is not a WARC record"));
        }
        let field = |name: &str| {
            head.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case(name)
                    .then(|| v.trim().to_string())
            })
        };
        let kind = field("WARC-Type").unwrap_or_default();
        let (mut status, mut mime) = (None, None);
        if kind == "response" {
            let block = &plain[head_end + 4..];
            let http_end = find(block, b"\r\n\r\n").unwrap_or(block.len());
            let http = String::from_utf8_lossy(&block[..http_end]);
            let mut lines = http.lines();
            status = lines
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|s| s.parse().ok());
            mime = lines.find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case("content-type").then(|| {
                    v.split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase()
                })
            });
        }
        out.push(Indexed {
            offset,
            length,
            target_uri: field("WARC-Target-URI"),
            date: field("WARC-Date"),
            payload_digest: field("WARC-Payload-Digest"),
            kind,
            status,
            mime,
        });
    }
    Ok(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_members_that_index_back() {
        let t = DateTime::parse_from_rfc3339("2024-09-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let info = warcinfo("page.warc.gz", t, &[("software", "ogonblick".into())]);
        let mut resp = Record::new(
            Kind::Response,
            t,
            "application/http; msgtype=response",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>hej</p>".to_vec(),
        );
        resp.payload_at = Some(resp.block.len() - 10);
        resp.target_uri = Some("http://example.se/\r\nX: y".into());
        let mut file = info.to_gzip();
        let second = file.len() as u64;
        file.extend(resp.to_gzip());
        let idx = index(&file).unwrap();
        assert_eq!(idx.len(), 2);
        assert_eq!(idx[1].offset, second);
        assert_eq!(idx[1].length, file.len() as u64 - second);
        assert_eq!(idx[1].status, Some(200));
        assert_eq!(idx[1].mime.as_deref(), Some("text/html"));
        assert_eq!(
            idx[1].target_uri.as_deref(),
            Some("http://example.se/  X: y")
        );
        assert_eq!(
            idx[1].payload_digest.as_deref(),
            Some(sha256_label(b"<p>hej</p>").as_str())
        );
        let text = String::from_utf8(resp.to_bytes()).unwrap();
        assert!(text.ends_with("<p>hej</p>\r\n\r\n"));
        assert!(text.contains(&format!("Content-Length: {}\r\n", resp.block.len())));
        assert!(index(&file[..file.len() - 3]).is_err());
    }
}
