//! Built documents against PDFBox Preflight, qpdf, poppler: validity, text, pixels, determinism.

use crate::common::*;
use chrono::TimeZone;
use pdfa::{
    build, check, AfRelationship, Attachment, DeliveryList, DeliveryRow, Document, Flavour,
    Options, PageInput,
};

/// Build the PDF of `rec` whose pages have synthetic tiles of seed `i + 1` and `runs`.
fn build_record(
    rec: &model::Record,
    runs: &[model::TextRun],
    flavour: Flavour,
    attachments: Vec<Attachment>,
) -> Vec<u8> {
    build_with_tiles(rec, runs, flavour, attachments, |i, _, w, y, h| {
        rgb_tile(i as u32 + 1, w, y, h)
    })
}

/// [`build_record`] with the PNG of tile `j` of page `i` (width, top row,
/// height) made by `tile`.
fn build_with_tiles(
    rec: &model::Record,
    runs: &[model::TextRun],
    flavour: Flavour,
    attachments: Vec<Attachment>,
    tile: impl Fn(usize, usize, u32, u32, u32) -> Vec<u8>,
) -> Vec<u8> {
    let pages = rec
        .pages
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut y = 0;
            let tiles = f
                .tiles
                .iter()
                .enumerate()
                .map(|(j, t)| {
                    let png = tile(i, j, t.width_px, y, t.height_px);
                    y += t.height_px;
                    png
                })
                .collect();
            PageInput {
                facts: f,
                tiles,
                text_runs: runs,
            }
        })
        .collect();
    let doc = Document {
        record: rec,
        pages,
        attachments,
    };
    build(&doc, &Options { flavour }).expect("build")
}

/// A two-page record (the second page truncated, obstructed, with a very long URL).
fn small_record() -> model::Record {
    let f1 = facts(
        "01-start",
        "https://www.facebook.com/gislavedskommun",
        640,
        &[700, 500],
    );
    let long = format!(
        "https://www.facebook.com/gislavedskommun/about?ref={}",
        "abcdefghij".repeat(20)
    );
    let f2 = troubled(facts("02-about", &long, 640, &[300]));
    record(vec![f1, f2], true)
}

fn attachments() -> Vec<Attachment> {
    vec![
        Attachment {
            name: "record.json".into(),
            bytes: br#"{"record_id":"2026-H1/facebook-kommun"}"#.to_vec(),
            mime: "application/json".into(),
            description: "Metadata för ögonblicksbilden".into(),
            relationship: AfRelationship::Data,
        },
        Attachment {
            name: "01-start.mhtml".into(),
            bytes:
                b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x--\r\n"
                    .to_vec(),
            mime: "multipart/related".into(),
            description: "MHTML-kopia av sidan".into(),
            relationship: AfRelationship::Source,
        },
    ]
}

fn small(flavour: Flavour) -> Vec<u8> {
    build_record(&small_record(), &runs(1200.0), flavour, attachments())
}

fn delivery() -> Vec<u8> {
    let created = chrono::Utc
        .with_ymd_and_hms(2026, 7, 20, 9, 30, 0)
        .single()
        .expect("time");
    let rows = (0..40)
        .map(|i| DeliveryRow {
            record_id: format!("2026-H1/konto-{i:02}"),
            description: format!("Ögonblicksbild av Facebooksidan Gislaveds kommun {i}, 2026 H1"),
            captured: created,
            handling: "upprättad".into(),
            diarienummer: if i % 2 == 0 {
                format!("KS 2026/{i}")
            } else {
                String::new()
            },
            file: format!("data/2026-H1/konto-{i:02}/snapshot.pdf"),
            sha256: format!("{:064x}", i * 977),
        })
        .collect();
    pdfa::delivery_list(&DeliveryList {
        organisation: "Gislaveds kommun".into(),
        archive_creator: "Kommunstyrelsen".into(),
        organisation_number: "212000-9994".into(),
        period: "2026-H1".into(),
        created,
        rows,
    })
    .expect("delivery list")
}

