//! How a tall page's bands meet what does not scroll with it: fixed and
//! sticky elements are pictured once, where a reader at the top sees them,
//! and the text under them is neither hidden nor lost
//! (fixtures/site/layouts/fasta/).

use capture::Options;
use model::{ObstructionKind, TextRun};

use crate::common::{capture, hex, Captured, Img};

/// The colour of row `n` (`postColour` in fixtures/site/layouts/inlagg.js).
fn row_colour(n: u32) -> [u8; 3] {
    let c = |v: i64| u8::try_from(v.rem_euclid(256)).expect("a byte");
    let n = i64::from(n);
    [c(40 + n * 3), c(200 - n * 2), c(n * 47 + 13)]
}

/// The decoded tiles with their top and height in CSS px.
fn decoded(c: &Captured) -> Vec<(f64, f64, Img)> {
    c.page
        .facts
        .tiles
        .iter()
        .map(|t| {
            (
                t.css_y,
                t.css_height,
                Img::load(&c.dir.path().join(&t.file)),
            )
        })
        .collect()
}

/// The pixel at picture position (x, y), if a tile covers it (the last
/// tile over a row is the one seen there, as in the PDF).
fn pixel(tiles: &[(f64, f64, Img)], x: f64, y: f64) -> Option<[u8; 3]> {
    let (top, h, img) = tiles
        .iter()
        .rev()
        .find(|(top, h, _)| y >= *top && y < top + h)?;
    let scale = f64::from(img.height) / h;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (px, py) = ((x * scale) as u32, ((y - top) * scale) as u32);
    (px < img.width && py < img.height).then(|| img.get(px, py))
}

/// Rows of the whole picture whose pixel at column `x` is `rgb`.
fn rows_with(tiles: &[(f64, f64, Img)], x: u32, rgb: [u8; 3]) -> usize {
    tiles.iter().map(|(_, _, img)| img.rows_with(x, rgb)).sum()
}

/// The share of a text run's box in the picture that is one of `colours`.
fn share_under(tiles: &[(f64, f64, Img)], r: &TextRun, colours: &[[u8; 3]]) -> f64 {
    let (mut all, mut hit) = (0u32, 0u32);
    let mut y = r.y + 1.0;
    while y < r.y + r.height - 1.0 {
        let mut x = r.x + 1.0;
        while x < r.x + r.width - 1.0 {
            if let Some(p) = pixel(tiles, x, y) {
                all += 1;
                hit += u32::from(colours.contains(&p));
            }
            x += 3.0;
        }
        y += 3.0;
    }
    f64::from(hit) / f64::from(all.max(1))
}

/// The fixed header, its account menu, the sticky sub-header, the cookie
/// bar and the "back to top" button: (colour, a column through it, its
/// height in CSS px, its own text).
const FIXED: [(&str, u32, usize, &str); 5] = [
    ("c0392b", 4, 64, "Kommunens nyheter"),
    ("1b4f72", 1130, 40, "Mitt konto"),
    ("16a085", 4, 40, "Undermeny: Nyheter, Evenemang, Kontakt"),
    (
        "8e44ad",
        4,
        80,
        "Webbplatsen använder kakor för besöksstatistik.",
    ),
    ("f39c12", 1253, 56, "Upp"),
];

/// Rows of the page (`ROWS` in the fixture).
const ROWS: u32 = 496;

