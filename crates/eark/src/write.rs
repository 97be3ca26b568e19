//! Writing one delivery as an E-ARK SIP: the root `METS.xml`, Dublin Core
//! descriptions, PREMIS preservation metadata, one representation (with its
//! own `METS.xml`) per record, the schemas and the documentation.
//!
//! Built in a temporary sibling directory and renamed to `<out>/<OBJID>` at
//! the end, so an interrupted delivery leaves no half package behind.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Europe::Stockholm;
use model::Organisation;
use registry::journal::Event as JournalEvent;
use registry::{JournalEntry, Period, PlannedRecord};
use sha2::{Digest, Sha256};

use crate::xml::Xml;
use crate::{Error, Result, CSIP_NS, METS_NS, SIP_NS, SIP_PROFILE, XLINK_NS};

const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
const PREMIS_NS: &str = "http://www.loc.gov/premis/v3";
const OAI_DC_NS: &str = "http://www.openarchives.org/OAI/2.0/oai_dc/";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

/// The content category (CSIP2, from the CSIP vocabulary): captured web pages.
pub const CONTENT_CATEGORY: &str = "Websites";
/// What `@csip:OTHERCONTENTINFORMATIONTYPE` says the content is.
pub const CONTENT_INFORMATION_TYPE: &str =
    "ogonblick: snapshots of official social-media accounts (PDF/A record directory with raw capture and SHA-256 manifest)";

/// The schemas every package carries in `schemas/`, embedded at build time.
pub const SCHEMAS: [(&str, &[u8]); 5] = [
    ("mets.xsd", include_bytes!("../schemas/mets.xsd")),
    ("xlink.xsd", include_bytes!("../schemas/xlink.xsd")),
    (
        "DILCISExtensionMETS.xsd",
        include_bytes!("../schemas/DILCISExtensionMETS.xsd"),
    ),
    (
        "DILCISExtensionSIPMETS.xsd",
        include_bytes!("../schemas/DILCISExtensionSIPMETS.xsd"),
    ),
    ("premis.xsd", include_bytes!("../schemas/premis.xsd")),
];

/// One file for `documentation/`.
#[derive(Debug, Clone)]
pub struct DocFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Everything one SIP is made of.
#[derive(Debug, Clone)]
pub struct Delivery<'a> {
    pub period: Period,
    pub organisation: Option<&'a Organisation>,
    pub records: &'a [PlannedRecord],
    /// The archive's journal: the PREMIS events come from it.
    pub journal: &'a [JournalEntry],
    /// Package creation time (`metsHdr/@CREATEDATE`).
    pub created: DateTime<Utc>,
    /// `ogonblick` version.
    pub software_version: &'a str,
    /// `leveranslista.pdf`, `forteckning.csv`, ...
    pub documentation: Vec<DocFile>,
}

/// What [`write_sip`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// `<out>/<OBJID>`.
    pub dir: PathBuf,
    pub object_id: String,
    pub files: u64,
    pub bytes: u64,
    /// SHA-256 of the root METS.xml: the one file no METS lists, worth
    /// quoting in the delivery note and the journal.
    pub mets_sha256: String,
}

/// A name-based (version 5) UUID in ogonblick's own namespace.
pub fn uuid_v5(name: &str) -> String {
    // Random once, fixed for ever: ogonblick's UUID namespace ("ogonblick-sip-v1").
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_bytes(*b"ogonblick-sip-v1");
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

/// The package id, `uuid-…`: derived from the organisation, the period and
/// the records (ids, manifest hashes, diarienummer), so the same delivery
/// always gets the same id and a different one never does.
pub fn object_id(
    period: &Period,
    organisation: Option<&Organisation>,
    records: &[PlannedRecord],
) -> String {
    let mut name = format!(
        "ogonblick-sip\n{}\n{}\n",
        organisation.map(|o| o.name.as_str()).unwrap_or(""),
        period
    );
    for r in records {
        let manifest = r
            .files
            .iter()
            .find(|f| f.rel == registry::archive::MANIFEST)
            .map(|f| f.sha256.as_str())
            .unwrap_or("");
        name.push_str(&format!(
            "{}\t{manifest}\t{}\n",
            r.record_id, r.diarienummer
        ));
    }
    format!("uuid-{}", uuid_v5(&name))
}

/// The representation folder of a record: `2026-H1/facebook-kommun` → `2026-H1_facebook-kommun`.
pub fn representation_name(record_id: &str) -> String {
    record_id.replace('/', "_")
}

/// Where a record's files land inside the package.
pub fn data_dir(record_id: &str) -> String {
    format!("representations/{}/data", representation_name(record_id))
}

/// A METS `@ID` (an XML NCName), unique and stable for a key.
fn xml_id(key: &str) -> String {
    format!("ID-{}", uuid_v5(key))
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// IANA media type by file name.
pub fn mime_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "mhtml" | "mht" => "multipart/related",
        "html" | "htm" => "text/html",
        "txt" | "jsonl" => "text/plain",
        "csv" => "text/csv",
        "xml" | "xsd" => "application/xml",
        "tsr" => "application/timestamp-reply",
        _ => "application/octet-stream",
    }
}

/// Everything but RFC 3986's unreserved characters and `/` is percent-encoded.
const HREF: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Percent-encodes a relative path for `xlink:href` (`/` kept).
pub(crate) fn href(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, HREF).to_string()
}

/// One file written into the package, as METS and PREMIS describe it.
#[derive(Debug, Clone)]
struct Entry {
    /// Path from the package root.
    path: String,
    size: u64,
    sha256: String,
    created: DateTime<Utc>,
    /// Where it came from in the archive (`2026-H1/x/snapshot.pdf`), for PREMIS.
    original: Option<String>,
}

