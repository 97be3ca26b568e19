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
pub(crate) fn take_tiles(
    cx: &Ctx<'_>,
    dir: &Path,
    rel_dir: &str,
    area: &Area,
    runs: (Vec<TextRun>, Vec<TextRun>),
    obstructions: &mut Vec<Obstruction>,
) -> Result<Pictured, Error> {
    let (first_runs, frame_runs) = runs;
    let (width, captured_height) = (area.width, area.height);
    let o = &cx.s.opts;
    // The viewport is as wide as the picture (see `page.rs`).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let vw = width.ceil() as u32;
    let scale = o.device_scale.max(0.1);
    let band_css = (f64::from(o.tile_height.max(256)) / scale).floor().max(1.0);
    let vh = f64::from(o.viewport_height);
    pin_heights(cx, vw)?;

    // Under a login or consent overlay the first screen is covered on purpose.
    let overlay = under_overlay(obstructions);
    let first = vh.min(captured_height).max(1.0);
    // The first screen's fixed elements, and the text under them.
    let screen = if overlay {
        call::FirstScreen::default()
    } else {
        cx.call("finding fixed elements", &call::FixedCover {})?
    };
    let (strip, notes) = bottom_strip(&screen, first);
    let lift = strip.map_or(0.0, |s| first - s);
    let tiling = Tiling {
        cx,
        dir,
        rel_dir,
        width,
        first_runs,
        frame_runs,
        from_y: if overlay { vh } else { 0.0 },
        first,
        strip,
        lift,
        screen,
    };
    let bands = bands(first, lift, band_css, captured_height);
    let tall = band_css
        .min(captured_height - (first - lift))
        .max(vh)
        .ceil();
    let mut out = Pictured {
        tiles: Vec::new(),
        text_runs: Vec::new(),
        pending: 0,
        unsteady: 0,
        lift,
        notes,
    };
    for (i, band) in bands.iter().enumerate() {
        let n = i + 1;
        if n == 2 {
            // Fixed elements were pictured once, in the first screen.
            cx.call("hiding fixed elements", &call::Unfix {})?;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            set_viewport(cx, vw, tall as u32)?;
        }
        picture_band(&tiling, n, band, &mut out, obstructions)?;
    }
    if bands.len() > 1 {
        set_viewport(cx, vw, o.viewport_height)?;
    }
    Ok(out)
}

/// What every band of a page is pictured with.
struct Tiling<'a> {
    cx: &'a Ctx<'a>,
    dir: &'a Path,
    rel_dir: &'a str,
    /// The picture's width (CSS px).
    width: f64,
    /// The page's text runs as first read.
    first_runs: Vec<TextRun>,
    /// The text runs of its cross-site frames.
    frame_runs: Vec<TextRun>,
    /// Text above this is no evidence of a blank band (an overlay covers
    /// the first screen on purpose).
    from_y: f64,
    /// The first screen's height (CSS px).
    first: f64,
    /// Where the strip its fixed elements cover at its bottom starts.
    strip: Option<f64>,
    /// How much lower everything after the first screen lies in the picture.
    lift: f64,
    /// The first screen's fixed elements and the page's own text under them.
    screen: call::FirstScreen,
}

/// One band of the page to picture as a tile (CSS px).
struct Band {
    /// Its top on the page.
    top: f64,
    height: f64,
    /// How much lower it lies in the picture than on the page.
    shift: f64,
}

/// A band as pictured: its text, its pictures, the screenshot (base64)
/// and whether its text stayed put while it was taken.
struct Shot {
    runs: Vec<TextRun>,
    pictures: Vec<call::Picture>,
    png: String,
    steady: bool,
    /// Images still loading in the band, and the notes for fixed elements
    /// the page showed again in it.
    pending: u32,
    fixed: Vec<Note>,
}

/// Whether a text run's middle lies in `top..bottom`.
fn in_band(r: &TextRun, top: f64, bottom: f64) -> bool {
    let mid = r.y + r.height / 2.0;
    mid >= top && mid < bottom
}