#[test]
fn fixed_and_sticky_elements_are_pictured_once_and_hide_no_text() {
    let c = capture(&Options::default(), "/layouts/fasta/");
    let f = &c.page.facts;
    assert_eq!(f.full_height, 20_000.0);
    let tiles = decoded(&c);
    assert!(tiles.len() >= 3, "{:?}", f.tiles);
    // Each fixed or sticky element once, whole: its colour down one column
    // of the picture is exactly its own height.
    for (colour, x, height, _) in FIXED {
        assert_eq!(
            rows_with(&tiles, x, hex(colour)),
            height,
            "#{colour} at x={x}: the element should be in the picture once"
        );
    }
    let colours: Vec<[u8; 3]> = FIXED.iter().map(|&(c, ..)| hex(c)).collect();
    let own: Vec<&str> = FIXED.iter().map(|&(.., t)| t).collect();
    // Their own text once; no other text lies under one of them.
    for t in &own {
        let n = c.texts().iter().filter(|r| *r == t).count();
        assert_eq!(n, 1, "{t:?} is in the text layer {n} times");
    }
    for r in c
        .page
        .text_runs
        .iter()
        .filter(|r| !own.contains(&r.text.as_str()))
    {
        let share = share_under(&tiles, r, &colours);
        assert!(
            share < 0.2,
            "{:?} at y={:.0} lies under a fixed element ({:.0} % of its box)",
            r.text,
            r.y,
            share * 100.0
        );
    }
    // Every row's text is placed once, beside its own swatch in the picture:
    // the rows a reader at the top sees under the cookie bar and the button
    // are in the picture too.
    for n in 1..=ROWS {
        let label = format!("Rad {n:04} av {ROWS}");
        let runs: Vec<&TextRun> = c
            .page
            .text_runs
            .iter()
            .filter(|r| r.text == label)
            .collect();
        assert_eq!(
            runs.len(),
            1,
            "{label:?} in the text layer {} times",
            runs.len()
        );
        let r = runs[0];
        let (x, y) = (r.x - 14.0, r.y + r.height / 2.0);
        assert_eq!(
            pixel(&tiles, x, y),
            Some(row_colour(n)),
            "the swatch of {label:?} is not beside its text (x={x:.0}, y={y:.0})"
        );
        let end = format!("slut {n:04}");
        let ends = c.texts().iter().filter(|t| **t == end).count();
        assert_eq!(ends, 1, "{end:?} in the text layer {ends} times");
    }
    assert!(f.obstructions.is_empty(), "{:?}", f.obstructions);
}

/// Column `n`'s heading is in the text layer once and its colour lies at
/// (`dx`, `dy`) from the heading's start in the picture.
fn assert_column(
    c: &Captured,
    tiles: &[(f64, f64, Img)],
    label: &str,
    n: u32,
    (dx, dy): (f64, f64),
) {
    let runs: Vec<&TextRun> = c
        .page
        .text_runs
        .iter()
        .filter(|r| r.text == label)
        .collect();
    assert_eq!(
        runs.len(),
        1,
        "{label:?} in the text layer {} times",
        runs.len()
    );
    let r = runs[0];
    let (x, y) = (r.x + dx, r.y + dy);
    assert_eq!(
        pixel(tiles, x, y),
        Some(row_colour(n)),
        "the colour of {label:?} is not beside it in the picture (x={x:.0}, y={y:.0})"
    );
}

#[test]
fn a_strip_that_scrolls_sideways_is_let_out_whole() {
    let c = capture(&Options::default(), "/layouts/remsa/");
    let tiles = decoded(&c);
    for n in 1..=12 {
        assert_column(&c, &tiles, &format!("Kolumn {n} av 12"), n, (4.0, -30.0));
        assert!(
            c.texts()
                .contains(&format!("Händelse {n} i tidslinjen.").as_str()),
            "the text of column {n} is not in the text layer"
        );
    }
    let f = &c.page.facts;
    assert!(f.obstructions.is_empty(), "{:?}", f.obstructions);
}

#[test]
fn a_table_spilling_past_the_body_is_pictured_to_its_right_edge() {
    let c = capture(&Options::default(), "/layouts/spill/");
    let tiles = decoded(&c);
    for n in 1..=14 {
        assert_column(&c, &tiles, &format!("Post {n} av 14"), n, (-3.0, 2.0));
        let last = format!("{} kr {n}", 6000 + n * 37);
        assert!(
            c.texts().contains(&last.as_str()),
            "{last:?} is not in the text layer"
        );
    }
    let f = &c.page.facts;
    assert!(f.obstructions.is_empty(), "{:?}", f.obstructions);
}