fn assert_preflight(name: &str, bytes: &[u8]) {
    let dir = tempdir();
    let path = write(dir.path(), name, bytes);
    let _ = std::fs::copy(&path, format!("/tmp/pdfa-{name}"));
    let (valid, out) = preflight(&path);
    assert!(valid, "Preflight rejects {name}:\n{out}");
}

#[test]
fn preflight_accepts_1b_small_manual_and_delivery_list() {
    assert_preflight("small.pdf", &small(Flavour::A1b));
    // A manual capture: no account, no organisation, no period.
    let manual = record(
        vec![facts(
            "01-start",
            "https://example.org/nyheter",
            800,
            &[1000],
        )],
        false,
    );
    assert_preflight(
        "manual.pdf",
        &build_record(&manual, &runs(1000.0), Flavour::A1b, vec![]),
    );
    assert_preflight("leveranslista.pdf", &delivery());
}

#[test]
fn tall_capture_is_valid_searchable_and_within_page_limits() {
    let heights = [15_000, 15_000, 15_000, 15_000];
    let rec = record(
        vec![facts(
            "01-start",
            "https://www.facebook.com/gislavedskommun",
            1280,
            &heights,
        )],
        true,
    );
    let runs = runs(60_000.0);
    let pdf = build_record(&rec, &runs, Flavour::A1b, vec![]);
    assert_preflight("tall.pdf", &pdf);
    let report = check(&pdf, None).expect("readable");
    assert!(report.is_conformant(), "{:?}", report.failures);

    let dir = tempdir();
    let path = write(dir.path(), "tall.pdf", &pdf);
    let p = path.to_str().expect("utf-8");
    let info = stdout(&run("pdfinfo", &[p], "poppler-utils"));
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    // 60 000 px at 1810 px per page: 34 screenshot pages after the cover.
    assert!(pages >= 34, "{info}");
    let boxes = stdout(&run(
        "pdfinfo",
        &["-f", "1", "-l", "100", p],
        "poppler-utils",
    ));
    let sizes: Vec<&str> = boxes
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .collect();
    assert_eq!(sizes.len(), pages, "{boxes}");
    for line in sizes {
        let nums: Vec<f64> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        assert!(
            nums.iter().skip(1).all(|&n| (3.0..=14_400.0).contains(&n)),
            "{line}"
        );
    }
    let text = stdout(&run("pdftotext", &[p, "-"], "poppler-utils"));
    assert!(
        text.contains("Glad midsommar"),
        "text layer lost on the tall capture"
    );
}

#[test]
fn every_flavour_passes_qpdf_pdffonts_and_our_check() {
    for flavour in Flavour::ALL {
        let pdf = small(flavour);
        let dir = tempdir();
        let path = write(dir.path(), "doc.pdf", &pdf);
        let p = path.to_str().expect("utf-8");
        let qpdf = run("qpdf", &["--check", p], "qpdf");
        assert!(
            qpdf.status.success(),
            "qpdf --check {flavour}:\n{}",
            all_output(&qpdf)
        );
        assert!(
            !all_output(&qpdf).contains("WARNING"),
            "qpdf warns on {flavour}:\n{}",
            all_output(&qpdf)
        );
        let header = if flavour == Flavour::A1b {
            "%PDF-1.4"
        } else {
            "%PDF-1.7"
        };
        assert!(pdf.starts_with(header.as_bytes()), "{flavour} header");

        let fonts = stdout(&run("pdffonts", &[p], "poppler-utils"));
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert_eq!(rows.len(), 2, "{fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name type type encoding emb sub uni id gen
            let n = cols.len();
            assert_eq!(cols[n - 5], "yes", "font not embedded: {row}");
            assert_eq!(cols[n - 3], "yes", "font without ToUnicode: {row}");
        }

        let report = check(&pdf, None).expect("readable");
        assert_eq!(report.claimed, Some(flavour));
        assert!(report.is_conformant(), "{flavour}: {:?}", report.failures);
    }
    let report = check(&delivery(), Some(Flavour::A1b)).expect("readable");
    assert!(
        report.is_conformant(),
        "delivery list: {:?}",
        report.failures
    );
}

