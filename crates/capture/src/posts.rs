//! The posts and comments a page shows, with an identity that survives
//! between captures: the permalink or platform id the markup gives, else a
//! hash of the normalised text. Written as `posts.json` beside `text.json`.

use std::collections::HashSet;
use std::path::Path;

use model::{Post, PostIdKind, PostKind};
use sha2::{Digest, Sha256};

use crate::devtools::Ctx;
use crate::error::Error;
use crate::options::PagePosts;
use crate::protocol::RawPage;

/// Lower case, whitespace collapsed: what a text hash is taken over.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `text:` and the first 128 bits of the SHA-256 of the normalised text.
pub fn text_id(text: &str) -> String {
    let digest = Sha256::digest(normalise(text).as_bytes());
    let hex = data_encoding::HEXLOWER.encode(&digest[..16]);
    format!("text:{hex}")
}

/// Unique within the page: a second post with the same id gets `#2`.
fn unique(id: String, seen: &mut HashSet<String>) -> String {
    if seen.insert(id.clone()) {
        return id;
    }
    let mut n = 2;
    loop {
        let next = format!("{id}#{n}");
        if seen.insert(next.clone()) {
            return next;
        }
        n += 1;
    }
}

/// What a post's text hash is taken over: the text as earlier versions
/// read it where the page gives it, so ids stay as they were.
fn hashed<'a>(id_text: Option<&'a str>, text: &'a str) -> &'a str {
    id_text.unwrap_or(text)
}

fn finish(raw: RawPage, label: &str) -> PagePosts {
    let mut seen = HashSet::new();
    let mut posts = Vec::new();
    let text = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    for p in raw.posts {
        let (id, id_kind) = match p.id.filter(|s| !s.is_empty()) {
            Some(id) => (id, p.id_kind),
            None => (
                text_id(hashed(p.id_text.as_deref(), &p.text)),
                PostIdKind::TextHash,
            ),
        };
        let id = unique(id, &mut seen);
        for c in &p.comments {
            let (cid, ckind) = match c.id.clone().filter(|s| !s.is_empty()) {
                Some(cid) => (cid, c.id_kind),
                None => (
                    format!(
                        "{id}/comment:{}",
                        &text_id(&format!(
                            "{}\n{}",
                            c.author.as_deref().unwrap_or(""),
                            hashed(c.id_text.as_deref(), &c.text)
                        ))[5..]
                    ),
                    PostIdKind::TextHash,
                ),
            };
            posts.push(Post {
                id: unique(cid, &mut seen),
                id_kind: ckind,
                kind: PostKind::Comment,
                parent: Some(id.clone()),
                url: text(&c.url),
                date: text(&c.date),
                date_read: c.date_read.clone(),
                author: text(&c.author),
                text: c.text.clone(),
                page: label.to_string(),
                x: c.x,
                y: c.y,
                width: c.width,
                height: c.height,
                pdf_page: None,
            });
        }
        // The post before its comments.
        let at = posts.len() - p.comments.len().min(posts.len());
        posts.insert(
            at,
            Post {
                id,
                id_kind,
                kind: p.kind,
                parent: None,
                url: text(&p.url),
                date: text(&p.date),
                date_read: p.date_read,
                author: text(&p.author),
                text: p.text,
                page: label.to_string(),
                x: p.x,
                y: p.y,
                width: p.width,
                height: p.height,
                pdf_page: None,
            },
        );
    }
    PagePosts {
        profile: raw.profile,
        posts,
    }
}

