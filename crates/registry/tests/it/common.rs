//! Shared helpers: paths to fixtures and tools, building sample records.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use model::{Handling, PageFacts, Record, RecordKind, Summary, Tile};
use registry::Archive;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixtures() -> PathBuf {
    repo().join("fixtures/registers")
}

/// The Library of Congress BagIt conformance suite, copied into the
/// repository (`tests/bagit-suite/`, public domain, see its LICENSE.md).
pub fn suite() -> PathBuf {
    let p = repo().join("tests/bagit-suite");
    assert!(
        p.join("v1.0").is_dir(),
        "BagIt conformance suite not found at {}",
        p.display()
    );
    p
}

pub fn tool(name: &str, package: &str) {
    let ok = test_support::output(
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {name}")),
    )
    .map(|o| o.status.success())
    .unwrap_or(false);
    assert!(ok, "`{name}` not found: install {package}");
}

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A record as the capture would fill it, with `n_tiles` tiles written into the staging dir.
pub fn sample_record(record_id: &str, period: Option<&str>, kind: RecordKind) -> Record {
    let (register, _) = registry::load(&fixtures().join("good.toml")).unwrap();
    let account = register.accounts[0].clone();
    let page = PageFacts {
        label: "01-start".into(),
        requested_url: account.url.clone(),
        final_url: account.url.clone(),
        http_status: Some(200),
        title: "Gislaveds kommun".into(),
        started: at("2026-07-01T08:00:00Z"),
        ended: at("2026-07-01T08:00:30Z"),
        viewport_width: 1280,
        viewport_height: 900,
        device_scale: 1.0,
        full_height: 3000.0,
        captured_height: 3000.0,
        truncated: None,
        extent: Default::default(),
        obstructions: vec![],
        summary: Summary {
            title: "Gislaveds kommun".into(),
            word_count: 42,
            ..Summary::default()
        },
        user_agent: "test".into(),
        browser_version: "Chromium/1".into(),
        tiles: vec![Tile {
            file: "capture/01-start/tile-001.png".into(),
            css_y: 0.0,
            css_height: 3000.0,
            width_px: 1280,
            height_px: 3000,
        }],
        text_file: "capture/01-start/text.json".into(),
        mhtml_file: None,
        warnings: vec![],
        notes: Vec::new(),
        refused: Default::default(),
    };
    Record {
        record_id: record_id.into(),
        kind,
        organisation: Some(register.organisation.clone()),
        account: Some(account),
        period: period.map(str::to_string),
        handling: Handling::Upprattad,
        pages: vec![page],
        late: false,
        ogonblick_version: "0.1.0".into(),
        operator: "test".into(),
        reason: None,
        sender: None,
        diarienummer: String::new(),
        files: BTreeMap::new(),
        timestamp_authorities: Vec::new(),
    }
}

/// Stages, writes two raw files and seals one half-year record.
pub fn seal_sample(archive: &Archive, record_id: &str) -> registry::Sealed {
    let period = record_id.split('/').next().unwrap();
    let staging = archive.stage(record_id).unwrap();
    let cap = staging.capture_dir().join("01-start");
    std::fs::create_dir_all(&cap).unwrap();
    std::fs::write(
        cap.join("tile-001.png"),
        format!("png bytes of {record_id}"),
    )
    .unwrap();
    std::fs::write(cap.join("text.json"), "[]").unwrap();
    let mut record = sample_record(record_id, Some(period), RecordKind::Halvar);
    let pdf = format!("%PDF-1.4 fake snapshot of {record_id}\n%%EOF\n");
    archive.seal(staging, &mut record, pdf.as_bytes()).unwrap()
}

/// Makes a tree writable again (sealed records are read-only) so a test can tamper with it.
pub fn writable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for e in walkdir::WalkDir::new(path).into_iter().flatten() {
        let mode = if e.file_type().is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}