/// Whether an obstruction covers the first screen on purpose (a login or
/// consent overlay).
fn under_overlay(obstructions: &[Obstruction]) -> bool {
    obstructions.iter().any(|o| {
        matches!(
            o.kind,
            ObstructionKind::LoginWall | ObstructionKind::ConsentWall
        )
    })
}

/// Pin heights that follow the viewport, so the tall viewport does not
/// stretch them; then back to the first screen, `vw` px wide.
fn pin_heights(cx: &Ctx<'_>, vw: u32) -> Result<(), Error> {
    let vh = cx.s.opts.viewport_height;
    cx.call("measuring the layout", &call::MeasureHeights {})?;
    set_viewport(cx, vw, vh * 2)?;
    cx.call("measuring the layout", &call::PinHeights {})?;
    set_viewport(cx, vw, vh)?;
    cx.call("scrolling to the top", &call::ScrollTop {})?;
    Ok(())
}

/// The bands of a page `height` px tall: the first screen (`first` px),
/// then bands of at most `band` px from the top of its bottom strip on,
/// each `lift` px lower in the picture.
fn bands(first: f64, lift: f64, band: f64, height: f64) -> Vec<Band> {
    let mut bands = vec![Band {
        top: 0.0,
        height: first,
        shift: 0.0,
    }];
    let mut y = first - lift;
    while y < height {
        let h = band.min(height - y);
        bands.push(Band {
            top: y,
            height: h,
            shift: lift,
        });
        y += h;
    }
    bands
}

impl Tiling<'_> {
    /// Whether `r` is one of the page's own lines in the first screen's
    /// bottom strip, pictured (and placed) below the first screen: in the
    /// first screen only the fixed elements' lines are.
    fn in_strip(&self, r: &TextRun) -> bool {
        self.strip.is_some_and(|s| {
            in_band(r, s, self.first) && self.screen.content.iter().any(|c| same_run(c, r))
        })
    }

    /// The text of `band` (number `n`): as the page read it again, if it
    /// did (`again`), else as first read, with its frames' text; text beside
    /// the picture, and the strip's own lines in the first screen, left out.
    fn band_runs(&self, again: Option<Vec<TextRun>>, n: usize, band: &Band) -> Vec<TextRun> {
        let (top, bottom) = (band.top, band.top + band.height);
        again
            .unwrap_or_else(|| {
                self.first_runs
                    .iter()
                    .filter(|r| in_band(r, top, bottom))
                    .cloned()
                    .collect()
            })
            .into_iter()
            .chain(
                self.frame_runs
                    .iter()
                    .filter(|r| in_band(r, top, bottom))
                    .cloned(),
            )
            // Text beside the picture (past the width limit) is not in it.
            .filter(|r| r.x < self.width && r.x + r.width > 0.0)
            .filter(|r| n > 1 || !self.in_strip(r))
            .collect()
    }
}

/// Make band `n` ready, read its text and take its screenshot; text that
/// moved meanwhile (a late image above it) is read and pictured again,
/// once. Its images still loading and the fixed elements shown again over
/// it go into `out`.
fn shoot_band(t: &Tiling<'_>, n: usize, band: &Band) -> Result<Shot, Error> {
    let (top, bottom) = (band.top, band.top + band.height);
    let mut attempt = 0;
    loop {
        let seg = t.cx.call(
            &format!("preparing screenshot tile {n}"),
            &call::Segment {
                top,
                bottom,
                budget_ms: u64::try_from(SEGMENT_WAIT.as_millis()).unwrap_or(u64::MAX),
                unfix: n > 1,
                // The first reading has the fixed elements' text in the strip.
                fresh: n == 2 && t.lift > 0.0,
            },
        )?;
        let runs = t.band_runs(seg.runs, n, band);
        let png = t.cx.screenshot(
            &format!("taking screenshot tile {n}"),
            (0.0, top, t.width, band.height),
        )?;
        attempt += 1;
        let moved = t.cx.call("checking the text stayed put", &call::Moved {})?;
        if !moved || attempt == 2 {
            let fixed = seg
                .fixed
                .iter()
                .map(|b| shown_again(n, b, &runs, band.shift))
                .collect();
            return Ok(Shot {
                runs,
                pictures: seg.pictures,
                png,
                steady: !moved,
                pending: seg.pending,
                fixed,
            });
        }
    }
}

