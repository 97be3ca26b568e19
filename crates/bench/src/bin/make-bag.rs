//! `make-bag DIR [--mib N] [--seed S]`: writes a BagIt 1.0 bag of about N MiB
//! (default 1024) of pseudo-random files, the same bytes for the same seed.
//!
//! The payload looks like a delivered half-year: per record one ~40 MiB
//! `snapshot.pdf`, eight ~1.5 MiB tiles and a few small JSON/text files.
//! Only `manifest-sha256.txt` (and `tagmanifest-sha256.txt`), so `ogonblick
//! verify`, `sha256sum -c` and `bagit.py --validate` all do the same work.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use bench::{die, flag, hex, SplitMix};
use sha2::{Digest, Sha256};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().filter(|a| !a.starts_with("--")) else {
        die("usage: make-bag DIR [--mib N] [--seed S]")
    };
    let mib: u64 = flag(&args, "--mib")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let seed: u64 = flag(&args, "--seed")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_260_701);
    let root = PathBuf::from(dir);
    if root.exists() {
        die(&format!(
            "{} exists; choose a new directory",
            root.display()
        ));
    }
    let target = mib * 1024 * 1024;
    let mut rng = SplitMix::new(seed);
    let mut manifest = String::new();
    let (mut total, mut count) = (0u64, 0u64);
    let mut record = 0;
    while total < target {
        record += 1;
        let base = format!("data/2026-H1/konto-{record:03}");
        let mut files: Vec<(String, u64)> = vec![
            (
                format!("{base}/snapshot.pdf"),
                36 * 1024 * 1024 + rng.below(8 * 1024 * 1024),
            ),
            (format!("{base}/record.json"), 6_000 + rng.below(6_000)),
            (format!("{base}/manifest-sha256.txt"), 900 + rng.below(300)),
            (
                format!("{base}/capture/01-start/text.json"),
                40_000 + rng.below(200_000),
            ),
            (
                format!("{base}/capture/01-start/page.mhtml"),
                300_000 + rng.below(900_000),
            ),
        ];
        for t in 1..=8 {
            files.push((
                format!("{base}/capture/01-start/tile-{t:03}.png"),
                1_000_000 + rng.below(1_000_000),
            ));
        }
        for (rel, size) in files {
            let size = size.min(target.saturating_sub(total).max(1));
            let digest = write_random(&root.join(&rel), size, &mut rng);
            manifest.push_str(&format!("{digest}  {rel}\n"));
            total += size;
            count += 1;
            if total >= target {
                break;
            }
        }
    }
    let tag = |name: &str, body: &str, tags: &mut String| {
        std::fs::write(root.join(name), body)
            .unwrap_or_else(|e| die(&format!("writing {name}: {e}")));
        tags.push_str(&format!(
            "{}  {name}\n",
            hex(&Sha256::digest(body.as_bytes()))
        ));
    };
    let mut tags = String::new();
    tag(
        "bagit.txt",
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        &mut tags,
    );
    let info = format!(
        "Source-Organization: Benchmarkkommunen\nBagging-Date: 2026-07-01\nPayload-Oxum: {total}.{count}\nBag-Software-Agent: make-bag (ogonblick benchmark)\nExternal-Description: Syntetisk leverans för prestandamätning, frö {seed}\n"
    );
    tag("bag-info.txt", &info, &mut tags);
    tag("manifest-sha256.txt", &manifest, &mut tags);
    std::fs::write(root.join("tagmanifest-sha256.txt"), tags)
        .unwrap_or_else(|e| die(&format!("writing tagmanifest: {e}")));
    println!(
        "{} files, {} bytes ({:.1} MiB) in {}",
        count,
        total,
        total as f64 / 1048576.0,
        root.display()
    );
}

/// Writes `size` pseudo-random bytes to `path` and returns their SHA-256.
fn write_random(path: &Path, size: u64, rng: &mut SplitMix) -> String {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| die(&format!("creating {}: {e}", parent.display())));
    }
    let file =
        File::create(path).unwrap_or_else(|e| die(&format!("creating {}: {e}", path.display())));
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        rng.fill(&mut buf[..n]);
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])
            .unwrap_or_else(|e| die(&format!("writing {}: {e}", path.display())));
        left -= n as u64;
    }
    out.flush()
        .unwrap_or_else(|e| die(&format!("writing {}: {e}", path.display())));
    hex(&hasher.finalize())
}
