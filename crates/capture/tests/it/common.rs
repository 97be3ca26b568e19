//! Shared helpers: the fixture server, a browser session per test, pixel checks.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use capture::{Options, PageCapture, PageDir, Session};
use fixture_server::FixtureServer;

pub fn server() -> &'static FixtureServer {
    static SERVER: OnceLock<FixtureServer> = OnceLock::new();
    SERVER.get_or_init(|| FixtureServer::start().expect("start the fixture server"))
}

/// Only one Chromium at a time.
pub fn browser_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn session(opts: &Options) -> Session {
    match Session::launch(opts) {
        Ok(s) => s,
        Err(e) => {
            panic!("cannot launch Chromium ({e}); install it with `apt-get install chromium`")
        }
    }
}

pub struct Captured {
    pub page: PageCapture,
    pub dir: tempfile::TempDir,
}

impl Captured {
    pub fn texts(&self) -> Vec<&str> {
        self.page
            .text_runs
            .iter()
            .map(|r| r.text.as_str())
            .collect()
    }

    pub fn all_text(&self) -> String {
        self.texts().join("\n")
    }

    /// Every tile with its top in CSS px, decoded one at a time.
    pub fn tiles(&self) -> impl Iterator<Item = (f64, Img)> + '_ {
        self.page
            .facts
            .tiles
            .iter()
            .map(|t| (t.css_y, Img::load(&self.dir.path().join(&t.file))))
    }

    /// Number of pixels of exactly each of `colours` over all tiles, in one pass.
    pub fn count_colours(&self, colours: &[[u8; 3]]) -> Vec<usize> {
        let mut counts = vec![0; colours.len()];
        for (_, img) in self.tiles() {
            for p in img.data.chunks_exact(3) {
                if let Some(i) = colours.iter().position(|c| c == p) {
                    counts[i] += 1;
                }
            }
        }
        counts
    }

    pub fn count_colour(&self, rgb: [u8; 3]) -> usize {
        self.count_colours(&[rgb])[0]
    }
}

/// Capture `path` of the fixture server with `opts`.
pub fn capture(opts: &Options, path: &str) -> Captured {
    let _guard = browser_lock();
    let s = session(opts);
    capture_with(&s, path)
}

pub fn capture_with(s: &Session, path: &str) -> Captured {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = server().url(path);
    let page = s
        .capture(
            &url,
            &PageDir::at(dir.path(), "capture/01-start", "01-start"),
        )
        .unwrap_or_else(|e| panic!("capture of {url} failed: {e} ({e:?})"));
    Captured { page, dir }
}

/// A decoded tile.
pub struct Img {
    pub width: u32,
    pub height: u32,
    pub data: Vec<u8>,
}

impl Img {
    pub fn load(path: &Path) -> Img {
        let file =
            std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
        let decoder = png::Decoder::new(std::io::BufReader::new(file));
        let mut reader = decoder.read_info().expect("tile is a PNG");
        let info = reader.info();
        assert_eq!(
            info.color_type,
            png::ColorType::Rgb,
            "{} is not RGB",
            path.display()
        );
        assert_eq!(
            info.bit_depth,
            png::BitDepth::Eight,
            "{} is not 8-bit",
            path.display()
        );
        assert!(!info.interlaced, "{} is interlaced", path.display());
        let (width, height) = (info.width, info.height);
        let mut data = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut data).expect("decode tile");
        Img {
            width,
            height,
            data,
        }
    }

    pub fn get(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// Rows whose pixel at column `x` is `rgb`.
    pub fn rows_with(&self, x: u32, rgb: [u8; 3]) -> usize {
        (0..self.height).filter(|&y| self.get(x, y) == rgb).count()
    }
}

pub fn hex(s: &str) -> [u8; 3] {
    let v = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).expect("hex colour");
    [v(0), v(2), v(4)]
}

/// Assert that `expected` appear in the text runs in this order (each as a
/// substring of one run or of consecutive runs joined by spaces).
pub fn assert_in_order(c: &Captured, expected: &[&str]) {
    let joined = c.texts().join(" ");
    let mut from = 0;
    for want in expected {
        match joined[from..].find(want) {
            Some(i) => from += i + want.len(),
            None => panic!(
                "{want:?} not found in order in the text runs of {} (after byte {from});\ntext: {joined}",
                c.page.facts.requested_url
            ),
        }
    }
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