/// Picture band `n` as a tile: shoot it, write the tile, flag its blank
/// bands, and add the tile and its text (moved to where it lies in the
/// picture) to `out`.
fn picture_band(
    t: &Tiling<'_>,
    n: usize,
    band: &Band,
    out: &mut Pictured,
    obstructions: &mut Vec<Obstruction>,
) -> Result<(), Error> {
    let name = format!("tile-{n:03}.png");
    let path = t.dir.join(&name);
    let shoot = || -> Result<(Shot, png_out::WrittenTile, Vec<Obstruction>), Error> {
        let mut shot = shoot_band(t, n, band)?;
        let written = write_tile(&path, std::mem::take(&mut shot.png))?;
        // Text that would not stay put is no evidence of a blank band.
        let blank = if shot.steady {
            blank_bands(t, &name, band, &written, &shot)
        } else {
            Vec::new()
        };
        Ok((shot, written, blank))
    };
    let (mut shot, mut written, mut blank) = shoot()?;
    if !blank.is_empty() {
        // A tall window can be shot before its last rows are painted (a
        // reference list at the bottom of an 8 192 px band came out white):
        // once more, and the second picture is the one kept.
        (shot, written, blank) = shoot()?;
    }
    obstructions.append(&mut blank);
    if !shot.steady {
        out.unsteady += 1;
    }
    out.pending += shot.pending;
    out.notes.append(&mut shot.fixed);
    out.tiles.push(Tile {
        file: format!("{}/{name}", t.rel_dir),
        css_y: band.top + band.shift,
        css_height: band.height,
        width_px: written.width,
        height_px: written.height,
    });
    out.text_runs.extend(shot.runs.into_iter().map(|mut r| {
        r.y += band.shift;
        r
    }));
    Ok(())
}

/// Write the screenshot `png` (base64) as an RGB tile at `path`, letting
/// go of each copy as soon as the next is made (a tile can be large).
fn write_tile(path: &Path, png: String) -> Result<png_out::WrittenTile, Error> {
    let bytes = png_out::base64_decode(&png).ok_or_else(|| Error::Image {
        path: path.to_path_buf(),
        reason: "not base64".into(),
    })?;
    drop(png);
    png_out::write_rgb_png(&bytes, path)
}

