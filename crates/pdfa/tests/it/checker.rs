//! `pdfa::check` passes what we write and fails what is not PDF/A, never panicking.

use crate::common::*;
use lopdf::{dictionary, Object};
use pdfa::{build, check, Document, Flavour, Options, PageInput};

/// A tiny valid document in `flavour`.
fn tiny(flavour: Flavour) -> Vec<u8> {
    let rec = record(
        vec![facts("01-start", "https://example.org/", 64, &[48])],
        false,
    );
    let runs = runs(48.0);
    let doc = Document {
        record: &rec,
        pages: vec![PageInput {
            facts: &rec.pages[0],
            tiles: vec![rgb_tile(3, 64, 0, 48)],
            text_runs: &runs,
        }],
        attachments: vec![],
    };
    build(&doc, &Options { flavour }).expect("build")
}

/// `tiny(1b)` changed through lopdf.
fn altered(change: impl FnOnce(&mut lopdf::Document)) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(&tiny(Flavour::A1b)).expect("our PDF loads");
    change(&mut doc);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn catalog(doc: &mut lopdf::Document) -> &mut lopdf::Dictionary {
    doc.catalog_mut().expect("catalog")
}

/// Assert the file is readable, not conformant, and that one failure names `clause`.
fn assert_fails(bytes: &[u8], flavour: Option<Flavour>, clause: &str) {
    let report = check(bytes, flavour).expect("readable");
    assert!(!report.is_conformant(), "expected a failure of {clause}");
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.clause == clause && !f.hint.is_empty()),
        "no failure of {clause} in {:#?}",
        report.failures
    );
}

#[test]
fn our_own_documents_pass_and_claim_their_flavour() {
    for flavour in Flavour::ALL {
        let report = check(&tiny(flavour), None).expect("readable");
        assert_eq!(report.claimed, Some(flavour));
        assert_eq!(report.checked_as, flavour);
        assert!(report.is_conformant(), "{flavour}: {:#?}", report.failures);
        assert!(
            report.unreachable_text.is_empty(),
            "{flavour}: {:#?}",
            report.unreachable_text
        );
    }
}

/// The last page (the screenshot with the text layer) changed by `change`.
fn last_page(change: impl FnOnce(&mut lopdf::Dictionary)) -> Vec<u8> {
    altered(|doc| {
        let (_, id) = doc.get_pages().into_iter().next_back().expect("a page");
        if let Ok(Object::Dictionary(page)) = doc.get_object_mut(id) {
            change(page);
        }
    })
}

#[test]
fn text_outside_every_page_box_is_reported() {
    // The screenshot page is 48 units wide and 36 high; a crop box over its top left corner
    // leaves every run of the text layer (which starts at x = 30) outside what readers show.
    let bytes = last_page(|page| {
        page.set("CropBox", vec![0.into(), 30.into(), 20.into(), 36.into()]);
    });
    let report = check(&bytes, None).expect("readable");
    assert!(report.is_conformant(), "{:#?}", report.failures);
    assert_eq!(report.unreachable_text.len(), 1, "{report:#?}");
    let f = &report.unreachable_text[0];
    assert_eq!(f.clause, "text layer");
    assert!(
        f.message.contains("outside the page box [0 30 20 36]"),
        "{}",
        f.message
    );
}

#[test]
fn page_boxes_over_the_limit_or_missing_are_caught() {
    let wide = last_page(|page| {
        page.set(
            "MediaBox",
            vec![0.into(), 0.into(), 20_000.into(), 36.into()],
        );
    });
    assert_fails(&wide, None, "ISO 19005-1 6.1.12");
    let tiny_box = last_page(|page| {
        page.set(
            "TrimBox",
            vec![0.into(), 0.into(), Object::Real(2.5), 36.into()],
        );
    });
    assert_fails(&tiny_box, None, "ISO 19005-1 6.1.12");
    let bad = last_page(|page| {
        page.set("MediaBox", vec![0.into(), 0.into(), 48.into()]);
    });
    assert_fails(&bad, None, "ISO 19005-1 6.1.12");
    let none = last_page(|page| {
        page.remove(b"MediaBox");
    });
    assert_fails(&none, None, "ISO 19005-1 6.1.12");
}

