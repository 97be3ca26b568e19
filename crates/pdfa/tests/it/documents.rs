//! Built documents against PDFBox Preflight, qpdf, poppler: validity, text, pixels, determinism.

use crate::common::*;
use pdfa::{build, Document, Flavour, Options, PageInput};

/// A small two-page record (one page with trouble) and its PDF in `flavour`.
fn small(flavour: Flavour) -> Vec<u8> {
    let f1 = facts("01-start", "https://www.facebook.com/gislavedskommun", 640, &[700, 500]);
    let f2 = troubled(facts("02-about", "https://www.facebook.com/gislavedskommun/about?ref=a_very_long_query_string_that_goes_on_and_on_and_on_and_on_and_on", 640, &[300]));
    let rec = record(vec![f1.clone(), f2.clone()], true);
    let r1 = runs(1200.0);
    let r2 = runs(300.0);
    let doc = Document {
        record: &rec,
        pages: vec![
            PageInput { facts: &rec.pages[0], tiles: vec![rgb_tile(1, 640, 0, 700), rgb_tile(1, 640, 700, 500)], text_runs: &r1 },
            PageInput { facts: &rec.pages[1], tiles: vec![rgb_tile(2, 640, 0, 300)], text_runs: &r2 },
        ],
        attachments: vec![],
    };
    build(&doc, &Options { flavour }).expect("build")
}

#[test]
fn preflight_accepts_small_1b() {
    let dir = tempdir();
    let path = write(dir.path(), "small.pdf", &small(Flavour::A1b));
    let (valid, out) = preflight(&path);
    let _ = std::fs::copy(&path, "/tmp/pdfa-small.pdf");
    assert!(valid, "Preflight rejects the file:\n{out}");
}