#[test]
fn pdf_a3b_embeds_the_attachments_and_others_do_not() {
    let dir = tempdir();
    let three = write(dir.path(), "3b.pdf", &small(Flavour::A3b));
    let list = stdout(&run(
        "pdfdetach",
        &["-list", three.to_str().expect("utf-8")],
        "poppler-utils",
    ));
    assert!(list.contains("2 embedded files"), "{list}");
    assert!(
        list.contains("record.json") && list.contains("01-start.mhtml"),
        "{list}"
    );
    let out = dir.path().join("record.json");
    let save = run(
        "pdfdetach",
        &[
            "-save",
            "2",
            "-o",
            out.to_str().expect("utf-8"),
            three.to_str().expect("utf-8"),
        ],
        "poppler-utils",
    );
    assert!(save.status.success(), "{}", all_output(&save));
    assert_eq!(std::fs::read(&out).expect("saved"), attachments()[0].bytes);

    let one = write(dir.path(), "1b.pdf", &small(Flavour::A1b));
    let list = stdout(&run(
        "pdfdetach",
        &["-list", one.to_str().expect("utf-8")],
        "poppler-utils",
    ));
    assert!(list.contains("0 embedded files"), "{list}");
}

#[test]
fn pdftotext_recovers_every_script() {
    let dir = tempdir();
    let path = write(dir.path(), "doc.pdf", &small(Flavour::A2u));
    let text = stdout(&run(
        "pdftotext",
        &[path.to_str().expect("utf-8"), "-"],
        "poppler-utils",
    ));
    for want in [
        "Välkommen till Gislaveds kommun – åäö ÅÄÖ",
        "مرحبا بكم في البلدية",
        "欢迎来到市政府网站",
        "Glad midsommar 🎉🌻 från oss 👨‍👩‍👧",
        "Karin Lind Så bra, vi kommer.",
        // The cover page.
        "Sammanfattning av innehållet",
        "Kommunledningsförvaltningen",
        "inloggningsvägg",
        "Diarienummer:",
    ] {
        assert!(text.contains(want), "pdftotext lost `{want}`:\n{text}");
    }
}

#[test]
fn cover_says_where_each_page_is_even_for_copied_facts() {
    // The CLI hands over facts that are copies of the record's, not references into it.
    let rec = small_record();
    let copies = rec.pages.clone();
    let runs = runs(1200.0);
    let inputs = copies
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut y = 0;
            let tiles = f
                .tiles
                .iter()
                .map(|t| {
                    y += t.height_px;
                    rgb_tile(i as u32 + 1, t.width_px, y - t.height_px, t.height_px)
                })
                .collect();
            PageInput {
                facts: f,
                tiles,
                text_runs: &runs,
            }
        })
        .collect();
    let pdf = build(
        &Document {
            record: &rec,
            pages: inputs,
            attachments: vec![],
        },
        &Options::default(),
    )
    .expect("build");
    let dir = tempdir();
    let path = write(dir.path(), "doc.pdf", &pdf);
    let p = path.to_str().expect("utf-8");
    let info = stdout(&run("pdfinfo", &[p], "poppler-utils"));
    let total: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pages");
    let covers = total - 3;
    let text = stdout(&run(
        "pdftotext",
        &["-l", &covers.to_string(), p, "-"],
        "poppler-utils",
    ));
    for want in [
        format!("PDF-sidorna {}–{} (2 PDF-sidor)", covers + 1, covers + 2),
        format!("PDF-sida {}\n", covers + 3),
    ] {
        assert!(text.contains(&want), "cover lacks `{want}`:\n{text}");
    }
}