#[test]
fn odd_tile_shapes_still_conform() {
    // A 1 × 1 px page, and a page whose last slice is a 1 px sliver.
    for (width, heights) in [
        (1u32, vec![1u32]),
        (100, vec![100, 41, 1]),
        (3000, vec![10]),
    ] {
        let rec = record(
            vec![facts("01-start", "https://example.org/", width, &heights)],
            false,
        );
        let mut y = 0;
        let tiles = heights
            .iter()
            .map(|&h| {
                y += h;
                rgb_tile(1, width, y - h, h)
            })
            .collect();
        let doc = Document {
            record: &rec,
            pages: vec![PageInput {
                facts: &rec.pages[0],
                tiles,
                text_runs: &[],
            }],
            attachments: vec![],
        };
        let pdf = build(&doc, &Options::default()).expect("build");
        let report = check(&pdf, None).expect("readable");
        assert!(
            report.is_conformant(),
            "{width} × {heights:?}: {:#?}",
            report.failures
        );
    }
}

#[test]
fn bad_input_is_an_error_naming_the_page_and_tile() {
    let rec = record(
        vec![facts("01-start", "https://example.org/", 64, &[48, 48])],
        false,
    );
    let doc = |tiles: Vec<Vec<u8>>| Document {
        record: &rec,
        pages: vec![PageInput {
            facts: &rec.pages[0],
            tiles,
            text_runs: &[],
        }],
        attachments: vec![],
    };
    let err = build(&doc(vec![rgb_tile(1, 64, 0, 48)]), &Options::default())
        .expect_err("one tile missing");
    assert!(err.to_string().contains("01-start"), "{err}");
    let err = build(
        &doc(vec![rgb_tile(1, 64, 0, 48), b"not a png".to_vec()]),
        &Options::default(),
    )
    .expect_err("garbage tile");
    assert!(
        err.to_string()
            .contains("tile capture/01-start/tile-002.png of page `01-start`"),
        "{err}"
    );
}

#[test]
fn a_file_checked_as_another_flavour_fails_identification() {
    assert_fails(&tiny(Flavour::A1b), Some(Flavour::A2u), "ISO 19005-2 6.6.4");
    assert_fails(&tiny(Flavour::A2b), Some(Flavour::A1b), "ISO 19005-1 6.1.2");
}

/// The browser as the other tests find it: `$CHROME`, then `chromium` on PATH.
fn chrome() -> String {
    std::env::var("CHROME")
        .ok()
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "chromium".into())
}

#[test]
fn chromium_print_to_pdf_is_not_pdf_a() {
    let dir = tempdir();
    let html = write(
        dir.path(),
        "page.html",
        "<!doctype html><html lang=sv><meta charset=utf-8><body style='font-family:sans-serif'>\
         <h1>Gislaveds kommun</h1><p>Välkommen – åäö</p><p style='opacity:.5'>Halvgenomskinlig</p></body></html>"
            .as_bytes(),
    );
    let out = dir.path().join("out.pdf");
    let profile = dir.path().join("profile");
    let chrome = chrome();
    let o = run(
        &chrome,
        &[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--print-to-pdf={}", out.display()),
            &format!("file://{}", html.display()),
        ],
        "chromium",
    );
    let bytes = std::fs::read(&out)
        .unwrap_or_else(|e| panic!("chromium wrote no PDF ({e}):\n{}", all_output(&o)));
    let report = check(&bytes, None).expect("Chromium's PDF is readable");
    assert_eq!(report.claimed, None);
    assert!(!report.is_conformant());
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.clause == "ISO 19005-1 6.7.2"),
        "{:#?}",
        report.failures
    );
}

#[test]
fn encryption_is_caught() {
    let dir = tempdir();
    let plain = write(dir.path(), "plain.pdf", &tiny(Flavour::A1b));
    let locked = dir.path().join("locked.pdf");
    let o = run(
        "qpdf",
        &[
            "--encrypt",
            "",
            "owner",
            "256",
            "--",
            plain.to_str().expect("utf-8"),
            locked.to_str().expect("utf-8"),
        ],
        "qpdf",
    );
    assert!(o.status.success(), "{}", all_output(&o));
    assert_fails(
        &std::fs::read(&locked).expect("encrypted file"),
        Some(Flavour::A1b),
        "ISO 19005-1 6.1.3",
    );
}

