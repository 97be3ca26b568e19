//! The cover page's "Förändringar sedan föregående ögonblicksbild": what
//! changed on the account since its previous sealed half-year record.

use model::{Changes, Post, PostKind};

use crate::layout::Canvas;
use crate::sv;

/// Swedish name of a profile field in [`model::ProfileChange`].
fn field_sv(field: &str) -> &str {
    match field {
        "name" => "Namn",
        "description" => "Beskrivning",
        "picture" => "Profilbild",
        "followers" => "Antal följare",
        other => other,
    }
}

fn quoted(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = s.chars().take(300).collect();
    if short.len() < s.len() {
        short.push('…');
    }
    format!("”{short}”")
}

fn what(post: &Post) -> String {
    let kind = match post.kind {
        PostKind::Post => "Inlägg",
        PostKind::Comment => "Kommentar",
    };
    let mut out = kind.to_string();
    if let Some(d) = &post.date {
        out.push_str(&format!(" {}", sv::post_date(d)));
    }
    if let Some(a) = post.author.as_deref().filter(|a| !a.trim().is_empty()) {
        out.push_str(&format!(" av {}", a.trim()));
    }
    out
}

fn page(post: &Post) -> String {
    post.pdf_page
        .map_or_else(|| "sidan okänd".to_string(), |n| format!("PDF-sida {n}"))
}

/// Lays the section out on the cover.
pub(crate) fn section(c: &mut Canvas, changes: &Changes, body: f64, h2: f64) {
    c.heading("Förändringar sedan föregående ögonblicksbild", h2);
    let Some(previous) = changes.previous.as_deref() else {
        c.paragraph(
            "Det finns ingen tidigare förseglad halvårsögonblicksbild av kontot att jämföra med.",
            body,
            0.0,
        );
        return;
    };
    c.paragraph(&format!("Jämförd med {previous}."), body, 0.0);
    if let (Some(from), Some(to)) = (changes.overlap_from, changes.overlap_to) {
        c.paragraph(
            &format!(
                "Borttagna inlägg söks bland dem som är daterade {}–{}, den tid som båda ögonblicksbilderna täcker.",
                sv::date(from),
                sv::date(to)
            ),
            body,
            0.0,
        );
    }
    c.space(3.0);
    removed(c, changes, previous, body);
    c.space(3.0);
    changed(c, changes, previous, body);
    c.space(3.0);
    c.paragraph(
        &format!(
            "Nya inlägg sedan föregående ögonblicksbild: {}.",
            changes.new_posts
        ),
        body,
        0.0,
    );
    c.space(3.0);
    profile(c, changes, body);
}

/// The posts and comments no longer shown: flagged for the archivist.
fn removed(c: &mut Canvas, changes: &Changes, previous: &str, body: f64) {
    if changes.removed.is_empty() {
        c.paragraph("Inga inlägg eller kommentarer har tagits bort.", body, 0.0);
    } else {
        c.paragraph(
            &format!(
                "FLAGGAT FÖR ARKIVARIEN: {} inlägg eller kommentarer visas inte längre (borttagna sedan föregående ögonblicksbild):",
                changes.removed.len()
            ),
            body,
            0.0,
        );
        for p in &changes.removed {
            c.paragraph(
                &format!(
                    "• {}: {} ({} i {previous})",
                    what(p),
                    quoted(&p.text),
                    page(p)
                ),
                body,
                8.0,
            );
        }
    }
}

/// The posts whose text changed, before and now.
fn changed(c: &mut Canvas, changes: &Changes, previous: &str, body: f64) {
    if changes.changed.is_empty() {
        c.paragraph("Inga inlägg har fått ändrad text.", body, 0.0);
    } else {
        c.paragraph(
            &format!("Inlägg med ändrad text: {}", changes.changed.len()),
            body,
            0.0,
        );
        for (before, after) in &changes.changed {
            c.paragraph(
                &format!(
                    "• {}: tidigare {} ({} i {previous}), nu {}",
                    what(before),
                    quoted(&before.text),
                    page(before),
                    quoted(&after.text)
                ),
                body,
                8.0,
            );
        }
    }
}

/// The account's name, description, picture or follower count that changed.
fn profile(c: &mut Canvas, changes: &Changes, body: f64) {
    if changes.profile.is_empty() {
        c.paragraph(
            "Kontots namn, beskrivning, profilbild och antal följare är oförändrade.",
            body,
            0.0,
        );
    } else {
        c.paragraph("Ändringar av kontot:", body, 0.0);
        let or_none = |s: &Option<String>| s.as_deref().map_or("(saknas)".to_string(), quoted);
        for ch in &changes.profile {
            c.paragraph(
                &format!(
                    "• {}: tidigare {}, nu {}",
                    field_sv(&ch.field),
                    or_none(&ch.before),
                    or_none(&ch.after)
                ),
                body,
                8.0,
            );
        }
    }
}