impl Entry {
    fn mime(&self) -> &'static str {
        mime_type(&self.path)
    }
}

/// Writes the package into `<out>/<OBJID>`; `out` is created if needed, the
/// package directory must not exist.
pub fn write_sip(out: &Path, d: &Delivery<'_>) -> Result<Written> {
    let object_id = object_id(&d.period, d.organisation, d.records);
    let final_dir = out.join(&object_id);
    if final_dir.exists() {
        return Err(Error::Exists(final_dir));
    }
    fs::create_dir_all(out).map_err(Error::io("create", out))?;
    let prefix = format!(".{object_id}.partial-");
    registry::archive::remove_dead_temporaries(out, &prefix)?;
    let tmp = out.join(format!("{prefix}{}", std::process::id()));
    if tmp.exists() {
        registry::archive::make_writable(&tmp);
        fs::remove_dir_all(&tmp).map_err(Error::io("remove the old partial package", &tmp))?;
    }
    match write_into(&tmp, &object_id, d) {
        Ok(mut w) => {
            if final_dir.exists() {
                let _ = fs::remove_dir_all(&tmp);
                return Err(Error::Exists(final_dir));
            }
            registry::fault::point("deliver.before_rename");
            fs::rename(&tmp, &final_dir).map_err(Error::io(
                "move the finished package into place at",
                &final_dir,
            ))?;
            sync_dir(out)?;
            registry::fault::point("deliver.after_rename");
            w.dir = final_dir;
            Ok(w)
        }
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

fn sync_dir(p: &Path) -> Result<()> {
    File::open(p)
        .and_then(|f| f.sync_all())
        .map_err(Error::io("sync the directory", p))
}

/// Writes bytes to `root/rel`, synced; returns its entry.
fn put(root: &Path, rel: &str, bytes: &[u8], created: DateTime<Utc>) -> Result<Entry> {
    let path = root.join(rel);
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).map_err(Error::io("create", p))?;
    }
    let mut f = File::create(&path).map_err(Error::io("create", &path))?;
    f.write_all(bytes).map_err(Error::io("write", &path))?;
    f.sync_all().map_err(Error::io("sync", &path))?;
    Ok(Entry {
        path: rel.to_string(),
        size: bytes.len() as u64,
        sha256: registry::hashing::sha256_hex(bytes),
        created,
        original: None,
    })
}

/// Copies a sealed file into the package, hashing what it copies; a file
/// that no longer matches its manifest stops the delivery.
fn copy_sealed(
    root: &Path,
    rel: &str,
    src: &Path,
    want: &str,
    created: DateTime<Utc>,
    original: String,
) -> Result<Entry> {
    let path = root.join(rel);
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).map_err(Error::io("create", p))?;
    }
    let mut input = File::open(src).map_err(Error::io("read", src))?;
    let mut out = File::create(&path).map_err(Error::io("create", &path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buf).map_err(Error::io("read", src))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        out.write_all(&buf[..n])
            .map_err(Error::io("write", &path))?;
        size += n as u64;
    }
    out.sync_all().map_err(Error::io("sync", &path))?;
    registry::fault::point("deliver.mid_copy");
    let sha256 = registry::hashing::hex(&h.finalize());
    if sha256 != want {
        return Err(Error::SealedFileChanged {
            path: src.to_path_buf(),
            expected: want.to_string(),
            actual: sha256,
        });
    }
    Ok(Entry {
        path: rel.to_string(),
        size,
        sha256,
        created,
        original: Some(original),
    })
}

/// A representation written: its name, its METS, and its other files.
type Representation = (String, Entry, Vec<Entry>);

fn write_into(root: &Path, object_id: &str, d: &Delivery<'_>) -> Result<Written> {
    fs::create_dir_all(root).map_err(Error::io("create", root))?;
    let now = d.created;

    // Representations first: their files, PREMIS and METS.
    let reps = write_representations(root, d)?;

    let mut schemas = Vec::new();
    for (name, bytes) in SCHEMAS {
        schemas.push(put(root, &format!("schemas/{name}"), bytes, now)?);
    }
    let mut docs = Vec::new();
    for doc in &d.documentation {
        docs.push(put(
            root,
            &format!("documentation/{}", doc.name),
            &doc.bytes,
            now,
        )?);
    }
    let descriptive = write_descriptive(root, object_id, d)?;
    // The package-level PREMIS covers every file but itself and the METS files.
    let mut objects: Vec<Entry> = Vec::new();
    for (_, mets, files) in &reps {
        objects.push(mets.clone());
        objects.extend(files.iter().cloned());
    }
    objects.extend(schemas.iter().cloned());
    objects.extend(docs.iter().cloned());
    objects.extend(descriptive.iter().cloned());
    let premis = put(
        root,
        "metadata/preservation/premis.xml",
        &premis_xml(
            d,
            &objects,
            &events_for(d, None),
            "../../schemas/premis.xsd",
        ),
        now,
    )?;

    let mets = root_mets(d, object_id, &reps, &schemas, &docs, &descriptive, &premis);
    let mets_entry = put(root, "METS.xml", &mets, now)?;

    let mut files = 1u64;
    let mut bytes = mets_entry.size;
    for e in objects.iter().chain([&premis]) {
        files += 1;
        bytes += e.size;
    }
    for entry in walkdir::WalkDir::new(root)
        .contents_first(true)
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_dir() {
            sync_dir(entry.path())?;
        }
    }
    Ok(Written {
        dir: root.to_path_buf(),
        object_id: object_id.to_string(),
        files,
        bytes,
        mets_sha256: mets_entry.sha256,
    })
}

