//! The searchable text of real captures: every line of a page found exactly once
//! whatever the page breaks, none cut through its glyphs, and right-to-left pages
//! in logical order (fixture pages under `fixtures/site/text/`).

use std::path::Path;
use std::process::Command;

use crate::harness::*;

/// Capture one fixture page into `rec` and return the snapshot's path.
fn capture(env: &Env, path: &str) -> std::path::PathBuf {
    env.run(&["capture", &server().url(path), "--out", "rec"])
        .expect(0);
    let pdf = env.path("rec/snapshot.pdf");
    let (valid, out) = preflight(&pdf);
    assert!(valid, "Preflight rejects the capture of {path}:\n{out}");
    pdf
}

fn pages(pdf: &Path) -> usize {
    let out = test_support::output(Command::new("pdfinfo").arg(pdf)).expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

/// Whether the top row and the bottom row of PDF page `page` (rendered 1:1) have ink.
fn edge_ink(pdf: &Path, page: usize, dir: &Path) -> (bool, bool) {
    let prefix = dir.join(format!("p{page}"));
    let n = page.to_string();
    let out = test_support::output(
        Command::new("pdftoppm")
            .args(["-r", "96", "-gray", "-f", &n, "-l", &n, "-singlefile"])
            .arg(pdf)
            .arg(&prefix),
    )
    .expect("pdftoppm");
    assert!(out.status.success(), "pdftoppm page {page}");
    // PGM: "P5\n<w> <h>\n255\n" then one byte per pixel.
    let bytes = std::fs::read(prefix.with_extension("pgm")).expect("rendered page");
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    let data = &bytes[at + 1..];
    let w: usize = fields[1].parse().expect("width");
    let h: usize = fields[2].parse().expect("height");
    let ink = |y: usize| data[y * w..(y + 1) * w].iter().any(|&v| v < 128);
    (ink(0), ink(h - 1))
}

/// English the capture writes for the log (warnings, truncation reasons, obstruction
/// details) that once reached the Swedish cover; none may.
pub const ENGLISH: &[&str] = &[
    "load event",
    "ran out of time",
    "stopped expanding",
    "image(s)",
    "picture was taken",
    "MHTML snapshot",
    "kept moving",
    "offered no way",
    "kept loading",
    "px tall",
    "the capture stops",
    "px limit",
    "password field",
    "login overlay",
    "still shown",
    "the page says",
    "flat colour",
    "px wide",
    "still loading",
    "items seen",
    "another site",
    "User agent",
    "okänd",
    "CEST",
    "CET",
];

/// Words only English uses, as whole words: one of them in a Swedish
/// document is an English sentence that reached it.
const ENGLISH_WORDS: &[&str] = &[
    "the", "was", "were", "is", "are", "could", "not", "of", "and", "with", "see", "because",
    "failed", "error", "warning", "missing", "captured", "sealed", "page", "while", "when",
    "which", "run", "root", "sandbox", "instead", "nothing", "loaded", "refused", "blocked",
];

/// Repository files a document for people must not point to.
const REPOSITORY_FILES: &[&str] = &[
    "README.md",
    "ARCHITECTURE.md",
    "accounts.toml",
    "Cargo.toml",
    "docs/",
    ".rs",
];

/// What a document for people (a cover, an excerpt's cover, the report, the
/// förteckning, the delivery list) must not say: English sentences, paths of
/// the machine, command-line flags, the repository's file names. `text` is
/// what a reader sees, with the values the document quotes on purpose (web
/// addresses, the browser's user agent, checksums) left in: web addresses
/// are skipped here, and the caller removes the rest.
pub fn not_for_people(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for raw in text.split_whitespace() {
        let token = raw.trim_matches(|c: char| "()[]{}\"'«»,;:.".contains(c));
        if token.contains("://") || token.starts_with("mailto:") {
            continue;
        }
        let rooted = token
            .strip_prefix('/')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_alphanumeric() || c == '.'));
        if rooted || token.starts_with("~/") || token.contains("/tmp") {
            found.push(format!("a path: {raw}"));
        }
        if token.len() > 1
            && token.starts_with('-')
            && token[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '-')
        {
            found.push(format!("a flag: {raw}"));
        }
        if REPOSITORY_FILES.iter().any(|f| token.contains(f)) {
            found.push(format!("a repository file: {raw}"));
        }
        let word = token.to_lowercase();
        if ENGLISH_WORDS.contains(&word.as_str()) {
            found.push(format!("English: {raw}"));
        }
    }
    found
}

