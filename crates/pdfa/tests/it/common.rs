//! Synthesized inputs: PNG tiles with known pixel patterns, page facts, text runs, records; and tool runners.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use model::{
    Account, Contact, Handling, Obstruction, Organisation, PageFacts, Platform, Record, RecordKind,
    Retention, Summary, TextRun, Tile,
};

/// The colour of pixel (x, y) in the synthetic screenshot of page `seed`: neighbouring rows
/// differ by 37 in green, so a picture shifted by one row is caught even with a tolerance of 1.
pub fn pixel(seed: u32, x: u32, y: u32) -> [u8; 3] {
    [
        (x.wrapping_mul(7) ^ seed) as u8,
        ((y % 251) * 37 % 251) as u8,
        ((y / 251) as u8).wrapping_add(((x / 256) as u8).wrapping_mul(40)),
    ]
}

/// An 8-bit RGB PNG of rows `y0..y0 + h` of the synthetic screenshot.
pub fn rgb_tile(seed: u32, width: u32, y0: u32, h: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity((width * h * 3) as usize);
    for y in y0..y0 + h {
        for x in 0..width {
            data.extend_from_slice(&pixel(seed, x, y));
        }
    }
    encode(png::ColorType::Rgb, width, h, &data)
}

pub fn encode(colour: png::ColorType, width: u32, height: u32, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(colour);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().expect("png header");
    w.write_image_data(data).expect("png data");
    w.finish().expect("png finish");
    out
}

/// Text runs in Swedish, Arabic, Chinese and emoji (non-BMP), placed down the page.
pub fn runs(height: f64) -> Vec<TextRun> {
    let texts = [
        ("Välkommen till Gislaveds kommun – åäö ÅÄÖ", false),
        ("مرحبا بكم في البلدية", true),
        ("欢迎来到市政府网站", false),
        ("Glad midsommar 🎉🌻 från oss 👨‍👩‍👧", false),
    ];
    let step = height / texts.len() as f64;
    // Two runs that touch (a bold name, then the comment), between the first two lines.
    let touching = [
        ("Karin Lind", 40.0, 100.0),
        ("Så bra, vi kommer.", 140.0, 180.0),
    ]
    .map(|(t, x, w)| TextRun {
        text: t.to_string(),
        x,
        y: 20.0 + step / 2.0,
        width: w,
        height: 20.0,
        font_size: 16.0,
        rtl: false,
        ink: None,
    });
    texts
        .iter()
        .enumerate()
        .map(|(i, (t, rtl))| TextRun {
            text: t.to_string(),
            x: 40.0,
            y: 20.0 + i as f64 * step,
            width: 24.0 * t.chars().count() as f64 / 2.0,
            height: 24.0,
            font_size: 20.0,
            rtl: *rtl,
            ink: None,
        })
        .chain(touching)
        .collect()
}

pub fn at(h: u32, m: u32, s: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 7, 1, h, m, s)
        .single()
        .expect("valid time")
}

/// Facts of a page whose screenshot is `width` × sum(`heights`) px in tiles, at device scale 1.
pub fn facts(label: &str, url: &str, width: u32, heights: &[u32]) -> PageFacts {
    let mut y = 0;
    let tiles = heights
        .iter()
        .enumerate()
        .map(|(i, &h)| {
            let t = Tile {
                file: format!("capture/{label}/tile-{:03}.png", i + 1),
                css_y: f64::from(y),
                css_height: f64::from(h),
                width_px: width,
                height_px: h,
            };
            y += h;
            t
        })
        .collect();
    PageFacts {
        label: label.into(),
        requested_url: url.into(),
        final_url: url.into(),
        http_status: Some(200),
        title: "Gislaveds kommun – Startsida".into(),
        started: at(8, 0, 5),
        ended: at(8, 1, 40),
        viewport_width: width,
        viewport_height: 900,
        device_scale: 1.0,
        full_height: f64::from(y),
        captured_height: f64::from(y),
        truncated: None,
        extent: Default::default(),
        obstructions: Vec::new(),
        summary: Summary {
            platform: Some("facebook".into()),
            title: "Gislaveds kommun".into(),
            description: Some("Officiell sida för Gislaveds kommun.".into()),
            headings: vec!["Nyheter".into(), "Evenemang i sommar".into()],
            word_count: 1234,
            posts_visible: Some(12),
            newest_post: Some("2026-06-30".into()),
            oldest_post: Some("2026-05-02".into()),
            followers: Some("12 345".into()),
            ..Summary::default()
        },
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36".into(),
        browser_version: "HeadlessChrome/131.0.6778.264".into(),
        tiles,
        text_file: format!("capture/{label}/text.json"),
        mhtml_file: Some(format!("capture/{label}/page.mhtml")),
        warnings: Vec::new(),
        notes: Vec::new(),
        refused: Default::default(),
    }
}

