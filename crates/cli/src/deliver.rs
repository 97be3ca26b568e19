//! `ogonblick deliver`: the period's records for the archivist, as a BagIt
//! 1.0 bag (the default) or an E-ARK SIP (`--format eark`, FGS
//! Paketstruktur 2.0), with `forteckning.csv` for the diarium and a PDF/A
//! delivery list.

use std::path::PathBuf;

use anyhow::{bail, Context};
use registry::{Archive, Period};

use crate::{CmdResult, Exit};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The half-year to deliver, e.g. 2026-H1.
    #[arg(long, value_name = "PERIOD")]
    pub period: String,
    /// Where to write it: the bag itself (must not exist), or for `eark` the
    /// directory that receives the package folder `<OBJID>/`.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Package format: BagIt 1.0, or an E-ARK SIP (CSIP 2.1.0 + SIP 2.1.0).
    #[arg(long, value_enum, default_value_t = Format::Bagit)]
    pub format: Format,
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
}

/// The package formats `deliver` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// BagIt 1.0 (RFC 8493).
    Bagit,
    /// E-ARK SIP, which is FGS Paketstruktur 2.0.
    Eark,
}

pub fn main(args: Args) -> CmdResult {
    let summary = execute(&args)?;
    println!(
        "delivered {} records of {} to {}",
        summary.records,
        args.period,
        summary.path.display()
    );
    match &summary.package {
        Package::Bag(bag) => println!(
            "Payload-Oxum {}; manifest-sha256.txt sha256 {}",
            bag.payload_oxum, bag.manifest_sha256
        ),
        Package::Sip(sip) => println!(
            "E-ARK SIP {}: {} files, {} bytes; METS.xml sha256 {}",
            sip.object_id, sip.files, sip.bytes, sip.mets_sha256
        ),
    }
    Ok(Exit::Ok)
}

/// What a delivery wrote.
#[derive(Debug)]
pub struct Delivered {
    pub records: usize,
    /// The bag, or the SIP's package folder.
    pub path: PathBuf,
    pub package: Package,
}

/// The package a delivery wrote.
#[derive(Debug)]
pub enum Package {
    Bag(registry::BagSummary),
    Sip(eark::Written),
}

/// The delivery itself, shared with `ogonblick demo`.
pub fn execute(args: &Args) -> anyhow::Result<Delivered> {
    let period: Period = args
        .period
        .parse()
        .with_context(|| format!("--period {:?}", args.period))?;
    if args.format == Format::Bagit && args.out.exists() {
        bail!(
            "{} exists; a delivery is written once, to a new directory",
            args.out.display()
        );
    }
    // Refuse a path that is not an archive rather than create one there.
    registry::status::require_archive(&args.archive)?;
    let archive = Archive::open(&args.archive)?;
    for w in archive.recovery_warnings() {
        eprintln!("warning: {w}");
    }
    let planned = registry::delivery::plan(&archive, &period)?;
    if planned.is_empty() {
        bail!(
            "no sealed records for {period} in {}; run `ogonblick run --period {period}` first",
            args.archive.display()
        );
    }
    let organisation = planned.iter().find_map(|p| p.record.organisation.clone());
    let now = chrono::Utc::now();

    // Where a record's snapshot lands inside the package.
    let record_dir = |id: &str| match args.format {
        Format::Bagit => registry::delivery::bag_dir(id),
        Format::Eark => eark::data_dir(id),
    };
    let list: Vec<pdfa::DeliveryRow> = planned
        .iter()
        .map(|p| pdfa::DeliveryRow {
            record_id: p.record_id.clone(),
            description: p.description.clone(),
            captured: p.record.captured_at().unwrap_or(now),
            handling: p.record.handling.display_sv().to_string(),
            diarienummer: p.diarienummer.clone(),
            file: format!("{}/snapshot.pdf", record_dir(&p.record_id)),
            sha256: p.snapshot_sha256.clone(),
        })
        .collect();
    let list_pdf = pdfa::delivery_list(&pdfa::DeliveryList {
        organisation: organisation
            .as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        archive_creator: organisation
            .as_ref()
            .map(|o| o.archive_creator.clone())
            .unwrap_or_default(),
        organisation_number: organisation
            .as_ref()
            .and_then(|o| o.organisation_number.clone())
            .unwrap_or_default(),
        period: period.display_sv(),
        created: now,
        rows: list,
    })
    .context("building the delivery list (leveranslista.pdf)")?;
    if args.format == Format::Eark {
        return deliver_eark(
            args,
            &archive,
            &period,
            &planned,
            organisation.as_ref(),
            now,
            list_pdf,
        );
    }
    let payload = registry::delivery::bag_payload(&planned, list_pdf, &archive)?;
    let info = registry::delivery::bag_info(
        organisation.as_ref(),
        &period,
        planned.len(),
        registry::period::today_stockholm(),
    );
    let bag = registry::write_bag(&args.out, &payload, &info)?;
    journal_delivery(
        &archive,
        ("bagit", &info.external_identifier),
        &period,
        &bag.path,
        &planned,
        [
            ("payload_oxum", &bag.payload_oxum),
            ("manifest_sha256", &bag.manifest_sha256),
        ],
    )?;
    Ok(Delivered {
        records: planned.len(),
        path: bag.path.clone(),
        package: Package::Bag(bag),
    })
}

