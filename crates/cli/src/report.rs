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
    refuse_inside(&args.out, &args.archive)?;
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

/// Refuses an `--out` inside the archive: the report is a copy for people,
/// not part of the archive (`verify` would find an unexpected folder).
fn refuse_inside(out: &Path, archive: &Path) -> anyhow::Result<()> {
    let archive = archive
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", archive.display()))?;
    // The nearest folder of --out that exists, resolved, and the rest after it.
    let mut existing = out.to_path_buf();
    let mut rest = Vec::new();
    while existing.canonicalize().is_err() {
        let Some(name) = existing.file_name().map(ToOwned::to_owned) else {
            break;
        };
        rest.push(name);
        existing = match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    resolved.extend(rest.iter().rev());
    if resolved.starts_with(&archive) {
        anyhow::bail!(
            "--out {} is inside the archive {}: the report is written for people beside the archive, \
             not into it (verify would find an unexpected folder); write it elsewhere",
            out.display(),
            archive.display()
        );
    }
    Ok(())
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

/// What may not stand in a relative URL path segment: all but RFC 3986's unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes what may not stand in a relative URL path segment.
fn percent(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    /// The same bytes the hand-written encoder gave: unreserved kept, the rest upper-case `%XX`.
    #[test]
    fn segment_percent_encoding_is_unchanged() {
        assert_eq!(
            super::percent("Sundsvall kommun/Å-ä_ö.~%#?"),
            "Sundsvall%20kommun%2F%C3%85-%C3%A4_%C3%B6.~%25%23%3F"
        );
    }
}
