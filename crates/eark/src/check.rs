//! `ogonblick verify SIPDIR`: an E-ARK package checked against its METS files.
//!
//! What it checks, and what it leaves to the reference validators:
//!
//! - **Fixity and completeness.** Every file a METS lists (`fileSec` files
//!   and `mdRef`s, in the package METS and in every representation METS) must
//!   exist with the listed `@SIZE` and `@CHECKSUM` (MD5, SHA-1, SHA-256,
//!   SHA-384, SHA-512); every file on disk must be listed. A changed, missing
//!   or extra file is named and fails the package. Two leniencies, reported as
//!   warnings: a copy of an XML schema in a `Schemas` file group whose
//!   checksum differs (reference material, not content; the specification's
//!   own example packages carry schema copies whose line ends git converted),
//!   and empty `.gitkeep` placeholders.
//! - **METS schema, structurally.** The element structure of `mets.xsd`
//!   (METS 1.12): which elements may appear inside which, in which order, how
//!   often, and the attributes the schema requires; the `csip:` attribute
//!   vocabularies of the DILCIS extension schema; `@CREATEDATE` as an
//!   `xs:dateTime`. Not checked: attribute types beyond those, undeclared
//!   attributes, and the content of `mdWrap`, `FContent`, `structLink` and
//!   `behaviorSec`. This is not a full XML Schema validator.
//! - **CSIP rules.** A failure: no `@OBJID` (CSIP1), no `<metsHdr>` (CSIP117),
//!   no `@CREATEDATE` (CSIP7), no `@csip:OAISPACKAGETYPE` (CSIP9). Reported
//!   as warnings, naming the rule: the software agent (CSIP10-16),
//!   `fileSec/@ID` (CSIP59), the `CSIP` structMap (CSIP80), the SIP profile
//!   (SIP2), the root folder's name (CSIPSTR2), representations without METS
//!   (CSIPSTR12). The E-ARK reference validator (commons-ip) is the authority
//!   on full conformance; `scripts/test` runs it on our own deliveries.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::time::Instant;

use registry::hashing::{hash_files, Algorithm, HashJob};
use registry::{FileCheck, FileStatus, TargetKind, VerifyReport};

use crate::xml::{parse, Element};
use crate::{Result, CSIP_NS, METS_NS, SIP_PROFILE, SIP_PROFILE_UNVERSIONED, XLINK_NS};

/// True when `dir` holds a `METS.xml`: an E-ARK (or other METS) package.
pub fn looks_like_package(dir: &Path) -> bool {
    dir.is_dir() && dir.join("METS.xml").is_file()
}

/// One file a METS lists.
#[derive(Debug, Clone)]
struct Listed {
    /// Path from the package root.
    path: String,
    checksum: Option<(String, String)>,
    size: Option<u64>,
    /// The METS that lists it and the line.
    at: String,
    schema_copy: bool,
}

/// Element content models from mets.xsd (METS 1.12): allowed children in
/// schema order, whether the order is fixed, children that must be there,
/// children allowed at most once, required attributes.
struct Model {
    kids: &'static [&'static str],
    ordered: bool,
    required: &'static [&'static str],
    once: &'static [&'static str],
    attrs: &'static [&'static str],
}

