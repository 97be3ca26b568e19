//! `bench-pdfa`: the PDF/A build benchmark's three steps.
//!
//! - `bench-pdfa synth DIR [--height PX]`: writes a synthetic capture of a
//!   1280 px wide page (default 60 000 px tall) as a record directory would
//!   hold it: `capture/01-start/tile-NNN.png` (≤ 8 192 px each, 8-bit RGB, like
//!   `capture` writes), `capture/01-start/text.json` and `record.json`.
//!   Content is deterministic: text-like lines, band colours and noisy
//!   photo blocks (which compress like photos, not like flat colour).
//! - `bench-pdfa build DIR OUT.pdf`: reads that directory, runs `pdfa::build`
//!   (PDF/A-1b) and writes OUT; prints the time of each step on stderr.
//! - `bench-pdfa plain DIR OUT.pdf`: writes a plain (not PDF/A) PDF with the
//!   same tiles as images, the input Ghostscript converts in the comparison.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use bench::{die, flag, hex, SplitMix};
use chrono::{TimeZone, Utc};
use model::{Handling, PageFacts, Record, RecordKind, Summary, TextRun, Tile};
use sha2::{Digest, Sha256};

const WIDTH: u32 = 1280;
const TILE: u32 = 8192;
const PAGE_DIR: &str = "capture/01-start";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match (args.first().map(String::as_str), args.get(1), args.get(2)) {
        (Some("synth"), Some(dir), _) => {
            let height = flag(&args, "--height")
                .and_then(|v| v.parse().ok())
                .unwrap_or(60_000u32);
            synth(Path::new(dir), height);
        }
        (Some("build"), Some(dir), Some(out)) => build(Path::new(dir), Path::new(out)),
        (Some("plain"), Some(dir), Some(out)) => plain(Path::new(dir), Path::new(out)),
        _ => {
            die("usage: bench-pdfa synth DIR [--height PX] | build DIR OUT.pdf | plain DIR OUT.pdf")
        }
    }
}

const BANDS: [[u8; 3]; 8] = [
    [0x34, 0x98, 0xdb],
    [0xe6, 0x7e, 0x22],
    [0x9b, 0x59, 0xb6],
    [0x1a, 0xbc, 0x9c],
    [0xe8, 0x43, 0x93],
    [0x95, 0xa5, 0xa6],
    [0xd4, 0xac, 0x0d],
    [0x5d, 0x6d, 0x7e],
];

/// One row of the synthetic page at document row `y`.
fn row(y: u32, out: &mut [u8]) {
    let band = y / 500;
    let in_band = y % 500;
    let colour = BANDS[band as usize % BANDS.len()];
    let light = colour.map(|c| 255 - (255 - c) / 6);
    let mut rng = SplitMix::new(u64::from(y) * 0x1000_0001 + 17);
    let text_row = in_band % 24 >= 6 && in_band % 24 < 18;
    for x in 0..WIDTH {
        let i = x as usize * 3;
        let px: [u8; 3] = if (80..380).contains(&in_band) && (40..680).contains(&x) {
            // A photo: smooth gradient plus sensor-like noise.
            let n = (rng.next_u64() & 0x1f) as i32 - 16;
            let g = |base: u32, k: u32| {
                ((base * k / 640 + x / 3 + in_band / 2) as i32 + n).clamp(0, 255) as u8
            };
            [
                g(u32::from(colour[0]), 2),
                g(u32::from(colour[1]), 1),
                g(u32::from(colour[2]), 1),
            ]
        } else if text_row && (40..1200).contains(&x) && !(80..380).contains(&in_band) {
            // Text: glyph-like strokes, a word gap now and then.
            let word = (x / 56 + in_band / 24 + band).is_multiple_of(9);
            let stroke = (x.wrapping_mul(2_654_435_761) ^ (in_band * 97) ^ band) % 5 < 2;
            if !word && stroke {
                [0x1c, 0x1e, 0x21]
            } else {
                [255, 255, 255]
            }
        } else if !(80..380).contains(&in_band) {
            [255, 255, 255]
        } else {
            light
        };
        out[i..i + 3].copy_from_slice(&px);
    }
}

