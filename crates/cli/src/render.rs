//! A record's PDF/A from its raw files: the tiles, the text runs and, for
//! PDF/A-3b, the record and the MHTML as attachments.

use std::path::Path;

use anyhow::Context;
use model::Record;

/// Renders `record`'s PDF/A from the raw files in `dir`, with `extras` on
/// the cover, saying where each captured page lies.
pub fn render_placed(
    record: &Record,
    dir: &Path,
    pages: &[capture::PageCapture],
    flavour: pdfa::Flavour,
    extras: pdfa::Extras,
) -> anyhow::Result<pdfa::Built> {
    let mut inputs = Vec::with_capacity(pages.len());
    for page in pages {
        let mut tiles = Vec::with_capacity(page.facts.tiles.len());
        for tile in &page.facts.tiles {
            let path = dir.join(&tile.file);
            tiles.push(
                std::fs::read(&path).with_context(|| format!("reading tile {}", path.display()))?,
            );
        }
        inputs.push(pdfa::PageInput {
            facts: &page.facts,
            tiles,
            text_runs: &page.text_runs,
        });
    }
    let mut attachments = Vec::new();
    if flavour == pdfa::Flavour::A3b {
        attachments.push(pdfa::Attachment {
            name: "record.json".to_string(),
            bytes: model::json::to_vec_pretty(record)?,
            mime: "application/json".to_string(),
            description: "Postens metadata (record.json) vid förseglingen".to_string(),
            relationship: pdfa::AfRelationship::Data,
        });
        for page in pages {
            if let Some(mhtml) = &page.facts.mhtml_file {
                let bytes =
                    std::fs::read(dir.join(mhtml)).with_context(|| format!("reading {mhtml}"))?;
                attachments.push(pdfa::Attachment {
                    name: format!("{}.mhtml", page.facts.label),
                    bytes,
                    mime: "multipart/related".to_string(),
                    description: format!("MHTML-ögonblicksbild av {}", page.facts.final_url),
                    relationship: pdfa::AfRelationship::Source,
                });
            }
        }
    }
    let doc = pdfa::Document {
        record,
        pages: inputs,
        attachments,
    };
    pdfa::build_placed(&doc, &pdfa::Options { flavour }, extras)
        .context("building the PDF/A document")
}