/// `--format eark`: the same records, list and CSV as an E-ARK SIP in `<out>/<OBJID>/`.
fn deliver_eark(
    args: &Args,
    archive: &Archive,
    period: &Period,
    planned: &[registry::PlannedRecord],
    organisation: Option<&model::Organisation>,
    now: chrono::DateTime<chrono::Utc>,
    list_pdf: Vec<u8>,
) -> anyhow::Result<Delivered> {
    let rows: Vec<registry::CsvRow> = planned
        .iter()
        .map(|p| p.csv_row(&eark::data_dir(&p.record_id)))
        .collect();
    let journal_path = archive.journal_path();
    let journal_bytes = std::fs::read(&journal_path)
        .with_context(|| format!("reading {}", journal_path.display()))?;
    let journal = archive.journal()?;
    let delivery = eark::Delivery {
        period: *period,
        organisation,
        records: planned,
        journal: &journal,
        created: now,
        software_version: env!("CARGO_PKG_VERSION"),
        documentation: vec![
            eark::DocFile {
                name: "leveranslista.pdf".into(),
                bytes: list_pdf,
            },
            eark::DocFile {
                name: "forteckning.csv".into(),
                bytes: registry::forteckning_csv(&rows).into_bytes(),
            },
            eark::DocFile {
                name: "journal.jsonl".into(),
                bytes: journal_bytes,
            },
        ],
    };
    let mut delivery = delivery;
    // The tokens got after sealing, as the archive keeps them, under
    // documentation/timestamps/: the delivered journal is checked against them.
    for (rel, path) in registry::delivery::tokens(archive, planned)? {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        delivery
            .documentation
            .push(eark::DocFile { name: rel, bytes });
    }
    let sip = eark::write_sip(&args.out, &delivery)?;
    journal_delivery(
        archive,
        ("eark", &sip.object_id),
        period,
        &sip.dir,
        planned,
        [("mets_sha256", &sip.mets_sha256)],
    )?;
    Ok(Delivered {
        records: planned.len(),
        path: sip.dir.clone(),
        package: Package::Sip(sip),
    })
}

/// Appends `delivery.created`: the format and package id, the period, where
/// it went, the records, and the checksums that identify the package.
fn journal_delivery<const N: usize>(
    archive: &Archive,
    (format, package_id): (&str, &str),
    period: &Period,
    out: &std::path::Path,
    planned: &[registry::PlannedRecord],
    sums: [(&str, &str); N],
) -> anyhow::Result<()> {
    archive.append(&registry::journal::Event::DeliveryCreated {
        format: format.to_string(),
        package_id: package_id.to_string(),
        period: period.to_string(),
        out: out.display().to_string(),
        records: planned.iter().map(|p| p.record_id.clone()).collect(),
        sums: sums
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .collect(),
    })?;
    Ok(())
}