#[test]
fn a_table_spilling_past_the_width_limit_is_incomplete_with_how_much_was_cut() {
    let opts = Options {
        max_width: 1600,
        ..Options::default()
    };
    let c = capture(&opts, "/layouts/spill/");
    let f = &c.page.facts;
    assert_eq!(f.extent.captured_width, 1600.0);
    // The cut, once; the words past it are short in the text layer too,
    // which the word check may say as well (both are true).
    let cut: Vec<_> = f
        .obstructions
        .iter()
        .filter(|o| o.kind == ObstructionKind::Incomplete)
        .filter(|o| !matches!(o.finding, Some(model::Finding::WordsMissing { .. })))
        .collect();
    assert_eq!(cut.len(), 1, "{:?}", f.obstructions);
    assert!(
        matches!(
            &cut[0].finding,
            Some(model::Finding::CutAtWidth { width, limit }) if *limit == 1600.0 && *width > 2100.0
        ),
        "{:?}",
        cut[0]
    );
    assert!(c.page.text_runs.iter().all(|r| r.x < 1600.0));
}

/// The run whose text is `label`.
fn run<'a>(c: &'a Captured, label: &str) -> &'a TextRun {
    c.page
        .text_runs
        .iter()
        .find(|r| r.text == label)
        .unwrap_or_else(|| panic!("{label:?} is not in the text layer"))
}

#[test]
fn a_panel_that_scrolls_both_ways_is_let_out_whole() {
    let c = capture(&Options::default(), "/layouts/tabellpanel/");
    let tiles = decoded(&c);
    for n in 1..=12 {
        assert_column(&c, &tiles, &format!("Kolumn {n} av 12"), n, (-3.0, 2.0));
    }
    // The last row, the last column and the corner where they meet, and the
    // text below the panel under them, not over them.
    let corner = run(&c, "Rad 30, kolumn 12");
    for label in ["Rad 30, kolumn 1", "Rad 1, kolumn 12"] {
        run(&c, label);
    }
    let below = run(&c, "Texten under panelen fortsätter här.");
    assert!(
        below.y > corner.y + corner.height,
        "the text below the panel ({:.0}) lies over its last row ({:.0})",
        below.y,
        corner.y
    );
    let f = &c.page.facts;
    assert!(f.obstructions.is_empty(), "{:?}", f.obstructions);
}

#[test]
fn a_panel_that_scrolls_both_ways_past_the_width_limit_is_incomplete_with_how_much_was_cut() {
    let opts = Options {
        max_width: 1400,
        ..Options::default()
    };
    let c = capture(&opts, "/layouts/tabellpanel/");
    let f = &c.page.facts;
    assert_eq!(f.extent.captured_width, 1400.0);
    run(&c, "Rad 30, kolumn 1");
    assert!(
        f.obstructions.iter().any(|o| o.kind == ObstructionKind::Incomplete
            && matches!(&o.finding, Some(model::Finding::CutAtWidth { width, limit }) if *limit == 1400.0 && *width > 1800.0)),
        "{:?}",
        f.obstructions
    );
}

/// A header the page will not let be hidden (it takes any style set on it
/// away at once) is pictured again in later bands, and each band it is in
/// says so, with the text under it: every time it is in the picture beyond
/// the first screen, a note says where.
#[test]
fn a_fixed_element_that_cannot_be_hidden_is_noted_with_what_it_covers() {
    let c = capture(&Options::default(), "/layouts/fasta/?envis=1");
    let f = &c.page.facts;
    let tiles = decoded(&c);
    let noted: Vec<(u32, f64, u32, &str)> = f
        .notes
        .iter()
        .filter_map(|n| match n {
            model::Note::FixedOverText {
                tile,
                y,
                lines,
                text,
                ..
            } => Some((*tile, *y, *lines, text.as_str())),
            _ => None,
        })
        .collect();
    assert!(!noted.is_empty(), "{:?}", f.notes);
    for &(tile, y, lines, text) in &noted {
        assert!(tile >= 2, "{:?}", f.notes);
        assert!(lines >= 1 && text.starts_with("Rad "), "{:?}", f.notes);
        assert_eq!(
            pixel(&tiles, 4.0, y + 8.0),
            Some(hex("c0392b")),
            "tile {tile} at y={y}"
        );
    }
    assert_eq!(rows_with(&tiles, 4, hex("c0392b")), 64 * (1 + noted.len()));
}
