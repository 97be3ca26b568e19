//! `ogonblick report`: writes the archive overview (`index.html`) for the
//! archivist and the registrar, read from the archive without touching it.

use std::path::{Component, Path, PathBuf};

use anyhow::Context;
use registry::status::ArchiveView;

use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    /// Where to write the overview (index.html); created if missing.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn main(args: Args) -> CmdResult {
    let view = ArchiveView::read(&args.archive)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let link = relative_link(&args.out, &args.archive)?;
    let html = registry::report::report_html(&view, chrono::Utc::now(), &link);
    let page = args.out.join("index.html");
    let tmp = args
        .out
        .join(format!(".index.html.tmp-{}", std::process::id()));
    std::fs::write(&tmp, html).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &page).with_context(|| format!("cannot write {}", page.display()))?;
    eprintln!(
        "wrote {} ({} records, {} journal events)",
        page.display(),
        view.records.len(),
        view.journal.len()
    );
    Ok(Exit::Ok)
}

/// The archive as a relative URL prefix from the report's directory
/// (`../arkiv/`), so the page's links work wherever the two are copied together.
fn relative_link(from: &Path, to: &Path) -> anyhow::Result<String> {
    let from = from
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", from.display()))?;
    let to = to
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", to.display()))?;
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
    for c in &b[common..] {
        parts.push(percent(&c.as_os_str().to_string_lossy()));
    }
    let mut s = parts.join("/");
    if !s.is_empty() {
        s.push('/');
    }
    Ok(s)
}

/// Percent-encodes what may not stand in a relative URL path segment.
fn percent(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
