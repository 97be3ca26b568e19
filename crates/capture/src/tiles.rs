//! Picturing a page: the first screen as a reader sees it, then bands as
//! tall as a tile with the viewport grown to match, each band's text read
//! again where the DOM changed, and blank bands where the page has text
//! flagged. See "How a page is pictured" in ARCHITECTURE.md.

use std::path::Path;
use std::time::Duration;

use model::{Finding, Note, Obstruction, ObstructionKind, TextRun, Tile};

use crate::devtools::{set_viewport, Ctx};
use crate::error::Error;
use crate::png_out;
use crate::protocol as call;

/// Longest wait for a band of the page to render what came into view
/// (mounted rows, their images) before it is pictured.
const SEGMENT_WAIT: Duration = Duration::from_millis(3000);

impl call::Picture {
    /// Some opaque pixel of its own is clearly not `colour`: a flat band of
    /// `colour` over it means the screenshot lost it.
    fn differs_from(&self, colour: [u8; 3]) -> bool {
        self.sample.as_deref().is_some_and(|px| {
            px.chunks_exact(4)
                .any(|p| p[3] > 200 && p[..3].iter().zip(colour).any(|(&a, b)| a.abs_diff(b) > 24))
        })
    }
}

/// What of the page is pictured, in CSS px.
pub(crate) struct Area {
    pub(crate) width: f64,
    pub(crate) height: f64,
}

/// The picture of a page and the text that lies over it.
pub(crate) struct Pictured {
    pub(crate) tiles: Vec<Tile>,
    pub(crate) text_runs: Vec<TextRun>,
    /// Images still loading in their band when it was pictured.
    pub(crate) pending: u32,
    /// Bands whose text still moved when they were pictured the second time.
    pub(crate) unsteady: u32,
    /// The strip at the bottom of the first screen that its fixed elements
    /// cover, pictured again below it: every later tile, text run and post
    /// lies this much lower in the picture than on the page.
    pub(crate) lift: f64,
    /// Fixed elements over the page's text in the picture.
    pub(crate) notes: Vec<Note>,
}

/// Where the first screen's strip covered by fixed elements at its bottom
/// starts (CSS px), if any: the top of the highest element whose top lies
/// in the lower half of the first screen (`first` px tall) and that covers
/// text, or of the highest line it covers. The notes are for elements
/// that cover text elsewhere (a header over the text, a side panel).
fn bottom_strip(screen: &call::FirstScreen, first: f64) -> (Option<f64>, Vec<Note>) {
    let mut strip: Option<f64> = None;
    let mut notes = Vec::new();
    for b in screen.boxes.iter().filter(|b| !b.covers.is_empty()) {
        if b.y >= first / 2.0 && b.y < first {
            let top = b.covers.iter().map(|r| r.y).fold(b.y, f64::min);
            strip = Some(strip.map_or(top, |s| s.min(top)));
        } else {
            notes.push(Note::FixedOverText {
                tile: 1,
                element: b.what.clone(),
                y: b.y,
                height: b.height,
                lines: u32::try_from(b.covers.len()).unwrap_or(u32::MAX),
                text: b.covers[0].text.chars().take(60).collect(),
            });
        }
    }
    (strip.map(|s| s.max(first / 2.0).floor()), notes)
}

/// Whether two text runs are one line read twice.
fn same_run(a: &TextRun, b: &TextRun) -> bool {
    a.text == b.text && (a.x - b.x).abs() < 2.0 && (a.y - b.y).abs() < 2.0
}