pub fn record(pages: Vec<PageFacts>, with_account: bool) -> Record {
    let mut files = BTreeMap::new();
    for p in &pages {
        for t in &p.tiles {
            files.insert(t.file.clone(), format!("{:064x}", t.file.len() * 7919));
        }
        files.insert(p.text_file.clone(), "ab".repeat(32));
    }
    Record {
        record_id: "2026-H1/facebook-kommun".into(),
        kind: if with_account {
            RecordKind::Halvar
        } else {
            RecordKind::Manuell
        },
        organisation: with_account.then(|| Organisation {
            name: "Gislaveds kommun".into(),
            archive_creator: "Kommunstyrelsen".into(),
            organisation_number: Some("212000-9994".into()),
            website: Some("https://www.gislaved.se".into()),
            contact: None,
        }),
        account: with_account.then(|| Account {
            id: "facebook-kommun".into(),
            platform: Platform::Facebook,
            name: "Gislaveds kommun".into(),
            url: "https://www.facebook.com/gislavedskommun".into(),
            extra_pages: vec!["https://www.facebook.com/gislavedskommun/about".into()],
            post_pages: None,
            unit: "Kommunledningsförvaltningen".into(),
            board: "Kommunstyrelsen".into(),
            purpose: "Information och dialog med invånare".into(),
            audience: "Invånare och besökare".into(),
            responsible: Contact {
                name: "Anna Andersson".into(),
                email: None,
                phone: None,
            },
            deputy: Some(Contact {
                name: "Bo Berg".into(),
                email: None,
                phone: None,
            }),
            administrators: vec!["Anna Andersson".into(), "Bo Berg".into()],
            opened: chrono::NaiveDate::from_ymd_opt(2014, 3, 1).expect("date"),
            closed: None,
            retention: Retention::Bevaras,
        }),
        period: with_account.then(|| "2026-H1".into()),
        handling: Handling::Upprattad,
        pages,
        late: false,
        ogonblick_version: "0.1.0".into(),
        operator: "arkiv@gislaved.se".into(),
        reason: None,
        sender: None,
        diarienummer: String::new(),
        files,
        timestamp_authorities: Vec::new(),
    }
}

/// A page with a warning, an obstruction and truncation, to exercise the cover.
pub fn troubled(mut f: PageFacts) -> PageFacts {
    f.truncated = Some("page longer than the 60 000 px limit".into());
    f.captured_height = f.full_height;
    f.full_height *= 2.0;
    f.obstructions
        .push(Obstruction::found(model::Finding::PasswordField));
    f.note(model::Note::ImagesStillLoading { count: 1 });
    f
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write test file");
    p
}

/// Run a tool; fail with the Debian package to install when it is missing.
pub fn run(program: &str, args: &[&str], package: &str) -> Output {
    match test_support::output(Command::new(program).args(args)) {
        Ok(o) => o,
        Err(e) => panic!("cannot run {program} ({e}): install the Debian package `{package}`"),
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn all_output(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const JARS: &[&str] = &[
    "preflight.jar",
    "pdfbox2.jar",
    "fontbox2.jar",
    "xmpbox.jar",
    "commons-logging.jar",
    "javax.activation.jar",
    "jaxb-api.jar",
];

/// Apache PDFBox Preflight's verdict on a file: (valid, output).
pub fn preflight(file: &Path) -> (bool, String) {
    for jar in JARS {
        let p = Path::new("/usr/share/java").join(jar);
        assert!(
            p.exists(),
            "{} missing: install libpdfbox2-java libactivation-java libjaxb-api-java",
            p.display()
        );
    }
    let cp: Vec<String> = JARS
        .iter()
        .map(|j| format!("/usr/share/java/{j}"))
        .collect();
    let cp = cp.join(":");
    let file = file.to_str().expect("utf-8 path");
    let o = run(
        "java",
        &[
            "-cp",
            &cp,
            "org.apache.pdfbox.preflight.Validator_A1b",
            file,
        ],
        "default-jre-headless",
    );
    let text = all_output(&o);
    let valid = o.status.success() && text.contains("is a valid PDF/A-1b file");
    (valid, text)
}
