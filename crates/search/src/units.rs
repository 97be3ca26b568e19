//! What gets indexed: a record's text layer cut into units, one per post (or
//! the text around posts) per page of `snapshot.pdf`, each with its date.
//!
//! The units come from record data, not from the PDF: the text runs the
//! capture stored (the very runs `pdfa` places as the invisible text layer)
//! and `posts.json`, which says which PDF page shows which rows of a captured
//! page and where each post's box is.

use std::path::Path;

use chrono::NaiveDate;
use model::{Posts, Record, TextRun};
use registry::period::{day_in_sweden, post_days};

/// One piece of text to index.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Label of the captured page (`01-start`).
    pub label: String,
    /// 1-based page of `snapshot.pdf`; `None` for records sealed before
    /// `posts.json` existed.
    pub pdf_page: Option<u32>,
    /// The post the text belongs to, if any.
    pub post_id: Option<String>,
    /// The post's date as the markup gives it, or where it is read from the
    /// text a reader sees ("för 3 veckor sedan"), the days it can mean as an
    /// ISO 8601 interval (`2025-11-13/2025-11-20`).
    pub post_date: Option<String>,
    /// The dates searched by `--from`/`--to`: the post's (the first and
    /// last day a date read from text can mean), else the capture's.
    pub day: NaiveDate,
    pub day_last: NaiveDate,
    pub text: String,
}

/// The units of one sealed record in `dir`.
pub fn record_units(record: &Record, dir: &Path) -> Result<Vec<Unit>, crate::Error> {
    let posts: Option<Posts> = match std::fs::read(dir.join("posts.json")) {
        Ok(bytes) => Some(
            serde_json::from_slice(&bytes).map_err(|source| crate::Error::Json {
                path: dir.join("posts.json"),
                source,
            })?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(crate::Error::Io {
                path: dir.join("posts.json"),
                source,
            })
        }
    };
    let captured = record.captured_at().map(day_in_sweden).unwrap_or_default();
    let mut out = Vec::new();
    for page in &record.pages {
        let path = dir.join(&page.text_file);
        let runs: Vec<TextRun> = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|source| crate::Error::Json { path, source })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(crate::Error::Io { path, source }),
        };
        out.extend(page_units(&page.label, &runs, posts.as_ref(), captured));
    }
    Ok(out)
}

/// The units of one captured page: each run goes to the innermost post box
/// holding its middle, on the PDF page holding its middle row (as `pdfa`
/// places it), in the order the capture read them.
pub fn page_units(
    label: &str,
    runs: &[TextRun],
    posts: Option<&Posts>,
    captured: NaiveDate,
) -> Vec<Unit> {
    let boxes: Vec<&model::Post> = posts
        .map(|p| p.posts.iter().filter(|p| p.page == label).collect())
        .unwrap_or_default();
    let mut units: Vec<Unit> = Vec::new();
    for run in runs {
        let text = run.text.trim();
        if text.is_empty() {
            continue;
        }
        let (mx, my) = (run.x + run.width / 2.0, run.y + run.height / 2.0);
        let post = boxes
            .iter()
            .filter(|p| mx >= p.x && mx < p.x + p.width && my >= p.y && my < p.y + p.height)
            .min_by(|a, b| (a.width * a.height).total_cmp(&(b.width * b.height)));
        // A comment's text is found under its own id, dated by the post when it has no date.
        let parent = post.and_then(|p| {
            p.parent
                .as_deref()
                .and_then(|id| boxes.iter().find(|b| b.id == id))
        });
        let dating = [post, parent]
            .into_iter()
            .flatten()
            .find(|p| p.date.is_some() || p.date_read.is_some());
        let (post_date, days) = dating.map_or((None, None), |p| dated(p));
        let pdf_page = posts.and_then(|p| p.pdf_page(label, my));
        let post_id = post.map(|p| p.id.clone());
        match units
            .iter_mut()
            .rev()
            .find(|u| u.pdf_page == pdf_page && u.post_id == post_id)
        {
            Some(u) => {
                u.text.push(' ');
                u.text.push_str(text);
            }
            None => units.push(Unit {
                label: label.to_string(),
                pdf_page,
                day: days.map_or(captured, |(first, _)| first),
                day_last: days.map_or(captured, |(_, last)| last),
                post_id,
                post_date,
                text: text.to_string(),
            }),
        }
    }
    units
}

/// A post's date as the search shows it, and the first and last day it can
/// be from: the markup's date as written, or the days in Sweden a date
/// read from the text can mean, as an ISO 8601 interval.
fn dated(p: &model::Post) -> (Option<String>, Option<(NaiveDate, NaiveDate)>) {
    let days = post_days(p);
    let shown = p.date.clone().or_else(|| {
        days.map(|(first, last)| {
            if first == last {
                first.to_string()
            } else {
                format!("{first}/{last}")
            }
        })
    });
    (shown, days)
}