/// One representation per record: its sealed files copied byte for byte,
/// its PREMIS and its METS. Returns each one's name, METS and other files.
fn write_representations(root: &Path, d: &Delivery<'_>) -> Result<Vec<Representation>> {
    let now = d.created;
    let sealed_at = sealing_times(d.journal);
    let mut reps: Vec<Representation> = Vec::new();
    for r in d.records {
        let rep = representation_name(&r.record_id);
        let created = sealed_at
            .get(&r.record_id)
            .copied()
            .or_else(|| r.record.captured_at())
            .unwrap_or(now);
        let mut data = Vec::new();
        for f in &r.files {
            data.push(copy_sealed(
                root,
                &format!("representations/{rep}/data/{}", f.rel),
                &f.path,
                &f.sha256,
                created,
                format!("{}/{}", r.record_id, f.rel),
            )?);
        }
        let premis = premis_xml(
            d,
            &data,
            &events_for(d, Some(&r.record_id)),
            "../../../../schemas/premis.xsd",
        );
        let premis_entry = put(
            root,
            &format!("representations/{rep}/metadata/preservation/premis.xml"),
            &premis,
            now,
        )?;
        let mets = representation_mets(d, &rep, r, &data, &premis_entry);
        let mets_entry = put(root, &format!("representations/{rep}/METS.xml"), &mets, now)?;
        let mut all = data;
        all.push(premis_entry);
        reps.push((rep, mets_entry, all));
    }
    Ok(reps)
}

/// The Dublin Core of the delivery and of each record.
fn write_descriptive(root: &Path, object_id: &str, d: &Delivery<'_>) -> Result<Vec<Entry>> {
    let now = d.created;
    let mut descriptive = vec![put(
        root,
        "metadata/descriptive/leverans.xml",
        &delivery_dc(d, object_id),
        now,
    )?];
    for r in d.records {
        let rep = representation_name(&r.record_id);
        descriptive.push(put(
            root,
            &format!("metadata/descriptive/{rep}.xml"),
            &record_dc(d, r),
            now,
        )?);
    }
    Ok(descriptive)
}

/// The newest `record.sealed` time of each record.
fn sealing_times(journal: &[JournalEntry]) -> BTreeMap<String, DateTime<Utc>> {
    journal
        .iter()
        .filter(|e| e.event == JournalEvent::RECORD_SEALED)
        .filter_map(|e| e.field("record_id").map(|id| (id.to_string(), e.at)))
        .collect()
}

/// Root `<mets>` attributes shared by the package and representation METS.
fn mets_open(x: &mut Xml, object_id: &str, label: &str, schemas: &str) {
    let loc = format!(
        "{METS_NS} {schemas}mets.xsd {XLINK_NS} {schemas}xlink.xsd {CSIP_NS} {schemas}DILCISExtensionMETS.xsd {SIP_NS} {schemas}DILCISExtensionSIPMETS.xsd"
    );
    x.open(
        "mets",
        &[
            ("xmlns", METS_NS),
            ("xmlns:xlink", XLINK_NS),
            ("xmlns:xsi", XSI_NS),
            ("xmlns:csip", CSIP_NS),
            ("xmlns:sip", SIP_NS),
            ("xsi:schemaLocation", &loc),
            ("OBJID", object_id),
            ("LABEL", label),
            ("TYPE", CONTENT_CATEGORY),
            ("csip:CONTENTINFORMATIONTYPE", "OTHER"),
            ("csip:OTHERCONTENTINFORMATIONTYPE", CONTENT_INFORMATION_TYPE),
            ("PROFILE", SIP_PROFILE),
        ],
    );
}

/// Opens `<metsHdr>` (a new SIP, created and last modified `now`) with the
/// software agent in it; the caller adds its agents and closes it.
fn mets_hdr_open(x: &mut Xml, now: &str, version: &str) {
    x.open(
        "metsHdr",
        &[
            ("CREATEDATE", now),
            ("LASTMODDATE", now),
            ("RECORDSTATUS", "NEW"),
            ("csip:OAISPACKAGETYPE", "SIP"),
        ],
    );
    software_agent(x, version);
}

/// `<amdSec>` with one `<digiprovMD>` pointing at a PREMIS file; returns the
/// digiprovMD's ID for the structMap.
fn amd_sec(x: &mut Xml, key: &str, premis: &Entry, base: &str, now: &str) -> String {
    let digiprov = xml_id(&format!("digiprov:{}", premis.path));
    x.open("amdSec", &[("ID", &xml_id(&format!("amd:{key}")))]);
    x.open(
        "digiprovMD",
        &[("ID", &digiprov), ("CREATED", now), ("STATUS", "CURRENT")],
    );
    md_ref(x, premis, base, "PREMIS", Some("3.0"));
    x.close();
    x.close();
    digiprov
}

/// An organisationsnummer as an agent's identification code (SIP13-14,
/// SIP19-20): `ORG:` and the ten digits, the form FGS Paketstruktur 1.2 gave
/// Swedish organisation numbers (the SIP text leaves the form open).
pub(crate) fn identification_code(organisation_number: &str) -> String {
    let digits: String = organisation_number
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    format!("ORG:{digits}")
}

fn software_agent(x: &mut Xml, version: &str) {
    x.open(
        "agent",
        &[
            ("ROLE", "CREATOR"),
            ("TYPE", "OTHER"),
            ("OTHERTYPE", "SOFTWARE"),
        ],
    );
    x.leaf("name", &[], "ogonblick");
    x.leaf("note", &[("csip:NOTETYPE", "SOFTWARE VERSION")], version);
    x.close();
}