/// The flat bands of tile `name` that lie over a picture of the page's own
/// or over text it paints there: the screenshot lost them.
fn blank_bands(
    t: &Tiling<'_>,
    name: &str,
    band: &Band,
    written: &png_out::WrittenTile,
    shot: &Shot,
) -> Vec<Obstruction> {
    let (top, width, shift) = (band.top, t.width, band.shift);
    let px_per_css = f64::from(written.height) / band.height;
    let mut found = Vec::new();
    for &(a, b, colour) in &written.uniform_bands {
        let band_top = top + f64::from(a) / px_per_css;
        let band_bottom = top + f64::from(b) / px_per_css;
        if let Some(p) = shot.pictures.iter().find(|p| {
            p.y >= band_top - 1.0
                && p.y + p.height <= band_bottom + 1.0
                && p.x < width
                && p.x + p.width > 0.0
                && p.differs_from(colour)
        }) {
            found.push(Obstruction::found(Finding::BlankOverPicture {
                file: name.to_string(),
                top: a,
                bottom: b,
                src: p.src.clone(),
                y: p.y + shift,
            }));
        }
        if let Some(run) =
            text_under_band(band_top, band_bottom, colour, &shot.runs, width, t.from_y)
        {
            found.push(Obstruction::found(Finding::BlankOverText {
                file: name.to_string(),
                top: a,
                bottom: b,
                text: run.text.chars().take(40).collect(),
                y: run.y + shift,
            }));
        }
    }
    found
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
/// opaque overlay may legitimately hide it), and so is text painted in the
/// band's own `colour` (white text over a background picture that never
/// came): the picture shows it as the page paints it.
fn text_under_band(
    top: f64,
    bottom: f64,
    colour: [u8; 3],
    runs: &[TextRun],
    width: f64,
    from_y: f64,
) -> Option<&TextRun> {
    let unseen = |ink: [u8; 3]| ink.iter().zip(colour).all(|(&a, b)| a.abs_diff(b) <= 24);
    runs.iter().find(|r| {
        let mid = r.y + r.height / 2.0;
        !r.ink.is_some_and(unseen)
            && r.height >= 4.0
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
    fn the_bands_start_below_the_first_screen_or_at_its_strip() {
        let rows = |bands: Vec<Band>| -> Vec<(f64, f64, f64)> {
            bands.iter().map(|b| (b.top, b.height, b.shift)).collect()
        };
        assert_eq!(
            rows(bands(800.0, 0.0, 2000.0, 5000.0)),
            [
                (0.0, 800.0, 0.0),
                (800.0, 2000.0, 0.0),
                (2800.0, 2000.0, 0.0),
                (4800.0, 200.0, 0.0)
            ]
        );
        // A strip of 100 px at the bottom of the first screen is pictured
        // again below it: the bands start at its top, 100 px lower.
        assert_eq!(
            rows(bands(800.0, 100.0, 2000.0, 2000.0)),
            [(0.0, 800.0, 0.0), (700.0, 1300.0, 100.0)]
        );
        // A page no taller than its first screen is one tile.
        assert_eq!(rows(bands(600.0, 0.0, 2000.0, 600.0)), [(0.0, 600.0, 0.0)]);
    }

    const WHITE: [u8; 3] = [255, 255, 255];

    #[test]
    fn band_over_text_is_blank() {
        let runs = [run("överst", 100.0), run("mitten", 5_000.0)];
        assert_eq!(
            text_under_band(4_000.0, 6_000.0, WHITE, &runs, 1280.0, 0.0).map(|r| r.text.as_str()),
            Some("mitten")
        );
        assert!(text_under_band(200.0, 4_000.0, WHITE, &runs, 1280.0, 0.0).is_none());
        assert!(text_under_band(0.0, 4_000.0, WHITE, &runs, 1280.0, 0.0).is_some());
        assert!(text_under_band(0.0, 4_000.0, WHITE, &runs, 1280.0, 900.0).is_none());
        // Text only partly inside the band is not evidence.
        assert!(text_under_band(5_012.0, 6_000.0, WHITE, &runs, 1280.0, 0.0).is_none());
        assert!(text_under_band(5_004.0, 6_000.0, WHITE, &runs, 1280.0, 0.0).is_none());
        // Nor is punctuation, whose glyphs fill little of its line box.
        let dots = [run("...", 5_000.0)];
        assert!(text_under_band(4_000.0, 6_000.0, WHITE, &dots, 1280.0, 0.0).is_none());
        // Text right of the captured width is not in the picture.
        assert!(text_under_band(4_000.0, 6_000.0, WHITE, &runs, 5.0, 0.0).is_none());
        // Text painted in the band's own colour is pictured as it is painted.
        let mut white = run("vit text", 5_000.0);
        white.ink = Some([250, 252, 255]);
        assert!(text_under_band(4_000.0, 6_000.0, WHITE, &[white.clone()], 1280.0, 0.0).is_none());
        white.ink = Some([57, 66, 77]);
        assert!(text_under_band(4_000.0, 6_000.0, WHITE, &[white], 1280.0, 0.0).is_some());
    }
}
