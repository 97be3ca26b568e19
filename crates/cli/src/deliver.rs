//! `ogonblick deliver`: the period's records as a BagIt 1.0 bag for the
//! archivist, with `forteckning.csv` for the diarium and a PDF/A delivery list.

use std::path::PathBuf;

use anyhow::{bail, Context};
use registry::{Archive, BagInfo, PayloadItem, PayloadSource, Period};
use serde_json::json;

use crate::pipeline;
use crate::{CmdResult, Exit};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The half-year to deliver, e.g. 2026-H1.
    #[arg(long, value_name = "PERIOD")]
    pub period: String,
    /// Where to write the bag (must not exist).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
}

pub fn main(args: Args) -> CmdResult {
    let summary = execute(&args)?;
    println!(
        "delivered {} records of {} to {}",
        summary.records,
        args.period,
        summary.bag.path.display()
    );
    println!(
        "Payload-Oxum {}; manifest-sha256.txt sha256 {}",
        summary.bag.payload_oxum, summary.bag.manifest_sha256
    );
    Ok(Exit::Ok)
}

/// What a delivery wrote.
#[derive(Debug)]
pub struct Delivered {
    pub records: usize,
    pub bag: registry::BagSummary,
}

/// The delivery itself, shared with `ogonblick demo`.
pub fn execute(args: &Args) -> anyhow::Result<Delivered> {
    let period: Period = args
        .period
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("--period: expected YYYY-H1 or YYYY-H2")?;
    if args.out.exists() {
        bail!(
            "{} exists; a delivery is written once, to a new directory",
            args.out.display()
        );
    }
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

    let mut payload = registry::delivery::payload_items(&planned);
    let list: Vec<pdfa::DeliveryRow> = planned
        .iter()
        .map(|p| pdfa::DeliveryRow {
            record_id: p.record_id.clone(),
            description: p.description.clone(),
            captured: p.record.captured_at().unwrap_or(now),
            handling: p.record.handling.display_sv().to_string(),
            diarienummer: p.diarienummer.clone(),
            file: format!("{}/snapshot.pdf", registry::delivery::bag_dir(&p.record_id)),
            sha256: p.snapshot_sha256.clone(),
        })
        .collect();
    let (org_name, creator, contact) = match &organisation {
        Some(o) => (o.name.clone(), o.archive_creator.clone(), o.contact.clone()),
        None => (String::new(), String::new(), None),
    };
    let list_pdf = pdfa::delivery_list(&pdfa::DeliveryList {
        organisation: org_name.clone(),
        archive_creator: creator.clone(),
        period: period.display_sv(),
        created: now,
        rows: list,
    })
    .context("building the delivery list (leveranslista.pdf)")?;
    payload.push(PayloadItem {
        source: PayloadSource::Bytes(list_pdf),
        dest: "leveranslista.pdf".into(),
    });
    payload.push(PayloadItem {
        source: PayloadSource::File(archive.journal_path()),
        dest: "journal.jsonl".into(),
    });

    let info = BagInfo {
        source_organization: org_name.clone(),
        contact_name: contact.as_ref().map_or_else(|| creator.clone(), |c| c.name.clone()),
        contact_email: contact.and_then(|c| c.email),
        external_identifier: format!("ogonblick-{period}"),
        external_description: format!(
            "Ögonblicksbilder av {}s officiella konton i sociala medier, {} ({} handlingar). Arkivbildare: {}.",
            org_name,
            period.display_sv(),
            planned.len(),
            creator
        ),
        bagging_date: pipeline::today_stockholm(),
        bag_group_identifier: None,
        software_agent: format!("ogonblick {}", env!("CARGO_PKG_VERSION")),
    };
    let bag = registry::write_bag(&args.out, &payload, &info)?;
    let mut fields = serde_json::Map::new();
    fields.insert("period".into(), json!(period.to_string()));
    fields.insert("out".into(), json!(args.out.display().to_string()));
    fields.insert(
        "records".into(),
        json!(planned
            .iter()
            .map(|p| p.record_id.clone())
            .collect::<Vec<_>>()),
    );
    fields.insert("payload_oxum".into(), json!(bag.payload_oxum));
    fields.insert("manifest_sha256".into(), json!(bag.manifest_sha256));
    archive.append_event("delivery.created", fields)?;
    Ok(Delivered {
        records: planned.len(),
        bag,
    })
}