fn file_el(x: &mut Xml, e: &Entry, base: &str) {
    let id = xml_id(&format!("file:{}", e.path));
    let size = e.size.to_string();
    let created = time(e.created);
    let rel = e.path.strip_prefix(base).unwrap_or(&e.path);
    x.open(
        "file",
        &[
            ("ID", &id),
            ("MIMETYPE", e.mime()),
            ("SIZE", &size),
            ("CREATED", &created),
            ("CHECKSUM", &e.sha256),
            ("CHECKSUMTYPE", "SHA-256"),
        ],
    );
    x.empty(
        "FLocat",
        &[
            ("LOCTYPE", "URL"),
            ("xlink:type", "simple"),
            ("xlink:href", &href(rel)),
        ],
    );
    x.close();
}

fn md_ref(x: &mut Xml, e: &Entry, base: &str, mdtype: &str, version: Option<&str>) {
    let id = xml_id(&format!("mdref:{}", e.path));
    let size = e.size.to_string();
    let created = time(e.created);
    let rel = e.path.strip_prefix(base).unwrap_or(&e.path);
    let h = href(rel);
    let mut attrs = vec![
        ("ID", id.as_str()),
        ("LOCTYPE", "URL"),
        ("xlink:type", "simple"),
        ("xlink:href", h.as_str()),
        ("MDTYPE", mdtype),
    ];
    if let Some(v) = version {
        attrs.push(("MDTYPEVERSION", v));
    }
    attrs.extend([
        ("MIMETYPE", e.mime()),
        ("SIZE", size.as_str()),
        ("CREATED", created.as_str()),
        ("CHECKSUM", e.sha256.as_str()),
        ("CHECKSUMTYPE", "SHA-256"),
    ]);
    x.empty("mdRef", &attrs);
}

/// A `fileGrp`'s attributes. Every group states the content information type:
/// CSIP62 asks it of representation groups, and eark-validator's CSIP63 test
/// fails any group without it.
fn grp_attrs<'a>(id: &'a str, use_: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("ID", id),
        ("USE", use_),
        ("csip:CONTENTINFORMATIONTYPE", "OTHER"),
        ("csip:OTHERCONTENTINFORMATIONTYPE", CONTENT_INFORMATION_TYPE),
    ]
}

fn root_mets(
    d: &Delivery<'_>,
    object_id: &str,
    reps: &[Representation],
    schemas: &[Entry],
    docs: &[Entry],
    descriptive: &[Entry],
    premis: &Entry,
) -> Vec<u8> {
    let org = d.organisation.map(|o| o.name.as_str()).unwrap_or("");
    let label = format!(
        "Ögonblicksbilder av {org}s officiella konton i sociala medier, {}",
        d.period.display_sv()
    );
    let now = time(d.created);
    let mut x = Xml::new();
    mets_open(&mut x, object_id, &label, "schemas/");
    mets_hdr_open(&mut x, &now, d.software_version);
    root_agents(&mut x, d);
    // No contact agent (SIP21, MAY): commons-ip takes every CREATOR agent
    // that is not software for the submitter and allows only one. The
    // contact is in the delivery's Dublin Core instead.
    x.close();

    let mut dmd_ids = Vec::new();
    for e in descriptive {
        let id = xml_id(&format!("dmd:{}", e.path));
        x.open(
            "dmdSec",
            &[("ID", &id), ("CREATED", &now), ("STATUS", "CURRENT")],
        );
        md_ref(&mut x, e, "", "DC", None);
        x.close();
        dmd_ids.push(id);
    }
    let digiprov_id = amd_sec(&mut x, "root", premis, "", &now);

    let (doc_grp, schema_grp, rep_grp) = root_file_sec(&mut x, reps, schemas, docs);

    x.open(
        "structMap",
        &[
            ("ID", &xml_id("structmap:root")),
            ("TYPE", "PHYSICAL"),
            ("LABEL", "CSIP"),
        ],
    );
    x.open("div", &[("ID", &xml_id("div:root")), ("LABEL", object_id)]);
    let dmdid = dmd_ids.join(" ");
    x.empty(
        "div",
        &[
            ("ID", &xml_id("div:Metadata")),
            ("LABEL", "Metadata"),
            ("DMDID", &dmdid),
            ("ADMID", &digiprov_id),
        ],
    );
    x.open(
        "div",
        &[
            ("ID", &xml_id("div:Documentation")),
            ("LABEL", "Documentation"),
        ],
    );
    x.empty("fptr", &[("FILEID", &doc_grp)]);
    x.close();
    x.open(
        "div",
        &[("ID", &xml_id("div:Schemas")), ("LABEL", "Schemas")],
    );
    x.empty("fptr", &[("FILEID", &schema_grp)]);
    x.close();
    x.open(
        "div",
        &[
            ("ID", &xml_id("div:Representations")),
            ("LABEL", "Representations"),
        ],
    );
    x.empty("fptr", &[("FILEID", &rep_grp)]);
    for (rep, mets, _) in reps {
        let label = format!("Representations/{rep}");
        x.open(
            "div",
            &[("ID", &xml_id(&format!("div:{label}"))), ("LABEL", &label)],
        );
        x.empty(
            "mptr",
            &[
                ("LOCTYPE", "URL"),
                ("xlink:type", "simple"),
                ("xlink:href", &href(&mets.path)),
                ("xlink:title", rep),
            ],
        );
        x.close();
    }
    x.close();
    x.close();
    x.close();
    x.close();
    x.finish()
}

