//! The invisible text layer: right-to-left scripts in logical order, and no line lost or
//! repeated at a page break.

use crate::common::*;
use model::TextRun;
use pdfa::{build, Document, Flavour, Options, PageInput};

/// pdftotext's text of `pdf`, pages `first..=last`, with the bidi embedding controls
/// poppler adds around right-to-left stretches taken out.
fn pdftotext(pdf: &[u8], first: usize, last: usize) -> String {
    let dir = tempdir();
    let path = write(dir.path(), "doc.pdf", pdf);
    let (f, l) = (first.to_string(), last.to_string());
    let p = path.to_str().expect("utf-8");
    let out = run("pdftotext", &["-f", &f, "-l", &l, p, "-"], "poppler-utils");
    assert!(out.status.success(), "{}", all_output(&out));
    stdout(&out)
        .chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{200E}' | '\u{200F}'))
        .collect()
}

fn page_count(pdf: &[u8]) -> usize {
    let dir = tempdir();
    let path = write(dir.path(), "doc.pdf", pdf);
    let info = stdout(&run(
        "pdfinfo",
        &[path.to_str().expect("utf-8")],
        "poppler-utils",
    ));
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

/// One text run per line, `rtl` as a `dir="rtl"` page gives it, 28 px apart.
fn lines(texts: &[&str], rtl: bool) -> Vec<TextRun> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| TextRun {
            text: t.to_string(),
            x: 40.0,
            y: 20.0 + 28.0 * i as f64,
            width: 9.0 * t.chars().count() as f64,
            height: 20.0,
            font_size: 16.0,
            rtl,
            ink: None,
        })
        .collect()
}

/// The document of the one page of `rec` with these tiles and runs.
fn build_one(
    rec: &model::Record,
    tiles: Vec<Vec<u8>>,
    runs: &[TextRun],
    flavour: Flavour,
) -> Vec<u8> {
    let doc = Document {
        record: rec,
        pages: vec![PageInput {
            facts: &rec.pages[0],
            tiles,
            text_runs: runs,
        }],
        attachments: vec![],
    };
    build(&doc, &Options { flavour }).expect("build")
}

/// A page of `width` × `height` px, one tile of noise, with `runs`.
fn build_page(width: u32, height: u32, runs: &[TextRun]) -> Vec<u8> {
    let rec = record(
        vec![facts("01-start", "https://example.org/", width, &[height])],
        false,
    );
    build_one(
        &rec,
        vec![rgb_tile(1, width, 0, height)],
        runs,
        Flavour::A2u,
    )
}

#[test]
fn latin_in_an_rtl_page_is_not_reversed() {
    // The bug: a dir="rtl" page's Latin paragraph came out as "meroL muspi". Arabic and
    // Hebrew lines come back in logical order too (mixed lines: tests/it/text.rs, on a
    // real capture).
    let lines_rtl = [
        "Lorem ipsum dolor sit amet",
        "åäö ÅÄÖ 12 345",
        "مرحبا بكم في الموقع الرسمي للبلدية",
        "שלום וברוכים הבאים לאתר העירייה",
    ];
    let runs = lines(&lines_rtl, true);
    let pdf = build_page(600, 160, &runs);
    let n = page_count(&pdf);
    let text = pdftotext(&pdf, n, n);
    for line in lines_rtl {
        assert!(
            text.contains(line),
            "`{line}` not in logical order:\n{text}"
        );
    }
}

/// A white page with a dark line of "glyphs" under every text run: ink in rows
/// `y + 3 .. y + h - 3` of each run, varied along x so no ink row is one flat colour.
fn inked_tile(width: u32, y0: u32, h: u32, runs: &[TextRun]) -> Vec<u8> {
    let mut data = vec![255u8; (width * h * 3) as usize];
    for run in runs {
        let (top, bottom) = (run.y as u32 + 3, (run.y + run.height) as u32 - 3);
        for y in top.max(y0)..bottom.min(y0 + h) {
            for x in run.x as u32..(run.x + run.width).min(f64::from(width)) as u32 {
                let at = (((y - y0) * width + x) * 3) as usize;
                let v = if (x / 3 + y) % 4 == 0 { 200 } else { 20 };
                data[at..at + 3].copy_from_slice(&[v, v, v]);
            }
        }
    }
    encode(png::ColorType::Rgb, width, h, &data)
}