fn model(name: &str) -> Option<Model> {
    const MD: &[&str] = &["mdRef", "mdWrap"];
    let m = |kids, ordered, required, once, attrs| Model {
        kids,
        ordered,
        required,
        once,
        attrs,
    };
    Some(match name {
        "mets" => m(
            &[
                "metsHdr",
                "dmdSec",
                "amdSec",
                "fileSec",
                "structMap",
                "structLink",
                "behaviorSec",
            ],
            true,
            &["structMap"],
            &["metsHdr", "fileSec", "structLink"],
            &[],
        ),
        "metsHdr" => m(
            &["agent", "altRecordID", "metsDocumentID"],
            true,
            &[],
            &["metsDocumentID"],
            &[],
        ),
        "agent" => m(&["name", "note"], true, &["name"], &["name"], &["ROLE"]),
        "name" | "note" | "altRecordID" | "metsDocumentID" => m(&[], true, &[], &[], &[]),
        "dmdSec" | "techMD" | "rightsMD" | "sourceMD" | "digiprovMD" => {
            m(MD, true, &[], MD, &["ID"])
        }
        "mdRef" => m(&[], true, &[], &[], &["LOCTYPE", "MDTYPE"]),
        "mdWrap" => m(
            &["binData", "xmlData"],
            false,
            &[],
            &["binData", "xmlData"],
            &["MDTYPE"],
        ),
        "amdSec" => m(
            &["techMD", "rightsMD", "sourceMD", "digiprovMD"],
            true,
            &[],
            &[],
            &[],
        ),
        "fileSec" => m(&["fileGrp"], true, &["fileGrp"], &[], &[]),
        "fileGrp" => m(&["fileGrp", "file"], false, &[], &[], &[]),
        "file" => m(
            &["FLocat", "FContent", "stream", "transformFile", "file"],
            true,
            &[],
            &["FContent"],
            &["ID"],
        ),
        "FLocat" | "mptr" => m(&[], true, &[], &[], &["LOCTYPE"]),
        "structMap" => m(&["div"], true, &["div"], &["div"], &[]),
        "div" => m(&["mptr", "fptr", "div"], true, &[], &[], &[]),
        "fptr" => m(
            &["par", "seq", "area"],
            false,
            &[],
            &["par", "seq", "area"],
            &[],
        ),
        _ => return None,
    })
}

const CHECKSUM_TYPES: &[&str] = &[
    "Adler-32",
    "CRC32",
    "HAVAL",
    "MD5",
    "MNP",
    "SHA-1",
    "SHA-256",
    "SHA-384",
    "SHA-512",
    "TIGER",
    "WHIRLPOOL",
];
const OAIS_TYPES: &[&str] = &["SIP", "AIP", "DIP", "AIU", "AIC"];
const CONTENT_INFORMATION_TYPES: &[&str] = &[
    "ERMS",
    "SIARD1",
    "SIARD2",
    "SIARDDK",
    "GeoData",
    "citcarchival_v1_0",
    "citspremis_v1_0",
    "citserms_v2_1",
    "citsehpj_v1_0",
    "citsehcr_v1_0",
    "citssiard_v1_0",
    "citsgeospatial_v3_0",
    "MIXED",
    "OTHER",
];
const NOTE_TYPES: &[&str] = &["SOFTWARE VERSION", "IDENTIFICATIONCODE"];

/// Problems and warnings found in one METS document.
#[derive(Debug, Default)]
struct Findings {
    problems: Vec<String>,
    warnings: Vec<String>,
}

/// Structural schema check of one METS element tree.
fn check_schema(el: &Element, label: &str, f: &mut Findings) {
    let Some(m) = model(&el.name) else {
        return;
    };
    let at = format!("{label} line {}", el.line);
    for a in m.attrs {
        if el.attr("", a).is_none() {
            f.problems.push(format!(
                "{at}: schema (mets.xsd): <{}> lacks its required @{a}",
                el.name
            ));
        }
    }
    let mut last = 0usize;
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &el.children {
        if c.ns != METS_NS {
            f.problems.push(format!(
                "{label} line {}: schema (mets.xsd): <{}> may not contain <{}> from namespace `{}`",
                c.line, el.name, c.name, c.ns
            ));
            continue;
        }
        match m.kids.iter().position(|k| *k == c.name) {
            None => f.problems.push(format!(
                "{label} line {}: schema (mets.xsd): <{}> may not contain <{}> (allowed: {})",
                c.line,
                el.name,
                c.name,
                if m.kids.is_empty() {
                    "no elements".to_string()
                } else {
                    m.kids.join(", ")
                }
            )),
            Some(i) => {
                if m.ordered && i < last {
                    f.problems.push(format!(
                        "{label} line {}: schema (mets.xsd): <{}> comes after <{}> in <{}>; the schema's order is {}",
                        c.line,
                        c.name,
                        m.kids[last],
                        el.name,
                        m.kids.join(", ")
                    ));
                }
                last = last.max(i);
                *seen.entry(m.kids[i]).or_default() += 1;
            }
        }
        check_schema(c, label, f);
    }
    for r in m.required {
        if !seen.contains_key(r) {
            f.problems.push(format!(
                "{at}: schema (mets.xsd): <{}> lacks its required <{r}>",
                el.name
            ));
        }
    }
    for o in m.once {
        if seen.get(o).copied().unwrap_or(0) > 1 {
            f.problems.push(format!(
                "{at}: schema (mets.xsd): <{}> may hold only one <{o}>",
                el.name
            ));
        }
    }
    check_attribute_values(el, &at, f);
}

