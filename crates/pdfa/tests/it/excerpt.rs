//! `pdfa::excerpt`: pages of a built snapshot copied into a PDF/A of the
//! same flavour behind a cover that traces them; bad ranges and bytes are
//! errors, never panics.

use crate::common::*;
use pdfa::{
    build_placed, check, excerpt, Document, Error, Excerpt, Extras, Flavour, Options, PageInput,
};

const SHA: &str = "5955d51a3e2b41447e6620b3455f22420005337fd00d9fefccc1620965378a37";
const MANIFEST_SHA: &str = "4f53c1ae402649f45deabad3cbe566a8b3a4bbea2d6d877c57d3163408a48654";

/// A snapshot whose one tall page takes several PDF pages.
fn snapshot(flavour: Flavour, rec: &model::Record) -> Vec<u8> {
    placed(flavour, rec).bytes
}

/// The snapshot and where its screenshot pages are.
fn placed(flavour: Flavour, rec: &model::Record) -> pdfa::Built {
    let runs = runs(4000.0);
    let doc = Document {
        record: rec,
        pages: vec![PageInput {
            facts: &rec.pages[0],
            tiles: vec![rgb_tile(5, 800, 0, 2000), rgb_tile(6, 800, 2000, 2000)],
            text_runs: &runs,
        }],
        attachments: vec![],
    };
    build_placed(&doc, &Options { flavour }, Extras::default()).expect("build")
}

fn tall_record() -> model::Record {
    let mut rec = record(
        vec![facts(
            "01-start",
            "https://www.facebook.com/gislavedskommun",
            800,
            &[2000, 2000],
        )],
        true,
    );
    rec.pages[0].title = "Sidan\u{202e} med styrtecken".into();
    rec
}

fn ex<'a>(rec: &'a model::Record, first: u32, last: u32) -> Excerpt<'a> {
    Excerpt {
        record: rec,
        first,
        last,
        snapshot_sha256: SHA,
        manifest_sha256: MANIFEST_SHA,
        sealed: Some((at(8, 2, 0), 12)),
        diarienummer: Some("KS 2026/123"),
        slices: &[],
        created: at(14, 30, 0),
        operator: "Rut\u{202e} Registrator",
        tool_version: "0.1.0",
    }
}

/// Every page's content stream, decoded.
fn contents(pdf: &[u8]) -> Vec<Vec<u8>> {
    let doc = lopdf::Document::load_mem(pdf).expect("loads");
    doc.get_pages()
        .values()
        .map(|&id| doc.get_page_content(id))
        .collect()
}

#[test]
fn pages_are_copied_unchanged_behind_a_tracing_cover_in_every_flavour() {
    let rec = tall_record();
    for flavour in Flavour::ALL {
        let source = snapshot(flavour, &rec);
        let src_pages = contents(&source);
        let total = src_pages.len() as u32;
        assert!(total >= 4, "{flavour}: {total} pages");
        let built = excerpt(&source, &ex(&rec, 2, total)).expect("excerpt");
        assert_eq!(built.flavour, flavour);
        assert_eq!(built.source_pages, total);
        let report = check(&built.bytes, None).expect("readable");
        assert_eq!(report.claimed, Some(flavour));
        assert!(report.is_conformant(), "{flavour}: {:#?}", report.failures);
        let out_pages = contents(&built.bytes);
        let cover = built.cover_pages as usize;
        assert_eq!(cover, 1);
        assert_eq!(out_pages.len(), cover + (total as usize - 1));
        for (k, page) in out_pages[cover..].iter().enumerate() {
            assert_eq!(
                page,
                &src_pages[1 + k],
                "{flavour}: page {} is not source page {}",
                cover + k + 1,
                k + 2
            );
        }
    }
}

#[test]
fn the_cover_names_the_source_its_hashes_and_the_pages_and_neutralises_page_text() {
    let dir = tempdir();
    let rec = tall_record();
    let source = placed(Flavour::A1b, &rec);
    let mut what = ex(&rec, 1, 3);
    what.slices = &source.pdf_pages;
    let built = excerpt(&source.bytes, &what).expect("excerpt");
    let file = write(dir.path(), "utdrag.pdf", &built.bytes);
    let (valid, out) = preflight(&file);
    assert!(valid, "Preflight:\n{out}");
    let o = run(
        "pdftotext",
        &[
            "-enc",
            "UTF-8",
            "-f",
            "1",
            "-l",
            "1",
            file.to_str().unwrap(),
            "-",
        ],
        "poppler-utils",
    );
    let cover = stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Utdrag ur ögonblicksbild av Gislaveds kommun",
        SHA,
        MANIFEST_SHA,
        &format!("sidorna 1–3 av {}", built.source_pages),
        "PDF-sidan 1: ögonblicksbildens följeblad",
        "PDF-sidorna 2–3: skärmbild av fångad webbsida 1, Sidan<U+202E> med styrtecken",
        "KS 2026/123",
        // Labels and values come out of pdftotext in columns.
        "Förvaras i:",
        "Kommunstyrelsens arkiv, Gislaveds kommun",
        "2026-H1/facebook-kommun",
        "rad 12 i arkivets journal",
        "1 juli 2026 kl. 16.30.00",
        "Rut<U+202E> Registrator",
    ] {
        assert!(cover.contains(want), "no {want:?} on the cover:\n{cover}");
    }
    assert!(!cover.contains('\u{202e}'), "{cover}");
    // No path of the archive's computer, no flag, no log event name.
    for never in ["/srv", "--", "record.sealed", "journal.jsonl", "Plats:"] {
        assert!(!cover.contains(never), "{never:?} on the cover:\n{cover}");
    }
}

#[test]
fn bad_ranges_and_bad_bytes_are_errors() {
    let rec = tall_record();
    let source = snapshot(Flavour::A1b, &rec);
    let total = contents(&source).len() as u32;
    for (first, last) in [(0, 1), (2, 1), (1, total + 1), (total + 1, total + 1)] {
        match excerpt(&source, &ex(&rec, first, last)) {
            Err(Error::PageRange { count, .. }) => assert_eq!(count, total),
            other => panic!("{first}-{last}: {other:?}"),
        }
    }
    for bytes in [&b""[..], b"%PDF-1.4\n", &source[..source.len() / 2]] {
        assert!(
            matches!(excerpt(bytes, &ex(&rec, 1, 1)), Err(Error::Source { .. })),
            "{} bytes",
            bytes.len()
        );
    }
}