fn synth(dir: &Path, height: u32) {
    if dir.exists() {
        die(&format!("{} exists; choose a new directory", dir.display()));
    }
    let page = dir.join(PAGE_DIR);
    std::fs::create_dir_all(&page)
        .unwrap_or_else(|e| die(&format!("creating {}: {e}", page.display())));
    let mut files = BTreeMap::new();
    let (tiles, n) = write_tiles(dir, height, &mut files);
    let runs = text_runs(height);
    let text = serde_json::to_vec(&runs).unwrap_or_else(|e| die(&format!("text runs: {e}")));
    let text_rel = format!("{PAGE_DIR}/text.json");
    files.insert(text_rel.clone(), hex(&Sha256::digest(&text)));
    std::fs::write(dir.join(&text_rel), &text)
        .unwrap_or_else(|e| die(&format!("writing text.json: {e}")));
    let at = Utc
        .with_ymd_and_hms(2026, 7, 1, 8, 0, 0)
        .single()
        .unwrap_or_else(|| die("bad date"));
    let facts = PageFacts {
        label: "01-start".into(),
        requested_url: "https://bench.invalid/hog-sida".into(),
        final_url: "https://bench.invalid/hog-sida".into(),
        http_status: Some(200),
        title: format!("Syntetisk sida {WIDTH} × {height} px"),
        started: at,
        ended: at,
        viewport_width: WIDTH,
        viewport_height: 900,
        device_scale: 1.0,
        full_height: f64::from(height),
        captured_height: f64::from(height),
        truncated: None,
        extent: Default::default(),
        obstructions: Vec::new(),
        summary: Summary {
            title: "Syntetisk sida".into(),
            word_count: runs.len() as u64 * 12,
            ..Summary::default()
        },
        user_agent: "bench".into(),
        browser_version: "bench".into(),
        tiles,
        text_file: text_rel,
        mhtml_file: None,
        warnings: Vec::new(),
        notes: Vec::new(),
        refused: Default::default(),
    };
    let record = Record {
        record_id: "manuell/bench".into(),
        kind: RecordKind::Manuell,
        organisation: None,
        account: None,
        period: None,
        handling: Handling::Upprattad,
        pages: vec![facts],
        late: false,
        ogonblick_version: "bench".into(),
        operator: "bench".into(),
        reason: None,
        sender: None,
        diarienummer: String::new(),
        files,
        timestamp_authorities: Vec::new(),
    };
    let json = serde_json::to_vec_pretty(&record).unwrap_or_else(|e| die(&format!("record: {e}")));
    std::fs::write(dir.join("record.json"), json)
        .unwrap_or_else(|e| die(&format!("writing record.json: {e}")));
    let png_bytes: u64 = record.pages[0]
        .tiles
        .iter()
        .filter_map(|t| std::fs::metadata(dir.join(&t.file)).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "{n} tiles, {png_bytes} PNG bytes, {} text runs in {}",
        runs.len(),
        dir.display()
    );
}

/// The page's tiles, `TILE` px tall, written under `dir` with their SHA-256
/// in `files`; returns them and how many there are.
fn write_tiles(dir: &Path, height: u32, files: &mut BTreeMap<String, String>) -> (Vec<Tile>, u32) {
    let mut tiles = Vec::new();
    let mut top = 0u32;
    let mut n = 0;
    while top < height {
        n += 1;
        let h = TILE.min(height - top);
        let mut pixels = vec![0u8; (WIDTH * h * 3) as usize];
        for (r, chunk) in pixels.chunks_exact_mut((WIDTH * 3) as usize).enumerate() {
            row(top + r as u32, chunk);
        }
        let mut bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut bytes, WIDTH, h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut w = enc
                .write_header()
                .unwrap_or_else(|e| die(&format!("png: {e}")));
            w.write_image_data(&pixels)
                .unwrap_or_else(|e| die(&format!("png: {e}")));
        }
        let rel = format!("{PAGE_DIR}/tile-{n:03}.png");
        files.insert(rel.clone(), hex(&Sha256::digest(&bytes)));
        std::fs::write(dir.join(&rel), &bytes)
            .unwrap_or_else(|e| die(&format!("writing {rel}: {e}")));
        tiles.push(Tile {
            file: rel,
            css_y: f64::from(top),
            css_height: f64::from(h),
            width_px: WIDTH,
            height_px: h,
        });
        top += h;
    }
    (tiles, n)
}