/// The values the schemas restrict: checksum types and sizes of files and
/// references, the CSIP vocabularies, `xs:dateTime` dates.
fn check_attribute_values(el: &Element, at: &str, f: &mut Findings) {
    if el.name == "file" || el.name == "mdRef" {
        if let Some(t) = el.attr("", "CHECKSUMTYPE") {
            if !CHECKSUM_TYPES.contains(&t) {
                f.problems.push(format!(
                    "{at}: schema (mets.xsd): @CHECKSUMTYPE `{t}` is not one of {}",
                    CHECKSUM_TYPES.join(", ")
                ));
            }
        }
        if let Some(s) = el.attr("", "SIZE") {
            if s.trim().parse::<i64>().is_err() {
                f.problems.push(format!(
                    "{at}: schema (mets.xsd): @SIZE `{s}` is not an integer"
                ));
            }
        }
    }
    let enums: [(&str, &[&str]); 3] = [
        ("OAISPACKAGETYPE", OAIS_TYPES),
        ("CONTENTINFORMATIONTYPE", CONTENT_INFORMATION_TYPES),
        ("NOTETYPE", NOTE_TYPES),
    ];
    for (name, values) in enums {
        if let Some(v) = el.attr(CSIP_NS, name) {
            if !values.contains(&v) {
                f.problems.push(format!(
                    "{at}: schema (DILCISExtensionMETS.xsd): @csip:{name} `{v}` is not one of {}",
                    values.join(", ")
                ));
            }
        }
    }
    for t in ["CREATEDATE", "LASTMODDATE", "CREATED"] {
        if let Some(v) = el.attr("", t) {
            if !is_xs_datetime(v) {
                f.problems.push(format!(
                    "{at}: schema (mets.xsd): @{t} `{v}` is not an xs:dateTime (YYYY-MM-DDThh:mm:ss)"
                ));
            }
        }
    }
}

/// `xs:dateTime`: date, `T`, time, optional fraction and zone.
fn is_xs_datetime(v: &str) -> bool {
    let v = v.trim();
    if chrono::DateTime::parse_from_rfc3339(v).is_ok() {
        return true;
    }
    chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
}

