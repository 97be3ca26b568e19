//! The writer and the checker together, on records made up in a temp dir (no
//! browser): what the package holds, and what `verify_package` says when it is
//! changed. The validators run on real deliveries in `tests/it/eark.rs`.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use registry::{FileStatus, Period, PlannedFile, PlannedRecord};

use crate::xml::{parse, Element};
use crate::{verify_package, write_sip, Delivery, DocFile, Error, CSIP_NS, METS_NS, SIP_PROFILE};

fn organisation() -> model::Organisation {
    model::Organisation {
        name: "Testby kommun".into(),
        archive_creator: "Kommunstyrelsen".into(),
        organisation_number: Some("212000-9994".into()),
        website: None,
        contact: Some(model::Contact {
            name: "Kommunikation".into(),
            email: Some("info@testby.se".into()),
            phone: None,
        }),
    }
}

/// A sealed-looking record directory with a manifest, and its plan entry.
fn record(archive: &Path, id: &str, dnr: &str) -> PlannedRecord {
    let dir = archive.join(id);
    fs::create_dir_all(dir.join("capture/01-start")).unwrap();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("snapshot.pdf", format!("%PDF-1.4 {id}").into_bytes()),
        (
            "capture/01-start/tile-001.png",
            vec![0x89, b'P', b'N', b'G', 1, 2, 3],
        ),
        ("capture/01-start/text.json", b"[]".to_vec()),
    ];
    let mut manifest = String::new();
    let mut planned = Vec::new();
    for (rel, bytes) in &files {
        fs::write(dir.join(rel), bytes).unwrap();
        let sum = registry::hashing::sha256_hex(bytes);
        manifest.push_str(&format!("{sum}  {rel}\n"));
        planned.push(PlannedFile {
            rel: (*rel).into(),
            path: dir.join(rel),
            sha256: sum,
        });
    }
    let record: model::Record = serde_json::from_value(serde_json::json!({
        "record_id": id,
        "kind": "halvar",
        "period": "2026-H1",
        "handling": "upprättad",
        "pages": [{
            "label": "01-start", "requested_url": "https://example.se/", "final_url": "https://example.se/",
            "title": "Start & <mer>", "started": "2026-07-01T08:00:00Z", "ended": "2026-07-01T08:00:05Z",
            "viewport_width": 1280, "viewport_height": 800, "device_scale": 1.0,
            "full_height": 2000.0, "captured_height": 2000.0,
            "summary": {"title": "Start & <mer>", "word_count": 12},
            "user_agent": "test", "browser_version": "test", "tiles": [], "text_file": "capture/01-start/text.json"
        }],
        "ogonblick_version": "0.1.0",
        "operator": "testare",
        "files": {}
    }))
    .unwrap();
    let json = serde_json::to_vec(&record).unwrap();
    fs::write(dir.join("record.json"), &json).unwrap();
    let sum = registry::hashing::sha256_hex(&json);
    manifest.push_str(&format!("{sum}  record.json\n"));
    planned.push(PlannedFile {
        rel: "record.json".into(),
        path: dir.join("record.json"),
        sha256: sum,
    });
    fs::write(dir.join("manifest-sha256.txt"), &manifest).unwrap();
    planned.push(PlannedFile {
        rel: "manifest-sha256.txt".into(),
        path: dir.join("manifest-sha256.txt"),
        sha256: registry::hashing::sha256_hex(manifest.as_bytes()),
    });
    planned.sort_by(|a, b| a.rel.cmp(&b.rel));
    PlannedRecord {
        record_id: id.into(),
        dir,
        description: format!("Ögonblicksbild av {id}"),
        diarienummer: dnr.into(),
        date: None,
        snapshot_sha256: planned[0].sha256.clone(),
        record,
        files: planned,
    }
}

fn deliver(out: &Path, records: &[PlannedRecord]) -> crate::Result<crate::Written> {
    let org = organisation();
    write_sip(
        out,
        &Delivery {
            period: "2026-H1".parse::<Period>().unwrap(),
            organisation: Some(&org),
            records,
            journal: &[],
            created: Utc.with_ymd_and_hms(2026, 7, 10, 9, 0, 0).unwrap(),
            software_version: "0.1.0",
            documentation: vec![DocFile {
                name: "forteckning.csv".into(),
                bytes: b"datum;diarienummer\r\n".to_vec(),
            }],
        },
    )
}

fn mets(path: &Path) -> Element {
    parse(&fs::read_to_string(path).unwrap()).unwrap()
}

/// A delivery of two records, checked clean, and the temp dir it lives in.
fn delivered() -> (tempfile::TempDir, Vec<PlannedRecord>, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let records = vec![
        record(
            &tmp.path().join("arkiv"),
            "2026-H1/facebook-kommun",
            "KS 2026/1",
        ),
        record(&tmp.path().join("arkiv"), "2026-H1/x-kommun", ""),
    ];
    let w = deliver(&tmp.path().join("ut"), &records).unwrap();
    (tmp, records, w.dir)
}