/// The page's text: three heading lines and five comments per 500 px band,
/// and the end marker.
fn text_runs(height: u32) -> Vec<TextRun> {
    let mut runs = Vec::new();
    for band in 0..height.div_ceil(500) {
        for line in 0..3 {
            let y = band * 500 + 6 + line * 24;
            runs.push(run(
                &format!(
                    "Avsnitt {} av {} — rad {}: kommunen informerar om öppettider, väg och vatten",
                    band + 1,
                    height.div_ceil(500),
                    line + 1
                ),
                y,
            ));
        }
        for line in 0..5 {
            let y = band * 500 + 386 + line * 24;
            if y + 18 <= height {
                runs.push(run(&format!("Kommentar {line}: Tack för informationen! Här är åäö och ÅÄÖ, 你好, مرحبا 👍"), y));
            }
        }
    }
    if height >= 500 {
        let mut end = run(&format!("SLUTMARKÖR {height}"), height - 200);
        end.x = 720.0;
        runs.push(end);
    }
    runs
}

fn run(text: &str, y: u32) -> TextRun {
    TextRun {
        text: text.into(),
        x: 40.0,
        y: f64::from(y),
        width: 8.0 * text.chars().count() as f64,
        height: 16.0,
        font_size: 14.0,
        rtl: false,
        ink: None,
    }
}

fn load(dir: &Path) -> (Record, Vec<Vec<u8>>, Vec<TextRun>) {
    let record: Record = serde_json::from_slice(&read(&dir.join("record.json")))
        .unwrap_or_else(|e| die(&format!("record.json: {e}")));
    let page = &record.pages[0];
    let tiles = page
        .tiles
        .iter()
        .map(|t| read(&dir.join(&t.file)))
        .collect();
    let runs = serde_json::from_slice(&read(&dir.join(&page.text_file)))
        .unwrap_or_else(|e| die(&format!("text.json: {e}")));
    (record, tiles, runs)
}

fn read(path: &PathBuf) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| die(&format!("reading {}: {e}", path.display())))
}

fn build(dir: &Path, out: &Path) {
    let t0 = Instant::now();
    let (record, tiles, runs) = load(dir);
    let t1 = Instant::now();
    let doc = pdfa::Document {
        record: &record,
        pages: vec![pdfa::PageInput {
            facts: &record.pages[0],
            tiles,
            text_runs: &runs,
        }],
        attachments: Vec::new(),
    };
    let bytes = pdfa::build(&doc, &pdfa::Options::default())
        .unwrap_or_else(|e| die(&format!("pdfa::build: {e}")));
    let t2 = Instant::now();
    std::fs::write(out, &bytes).unwrap_or_else(|e| die(&format!("writing {}: {e}", out.display())));
    let t3 = Instant::now();
    eprintln!(
        "read {:.3} s, pdfa::build {:.3} s, write {:.3} s, {} bytes",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        bytes.len()
    );
}

/// The zlib stream (concatenated IDAT data) of an 8-bit RGB PNG.
fn idat(png: &[u8]) -> Vec<u8> {
    let mut at = 8;
    let mut data = Vec::new();
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]) as usize;
        if &png[at + 4..at + 8] == b"IDAT" {
            data.extend_from_slice(&png[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    data
}

fn plain(dir: &Path, out: &Path) {
    let (record, tiles, _) = load(dir);
    let page = &record.pages[0];
    let mut pdf: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let n = tiles.len();
    // Objects: 1 catalog, 2 pages, then per tile: page, content, image.
    let mut obj = |pdf: &mut Vec<u8>, body: &[u8]| {
        offsets.push(pdf.len());
        let _ = writeln!(pdf, "{} 0 obj", offsets.len());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    };
    obj(&mut pdf, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + i * 3)).collect();
    obj(
        &mut pdf,
        format!("<< /Type /Pages /Count {n} /Kids [{}] >>", kids.join(" ")).as_bytes(),
    );
    for (i, (t, bytes)) in page.tiles.iter().zip(&tiles).enumerate() {
        let id = 3 + i * 3;
        let (w, h) = (t.width_px, t.height_px);
        obj(
            &mut pdf,
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Contents {} 0 R /Resources << /XObject << /Im0 {} 0 R >> >> >>", id + 1, id + 2).as_bytes(),
        );
        let content = format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q");
        obj(
            &mut pdf,
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            )
            .as_bytes(),
        );
        let data = idat(bytes);
        let mut body = format!(
            "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns {w} >> /Length {} >>\nstream\n",
            data.len()
        )
        .into_bytes();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"\nendstream");
        obj(&mut pdf, &body);
    }
    let xref = pdf.len();
    let _ = write!(pdf, "xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for o in &offsets {
        let _ = writeln!(pdf, "{o:010} 00000 n ");
    }
    let _ = write!(
        pdf,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    std::fs::write(out, &pdf).unwrap_or_else(|e| die(&format!("writing {}: {e}", out.display())));
}