/// Screenshot the page: first the first screen as a reader sees it (fixed
/// headers and footers in place), then the rest in bands of at most
/// `tile_height` device px, fixed elements hidden and sticky ones back in
/// the flow, so each is pictured once. Where fixed elements at the bottom
/// of the first screen cover text, the bands start at the top of that
/// strip: it is pictured again below the first screen, and everything
/// after lies that much lower in the picture (`Pictured::lift`). For the bands the viewport is made as tall as a
/// band and each band is scrolled into view before it is pictured, so a
/// virtualised feed mounts every row of it and deferred content renders.
/// Where the DOM changed since the text was read (rows mounted, others
/// unmounted), the band's text is read again: the text layer holds what the
/// picture shows, each line once. `runs` are the page's text runs as first
/// read and those of its cross-site frames.
#[allow(clippy::too_many_lines)] // Long before the lint was on; to be split into named steps (#25).
pub(crate) fn take_tiles(
    cx: &Ctx<'_>,
    dir: &Path,
    rel_dir: &str,
    area: &Area,
    runs: (Vec<TextRun>, Vec<TextRun>),
    obstructions: &mut Vec<Obstruction>,
) -> Result<Pictured, Error> {
    let (first_runs, frame_runs) = runs;
    let in_band = |r: &TextRun, top: f64, bottom: f64| {
        let mid = r.y + r.height / 2.0;
        mid >= top && mid < bottom
    };
    let (width, captured_height) = (area.width, area.height);
    let o = &cx.s.opts;
    // The viewport is as wide as the picture (see `page.rs`).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let vw = width.ceil() as u32;
    let scale = o.device_scale.max(0.1);
    let band_css = (f64::from(o.tile_height.max(256)) / scale).floor().max(1.0);
    let vh = f64::from(o.viewport_height);
    // Pin heights that follow the viewport, so the tall viewport does not stretch them.
    cx.call("measuring the layout", &call::MeasureHeights {})?;
    set_viewport(cx, vw, o.viewport_height * 2)?;
    cx.call("measuring the layout", &call::PinHeights {})?;
    set_viewport(cx, vw, o.viewport_height)?;
    cx.call("scrolling to the top", &call::ScrollTop {})?;

    // Under a login or consent overlay the first screen is covered on purpose.
    let overlay = obstructions.iter().any(|o| {
        matches!(
            o.kind,
            ObstructionKind::LoginWall | ObstructionKind::ConsentWall
        )
    });
    let from_y = if overlay { vh } else { 0.0 };
    let first = vh.min(captured_height).max(1.0);
    // The first screen's fixed elements, and the text under them.
    let screen = if overlay {
        call::FirstScreen::default()
    } else {
        cx.call("finding fixed elements", &call::FixedCover {})?
    };
    let (strip, mut notes) = bottom_strip(&screen, first);
    let lift = strip.map_or(0.0, |s| first - s);
    // The page's own lines in the strip are pictured (and placed) below the
    // first screen; in the first screen only the fixed elements' are.
    let in_strip = |r: &TextRun| {
        strip.is_some_and(|s| in_band(r, s, first) && screen.content.iter().any(|c| same_run(c, r)))
    };
    // Each band: its top and height on the page, and how much lower it lies in the picture.
    let mut bands = vec![(0.0, first, 0.0)];
    let mut y = first - lift;
    while y < captured_height {
        let h = band_css.min(captured_height - y);
        bands.push((y, h, lift));
        y += h;
    }
    let tall = band_css
        .min(captured_height - (first - lift))
        .max(vh)
        .ceil();
    let mut tiles = Vec::new();
    let mut text_runs = Vec::new();
    let mut pending = 0;
    let mut unsteady = 0;
    for (i, &(top, h, shift)) in bands.iter().enumerate() {
        let n = i + 1;
        if n == 2 {
            // Fixed elements were pictured once, in the first screen.
            cx.call("hiding fixed elements", &call::Unfix {})?;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            set_viewport(cx, vw, tall as u32)?;
        }
        let bottom = top + h;
        // Text that moves while its band is pictured (a late image above
        // it) is read and pictured again, once.
        let mut attempt = 0;
        let (band_runs, pictures, shot, steady) = loop {
            let seg = cx.call(
                &format!("preparing screenshot tile {n}"),
                &call::Segment {
                    top,
                    bottom,
                    budget_ms: u64::try_from(SEGMENT_WAIT.as_millis()).unwrap_or(u64::MAX),
                    unfix: n > 1,
                    // The first reading has the fixed elements' text in the strip.
                    fresh: n == 2 && lift > 0.0,
                },
            )?;
            let band_runs: Vec<TextRun> = seg
                .runs
                .unwrap_or_else(|| {
                    first_runs
                        .iter()
                        .filter(|r| in_band(r, top, bottom))
                        .cloned()
                        .collect()
                })
                .into_iter()
                .chain(
                    frame_runs
                        .iter()
                        .filter(|r| in_band(r, top, bottom))
                        .cloned(),
                )
                // Text beside the picture (past the width limit) is not in it.
                .filter(|r| r.x < width && r.x + r.width > 0.0)
                .filter(|r| n > 1 || !in_strip(r))
                .collect();
            let shot =
                cx.screenshot(&format!("taking screenshot tile {n}"), (0.0, top, width, h))?;
            attempt += 1;
            let moved = cx.call("checking the text stayed put", &call::Moved {})?;
            if !moved || attempt == 2 {
                pending += seg.pending;
                notes.extend(
                    seg.fixed
                        .iter()
                        .map(|b| shown_again(n, b, &band_runs, shift)),
                );
                break (band_runs, seg.pictures, shot, !moved);
            }
        };
        let name = format!("tile-{n:03}.png");
        let path = dir.join(&name);
        let bytes = png_out::base64_decode(&shot).ok_or_else(|| Error::Image {
            path: path.clone(),
            reason: "not base64".into(),
        })?;
        drop(shot);
        let written = png_out::write_rgb_png(&bytes, &path)?;
        drop(bytes);
        let px_per_css = f64::from(written.height) / h;
        // Text that would not stay put is no evidence of a blank band.
        if !steady {
            unsteady += 1;
        }
        for &(a, b, colour) in written.uniform_bands.iter().filter(|_| steady) {
            let band_top = top + f64::from(a) / px_per_css;
            let band_bottom = top + f64::from(b) / px_per_css;
            if let Some(p) = pictures.iter().find(|p| {
                p.y >= band_top - 1.0
                    && p.y + p.height <= band_bottom + 1.0
                    && p.x < width
                    && p.x + p.width > 0.0
                    && p.differs_from(colour)
            }) {
                obstructions.push(Obstruction::found(Finding::BlankOverPicture {
                    file: name.clone(),
                    top: a,
                    bottom: b,
                    src: p.src.clone(),
                    y: p.y + shift,
                }));
            }
            if let Some(run) = text_under_band(band_top, band_bottom, &band_runs, width, from_y) {
                obstructions.push(Obstruction::found(Finding::BlankOverText {
                    file: name.clone(),
                    top: a,
                    bottom: b,
                    text: run.text.chars().take(40).collect(),
                    y: run.y + shift,
                }));
            }
        }
        tiles.push(Tile {
            file: format!("{rel_dir}/{name}"),
            css_y: top + shift,
            css_height: h,
            width_px: written.width,
            height_px: written.height,
        });
        text_runs.extend(band_runs.into_iter().map(|mut r| {
            r.y += shift;
            r
        }));
    }
    if bands.len() > 1 {
        set_viewport(cx, vw, o.viewport_height)?;
    }
    Ok(Pictured {
        tiles,
        text_runs,
        pending,
        unsteady,
        lift,
        notes,
    })
}

