//! Benchmark: build the PDF/A-1b of a synthetic 1280 × 60 000 px capture in 4 tiles.
//!
//! `cargo run --release -p pdfa --example bench_build [OUT.pdf]`; prints the time to build
//! (tiles are made before the clock starts). Run under `/usr/bin/time -v` for peak memory.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use model::{Handling, PageFacts, Record, RecordKind, Summary, TextRun, Tile};

fn tile(width: u32, y0: u32, h: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity((width * h * 3) as usize);
    for y in y0..y0 + h {
        for x in 0..width {
            // Blocks of text-like noise on a white page: roughly what a screenshot compresses like.
            let ink = (x / 9 + y / 17) % 7 == 0 && (y / 40) % 3 != 0;
            let v = if ink {
                ((x * 31 + y * 17) % 120) as u8
            } else {
                255
            };
            data.extend_from_slice(&[v, v, if ink { 200 } else { 255 }]);
        }
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().expect("png header");
    w.write_image_data(&data).expect("png data");
    w.finish().expect("png");
    out
}

fn main() {
    let (width, heights) = (1280u32, [15_000u32; 4]);
    let t = Utc
        .with_ymd_and_hms(2026, 7, 1, 8, 0, 0)
        .single()
        .expect("time");
    let mut y = 0;
    let mut tiles = Vec::new();
    let mut pngs = Vec::new();
    for (i, &h) in heights.iter().enumerate() {
        tiles.push(Tile {
            file: format!("capture/01-start/tile-{:03}.png", i + 1),
            css_y: f64::from(y),
            css_height: f64::from(h),
            width_px: width,
            height_px: h,
        });
        pngs.push(tile(width, y, h));
        y += h;
    }
    let runs: Vec<TextRun> = (0..3000)
        .map(|i| TextRun {
            text: format!("Rad {i}: Välkommen till kommunens sida – åäö"),
            x: 20.0,
            y: f64::from(i) * 20.0,
            width: 400.0,
            height: 16.0,
            font_size: 14.0,
            rtl: false,
            ink: None,
        })
        .collect();
    let record = record(page_facts(t, width, y, tiles));
    let input_bytes: usize = pngs.iter().map(Vec::len).sum();
    let doc = pdfa::Document {
        record: &record,
        pages: vec![pdfa::PageInput {
            facts: &record.pages[0],
            tiles: pngs,
            text_runs: &runs,
        }],
        attachments: vec![],
    };
    let start = Instant::now();
    let pdf = pdfa::build(&doc, &pdfa::Options::default()).expect("build");
    let build_ms = start.elapsed().as_millis();
    let start = Instant::now();
    let report = pdfa::check(&pdf, None).expect("readable");
    let check_ms = start.elapsed().as_millis();
    println!(
        "build {build_ms} ms, check {check_ms} ms ({} failures); tiles {} bytes, PDF {} bytes",
        report.failures.len(),
        input_bytes,
        pdf.len()
    );
    if let Some(out) = std::env::args().nth(1) {
        std::fs::write(out, &pdf).expect("write PDF");
    }
}

/// The capture's facts: one page `height` px tall in `tiles`.
fn page_facts(t: chrono::DateTime<Utc>, width: u32, height: u32, tiles: Vec<Tile>) -> PageFacts {
    let y = height;
    PageFacts {
        label: "01-start".into(),
        requested_url: "https://www.facebook.com/gislavedskommun".into(),
        final_url: "https://www.facebook.com/gislavedskommun".into(),
        http_status: Some(200),
        title: "Gislaveds kommun".into(),
        started: t,
        ended: t,
        viewport_width: width,
        viewport_height: 900,
        device_scale: 1.0,
        full_height: f64::from(y),
        captured_height: f64::from(y),
        truncated: None,
        extent: Default::default(),
        obstructions: vec![],
        summary: Summary {
            title: "Gislaveds kommun".into(),
            word_count: 24_000,
            ..Summary::default()
        },
        user_agent: "HeadlessChrome".into(),
        browser_version: "HeadlessChrome/131".into(),
        tiles,
        text_file: "capture/01-start/text.json".into(),
        mhtml_file: None,
        warnings: vec![],
        notes: Vec::new(),
        refused: Default::default(),
    }
}

/// A half-year record of that one page.
fn record(facts: PageFacts) -> Record {
    Record {
        record_id: "2026-H1/facebook-kommun".into(),
        kind: RecordKind::Halvar,
        organisation: None,
        account: None,
        period: Some("2026-H1".into()),
        handling: Handling::Upprattad,
        pages: vec![facts],
        late: false,
        ogonblick_version: "0.1.0".into(),
        operator: "bench".into(),
        reason: None,
        sender: None,
        diarienummer: String::new(),
        files: BTreeMap::new(),
        timestamp_authorities: Vec::new(),
    }
}