/// The CSIP and SIP rules `verify` enforces (and warns about), on one METS.
fn check_rules(mets: &Element, label: &str, is_root: bool, f: &mut Findings) {
    if mets.attr("", "OBJID").is_none_or(|o| o.trim().is_empty()) {
        f.problems
            .push(format!("{label}: CSIP1 (MUST): <mets> has no @OBJID"));
    }
    if mets.attr("", "PROFILE").is_none() {
        f.warnings
            .push(format!("{label}: CSIP6 (MUST): <mets> has no @PROFILE"));
    } else if is_root
        && !matches!(
            mets.attr("", "PROFILE"),
            Some(SIP_PROFILE | SIP_PROFILE_UNVERSIONED)
        )
    {
        f.warnings.push(format!(
            "{label}: SIP2 (MUST): @PROFILE is `{}`, not {SIP_PROFILE_UNVERSIONED} (not an E-ARK SIP package)",
            mets.attr("", "PROFILE").unwrap_or("")
        ));
    }
    match mets.kid(METS_NS, "metsHdr") {
        None => f.problems.push(format!(
            "{label}: CSIP117 (MUST): <mets> has no <metsHdr>, so no @CREATEDATE (CSIP7) and no @csip:OAISPACKAGETYPE (CSIP9)"
        )),
        Some(h) => {
            if h.attr("", "CREATEDATE").is_none() {
                f.problems.push(format!(
                    "{label} line {}: CSIP7 (MUST): <metsHdr> has no @CREATEDATE",
                    h.line
                ));
            }
            if h.attr(CSIP_NS, "OAISPACKAGETYPE").is_none() {
                f.problems.push(format!(
                    "{label} line {}: CSIP9 (MUST): <metsHdr> has no @csip:OAISPACKAGETYPE",
                    h.line
                ));
            }
            let software = h.kids(METS_NS, "agent").any(|a| {
                a.attr("", "ROLE") == Some("CREATOR")
                    && a.attr("", "TYPE") == Some("OTHER")
                    && a.attr("", "OTHERTYPE") == Some("SOFTWARE")
                    && a.kid(METS_NS, "name").is_some()
                    && a.kids(METS_NS, "note")
                        .any(|n| n.attr(CSIP_NS, "NOTETYPE") == Some("SOFTWARE VERSION"))
            });
            if !software {
                f.warnings.push(format!(
                    "{label} line {}: CSIP10-16 (MUST): no software agent (ROLE=CREATOR, TYPE=OTHER, OTHERTYPE=SOFTWARE, with name and SOFTWARE VERSION note)",
                    h.line
                ));
            }
        }
    }
    if let Some(fs) = mets.kid(METS_NS, "fileSec") {
        if fs.attr("", "ID").is_none() {
            f.warnings.push(format!(
                "{label} line {}: CSIP59 (MUST): <fileSec> has no @ID",
                fs.line
            ));
        }
    }
    let csip_maps = mets
        .kids(METS_NS, "structMap")
        .filter(|s| s.attr("", "LABEL") == Some("CSIP"))
        .count();
    if csip_maps != 1 {
        f.warnings.push(format!(
            "{label}: CSIP80 (MUST): {csip_maps} structMap(s) with @LABEL=\"CSIP\", expected exactly one"
        ));
    }
}

/// `xlink:href` to a path relative to the package root (`base` is the
/// directory of the METS that holds it). None for a path that would leave the package.
fn resolve_href(base: &str, href: &str) -> Option<String> {
    let h = href
        .strip_prefix("file://")
        .or_else(|| href.strip_prefix("file:"))
        .unwrap_or(href);
    let decoded = percent_encoding::percent_decode_str(h).decode_utf8_lossy();
    if decoded.starts_with('/') || decoded.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in decoded.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn listed(el: &Element, base: &str, label: &str, schema_copy: bool) -> Option<Listed> {
    let href = if el.name == "file" {
        el.kid(METS_NS, "FLocat")?.attr(XLINK_NS, "href")?
    } else {
        el.attr(XLINK_NS, "href")?
    };
    let path = resolve_href(base, href)?;
    Some(Listed {
        path,
        checksum: match (el.attr("", "CHECKSUMTYPE"), el.attr("", "CHECKSUM")) {
            (Some(t), Some(c)) => Some((t.to_string(), c.trim().to_ascii_lowercase())),
            _ => None,
        },
        size: el.attr("", "SIZE").and_then(|s| s.trim().parse().ok()),
        at: format!("{label} line {}", el.line),
        schema_copy,
    })
}

/// Files a METS lists (fileSec files, mdRefs), and the representation METS
/// files it points to (mptr).
fn collect(
    mets: &Element,
    base: &str,
    label: &str,
    out: &mut Vec<Listed>,
    rep_mets: &mut BTreeSet<String>,
    f: &mut Findings,
) {
    for grp in mets
        .kids(METS_NS, "fileSec")
        .flat_map(|s| s.walk())
        .filter(|e| e.name == "fileGrp")
    {
        let schema_copy = grp
            .attr("", "USE")
            .is_some_and(|u| u.eq_ignore_ascii_case("schemas"));
        for file in grp.kids(METS_NS, "file") {
            match listed(file, base, label, schema_copy) {
                Some(l) => {
                    if l.path.ends_with("/METS.xml") && l.path.starts_with("representations/") {
                        rep_mets.insert(l.path.clone());
                    }
                    out.push(l);
                }
                None => f.problems.push(format!(
                    "{label} line {}: <file> without a usable <FLocat xlink:href> inside the package",
                    file.line
                )),
            }
        }
    }
    for md in mets.walk().into_iter().filter(|e| e.name == "mdRef") {
        match listed(md, base, label, false) {
            Some(l) => out.push(l),
            None => f.problems.push(format!(
                "{label} line {}: <mdRef> without a usable xlink:href inside the package",
                md.line
            )),
        }
    }
    for mp in mets.walk().into_iter().filter(|e| e.name == "mptr") {
        if let Some(p) = mp
            .attr(XLINK_NS, "href")
            .and_then(|h| resolve_href(base, h))
        {
            rep_mets.insert(p);
        }
    }
}

fn algorithm(t: &str) -> Option<Algorithm> {
    Some(match t.to_ascii_uppercase().as_str() {
        "MD5" => Algorithm::Md5,
        "SHA-1" => Algorithm::Sha1,
        "SHA-256" => Algorithm::Sha256,
        "SHA-384" => Algorithm::Sha384,
        "SHA-512" => Algorithm::Sha512,
        _ => return None,
    })
}

/// Reads and checks one METS file; None when it cannot be read at all.
fn read_mets(root: &Path, rel: &str, f: &mut Findings) -> Option<Element> {
    let path = root.join(rel);
    let text = match fs::read(&path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            f.problems.push(format!("{rel}: cannot read ({e})"));
            return None;
        }
    };
    let el = match parse(&text) {
        Ok(el) => el,
        Err(e) => {
            f.problems.push(format!("{rel}: {e}"));
            return None;
        }
    };
    if el.ns != METS_NS || el.name != "mets" {
        f.problems.push(format!(
            "{rel}: schema (mets.xsd): the root element is <{}> in `{}`, not <mets> in {METS_NS}",
            el.name, el.ns
        ));
        return None;
    }
    check_schema(&el, rel, f);
    Some(el)
}