/// Lines of 22 px every 27 px down a 640 px wide page of `height` px, in tiles of 2000 px.
fn lined_page(height: u32) -> (model::Record, Vec<TextRun>) {
    let runs: Vec<TextRun> = (0..)
        .map(|i| 10.0 + 27.0 * f64::from(i))
        .take_while(|&y| y + 22.0 < f64::from(height))
        .enumerate()
        .map(|(i, y)| TextRun {
            text: format!("Rad R{i:04} slut"),
            x: 20.0,
            y,
            width: 300.0,
            height: 22.0,
            font_size: 18.0,
            rtl: false,
            ink: None,
        })
        .collect();
    let mut heights = vec![2000; (height / 2000) as usize];
    if !height.is_multiple_of(2000) {
        heights.push(height % 2000);
    }
    let rec = record(
        vec![facts("01-start", "https://example.org/", 640, &heights)],
        false,
    );
    (rec, runs)
}

/// The rows of a rendered page (96 dpi, one pixel per image pixel) that have ink.
fn ink_rows(pdf: &std::path::Path, page: usize) -> (bool, bool, u32) {
    let (w, h, px) = crate::documents::render("pdftoppm", pdf, page, 96);
    let row = (w * 3) as usize;
    let inked = |y: u32| {
        px[y as usize * row..(y as usize + 1) * row]
            .iter()
            .any(|&v| v < 128)
    };
    (inked(0), inked(h - 1), h)
}

#[test]
fn page_breaks_fall_between_lines_and_every_line_is_found_once() {
    // 640 px wide: pages of round(640·√2) = 905 px. A line every 27 px, so every one of the
    // fixed 905 px breaks (905, 1810, 2715, ...) cut one.
    let height = 9000;
    let (rec, runs) = lined_page(height);
    let naive_cuts_a_line = (1..height / 905).map(|k| k * 905).filter(|&c| {
        runs.iter()
            .any(|r| r.y < f64::from(c) && f64::from(c) < r.y + r.height)
    });
    assert_eq!(
        naive_cuts_a_line.count(),
        8,
        "the fixture must put lines on the seams"
    );
    let tiles: Vec<Vec<u8>> = rec.pages[0]
        .tiles
        .iter()
        .map(|t| inked_tile(640, t.css_y as u32, t.height_px, &runs))
        .collect();
    let pdf = build_one(&rec, tiles, &runs, Flavour::A1b);
    let dir = tempdir();
    let path = write(dir.path(), "lines.pdf", &pdf);
    let (valid, report) = preflight(&path);
    assert!(valid, "Preflight rejects lines.pdf:\n{report}");

    let total = page_count(&pdf);
    let text = pdftotext(&pdf, 1, total);
    for run in &runs {
        let token = run.text.split(' ').nth(1).expect("token");
        assert_eq!(
            text.matches(token).count(),
            1,
            "{token} in the text layer:\n{text}"
        );
    }
    // Screenshot pages: the last ones. No seam has ink on both sides.
    let covers = (1..=total)
        .find(|&p| !pdftotext(&pdf, p, p).contains("Följeblad"))
        .expect("a screenshot page");
    let mut heights = 0;
    let mut prev_bottom = false;
    for p in covers..=total {
        let (top, bottom, h) = ink_rows(&path, p);
        assert!(
            !(prev_bottom && top),
            "the break above page {p} cuts a line through its glyphs"
        );
        prev_bottom = bottom;
        heights += h;
        assert!(
            (905 * 3 / 4..=905).contains(&h) || p == total,
            "page {p} is {h} px tall"
        );
    }
    assert_eq!(heights, height, "rows lost or repeated at the breaks");
}

#[test]
fn a_line_across_a_forced_break_is_on_exactly_one_page() {
    // No gap anywhere: a noisy picture, and text runs that overlap each other all the way
    // down, so every break cuts a run. Each still lands on one page, inside its box.
    let height = 4000;
    let runs: Vec<TextRun> = (0..height / 20 - 2)
        .map(|i| TextRun {
            text: format!("Rubrik H{i:04} här"),
            x: 20.0,
            y: f64::from(i * 20),
            width: 500.0,
            height: 36.0,
            font_size: 30.0,
            rtl: false,
            ink: None,
        })
        .collect();
    let rec = record(
        vec![facts("01-start", "https://example.org/", 640, &[height])],
        false,
    );
    let pdf = build_one(&rec, vec![rgb_tile(3, 640, 0, height)], &runs, Flavour::A1b);
    let total = page_count(&pdf);
    let text = pdftotext(&pdf, 1, total);
    for run in &runs {
        let token = run.text.split(' ').nth(1).expect("token");
        assert_eq!(text.matches(token).count(), 1, "{token}:\n{text}");
    }
    let report = pdfa::check(&pdf, None).expect("readable");
    assert!(report.is_conformant(), "{:?}", report.failures);
    assert!(
        report.unreachable_text.is_empty(),
        "{:?}",
        report.unreachable_text
    );
}