/// The package's agents in its `metsHdr`: the archival creator (SIP9-14)
/// and the submitting organisation (SIP15-20), each with the
/// organisationsnummer as its identification code.
fn root_agents(x: &mut Xml, d: &Delivery<'_>) {
    let org = d.organisation.map(|o| o.name.as_str()).unwrap_or("");
    let creator = d
        .organisation
        .map(|o| o.archive_creator.as_str())
        .unwrap_or("");
    let code = d
        .organisation
        .and_then(|o| o.organisation_number.as_deref())
        .map(identification_code);
    // SIP9-14: the archival creator (arkivbildare). A nämnd has no number of
    // its own: it is part of the municipality, whose number identifies it.
    if !creator.is_empty() {
        x.open("agent", &[("ROLE", "ARCHIVIST"), ("TYPE", "ORGANIZATION")]);
        x.leaf("name", &[], creator);
        if let Some(code) = &code {
            x.leaf("note", &[("csip:NOTETYPE", "IDENTIFICATIONCODE")], code);
        }
        x.close();
    }
    // SIP15-20: the submitting organisation.
    x.open("agent", &[("ROLE", "CREATOR"), ("TYPE", "ORGANIZATION")]);
    x.leaf(
        "name",
        &[],
        if org.is_empty() {
            "okänd organisation"
        } else {
            org
        },
    );
    if let Some(code) = &code {
        x.leaf("note", &[("csip:NOTETYPE", "IDENTIFICATIONCODE")], code);
    }
    x.close();
}

/// The package's `fileSec`: documentation, schemas and the representations'
/// METS.xml, one group each. Returns the three groups' ids.
fn root_file_sec(
    x: &mut Xml,
    reps: &[Representation],
    schemas: &[Entry],
    docs: &[Entry],
) -> (String, String, String) {
    x.open("fileSec", &[("ID", &xml_id("filesec:root"))]);
    let doc_grp = xml_id("grp:Documentation");
    x.open("fileGrp", &grp_attrs(&doc_grp, "Documentation"));
    for e in docs {
        file_el(x, e, "");
    }
    x.close();
    let schema_grp = xml_id("grp:Schemas");
    x.open("fileGrp", &grp_attrs(&schema_grp, "Schemas"));
    for e in schemas {
        file_el(x, e, "");
    }
    x.close();
    // One group holds every representation's METS.xml: commons-ip wants a
    // `Representations` group behind the `Representations` division that
    // eark-validator asks for (CSIP101, CSIP103).
    let rep_grp = xml_id("grp:Representations");
    x.open("fileGrp", &grp_attrs(&rep_grp, "Representations"));
    for (_, mets, _) in reps {
        file_el(x, mets, "");
    }
    x.close();
    x.close();
    (doc_grp, schema_grp, rep_grp)
}

fn representation_mets(
    d: &Delivery<'_>,
    rep: &str,
    r: &PlannedRecord,
    data: &[Entry],
    premis: &Entry,
) -> Vec<u8> {
    let base = format!("representations/{rep}/");
    let now = time(d.created);
    let mut x = Xml::new();
    mets_open(&mut x, rep, &r.description, "../../schemas/");
    mets_hdr_open(&mut x, &now, d.software_version);
    x.close();
    let digiprov = amd_sec(&mut x, rep, premis, &base, &now);
    x.open("fileSec", &[("ID", &xml_id(&format!("filesec:{rep}")))]);
    let grp = xml_id(&format!("grp:{rep}:Data"));
    x.open("fileGrp", &grp_attrs(&grp, "Data"));
    for e in data {
        file_el(&mut x, e, &base);
    }
    x.close();
    x.close();
    x.open(
        "structMap",
        &[
            ("ID", &xml_id(&format!("structmap:{rep}"))),
            ("TYPE", "PHYSICAL"),
            ("LABEL", "CSIP"),
        ],
    );
    x.open(
        "div",
        &[("ID", &xml_id(&format!("div:{rep}"))), ("LABEL", rep)],
    );
    x.empty(
        "div",
        &[
            ("ID", &xml_id(&format!("div:{rep}:Metadata"))),
            ("LABEL", "Metadata"),
            ("ADMID", &digiprov),
        ],
    );
    x.open(
        "div",
        &[
            ("ID", &xml_id(&format!("div:{rep}:Data"))),
            ("LABEL", "Data"),
        ],
    );
    x.empty("fptr", &[("FILEID", &grp)]);
    x.close();
    x.close();
    x.close();
    x.close();
    x.finish()
}

fn dc_open(x: &mut Xml) {
    x.open(
        "oai_dc:dc",
        &[
            ("xmlns:oai_dc", OAI_DC_NS),
            ("xmlns:dc", DC_NS),
            ("xmlns:xsi", XSI_NS),
            (
                "xsi:schemaLocation",
                "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
            ),
        ],
    );
}

fn sv(x: &mut Xml, name: &str, text: &str) {
    if !text.trim().is_empty() {
        x.leaf(name, &[("xml:lang", "sv")], text);
    }
}