/// Verifies the package at `dir`: fixity, completeness, METS structure, the CSIP header rules.
pub fn verify_package(dir: &Path, jobs: usize) -> Result<VerifyReport> {
    let start = Instant::now();
    let mut report = VerifyReport::new(dir, TargetKind::Sip);
    let mut f = Findings::default();
    let mut list: Vec<Listed> = Vec::new();
    let mut known_mets: BTreeSet<String> = BTreeSet::new();
    known_mets.insert("METS.xml".into());
    if let Ok(b) = fs::read(dir.join("METS.xml")) {
        report.mets_sha256 = Some(registry::hashing::sha256_hex(&b));
    }
    read_all_mets(dir, &mut list, &mut known_mets, &mut f);

    // Listed files: one entry per path (a path listed twice must agree).
    let mut by_path: BTreeMap<String, Listed> = BTreeMap::new();
    for l in list {
        if let Some(prev) = by_path.get(&l.path) {
            if prev.checksum.is_some() && l.checksum.is_some() && prev.checksum != l.checksum {
                f.problems.push(format!(
                    "{}: listed twice with different checksums ({} and {})",
                    l.path, prev.at, l.at
                ));
            }
            continue;
        }
        by_path.insert(l.path.clone(), l);
    }
    let on_disk =
        registry::verify::files_on_disk(dir).report("package", &mut f.problems, &mut report.files);
    let algs = hash_listed(dir, &by_path, &on_disk, jobs, &mut report, &mut f);
    for l in by_path.values().filter(|l| !on_disk.contains(&l.path)) {
        report.files.push(FileCheck {
            path: l.path.clone(),
            status: FileStatus::Missing,
            algorithm: l.checksum.as_ref().map(|(t, _)| t.clone()),
            expected: l.checksum.as_ref().map(|(_, c)| c.clone()),
            actual: None,
        });
    }
    for p in &on_disk {
        if by_path.contains_key(p) || known_mets.contains(p) {
            continue;
        }
        let empty = fs::metadata(dir.join(p)).is_ok_and(|m| m.len() == 0);
        let name = p.rsplit('/').next().unwrap_or(p);
        if empty && (name == ".gitkeep" || name == ".keep") {
            f.warnings.push(format!(
                "{p}: an empty placeholder that no METS lists (ignored)"
            ));
            continue;
        }
        report.files.push(FileCheck::unexpected(p.clone()));
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report.algorithms = algs.into_iter().collect();
    report.problems = f.problems;
    report.warnings = f.warnings;
    report.count();
    report.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(report)
}

/// The package's METS.xml and every representation METS it points to: each
/// read, checked against the schema and the rules, its listed files added to
/// `list` and its path to `known_mets`; a representation folder without a
/// METS.xml is a warning.
fn read_all_mets(
    dir: &Path,
    list: &mut Vec<Listed>,
    known_mets: &mut BTreeSet<String>,
    f: &mut Findings,
) {
    if let Some(root) = read_mets(dir, "METS.xml", f) {
        check_rules(&root, "METS.xml", true, f);
        if let (Some(obj), Some(name)) = (
            root.attr("", "OBJID"),
            dir.canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())),
        ) {
            if obj != name {
                f.warnings.push(format!(
                    "CSIPSTR2 (SHOULD): the package folder is `{name}`, its METS.xml @OBJID is `{obj}`"
                ));
            }
        }
        let mut reps = BTreeSet::new();
        collect(&root, "", "METS.xml", list, &mut reps, f);
        for rel in reps {
            known_mets.insert(rel.clone());
            if !dir.join(&rel).is_file() {
                continue; // reported below as a missing listed file, or by the mptr check
            }
            let base = rel.rsplit_once('/').map(|(b, _)| b).unwrap_or("");
            if let Some(rep) = read_mets(dir, &rel, f) {
                check_rules(&rep, &rel, false, f);
                let mut nested = BTreeSet::new();
                collect(&rep, base, &rel, list, &mut nested, f);
            }
        }
    } else if !dir.join("METS.xml").exists() {
        f.problems
            .push("METS.xml is missing (CSIPSTR4: the package root holds METS.xml)".into());
    }
    // Representation folders without a METS.xml.
    if let Ok(entries) = fs::read_dir(dir.join("representations")) {
        for e in entries.flatten() {
            if e.path().is_dir() && !e.path().join("METS.xml").is_file() {
                f.warnings.push(format!(
                    "CSIPSTR12 (SHOULD): representations/{} has no METS.xml",
                    e.file_name().to_string_lossy()
                ));
            }
        }
    }
}