#[test]
fn cover_keeps_text_its_font_lacks() {
    // DejaVu Sans has no Chinese or emoji: the cover draws a stand-in glyph but the text survives.
    let mut f = facts("01-start", "https://example.org/", 64, &[48]);
    f.title = "市政府网站 🎉 مرحبا".into();
    f.summary.headings = vec!["新闻 · Nyheter".into()];
    let rec = record(vec![f], false);
    let pdf = build_record(&rec, &[], Flavour::A2u, vec![]);
    let report = check(&pdf, None).expect("readable");
    assert!(report.is_conformant(), "{:#?}", report.failures);
    let dir = tempdir();
    let path = write(dir.path(), "doc.pdf", &pdf);
    let text = stdout(&run(
        "pdftotext",
        &["-f", "1", "-l", "1", path.to_str().expect("utf-8"), "-"],
        "poppler-utils",
    ));
    for want in ["市政府网站 🎉", "مرحبا", "新闻 · Nyheter"] {
        assert!(text.contains(want), "cover lost `{want}`:\n{text}");
    }
}

/// Render PDF page `page` at `dpi` with `tool` (pdftoppm or pdftocairo) and return (width, height, RGB pixels).
pub(crate) fn render(
    tool: &str,
    pdf: &std::path::Path,
    page: usize,
    dpi: u32,
) -> (u32, u32, Vec<u8>) {
    let dir = tempdir();
    let prefix = dir.path().join("p");
    let page = page.to_string();
    let dpi = dpi.to_string();
    let o = run(
        tool,
        &[
            "-r",
            &dpi,
            "-f",
            &page,
            "-l",
            &page,
            "-singlefile",
            "-png",
            pdf.to_str().expect("utf-8"),
            prefix.to_str().expect("utf-8"),
        ],
        "poppler-utils",
    );
    assert!(o.status.success(), "{}", all_output(&o));
    let bytes = std::fs::read(dir.path().join("p.png")).expect("rendered page");
    let mut decoder = png::Decoder::new(bytes.as_slice());
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("png");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

#[test]
fn screenshot_pages_reproduce_the_tiles_pixel_for_pixel_across_seams() {
    let rec = small_record();
    let pdf = build_record(&rec, &runs(1200.0), Flavour::A1b, vec![]);
    let dir = tempdir();
    let path = write(dir.path(), "doc.pdf", &pdf);
    let info = stdout(&run(
        "pdfinfo",
        &[path.to_str().expect("utf-8")],
        "poppler-utils",
    ));
    let total: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pages");
    // Page 1 of the record: 1200 px in two tiles (seam at 700) cut into pages of round(640·√2) = 905 px
    // (a second seam at 905); page 2: 300 px. The cover takes the rest.
    let covers = total - 3;
    // Cairo draws the image data as it is, at 96 dpi (one image pixel per device pixel). Splash
    // (pdftoppm) blends neighbouring pixels unless it scales up by 4 or more, so it renders at
    // 384 dpi, where every image pixel must come out as an exact 4 × 4 block.
    for (tool, dpi, f) in [("pdftocairo", 96, 1), ("pdftoppm", 384, 4)] {
        let mut y0 = 0;
        for (k, (seed, rows)) in [(1, 905), (1, 295), (2, 300)].into_iter().enumerate() {
            if k == 2 {
                y0 = 0;
            }
            let page = covers + 1 + k;
            let (w, h, px) = render(tool, &path, page, dpi);
            assert_eq!((w, h), (640 * f, rows * f), "{tool}: page {page} size");
            for y in 0..h {
                for x in 0..w {
                    let at = ((y * w + x) * 3) as usize;
                    let want = pixel(seed, x / f, y0 + y / f);
                    assert!(
                        px[at..at + 3] == want,
                        "{tool}: pixel ({}, {}) of page {page} is {:?}, want {want:?}",
                        x / f,
                        y0 + y / f,
                        &px[at..at + 3]
                    );
                }
            }
            y0 += rows;
        }
    }
}

#[test]
fn non_rgb_tiles_are_converted_losslessly() {
    // A grey + alpha tile: opaque pixels keep their grey, transparent ones become white.
    let (w, h) = (64u32, 32u32);
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            data.extend_from_slice(&[(x * 4) as u8, if y < 16 { 255 } else { 0 }]);
        }
    }
    let tile = encode(png::ColorType::GrayscaleAlpha, w, h, &data);
    let rec = record(
        vec![facts("01-start", "https://example.org/", w, &[h])],
        false,
    );
    let doc = Document {
        record: &rec,
        pages: vec![PageInput {
            facts: &rec.pages[0],
            tiles: vec![tile],
            text_runs: &[],
        }],
        attachments: vec![],
    };
    let pdf = build(&doc, &Options::default()).expect("build");
    assert!(check(&pdf, None).expect("readable").is_conformant());
    let dir = tempdir();
    let path = write(dir.path(), "doc.pdf", &pdf);
    let info = stdout(&run(
        "pdfinfo",
        &[path.to_str().expect("utf-8")],
        "poppler-utils",
    ));
    let total: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pages");
    let (rw, rh, px) = render("pdftocairo", &path, total, 96);
    assert_eq!((rw, rh), (w, h));
    for y in 0..h {
        for x in 0..w {
            let at = ((y * w + x) * 3) as usize;
            let g = if y < 16 { (x * 4) as u8 } else { 255 };
            assert_eq!(&px[at..at + 3], &[g, g, g], "pixel ({x}, {y})");
        }
    }
}

