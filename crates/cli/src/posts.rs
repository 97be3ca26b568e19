//! The record's posts and what changed since the account's previous
//! half-year record: gathered from the captured pages (in memory; each also
//! wrote its `posts.json`), placed on the pages of `snapshot.pdf`, compared,
//! put on the cover page, and written as `posts.json` and `changes.json`
//! beside `record.json`.

use std::path::Path;

use anyhow::Context;
use model::{Changes, Posts, Record, RecordKind};

/// Every page's posts as the capture wrote them, with the start page's profile.
fn captured_posts(pages: &[capture::PageCapture]) -> Posts {
    let mut out = Posts::default();
    for (i, page) in pages.iter().enumerate() {
        let Some(page_posts) = &page.posts else {
            continue;
        };
        if i == 0 {
            out.profile = page_posts.profile.clone();
        }
        out.posts.extend(page_posts.posts.iter().cloned());
    }
    out
}

/// The comparison for the cover page: for a half-year record of an account
/// in an archive, with its previous half-year record if there is one.
fn compare(record: &Record, archive: &Path, posts: &Posts) -> anyhow::Result<Option<Changes>> {
    let (RecordKind::Halvar, Some(account), Some(period)) = (
        record.kind,
        record.account.as_ref(),
        record.period.as_deref(),
    ) else {
        return Ok(None);
    };
    let Some((id, dir)) = registry::changes::previous_halvar(archive, &account.id, period)? else {
        return Ok(Some(Changes::default()));
    };
    let before = registry::archive::read_record(&dir)?;
    let Some(before_posts) = registry::changes::read_posts(&dir)? else {
        // Sealed before posts were recorded: nothing to compare posts with,
        // but it is named.
        return Ok(Some(Changes {
            previous: Some(id),
            ..Changes::default()
        }));
    };
    let captured = before.captured_at().map(registry::period::day_in_sweden);
    Ok(Some(registry::changes::compare(
        &id,
        &before_posts,
        captured,
        posts,
    )))
}

/// A record's PDF/A and the comparison on its cover.
#[derive(Debug)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    /// What `changes.json` was written from (a half-year record in an
    /// archive): handed to the seal for the journal and to `run` for its
    /// table, never read back from disk.
    pub changes: Option<Changes>,
}

/// Renders the PDF/A with the comparison on its cover and writes
/// `posts.json` (and `changes.json` for a half-year record) into `dir`,
/// where `seal` puts them in the manifest. `archive` is the archive the
/// record goes into, if any.
pub fn render(
    record: &Record,
    dir: &Path,
    pages: &[capture::PageCapture],
    flavour: pdfa::Flavour,
    archive: Option<&Path>,
) -> anyhow::Result<Rendered> {
    let mut posts = captured_posts(pages);
    let mut changes = match archive {
        Some(root) => {
            compare(record, root, &posts).context("comparing with the previous record")?
        }
        None => None,
    };
    let built = crate::render::render_placed(
        record,
        dir,
        pages,
        flavour,
        pdfa::Extras {
            changes: changes.as_ref(),
        },
    )?;
    posts.pdf_pages = built.pdf_pages;
    let placed = posts.clone();
    for p in &mut posts.posts {
        p.pdf_page = placed.pdf_page(&p.page, p.y);
    }
    if let Some(c) = &mut changes {
        for (_, now) in &mut c.changed {
            now.pdf_page = placed.pdf_page(&now.page, now.y);
        }
        write_json(&dir.join(registry::changes::CHANGES), c)?;
    }
    write_json(&dir.join(registry::changes::POSTS), &posts)?;
    Ok(Rendered {
        pdf: built.bytes,
        changes,
    })
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> anyhow::Result<()> {
    let mut json = model::json::to_vec_pretty(value)?;
    json.push(b'\n');
    std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))
}

/// A sealed row of `run`'s closing table whose record found posts removed
/// since the previous snapshot (`changes`, the comparison it was sealed
/// with): says so in its warnings, and a row with no other flag gets the
/// status `removed` (exit 1).
pub fn mark_removals(mut row: crate::table::Row, changes: Option<&Changes>) -> crate::table::Row {
    if !matches!(row.status, "sealed" | "flagged") {
        return row;
    }
    let Some(c) = changes else {
        return row;
    };
    if c.has_removals() {
        row.warnings.insert(
            0,
            format!(
                "removed: {} post(s) or comment(s) shown in {} are gone (listed on the cover page)",
                c.removed.len(),
                c.previous.as_deref().unwrap_or("the previous record")
            ),
        );
        row.removed = true;
        if row.status == "sealed" {
            row.status = "removed";
        }
    }
    row
}

/// The accounts with removed posts, under the closing table.
pub fn print_removals(rows: &[crate::table::Row]) {
    let accounts: Vec<&str> = rows
        .iter()
        .filter(|r| r.removed)
        .map(|r| r.account.as_str())
        .collect();
    if !accounts.is_empty() {
        println!(
            "Posts removed since the previous snapshot: {}",
            accounts.join(", ")
        );
    }
}