fn delivery_dc(d: &Delivery<'_>, object_id: &str) -> Vec<u8> {
    let org = d.organisation.map(|o| o.name.as_str()).unwrap_or("");
    let creator = d
        .organisation
        .map(|o| o.archive_creator.as_str())
        .unwrap_or("");
    let mut x = Xml::new();
    dc_open(&mut x);
    sv(
        &mut x,
        "dc:title",
        &format!(
            "Leverans: ögonblicksbilder av {org}s officiella konton i sociala medier, {}",
            d.period.display_sv()
        ),
    );
    sv(&mut x, "dc:creator", creator);
    sv(&mut x, "dc:publisher", org);
    // The contact, which the METS header cannot carry (see root_mets).
    if let Some(c) = d.organisation.and_then(|o| o.contact.as_ref()) {
        let mut who = c.name.clone();
        for extra in [&c.email, &c.phone].into_iter().flatten() {
            who.push_str(&format!(", {extra}"));
        }
        sv(&mut x, "dc:contributor", &format!("kontakt: {who}"));
    }
    let list: Vec<String> = d
        .records
        .iter()
        .map(|r| {
            let dnr = if r.diarienummer.is_empty() {
                "utan diarienummer".to_string()
            } else {
                format!("diarienummer {}", r.diarienummer)
            };
            format!(
                "{} ({}, {dnr})",
                r.description,
                r.record.handling.display_sv()
            )
        })
        .collect();
    sv(
        &mut x,
        "dc:description",
        &format!("{} handlingar: {}.", d.records.len(), list.join("; ")),
    );
    x.leaf("dc:date", &[], &time(d.created));
    sv(&mut x, "dc:type", "leverans till e-arkiv (E-ARK SIP)");
    x.leaf("dc:identifier", &[], object_id);
    sv(&mut x, "dc:coverage", &format!("period: {}", d.period));
    x.leaf("dc:language", &[], "sv");
    x.close();
    x.finish()
}

/// A post date as the markup gives it, or the text shown with the Swedish
/// days it can mean: `«för 4 veckor sedan» (2026-11-02–2026-11-12)`.
fn post_date(markup: Option<&str>, read: Option<&model::DateRead>) -> Option<String> {
    if let Some(m) = markup {
        return Some(m.to_string());
    }
    let d = read?;
    let day = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&chrono_tz::Europe::Stockholm).date_naive()
    };
    let (a, b) = (
        day(d.from),
        day(d.until - chrono::Duration::milliseconds(1)),
    );
    Some(if a == b {
        format!("«{}» ({a})", d.text)
    } else {
        format!("«{}» ({a}–{b})", d.text)
    })
}

/// The cover page's summary in one Swedish paragraph per page.
fn summary_sv(r: &PlannedRecord) -> String {
    let mut parts = Vec::new();
    for p in &r.record.pages {
        let s = &p.summary;
        let mut t = format!("{}: «{}»", p.final_url, s.title);
        if let Some(desc) = &s.description {
            t.push_str(&format!(", {desc}"));
        }
        t.push_str(&format!(", {} ord", s.word_count));
        if let Some(n) = s.posts_visible {
            t.push_str(&format!(", {n} inlägg synliga"));
        }
        match (
            post_date(s.newest_post.as_deref(), s.newest_post_read.as_ref()),
            post_date(s.oldest_post.as_deref(), s.oldest_post_read.as_ref()),
        ) {
            (Some(a), Some(b)) => t.push_str(&format!(" (nyast {a}, äldst {b})")),
            (Some(a), None) => t.push_str(&format!(" (nyast {a})")),
            _ => {}
        }
        if let Some(f) = &s.followers {
            t.push_str(&format!(", {f} följare"));
        }
        if !s.headings.is_empty() {
            t.push_str(&format!("; rubriker: {}", s.headings.join(" | ")));
        }
        if p.truncated.is_some() {
            // The reason is English capture detail; the archivist reads it in record.json.
            t.push_str("; sidan är inte fångad i sin helhet (skälet står i arkivhandlingens tekniska uppgifter)");
        }
        for o in &p.obstructions {
            t.push_str(&format!("; hinder: {}", o.kind.display_sv()));
        }
        parts.push(t);
    }
    format!("Sammanfattning av innehållet. {}.", parts.join(". "))
}

fn record_dc(d: &Delivery<'_>, r: &PlannedRecord) -> Vec<u8> {
    let rec = &r.record;
    let org = rec
        .organisation
        .as_ref()
        .or(d.organisation)
        .map(|o| o.name.as_str())
        .unwrap_or("");
    let creator = rec
        .organisation
        .as_ref()
        .or(d.organisation)
        .map(|o| o.archive_creator.as_str())
        .unwrap_or("");
    let mut x = Xml::new();
    dc_open(&mut x);
    sv(&mut x, "dc:title", &r.description);
    sv(&mut x, "dc:creator", creator);
    sv(&mut x, "dc:publisher", org);
    if let Some(a) = &rec.account {
        sv(
            &mut x,
            "dc:subject",
            &format!("konto: {} ({})", a.name, a.id),
        );
        sv(
            &mut x,
            "dc:subject",
            &format!("plattform: {}", a.platform.display_sv()),
        );
        sv(&mut x, "dc:relation", &format!("kontots adress: {}", a.url));
        sv(
            &mut x,
            "dc:contributor",
            &format!("verksamhet: {}; nämnd: {}", a.unit, a.board),
        );
    }
    sv(&mut x, "dc:description", &summary_sv(r));
    if let Some(t) = rec.captured_at() {
        x.leaf("dc:date", &[], &time(t));
        sv(
            &mut x,
            "dc:date",
            &format!(
                "fångad {} (svensk tid)",
                t.with_timezone(&Stockholm).format("%Y-%m-%d %H:%M:%S")
            ),
        );
    }
    sv(
        &mut x,
        "dc:type",
        &format!("slag: {}", rec.kind.display_sv()),
    );
    sv(
        &mut x,
        "dc:type",
        &format!("handlingstyp: {}", rec.handling.display_sv()),
    );
    x.leaf(
        "dc:format",
        &[],
        "application/pdf (PDF/A), med rått fångstmaterial",
    );
    x.leaf("dc:identifier", &[], &r.record_id);
    if !r.diarienummer.is_empty() {
        sv(
            &mut x,
            "dc:identifier",
            &format!("diarienummer: {}", r.diarienummer),
        );
    }
    for p in &rec.pages {
        x.leaf("dc:source", &[], &p.requested_url);
    }
    let period = rec.period.clone().unwrap_or_else(|| d.period.to_string());
    sv(&mut x, "dc:coverage", &format!("period: {period}"));
    if let Some(s) = rec.sender.as_deref().filter(|s| !s.trim().is_empty()) {
        sv(&mut x, "dc:contributor", &format!("avsändare: {s}"));
    }
    if let Some(why) = rec.reason.as_deref().filter(|s| !s.trim().is_empty()) {
        sv(&mut x, "dc:description", &format!("skäl: {why}"));
    }
    x.leaf("dc:language", &[], "sv");
    x.close();
    x.finish()
}