#[test]
fn builds_are_byte_identical() {
    for flavour in Flavour::ALL {
        assert!(
            small(flavour) == small(flavour),
            "{flavour} differs between two builds"
        );
    }
    assert!(
        delivery() == delivery(),
        "delivery list differs between two builds"
    );
    // And different input gives a different /ID.
    let a = small(Flavour::A1b);
    let mut rec = small_record();
    rec.diarienummer = "KS 2026/123".into();
    let b = build_record(&rec, &runs(1200.0), Flavour::A1b, vec![]);
    assert_ne!(trailer_id(&a), trailer_id(&b));
}

/// The trailer's `/ID` entry as written (`/ID[<...><...>]`).
fn trailer_id(pdf: &[u8]) -> String {
    let s = String::from_utf8_lossy(pdf).into_owned();
    let at = s.rfind("/ID").expect("/ID");
    s[at..at + 72].to_string()
}

#[test]
fn one_changed_pixel_changes_the_id() {
    let rec = small_record();
    let runs = runs(1200.0);
    // The first tile of the first page with one byte of one pixel changed by `delta`,
    // everything else (record, text, facts) the same.
    let build_with = |delta: u8| {
        build_with_tiles(&rec, &runs, Flavour::A1b, Vec::new(), |i, j, w, y, h| {
            let mut data = Vec::new();
            for row in y..y + h {
                for x in 0..w {
                    data.extend_from_slice(&pixel(i as u32 + 1, x, row));
                }
            }
            if i == 0 && j == 0 {
                let k = data.len() / 2;
                data[k] = data[k].wrapping_add(delta);
            }
            encode(png::ColorType::Rgb, w, h, &data)
        })
    };
    let (a, again, b) = (build_with(0), build_with(0), build_with(1));
    assert!(a == again, "two builds of the same tiles differ");
    let id_a = trailer_id(&a);
    assert!(id_a.starts_with("/ID[<"), "{id_a}");
    assert_ne!(
        id_a,
        trailer_id(&b),
        "one changed pixel must change the /ID"
    );
    let dir = tempdir();
    let (valid, report) = preflight(&write(dir.path(), "one-pixel.pdf", &b));
    assert!(valid, "Preflight rejects one-pixel.pdf:\n{report}");
}