#[test]
fn the_package_holds_every_sealed_file_and_the_required_metadata() {
    let (_tmp, records, dir) = delivered();
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let root = mets(&dir.join("METS.xml"));
    assert_eq!(root.attr("", "OBJID"), Some(name.as_str()));
    assert_eq!(root.attr("", "PROFILE"), Some(SIP_PROFILE));
    assert_eq!(root.attr(CSIP_NS, "CONTENTINFORMATIONTYPE"), Some("OTHER"));
    assert!(root.attr(CSIP_NS, "OTHERCONTENTINFORMATIONTYPE").is_some());
    let hdr = root.kid(METS_NS, "metsHdr").unwrap();
    assert_eq!(hdr.attr(CSIP_NS, "OAISPACKAGETYPE"), Some("SIP"));
    assert_eq!(hdr.attr("", "CREATEDATE"), Some("2026-07-10T09:00:00.000Z"));
    let roles: Vec<(&str, &str)> = hdr
        .kids(METS_NS, "agent")
        .map(|a| {
            (
                a.attr("", "ROLE").unwrap(),
                a.kid(METS_NS, "name").unwrap().text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("CREATOR", "ogonblick"),
            ("ARCHIVIST", "Kommunstyrelsen"),
            ("CREATOR", "Testby kommun")
        ]
    );
    // Who delivered: the organisationsnummer on the archival creator and the
    // submitting organisation, typed as SIP14 and SIP20 ask.
    let codes: Vec<(&str, Option<&str>, &str)> = hdr
        .kids(METS_NS, "agent")
        .filter_map(|a| {
            let note = a.kid(METS_NS, "note")?;
            Some((
                a.attr("", "ROLE").unwrap(),
                note.attr(CSIP_NS, "NOTETYPE"),
                note.text.as_str(),
            ))
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("CREATOR", Some("SOFTWARE VERSION"), "0.1.0"),
            ("ARCHIVIST", Some("IDENTIFICATIONCODE"), "ORG:2120009994"),
            ("CREATOR", Some("IDENTIFICATIONCODE"), "ORG:2120009994"),
        ]
    );
    let maps: Vec<&Element> = root.kids(METS_NS, "structMap").collect();
    assert_eq!(maps.len(), 1);
    assert_eq!(maps[0].attr("", "LABEL"), Some("CSIP"));
    // Every file element, in every METS, carries the six attributes.
    let mut all = vec![root.clone()];
    for r in &records {
        let rep = dir
            .join("representations")
            .join(r.record_id.replace('/', "_"));
        all.push(mets(&rep.join("METS.xml")));
        for f in &r.files {
            assert_eq!(
                fs::read(rep.join("data").join(&f.rel)).unwrap(),
                fs::read(&f.path).unwrap(),
                "{} is not byte for byte",
                f.rel
            );
        }
    }
    for m in &all {
        for file in m.walk().into_iter().filter(|e| e.name == "file") {
            for a in ["ID", "MIMETYPE", "SIZE", "CREATED", "CHECKSUM"] {
                assert!(
                    file.attr("", a).is_some(),
                    "file line {} lacks {a}",
                    file.line
                );
            }
            assert_eq!(file.attr("", "CHECKSUMTYPE"), Some("SHA-256"));
        }
    }
    let dc =
        fs::read_to_string(dir.join("metadata/descriptive/2026-H1_facebook-kommun.xml")).unwrap();
    assert!(dc.contains("diarienummer: KS 2026/1"), "{dc}");
    assert!(dc.contains("Start &amp; &lt;mer&gt;"), "escaped: {dc}");
    let dc = fs::read_to_string(dir.join("metadata/descriptive/leverans.xml")).unwrap();
    assert!(
        dc.contains("kontakt: Kommunikation, info@testby.se"),
        "{dc}"
    );
    let report = verify_package(&dir, 1).unwrap();
    assert!(report.is_ok(), "{:#?}", report);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn the_package_id_follows_the_content() {
    let tmp = tempfile::tempdir().unwrap();
    let a = record(&tmp.path().join("arkiv"), "2026-H1/a", "");
    let id = |r: &PlannedRecord| {
        crate::object_id(
            &"2026-H1".parse().unwrap(),
            Some(&organisation()),
            std::slice::from_ref(r),
        )
    };
    let first = id(&a);
    assert_eq!(first, id(&a));
    let mut b = a.clone();
    b.diarienummer = "KS 1".into();
    assert_ne!(first, id(&b));
    assert!(first.starts_with("uuid-") && first.len() == 41, "{first}");
    // The same delivery twice is refused.
    deliver(&tmp.path().join("ut"), std::slice::from_ref(&a)).unwrap();
    assert!(matches!(
        deliver(&tmp.path().join("ut"), std::slice::from_ref(&a)),
        Err(Error::Exists(_))
    ));
}

#[test]
fn a_sealed_file_that_changed_stops_the_delivery_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let r = record(&tmp.path().join("arkiv"), "2026-H1/a", "");
    fs::write(r.dir.join("snapshot.pdf"), b"changed").unwrap();
    let out = tmp.path().join("ut");
    assert!(matches!(
        deliver(&out, &[r]),
        Err(Error::SealedFileChanged { .. })
    ));
    assert_eq!(
        fs::read_dir(&out).unwrap().count(),
        0,
        "no package, no partial"
    );
}

#[test]
fn verify_names_a_changed_missing_or_extra_file() {
    let check = |change: &dyn Fn(&Path), path: &str, status: FileStatus| {
        let (_tmp, _records, dir) = delivered();
        change(&dir);
        let r = verify_package(&dir, 1).unwrap();
        assert!(!r.is_ok(), "{path}: still verifies");
        assert!(
            r.files.iter().any(|f| f.path == path && f.status == status),
            "{path} not {status:?}: {:#?}",
            r.files
        );
    };
    let rep = "representations/2026-H1_facebook-kommun";
    let pdf = format!("{rep}/data/snapshot.pdf");
    check(
        &|d| {
            let p = d.join(&pdf);
            let mut b = fs::read(&p).unwrap();
            b[3] ^= 0x20;
            fs::write(p, b).unwrap();
        },
        &pdf,
        FileStatus::Changed,
    );
    let tile = format!("{rep}/data/capture/01-start/tile-001.png");
    check(
        &|d| fs::remove_file(d.join(&tile)).unwrap(),
        &tile,
        FileStatus::Missing,
    );
    let extra = format!("{rep}/data/extra.txt");
    check(
        &|d| fs::write(d.join(&extra), "x").unwrap(),
        &extra,
        FileStatus::Unexpected,
    );
    let premis = "metadata/preservation/premis.xml";
    check(
        &|d| fs::write(d.join(premis), "<premis/>").unwrap(),
        premis,
        FileStatus::Changed,
    );
    let rep_mets = format!("{rep}/METS.xml");
    check(
        &|d| {
            let p = d.join(&rep_mets);
            let t = fs::read_to_string(&p).unwrap().replace("Data", "Dada");
            fs::write(p, t).unwrap();
        },
        &rep_mets,
        FileStatus::Changed,
    );
}

#[test]
fn verify_fails_a_package_whose_mets_breaks_the_rules() {
    let check = |from: &str, to: &str, want: &str| {
        let (_tmp, _records, dir) = delivered();
        let p = dir.join("METS.xml");
        let t = fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{from} not in METS.xml");
        fs::write(&p, t.replacen(from, to, 1)).unwrap();
        let r = verify_package(&dir, 1).unwrap();
        assert!(!r.is_ok(), "still verifies after {from} -> {to}");
        assert!(
            r.problems.iter().any(|x| x.contains(want)),
            "`{want}` not in {:#?}",
            r.problems
        );
    };
    check(" csip:OAISPACKAGETYPE=\"SIP\"", "", "CSIP9");
    check(" CREATEDATE=", " X=", "CSIP7");
    check(
        "<name>ogonblick</name>",
        "<namn>ogonblick</namn>",
        "may not contain <namn>",
    );
    check("<mets ", "<mets foo ", "not well-formed");
    check("<file ID=", "<file XID=", "<file> lacks its required @ID");
}

/// The ids already delivered must never change: these are the values the
/// hand-written version 5 UUID gave before it was replaced by the `uuid` crate
/// (and what Python's `uuid.uuid5` gives for the same namespace).
#[test]
fn uuid_v5_is_stable() {
    for (name, want) in [
        ("event:1", "e3aed72f-04e9-5fff-99c2-77c1cae293ac"),
        ("ogonblick", "c0a5a8e6-ef74-595c-a3c2-fed630bb6a05"),
        (
            "Sundsvalls kommun/2025",
            "3cb11dea-1a04-52f5-af15-7d5a8938dffb",
        ),
        ("åäö", "c543f30f-5666-5f27-bfa9-67537abddf99"),
    ] {
        assert_eq!(crate::uuid_v5(name), want, "{name}");
    }
}

/// `xlink:href` keeps RFC 3986's unreserved characters and `/`, and encodes
/// every other byte in upper-case hex, as the hand-written encoder did.
#[test]
fn href_is_percent_encoded_as_before() {
    assert_eq!(
        crate::write::href("representations/rep 1/data/Å-ä_ö.~%#?.pdf"),
        "representations/rep%201/data/%C3%85-%C3%A4_%C3%B6.~%25%23%3F.pdf"
    );
}