#[test]
fn javascript_and_additional_actions_are_caught() {
    let js = altered(|doc| {
        catalog(doc).set(
            "OpenAction",
            dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert('hej')") },
        );
    });
    assert_fails(&js, None, "ISO 19005-1 6.6.1");
    let aa = altered(|doc| {
        catalog(doc).set("AA", dictionary! { "WC" => dictionary! { "S" => "Launch", "F" => Object::string_literal("x.exe") } });
    });
    assert_fails(&aa, None, "ISO 19005-1 6.6.2");
}

#[test]
fn missing_metadata_and_output_intent_are_caught() {
    let no_xmp = altered(|doc| {
        catalog(doc).remove(b"Metadata");
    });
    assert_fails(&no_xmp, Some(Flavour::A1b), "ISO 19005-1 6.7.2");
    let no_intent = altered(|doc| {
        catalog(doc).remove(b"OutputIntents");
    });
    // The screenshots are DeviceRGB: without an RGB output intent that breaks 6.2.3.3.
    assert_fails(&no_intent, None, "ISO 19005-1 6.2.3.3");
    let info = altered(|doc| {
        let id = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .expect("info");
        let info = doc
            .get_object_mut(id)
            .and_then(Object::as_dict_mut)
            .expect("info dict");
        info.set("Title", Object::string_literal("Något annat"));
    });
    assert_fails(&info, None, "ISO 19005-1 6.7.3");
}

/// `tiny(1b)` with its XMP packet replaced by `xmp`.
fn with_xmp(xmp: &str) -> Vec<u8> {
    altered(|doc| {
        let id = catalog(doc)
            .get(b"Metadata")
            .and_then(Object::as_reference)
            .expect("metadata");
        let stream = doc
            .get_object_mut(id)
            .and_then(Object::as_stream_mut)
            .expect("metadata stream");
        stream.set_plain_content(xmp.as_bytes().to_vec());
    })
}

#[test]
fn hostile_or_broken_xmp_fails_validity_without_a_panic() {
    let wrap = |body: &str| {
        format!(
            "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>{body}<?xpacket end=\"w\"?>"
        )
    };
    let laughs = wrap(
        "<!DOCTYPE x:xmpmeta [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>\
         <!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>]>\
         <x:xmpmeta xmlns:x='adobe:ns:meta/'>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</x:xmpmeta>",
    );
    let deep = wrap(&format!(
        "{}{}",
        "<x:a xmlns:x='adobe:ns:meta/'>".repeat(50_000),
        "</x:a>".repeat(50_000)
    ));
    let unclosed = wrap("<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF>");
    let unknown_entity = wrap("<x:xmpmeta xmlns:x='adobe:ns:meta/'>&ouml;</x:xmpmeta>");
    for xmp in [laughs, deep, unclosed, unknown_entity] {
        let report = check(&with_xmp(&xmp), None).expect("readable");
        // Without a readable packet there is no claim: checked as PDF/A-1b.
        assert_eq!(report.claimed, None);
        let invalid: Vec<_> = report
            .failures
            .iter()
            .filter(|f| f.clause == "ISO 19005-1 6.7.9")
            .collect();
        assert_eq!(invalid.len(), 1, "{:#?}", report.failures);
        assert!(
            invalid[0]
                .message
                .starts_with("the XMP packet is not well-formed XML: "),
            "{}",
            invalid[0].message
        );
    }
}

#[test]
fn transparency_is_caught_in_part_1() {
    let pdf = altered(|doc| {
        let gs = doc.add_object(dictionary! { "Type" => "ExtGState", "ca" => 0.5 });
        let first = *doc.get_pages().values().next().expect("a page");
        let page = doc
            .get_object_mut(first)
            .and_then(Object::as_dict_mut)
            .expect("page");
        page.set(
            "Group",
            dictionary! { "S" => "Transparency", "CS" => "DeviceRGB" },
        );
        page.set("Dummy", Object::Reference(gs));
    });
    assert_fails(&pdf, None, "ISO 19005-1 6.4");
}