/// One PREMIS event, taken from the journal (or the delivery itself).
#[derive(Debug, Clone)]
struct PremisEvent {
    id: String,
    kind: &'static str,
    at: DateTime<Utc>,
    detail: String,
    outcome: &'static str,
    /// Package paths of the objects it concerns.
    objects: Vec<String>,
}

/// The events of the delivered records (all of them, or of one record).
fn events_for(d: &Delivery<'_>, only: Option<&str>) -> Vec<PremisEvent> {
    let mut out = Vec::new();
    let wanted = |id: &str| match only {
        Some(o) => o == id,
        None => d.records.iter().any(|r| r.record_id == id),
    };
    let objects_of = |id: &str| -> Vec<String> {
        d.records
            .iter()
            .filter(|r| r.record_id == id)
            .flat_map(|r| {
                r.files
                    .iter()
                    .map(|f| format!("{}/{}", data_dir(&r.record_id), f.rel))
            })
            .collect()
    };
    for r in d.records.iter().filter(|r| wanted(&r.record_id)) {
        let obstructed = r.record.obstructions().count();
        let pages: Vec<String> = r.record.pages.iter().map(|p| p.final_url.clone()).collect();
        if let Some(at) = r.record.captured_at() {
            out.push(PremisEvent {
                id: format!("capture:{}", r.record_id),
                kind: "capture",
                at,
                detail: format!(
                    "{} page(s) captured in Chromium by {} (operator {}): {}",
                    pages.len(),
                    format_args!("ogonblick {}", r.record.ogonblick_version),
                    r.record.operator,
                    pages.join(" ")
                ),
                outcome: if obstructed == 0 {
                    "success"
                } else {
                    "warning"
                },
                objects: objects_of(&r.record_id),
            });
        }
    }
    for e in d.journal {
        let id = match e.event.as_str() {
            JournalEvent::RECORD_SEALED
            | JournalEvent::DNR_ASSIGNED
            | JournalEvent::EXTRACT_CREATED
            | JournalEvent::WACZ_CREATED => e.field("record_id"),
            JournalEvent::ACCOUNT_CLOSED => e.field("final_record"),
            _ => None,
        };
        let Some(id) = id.filter(|id| wanted(id)) else {
            continue;
        };
        let (kind, detail) = journal_event(e);
        out.push(PremisEvent {
            id: format!("journal:{}", e.seq),
            kind,
            at: e.at,
            detail,
            outcome: "success",
            objects: objects_of(id),
        });
    }
    out.push(PremisEvent {
        id: "delivery".into(),
        kind: "transfer",
        at: d.created,
        detail: format!(
            "delivered to the e-archive as an E-ARK SIP (CSIP 2.1.0, SIP 2.1.0) by ogonblick {}",
            d.software_version
        ),
        outcome: "success",
        objects: d
            .records
            .iter()
            .filter(|r| wanted(&r.record_id))
            .flat_map(|r| objects_of(&r.record_id))
            .collect(),
    });
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    out
}

/// A journal line as a PREMIS event: its type and detail.
fn journal_event(e: &JournalEntry) -> (&'static str, String) {
    match e.event.as_str() {
        JournalEvent::RECORD_SEALED => (
            "message digest calculation",
            format!(
                "record sealed: manifest-sha256.txt written (SHA-256 {}), files made read-only; journal.jsonl line {}",
                e.field("manifest_sha256").unwrap_or(""),
                e.line
            ),
        ),
        JournalEvent::DNR_ASSIGNED => (
            "registration",
            format!(
                "diarienummer {} assigned by the registrar; journal.jsonl line {}",
                e.field("diarienummer").unwrap_or(""),
                e.line
            ),
        ),
        JournalEvent::EXTRACT_CREATED => (
            "dissemination",
            format!(
                "pages {}–{} of snapshot.pdf (SHA-256 {}) handed out as a PDF/A extract, {} (SHA-256 {}); journal.jsonl line {}",
                e.fields.get("first_page").map_or(String::new(), ToString::to_string),
                e.fields.get("last_page").map_or(String::new(), ToString::to_string),
                e.field("snapshot_sha256").unwrap_or(""),
                e.field("out").unwrap_or(""),
                e.field("out_sha256").unwrap_or(""),
                e.line
            ),
        ),
        JournalEvent::WACZ_CREATED => (
            "dissemination",
            format!(
                "the web archive handed out as a WACZ package, {} (SHA-256 {}), from the record with manifest-sha256.txt SHA-256 {}; journal.jsonl line {}",
                e.field("out").unwrap_or(""),
                e.field("out_sha256").unwrap_or(""),
                e.field("manifest_sha256").unwrap_or(""),
                e.line
            ),
        ),
        _ => (
            "deaccession",
            format!(
                "account {} closed after this final capture; journal.jsonl line {}",
                e.field("account").unwrap_or(""),
                e.line
            ),
        ),
    }
}

