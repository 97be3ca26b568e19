//! The PDF/A-1b leveranslista (delivery list) of a BagIt delivery, in Swedish.

use crate::font::{CidFont, Program};
use crate::layout::{Canvas, A4};
use crate::sv;
use crate::writer::Pdf;
use crate::xmp::Meta;
use crate::{DeliveryList, Error, Flavour};

const SIZE: f64 = 7.5;

pub(crate) fn build(list: &DeliveryList) -> Result<Vec<u8>, Error> {
    let mut pdf = Pdf::new(Flavour::A1b);
    let f1 = pdf.reserve_font(CidFont::new(Program::DejaVu));
    let landscape = (A4.1, A4.0);
    let pages = {
        let font = pdf.font_mut(f1).expect("font reserved above");
        let mut c = Canvas::new(font, landscape, 40.0);
        c.paragraph("Leveranslista", 9.0, 0.0);
        c.paragraph(
            &format!(
                "Ögonblicksbilder av sociala medier, {}",
                list.period.replace('-', " ")
            ),
            16.0,
            0.0,
        );
        c.rule();
        let label = 120.0;
        c.field("Organisation:", &list.organisation, 9.0, label);
        if !list.organisation_number.trim().is_empty() {
            c.field(
                "Organisationsnummer:",
                &list.organisation_number,
                9.0,
                label,
            );
        }
        c.field("Arkivbildare:", &list.archive_creator, 9.0, label);
        c.field("Period:", &list.period, 9.0, label);
        c.field(
            "Upprättad:",
            &format!(
                "{} ({})",
                sv::moment(list.created),
                sv::moment_utc(list.created)
            ),
            9.0,
            label,
        );
        c.field(
            "Antal handlingar:",
            &list.rows.len().to_string(),
            9.0,
            label,
        );
        table(&mut c, list);
        c.finish(&format!(
            "Leveranslista {} – {}",
            list.period, list.organisation
        ))
    };
    for content in pages {
        pdf.page(
            landscape.0,
            landscape.1,
            content.into_bytes(),
            lopdf::dictionary! { "Font" => lopdf::dictionary! { "F1" => f1 } },
        );
    }
    let meta = Meta {
        title: format!("Leveranslista {} – {}", list.period, list.organisation),
        author: list.organisation.clone(),
        subject: format!(
            "Leveranslista över ögonblicksbilder av sociala medier, {}",
            list.period
        ),
        creator_tool: format!("ogonblick {}", env!("CARGO_PKG_VERSION")),
        producer: format!("ogonblick {} (pdfa, lopdf)", env!("CARGO_PKG_VERSION")),
        created: list.created,
        modified: list.created,
        custom: Vec::new(),
    };
    pdf.finish(&meta, &[])
}

/// The list's table: one row per record (number, date, diarienummer,
/// description, handling type, file, SHA-256), the header repeated on every page.
fn table(c: &mut Canvas<'_>, list: &DeliveryList) {
    c.space(8.0);
    let widths = [24.0, 60.0, 76.0, 190.0, 58.0, 150.0, 203.0];
    let header: Vec<String> = [
        "Nr",
        "Datum",
        "Diarienummer",
        "Beskrivning",
        "Handlingstyp",
        "Fil",
        "SHA-256",
    ]
    .map(String::from)
    .to_vec();
    c.row(&header, &widths, SIZE, None);
    if list.rows.is_empty() {
        c.paragraph("Inga handlingar i leveransen.", 9.0, 0.0);
    }
    for (i, r) in list.rows.iter().enumerate() {
        let dnr = if r.diarienummer.trim().is_empty() {
            "–".to_string()
        } else {
            model::display::shorten(&r.diarienummer, 80)
        };
        let cells = vec![
            (i + 1).to_string(),
            r.captured
                .with_timezone(&chrono_tz::Europe::Stockholm)
                .format("%Y-%m-%d")
                .to_string(),
            dnr,
            // A description may quote a page's title: shown, never obeyed.
            format!(
                "{} ({})",
                model::display::shorten(&r.description, 300),
                r.record_id
            ),
            r.handling.clone(),
            r.file.clone(),
            r.sha256.clone(),
        ];
        c.row(&cells, &widths, SIZE, Some(&header));
    }
}