/// Hashes every listed file on disk (on `jobs` cores) and compares it with
/// its METS checksum and size; returns the checksum types used.
fn hash_listed(
    dir: &Path,
    by_path: &BTreeMap<String, Listed>,
    on_disk: &BTreeSet<String>,
    jobs: usize,
    report: &mut VerifyReport,
    f: &mut Findings,
) -> BTreeSet<String> {
    let present: Vec<&Listed> = by_path
        .values()
        .filter(|l| on_disk.contains(&l.path))
        .collect();
    let jobs_list: Vec<HashJob> = present
        .iter()
        .map(|l| HashJob {
            path: dir.join(&l.path),
            algorithms: l
                .checksum
                .as_ref()
                .and_then(|(t, _)| algorithm(t))
                .into_iter()
                .collect(),
        })
        .collect();
    let results = hash_files(&jobs_list, jobs);
    let mut algs = BTreeSet::new();
    for (l, res) in present.iter().zip(results) {
        let (digests, n) = match res {
            Ok(r) => r,
            Err(e) => {
                f.problems.push(format!("{}: cannot read ({e})", l.path));
                continue;
            }
        };
        report.bytes += n;
        let Some((t, want)) = &l.checksum else {
            f.warnings
                .push(format!("{}: no checksum in {} (CSIP71)", l.path, l.at));
            continue;
        };
        let Some(actual) = digests.into_iter().next() else {
            f.warnings.push(format!(
                "{}: checksum type {t} ({}) cannot be checked; only MD5, SHA-1, SHA-256, SHA-384, SHA-512",
                l.path, l.at
            ));
            continue;
        };
        algs.insert(t.clone());
        let size_ok = l.size.is_none_or(|s| s == n);
        let ok = actual == *want && size_ok;
        if !ok && l.schema_copy {
            f.warnings.push(format!(
                "{}: differs from {} ({t} {actual}, listed {want}; {n} bytes, listed {}): a copy of a public schema, not content, so a warning only",
                l.path,
                l.at,
                l.size.map_or("no size".into(), |s| s.to_string())
            ));
            continue;
        }
        if actual == *want && !size_ok {
            f.problems.push(format!(
                "{}: {n} bytes, {} says {}",
                l.path,
                l.at,
                l.size.unwrap_or(0)
            ));
        }
        report.files.push(FileCheck {
            path: l.path.clone(),
            status: if ok {
                FileStatus::Ok
            } else {
                FileStatus::Changed
            },
            algorithm: Some(t.clone()),
            expected: Some(want.clone()),
            actual: Some(actual),
        });
    }
    algs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_resolve_inside_the_package_only() {
        let check = |base: &str, href: &str, want: Option<&str>| {
            assert_eq!(resolve_href(base, href).as_deref(), want, "{base} + {href}");
        };
        check("", "schemas/mets.xsd", Some("schemas/mets.xsd"));
        check("", "file:schemas/mets.xsd", Some("schemas/mets.xsd"));
        check(
            "",
            "metadata%2Fdescriptive%2FDC.xml",
            Some("metadata/descriptive/DC.xml"),
        );
        check(
            "representations/r1",
            "data/a%20b.pdf",
            Some("representations/r1/data/a b.pdf"),
        );
        check(
            "representations/r1",
            "../../schemas/x.xsd",
            Some("schemas/x.xsd"),
        );
        check("", "../outside", None);
        check("", "/etc/passwd", None);
    }

    #[test]
    fn schema_structure_is_checked() {
        let check = |xml: &str, want: &[&str]| {
            let el = parse(xml).unwrap();
            let mut f = Findings::default();
            check_schema(&el, "METS.xml", &mut f);
            for w in want {
                assert!(
                    f.problems.iter().any(|p| p.contains(w)),
                    "want `{w}` in {:?}",
                    f.problems
                );
            }
            if want.is_empty() {
                assert!(f.problems.is_empty(), "{:?}", f.problems);
            }
        };
        let m = "xmlns=\"http://www.loc.gov/METS/\"";
        check(
            &format!("<mets {m}><structMap><div/></structMap></mets>"),
            &[],
        );
        check(
            &format!("<mets {m}><metsHdr><agent ROLE=\"CREATOR\"><namez/></agent></metsHdr><structMap><div/></structMap></mets>"),
            &["<agent> may not contain <namez>", "<agent> lacks its required <name>"],
        );
        check(&format!("<mets {m}/>"), &["lacks its required <structMap>"]);
        check(
            &format!("<mets {m}><structMap><div/></structMap><metsHdr/></mets>"),
            &["<metsHdr> comes after <structMap>"],
        );
        check(
            &format!("<mets {m} xmlns:csip=\"https://DILCIS.eu/XML/METS/CSIPExtensionMETS\"><metsHdr csip:OAISPACKAGETYPE=\"XIP\" CREATEDATE=\"yesterday\"/><structMap><div/></structMap></mets>"),
            &["`XIP` is not one of", "`yesterday` is not an xs:dateTime"],
        );
        check(
            &format!("<mets {m}><fileSec><fileGrp><file><FLocat/></file></fileGrp></fileSec><structMap><div/></structMap></mets>"),
            &["<file> lacks its required @ID", "<FLocat> lacks its required @LOCTYPE"],
        );
    }

    #[test]
    fn xs_datetime() {
        assert!(is_xs_datetime("2018-10-12T14:20:00"));
        assert!(is_xs_datetime("2021-09-08T10:55:09.487+01:00"));
        assert!(is_xs_datetime("2026-07-01T10:00:00.123Z"));
        assert!(!is_xs_datetime("2026-07-01"));
        assert!(!is_xs_datetime("12 oktober"));
    }
}