fn premis_xml(
    d: &Delivery<'_>,
    objects: &[Entry],
    events: &[PremisEvent],
    schema: &str,
) -> Vec<u8> {
    let mut x = Xml::new();
    let loc = format!("{PREMIS_NS} {schema}");
    x.open(
        "premis:premis",
        &[
            ("xmlns:premis", PREMIS_NS),
            ("xmlns:xsi", XSI_NS),
            ("xsi:schemaLocation", &loc),
            ("version", "3.0"),
        ],
    );
    for e in objects {
        premis_object(&mut x, e);
    }
    let software = format!("ogonblick {}", d.software_version);
    for ev in events {
        premis_event(&mut x, ev, &software);
    }
    x.open("premis:agent", &[]);
    x.open("premis:agentIdentifier", &[]);
    x.leaf("premis:agentIdentifierType", &[], "local");
    x.leaf("premis:agentIdentifierValue", &[], &software);
    x.close();
    x.leaf("premis:agentName", &[], "ogonblick");
    x.leaf("premis:agentType", &[], "software");
    x.leaf("premis:agentVersion", &[], d.software_version);
    x.close();
    if let Some(o) = d.organisation {
        x.open("premis:agent", &[]);
        x.open("premis:agentIdentifier", &[]);
        x.leaf("premis:agentIdentifierType", &[], "local");
        x.leaf("premis:agentIdentifierValue", &[], &o.name);
        x.close();
        x.leaf("premis:agentName", &[], &o.name);
        x.leaf("premis:agentType", &[], "organization");
        x.close();
    }
    x.close();
    x.finish()
}

/// A file as a PREMIS object: its path, SHA-256, size, format and original name.
fn premis_object(x: &mut Xml, e: &Entry) {
    x.open("premis:object", &[("xsi:type", "premis:file")]);
    x.open("premis:objectIdentifier", &[]);
    x.leaf("premis:objectIdentifierType", &[], "local");
    x.leaf("premis:objectIdentifierValue", &[], &e.path);
    x.close();
    x.open("premis:objectCharacteristics", &[]);
    x.leaf("premis:compositionLevel", &[], "0");
    x.open("premis:fixity", &[]);
    x.leaf(
        "premis:messageDigestAlgorithm",
        &[
            ("authority", "cryptographicHashFunctions"),
            (
                "authorityURI",
                "http://id.loc.gov/vocabulary/preservation/cryptographicHashFunctions",
            ),
            (
                "valueURI",
                "http://id.loc.gov/vocabulary/preservation/cryptographicHashFunctions/sha256",
            ),
        ],
        "SHA-256",
    );
    x.leaf("premis:messageDigest", &[], &e.sha256);
    x.leaf("premis:messageDigestOriginator", &[], "ogonblick");
    x.close();
    x.leaf("premis:size", &[], &e.size.to_string());
    x.open("premis:format", &[]);
    x.open("premis:formatDesignation", &[]);
    x.leaf("premis:formatName", &[], e.mime());
    x.close();
    x.close();
    x.close();
    if let Some(o) = &e.original {
        x.leaf("premis:originalName", &[], o);
    }
    x.close();
}

/// A PREMIS event, linked to the software agent and its objects.
fn premis_event(x: &mut Xml, ev: &PremisEvent, software: &str) {
    x.open("premis:event", &[]);
    x.open("premis:eventIdentifier", &[]);
    x.leaf("premis:eventIdentifierType", &[], "UUID");
    x.leaf(
        "premis:eventIdentifierValue",
        &[],
        &uuid_v5(&format!("event:{}", ev.id)),
    );
    x.close();
    x.leaf(
        "premis:eventType",
        &[
            ("authority", "eventType"),
            (
                "authorityURI",
                "http://id.loc.gov/vocabulary/preservation/eventType",
            ),
        ],
        ev.kind,
    );
    x.leaf("premis:eventDateTime", &[], &time(ev.at));
    x.open("premis:eventDetailInformation", &[]);
    x.leaf("premis:eventDetail", &[], &ev.detail);
    x.close();
    x.open("premis:eventOutcomeInformation", &[]);
    x.leaf("premis:eventOutcome", &[], ev.outcome);
    x.close();
    x.open("premis:linkingAgentIdentifier", &[]);
    x.leaf("premis:linkingAgentIdentifierType", &[], "local");
    x.leaf("premis:linkingAgentIdentifierValue", &[], software);
    x.close();
    for o in &ev.objects {
        x.open("premis:linkingObjectIdentifier", &[]);
        x.leaf("premis:linkingObjectIdentifierType", &[], "local");
        x.leaf("premis:linkingObjectIdentifierValue", &[], o);
        x.close();
    }
    x.close();
}

#[cfg(test)]
mod post_dates {
    use super::post_date;

    #[test]
    fn a_date_read_from_the_page_is_its_text_with_the_swedish_days_it_can_mean() {
        let at = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&chrono::Utc)
        };
        assert_eq!(
            post_date(Some("2026-06-28"), None).as_deref(),
            Some("2026-06-28")
        );
        let weeks = model::DateRead {
            text: "för 4 veckor sedan".into(),
            from: at("2026-11-02T09:00:00Z"),
            until: at("2026-11-12T21:00:00Z"),
        };
        assert_eq!(
            post_date(None, Some(&weeks)).as_deref(),
            Some("«för 4 veckor sedan» (2026-11-02–2026-11-12)")
        );
        // A Swedish day: 23:00 to 23:00 UTC in winter.
        let day = model::DateRead {
            text: "12 mars".into(),
            from: at("2026-03-11T23:00:00Z"),
            until: at("2026-03-12T23:00:00Z"),
        };
        assert_eq!(
            post_date(None, Some(&day)).as_deref(),
            Some("«12 mars» (2026-03-12)")
        );
        assert_eq!(post_date(None, None), None);
    }
}
