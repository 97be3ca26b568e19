//! Shared pieces of the benchmark binaries: a deterministic PRNG, hex, and
//! small helpers. Nothing here is used by ogonblick itself.

/// SplitMix64: a tiny, fast, deterministic generator (same seed, same bytes on
/// every machine), good enough for benchmark data, not for anything secret.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Fills `buf` with pseudo-random bytes.
    pub fn fill(&mut self, buf: &mut [u8]) {
        let mut chunks = buf.chunks_exact_mut(8);
        for c in &mut chunks {
            c.copy_from_slice(&self.next_u64().to_le_bytes());
        }
        let rest = chunks.into_remainder();
        if !rest.is_empty() {
            let v = self.next_u64().to_le_bytes();
            let n = rest.len();
            rest.copy_from_slice(&v[..n]);
        }
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// The value of `--name VALUE` in `args`, if given.
pub fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// Prints `msg` to stderr and exits with 2 (bad usage or a failed step).
pub fn die(msg: &str) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(2)
}

/// Plain headless Chromium for a peer measurement: `$CHROME` (else
/// `/usr/bin/chromium`), a fresh profile (returned: keep it as long as the
/// browser), a 1280 × 900 window, none of ogonblick's page code. Dies with a
/// message when Chromium cannot be started.
pub fn plain_chromium() -> (headless_chrome::Browser, tempfile::TempDir) {
    let chrome = std::env::var_os("CHROME")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into());
    let profile = tempfile::tempdir().unwrap_or_else(|e| die(&format!("temp dir: {e}")));
    let flags: Vec<&std::ffi::OsStr> = [
        "--disable-component-update",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-sync",
    ]
    .iter()
    .map(std::ffi::OsStr::new)
    .collect();
    let launch = headless_chrome::LaunchOptions::default_builder()
        .path(Some(chrome))
        .headless(true)
        .sandbox(false)
        .enable_gpu(false)
        .user_data_dir(Some(profile.path().to_path_buf()))
        .window_size(Some((1280, 900)))
        .idle_browser_timeout(std::time::Duration::from_secs(300))
        .args(flags)
        .build()
        .unwrap_or_else(|e| die(&format!("launch options: {e}")));
    let browser = headless_chrome::Browser::new(launch)
        .unwrap_or_else(|e| die(&format!("starting Chromium: {e}")));
    (browser, profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_is_deterministic() {
        let mut a = SplitMix::new(7);
        let mut b = SplitMix::new(7);
        let mut x = [0u8; 13];
        let mut y = [0u8; 13];
        a.fill(&mut x);
        b.fill(&mut y);
        assert_eq!(x, y);
        assert_ne!(x, [0u8; 13]);
    }
}
