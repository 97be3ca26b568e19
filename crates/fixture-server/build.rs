//! Embeds the files of `fixtures/site` into the crate, so the server (and
//! `ogonblick demo`) works from any directory: with the feature `test-site`
//! every file, without it only the demo's pages ([`DEMO_SITE`]).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            println!("cargo:rerun-if-changed={}", p.display());
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// What the demo's accounts load (`accounts()` and `FLAGGED_DEMO_ACCOUNT` in
/// `src/lib.rs`), as paths under the site root or their prefixes: all the
/// shipped binary carries.
const DEMO_SITE: &[&str] = &[
    "404.html",
    "assets/",
    "blogg/",
    "facebook/",
    "instagram/",
    "x/",
    "youtube/",
    "layouts/tappar/",
    "layouts/layouts.css",
    "layouts/inlagg.js",
];

fn main() {
    let whole_site = std::env::var_os("CARGO_FEATURE_TEST_SITE").is_some();
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let site = manifest.join("../../fixtures/site");
    println!("cargo:rerun-if-changed={}", site.display());
    let mut files = Vec::new();
    walk(&site, &mut files);
    let mut code = String::from("/// Every file of `fixtures/site`: path relative to the site root, bytes.\npub static FILES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&site)
            .expect("walked under site")
            .to_string_lossy()
            .replace('\\', "/");
        if !whole_site && !DEMO_SITE.iter().any(|d| rel.starts_with(d)) {
            continue;
        }
        let abs = f.canonicalize().expect("file exists");
        writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.to_string_lossy()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("site.rs");
    std::fs::write(out, code).expect("write generated site table");
}
