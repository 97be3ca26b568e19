//! Tall pages: complete tiles to the bottom, truncation at the page limit.

use capture::Options;
use model::ObstructionKind;

use crate::common::{assert_in_order, capture, hex};

const BANDS: [&str; 8] = [
    "3498db", "e67e22", "9b59b6", "1abc9c", "e84393", "95a5a6", "d4ac0d", "5d6d7e",
];

#[test]
fn page_of_60000_px_is_complete() {
    let opts = Options {
        max_height: 70_000,
        ..Options::default()
    };
    let c = capture(&opts, "/hostile/tall/");
    let f = &c.page.facts;
    assert_eq!(f.full_height, 60_000.0);
    assert_eq!(f.captured_height, 60_000.0);
    assert!(f.truncated.is_none());
    assert!(f.tiles.len() >= 4, "{} tiles", f.tiles.len());
    for t in &f.tiles {
        assert!(t.height_px <= 16_384, "{t:?}");
    }
    let covered: f64 = f.tiles.iter().map(|t| t.css_height).sum();
    assert_eq!(covered, 60_000.0);
    assert!(
        !f.obstructions
            .iter()
            .any(|o| o.kind == ObstructionKind::BlankRegion),
        "{:?}",
        f.obstructions
    );
    // Every band has its colour where it belongs, down to the end marker
    // (one tile decoded at a time).
    let mut checked = 0;
    for (top, img) in c.tiles() {
        let bottom = top + f64::from(img.height);
        for i in 0..120 {
            let expected = if i == 119 {
                "00ff00"
            } else {
                BANDS[i % BANDS.len()]
            };
            for y in [i as f64 * 500.0 + 110.0, i as f64 * 500.0 + 499.0] {
                if y >= top && y < bottom {
                    assert_eq!(
                        img.get(1200, (y - top) as u32),
                        hex(expected),
                        "band {} at y={y}",
                        i + 1
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 240, "every band sampled twice");
    let marker = c
        .page
        .text_runs
        .iter()
        .find(|r| r.text == "SLUTMARKÖR 60000")
        .expect("end marker text");
    assert!(marker.y > 59_500.0 && marker.y < 59_600.0, "{marker:?}");
    assert_in_order(
        &c,
        &[
            "Avsnitt 1 av 120",
            "Avsnitt 60 av 120",
            "Avsnitt 119 av 120",
            "SLUTMARKÖR 60000",
        ],
    );
}

#[test]
fn a_small_page_limit_truncates() {
    let opts = Options {
        page_limit: 5_000,
        ..Options::default()
    };
    let c = capture(&opts, "/hostile/tall/");
    let f = &c.page.facts;
    assert!(
        f.truncated.as_deref().is_some_and(|r| r.contains("5000")),
        "{:?}",
        f.truncated
    );
    assert_eq!(f.captured_height, 5_000.0);
    assert_eq!(f.full_height, 60_000.0);
    let covered: f64 = f.tiles.iter().map(|t| t.css_height).sum();
    assert_eq!(covered, 5_000.0);
    assert_eq!(f.extent.stop_rule, Some(model::StopRule::PageLimit));
    assert!(c.page.text_runs.iter().all(|r| r.y < 5_000.0));
    assert!(!c.all_text().contains("SLUTMARKÖR"));
}