/// Reads the page's posts, writes them to `dir/posts.json` and returns them.
/// A page whose posts cannot be read is still captured: the reason is a note.
/// `lift` is `(from, by)`: posts from `from` down (CSS px of the page) lie
/// `by` px lower in the picture (the first screen's strip pictured again).
pub(crate) fn write(
    cx: &Ctx<'_>,
    dir: &Path,
    label: &str,
    captured_height: f64,
    lift: (f64, f64),
    clock: &crate::protocol::Clock,
    notes: &mut Vec<model::Note>,
) -> Result<Option<PagePosts>, Error> {
    let raw = match cx.call(
        "reading the posts",
        &crate::protocol::Posts {
            clock: clock.clone(),
            max_y: captured_height,
        },
    ) {
        Ok(r) => r,
        Err(e) if e.is_browser_gone() => return Err(e),
        Err(e) => {
            notes.push(model::Note::PostsUnreadable {
                error: e.to_string(),
            });
            return Ok(None);
        }
    };
    let mut page = finish(raw, label);
    let (from, by) = lift;
    if by > 0.0 {
        for p in page.posts.iter_mut().filter(|p| p.y >= from) {
            p.y += by;
        }
    }
    let path = dir.join("posts.json");
    let json = model::json::to_vec_pretty(&page).map_err(|e| Error::Protocol {
        during: "writing posts".into(),
        source: Box::new(e),
    })?;
    std::fs::write(&path, json).map_err(|source| Error::Io { path, source })?;
    Ok(Some(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_ids_ignore_case_and_spacing_but_not_words() {
        assert_eq!(
            text_id("Nu öppnar  simhallen"),
            text_id("nu öppnar simhallen\n")
        );
        assert_ne!(
            text_id("Nu öppnar simhallen"),
            text_id("Nu stänger simhallen")
        );
        assert!(text_id("x").starts_with("text:"));
        assert_eq!(text_id("x").len(), 5 + 32);
    }

    #[test]
    fn ids_from_markup_are_kept_and_comments_hang_under_their_post() {
        let raw: RawPage = serde_json::from_value(serde_json::json!({
            "profile": { "name": "Gislaveds kommun" },
            "posts": [
                { "id": "x:17", "id_kind": "permalink", "kind": "post", "url": "https://x.com/k/status/17",
                  "date": "2026-06-01", "author": "Kommunen", "text": "Hej", "x": 0, "y": 0, "width": 10, "height": 10,
                  "comments": [ { "id": null, "id_kind": "text-hash", "kind": "comment", "url": null, "date": null,
                                  "author": "Per", "text": "Fint", "x": 0, "y": 5, "width": 10, "height": 2 } ] },
                { "id": null, "id_kind": "text-hash", "kind": "post", "url": null, "date": null, "author": null,
                  "text": "Samma", "x": 0, "y": 20, "width": 10, "height": 10 },
                { "id": null, "id_kind": "text-hash", "kind": "post", "url": null, "date": null, "author": null,
                  "text": "samma", "x": 0, "y": 40, "width": 10, "height": 10 }
            ]
        }))
        .unwrap();
        let got = finish(raw, "01-start");
        let ids: Vec<&str> = got.posts.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids[0], "x:17");
        assert!(ids[1].starts_with("x:17/comment:"), "{ids:?}");
        assert_eq!(got.posts[1].parent.as_deref(), Some("x:17"));
        assert_eq!(got.posts[1].kind, PostKind::Comment);
        assert_eq!(ids[2], text_id("Samma"));
        assert_eq!(ids[3], format!("{}#2", text_id("Samma")));
        assert_eq!(got.profile.name.as_deref(), Some("Gislaveds kommun"));
    }

    /// The text shown keeps its blocks apart; the id is taken over the text
    /// as earlier versions read it, so it does not change.
    #[test]
    fn a_text_hash_is_taken_over_the_text_as_read_before() {
        let raw: RawPage = serde_json::from_value(serde_json::json!({
            "profile": {},
            "posts": [
                { "id": null, "id_kind": "text-hash", "kind": "post", "url": null, "date": null, "author": null,
                  "text": "ni var många\nGislaveds simhall", "id_text": "ni var mångaGislaveds simhall",
                  "x": 0, "y": 0, "width": 10, "height": 10,
                  "comments": [ { "id": null, "id_kind": "text-hash", "kind": "comment", "url": null, "date": null,
                                  "author": "Per", "text": "Bra\njobbat", "id_text": "Brajobbat",
                                  "x": 0, "y": 5, "width": 10, "height": 2 } ] },
                { "id": null, "id_kind": "text-hash", "kind": "post", "url": null, "date": null, "author": null,
                  "text": "Utan id-text", "x": 0, "y": 20, "width": 10, "height": 10 }
            ]
        }))
        .unwrap();
        let got = finish(raw, "01-start");
        let post = text_id("ni var mångaGislaveds simhall");
        assert_eq!(got.posts[0].id, post);
        assert_eq!(got.posts[0].text, "ni var många\nGislaveds simhall");
        assert_eq!(
            got.posts[1].id,
            format!("{post}/comment:{}", &text_id("Per\nBrajobbat")[5..])
        );
        assert_eq!(got.posts[1].text, "Bra\njobbat");
        assert_eq!(got.posts[2].id, text_id("Utan id-text"));
    }
}