#[test]
fn unembedded_fonts_are_caught() {
    let pdf = altered(|doc| {
        let font = doc.add_object(
            dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" },
        );
        let first = *doc.get_pages().values().next().expect("a page");
        let page = doc
            .get_object_mut(first)
            .and_then(Object::as_dict_mut)
            .expect("page");
        page.set(
            "Resources",
            dictionary! { "Font" => dictionary! { "F9" => font } },
        );
    });
    assert_fails(&pdf, None, "ISO 19005-1 6.3.4");
}

#[test]
fn notdef_glyphs_are_caught_in_part_2() {
    let mut doc = lopdf::Document::load_mem(&tiny(Flavour::A2b)).expect("our PDF loads");
    let maps: Vec<lopdf::ObjectId> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"CIDFontType2"))
        .filter_map(|d| d.get(b"CIDToGIDMap").and_then(Object::as_reference).ok())
        .collect();
    assert_eq!(maps.len(), 2, "two composite fonts");
    for id in maps {
        let stream = doc
            .get_object_mut(id)
            .and_then(Object::as_stream_mut)
            .expect("map stream");
        let len = stream.decompressed_content().expect("map").len();
        stream.dict.remove(b"Filter");
        stream.set_content(vec![0; len]);
    }
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    assert_fails(&bytes, None, "ISO 19005-2 6.2.11.8");
}

#[test]
fn associated_file_keys_are_checked() {
    let rec = record(
        vec![facts("01-start", "https://example.org/", 64, &[48])],
        false,
    );
    let doc = Document {
        record: &rec,
        pages: vec![PageInput {
            facts: &rec.pages[0],
            tiles: vec![rgb_tile(3, 64, 0, 48)],
            text_runs: &[],
        }],
        attachments: vec![pdfa::Attachment {
            name: "record.json".into(),
            bytes: b"{}".to_vec(),
            mime: "application/json".into(),
            description: "record".into(),
            relationship: pdfa::AfRelationship::Data,
        }],
    };
    let three = build(
        &doc,
        &Options {
            flavour: Flavour::A3b,
        },
    )
    .expect("build");
    assert!(check(&three, None).expect("readable").is_conformant());
    // Without /AFRelationship, and without the catalog's /AF: both break ISO 19005-3 6.8.
    let mut broken = lopdf::Document::load_mem(&three).expect("loads");
    for obj in broken.objects.values_mut() {
        if let Ok(d) = obj.as_dict_mut() {
            d.remove(b"AFRelationship");
        }
    }
    broken.catalog_mut().expect("catalog").remove(b"AF");
    let mut bytes = Vec::new();
    broken.save_to(&mut bytes).expect("save");
    assert_fails(&bytes, None, "ISO 19005-3 6.8");
    // The same attachments are not allowed in PDF/A-1.
    assert_fails(&three, Some(Flavour::A1b), "ISO 19005-1 6.1.11");
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn truncated_mangled_and_random_bytes_never_panic() {
    let good = tiny(Flavour::A1b);
    let mut rng = Rng(0x6f67_6f6e_626c_6963);
    // Cut anywhere: never conformant (the %%EOF and cross-reference table are gone).
    for i in 0..400 {
        let cut = if i < 20 {
            i * 7
        } else {
            rng.below(good.len() - 1)
        };
        match check(&good[..cut], None) {
            Err(_) => {}
            Ok(r) => assert!(!r.is_conformant(), "a file cut at byte {cut} passed"),
        }
    }
    // Flip bytes: any verdict, but no panic.
    for _ in 0..400 {
        let mut bad = good.clone();
        for _ in 0..1 + rng.below(20) {
            let at = rng.below(bad.len());
            bad[at] = rng.next() as u8;
        }
        let _ = check(&bad, None);
    }
    // Random bytes, with and without a PDF header: never conformant.
    for i in 0..400 {
        let len = rng.below(4096);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if i % 2 == 0 {
            bytes.splice(
                0..0,
                b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>"
                    .iter()
                    .copied(),
            );
        }
        if let Ok(r) = check(&bytes, None) {
            assert!(!r.is_conformant(), "random bytes passed");
        }
    }
}