/// The text a reader sees in an HTML page: no style, no tags, entities
/// decoded, whitespace folded.
pub fn html_text(html: &str) -> String {
    // A line-break opportunity is no space.
    let mut s = html.replace("<wbr>", "");
    while let (Some(a), Some(b)) = (s.find("<style>"), s.find("</style>")) {
        s.replace_range(a..b + "</style>".len(), " ");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_scan_finds_what_once_reached_documents_for_people() {
    // Each of these was on a cover, an excerpt or the report.
    for (bad, what) in [
        ("Plats: /tmp/.tmpAb12/arkiv/2026-H1/x", "a path"),
        (
            "uppgift saknas: ingen operatör angavs (--operator)",
            "a flag",
        ),
        (
            "kör ogonblick som tjänsteanvändaren i stället (se README.md).",
            "a repository file",
        ),
        (
            "could not load http://127.0.0.1:9/x: net::ERR_CONNECTION_REFUSED",
            "English",
        ),
        ("sha256sum -c manifest-sha256.txt", "a flag"),
    ] {
        let found = not_for_people(bad);
        assert!(
            found.iter().any(|f| f.starts_with(what)),
            "{bad:?}: {found:?}"
        );
    }
    for good in [
        "Sidan http://127.0.0.1:9/x kunde inte hämtas: servern svarade inte (ERR_CONNECTION_REFUSED).",
        "Kultur- och fritidsnämnden, 2026-H1/facebook-kommun, PDF-sidorna 3–5 – klart.",
        "Förvaras i: Kommunstyrelsens arkiv, Gislaveds kommun",
    ] {
        assert_eq!(not_for_people(good), Vec::<String>::new(), "{good}");
    }
}

/// The cover pages' text of a snapshot, whitespace folded.
pub fn cover_text(pdf: &Path) -> String {
    pdftotext(pdf)
        .split('\u{c}')
        .take_while(|p| p.contains("Följeblad"))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_line_of_a_tall_page_is_found_once_and_no_break_cuts_one() {
    let env = Env::new();
    let pdf = capture(&env, "/text/seams/");
    let text = pdftotext(&pdf);
    for i in 0..500 {
        let token = format!("R{i:04}");
        assert_eq!(
            text.matches(&token).count(),
            1,
            "line {token} in the text layer of the capture"
        );
    }
    // The screenshot pages follow the cover; on none of their breaks is there ink on both sides.
    let total = pages(&pdf);
    let first = (1..=total)
        .find(|&p| {
            let out = test_support::output(
                Command::new("pdftotext")
                    .args(["-f", &p.to_string(), "-l", &p.to_string()])
                    .arg(&pdf)
                    .arg("-"),
            )
            .expect("pdftotext");
            String::from_utf8_lossy(&out.stdout).contains("Rad R0000")
        })
        .expect("the first screenshot page");
    assert!(
        total - first >= 5,
        "a 12 500 px page takes several PDF pages"
    );
    let mut above = false;
    for p in first..=total {
        let (top, bottom) = edge_ink(&pdf, p, env.dir.path());
        assert!(!(above && top), "the break above PDF page {p} cuts a line");
        above = bottom;
    }
}

/// A line's words, with bidi controls out and a break wherever right-to-left letters
/// meet Latin letters or digits: poppler attaches the space between such stretches to
/// the wrong side ("مرحبا  2026بكم"); what is compared is the order of the words.
fn tokens(line: &str) -> Vec<String> {
    let rtl = |c: char| matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}');
    let mut out = String::new();
    let mut prev: Option<bool> = None;
    for c in line.chars() {
        if matches!(c, '\u{202A}'..='\u{202E}' | '\u{200E}' | '\u{200F}' | '\u{2066}'..='\u{2069}')
        {
            continue;
        }
        let class = if c.is_whitespace() {
            None
        } else if rtl(c) {
            Some(true)
        } else if c.is_alphanumeric() {
            Some(false)
        } else {
            prev
        };
        if let (Some(a), Some(b)) = (prev, class) {
            if a != b {
                out.push(' ');
            }
        }
        out.push(c);
        prev = class;
    }
    out.split_whitespace().map(str::to_string).collect()
}

#[test]
fn a_right_to_left_page_is_searchable_in_logical_order() {
    let env = Env::new();
    let pdf = capture(&env, "/text/rtl/");
    let html = include_str!("../../fixtures/site/text/rtl/index.html");
    let paragraphs: Vec<&str> = html
        .split("<p>")
        .skip(1)
        .filter_map(|p| p.split("</p>").next())
        .collect();
    let text = pdftotext(&pdf);
    let got: Vec<Vec<String>> = text.lines().map(tokens).collect();
    let (lines, arabic) = paragraphs.split_at(paragraphs.len() - 1);
    for line in lines {
        let want = tokens(line);
        assert!(
            got.contains(&want),
            "pdftotext lost the order of `{line}`:\n{text}"
        );
    }
    // Poppler wraps right-to-left lines in bidi embedding controls; they are not part of words.
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}'))
        .collect();
    // Words without the punctuation around them (poppler puts a sentence's full stop
    // in front of the next word: "التجارية .يرجى").
    let bare = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let words: Vec<String> = plain.split_whitespace().map(bare).collect();
    let want: Vec<String> = arabic[0].split_whitespace().map(bare).collect();
    let found = want.iter().filter(|w| words.contains(w)).count();
    let recall = found as f64 / want.len() as f64;
    let missing: Vec<&String> = want.iter().filter(|w| !words.contains(w)).collect();
    assert!(
        recall >= 0.97,
        "Arabic word recall {recall:.3} over {} words, missing {missing:?}:\n{text}",
        want.len()
    );
}

/// Sideways content in the sealed snapshot's text layer: every column of a
/// timeline strip that scrolls sideways, and of a table spilling past a
/// centred body, is found once (crates/capture/tests/it/bands.rs checks the
/// picture).
#[test]
fn every_column_of_sideways_content_is_in_the_text_layer() {
    for (path, label, columns) in [
        ("/layouts/remsa/", "Kolumn", 12),
        ("/layouts/spill/", "Post", 14),
    ] {
        let env = Env::new();
        // The screenshot pages only: the cover lists the page's headings.
        let text: String = pdftotext(&capture(&env, path))
            .split('\u{c}')
            .filter(|p| !p.contains("Följeblad"))
            .collect();
        for n in 1..=columns {
            let want = format!("{label} {n} av {columns}");
            assert_eq!(
                text.matches(&want).count(),
                1,
                "{want:?} in the text layer of {path}"
            );
        }
    }
}