/// The note for a fixed element the page showed again in band `n` however
/// it was hidden: where it is in the picture and the lines of the band's
/// text (`runs`, page px) under it that are not its own.
fn shown_again(n: usize, b: &call::FixedBox, runs: &[TextRun], shift: f64) -> Note {
    let under: Vec<&TextRun> = runs
        .iter()
        .filter(|r| {
            let w = (b.x + b.width).min(r.x + r.width) - b.x.max(r.x);
            let h = (b.y + b.height).min(r.y + r.height) - b.y.max(r.y);
            w > 0.0 && h > 0.0 && w * h >= 0.25 * r.width * r.height && !b.text.contains(&r.text)
        })
        .collect();
    Note::FixedOverText {
        tile: u32::try_from(n).unwrap_or(u32::MAX),
        element: b.what.clone(),
        y: b.y + shift,
        height: b.height,
        lines: u32::try_from(under.len()).unwrap_or(u32::MAX),
        text: under
            .first()
            .map(|r| r.text.chars().take(60).collect())
            .unwrap_or_default(),
    }
}

/// A blank band is one that covers text the DOM says is painted there: the
/// first text run that lies wholly inside the band `top..bottom` (CSS px)
/// and has a letter or a digit. A line box is taller than its glyphs, so a
/// band that covers only part of it (the space above "...") is no evidence,
/// and neither is punctuation alone. Text above `from_y` is ignored (an
/// opaque overlay may legitimately hide it).
fn text_under_band(
    top: f64,
    bottom: f64,
    runs: &[TextRun],
    width: f64,
    from_y: f64,
) -> Option<&TextRun> {
    runs.iter().find(|r| {
        let mid = r.y + r.height / 2.0;
        r.height >= 4.0
            && r.width >= 4.0
            && mid >= from_y
            && r.y >= top - 1.0
            && r.y + r.height <= bottom + 1.0
            && r.x < width
            && r.text.chars().any(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, y: f64) -> TextRun {
        TextRun {
            text: text.into(),
            x: 10.0,
            y,
            width: 100.0,
            height: 18.0,
            font_size: 15.0,
            rtl: false,
            ink: None,
        }
    }

    #[test]
    fn band_over_text_is_blank() {
        let runs = [run("överst", 100.0), run("mitten", 5_000.0)];
        assert_eq!(
            text_under_band(4_000.0, 6_000.0, &runs, 1280.0, 0.0).map(|r| r.text.as_str()),
            Some("mitten")
        );
        assert!(text_under_band(200.0, 4_000.0, &runs, 1280.0, 0.0).is_none());
        assert!(text_under_band(0.0, 4_000.0, &runs, 1280.0, 0.0).is_some());
        assert!(text_under_band(0.0, 4_000.0, &runs, 1280.0, 900.0).is_none());
        // Text only partly inside the band is not evidence.
        assert!(text_under_band(5_012.0, 6_000.0, &runs, 1280.0, 0.0).is_none());
        assert!(text_under_band(5_004.0, 6_000.0, &runs, 1280.0, 0.0).is_none());
        // Nor is punctuation, whose glyphs fill little of its line box.
        let dots = [run("...", 5_000.0)];
        assert!(text_under_band(4_000.0, 6_000.0, &dots, 1280.0, 0.0).is_none());
        // Text right of the captured width is not in the picture.
        assert!(text_under_band(4_000.0, 6_000.0, &runs, 5.0, 0.0).is_none());
    }
}
