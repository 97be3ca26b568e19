//! What changed on an account since its previous sealed half-year record:
//! posts removed within the dates both captures cover, posts edited, new
//! posts, and changes to the account's name, description, picture and
//! follower count. Read from the records' `posts.json`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use model::{Changes, Post, PostIdKind, PostKind, Posts, Profile, ProfileChange};

use crate::period::{post_days, Period};
use crate::{Error, Result};

/// `posts.json`: where each page lies in `snapshot.pdf`, the profile and the posts.
pub const POSTS: &str = "posts.json";
/// `changes.json`: the comparison with the previous half-year record.
pub const CHANGES: &str = "changes.json";

/// The account's latest sealed half-year record of a period before `period`:
/// its id and directory.
pub fn previous_halvar(
    root: &Path,
    account: &str,
    period: &str,
) -> Result<Option<(String, PathBuf)>> {
    let Ok(current) = period.parse::<Period>() else {
        return Ok(None);
    };
    if !root.is_dir() {
        return Ok(None);
    }
    let mut best: Option<(Period, String, PathBuf)> = None;
    for (id, dir) in crate::archive::record_dirs(root)? {
        let Some((p, acc)) = id.split_once('/') else {
            continue;
        };
        let Ok(p) = p.parse::<Period>() else { continue };
        if acc != account || p >= current {
            continue;
        }
        if best.as_ref().is_none_or(|(b, _, _)| p > *b) {
            best = Some((p, id, dir));
        }
    }
    Ok(best.map(|(_, id, dir)| (id, dir)))
}

/// A record directory's `posts.json`, if it has one.
pub fn read_posts(dir: &Path) -> Result<Option<Posts>> {
    read_json(&dir.join(POSTS))
}

/// A record directory's `changes.json`, if it has one.
pub fn read_changes(dir: &Path) -> Result<Option<Changes>> {
    read_json(&dir.join(CHANGES))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| Error::RecordJson {
                path: path.to_path_buf(),
                source,
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", path)(e)),
    }
}

fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace()
        .flat_map(str::chars)
        .eq(b.split_whitespace().flat_map(str::chars))
}

/// A post's days, or for a comment without a date, its post's.
fn dated(p: &Post, by_id: &BTreeMap<&str, &Post>) -> Option<(NaiveDate, NaiveDate)> {
    post_days(p).or_else(|| {
        p.parent
            .as_deref()
            .and_then(|id| by_id.get(id))
            .and_then(|q| post_days(q))
    })
}

/// The day from which a capture surely holds the list: its oldest post is
/// from this day or earlier (the last day its date can mean, where it is
/// read from text).
fn reached(posts: &Posts) -> Option<NaiveDate> {
    posts
        .posts
        .iter()
        .filter_map(post_days)
        .map(|(_, last)| last)
        .min()
}

/// Compares the previous record's posts with this one's.
///
/// A post or comment of the earlier record counts as removed when it is not
/// shown now and either its date lies within the overlap (from the later of
/// the two oldest dates each capture reached, to the day the earlier record
/// was captured) or it is a comment whose post is still shown. A post whose
/// identity is a text hash cannot keep its id through an edit: a removed one
/// and a new one of the same kind, date, author and post count as one
/// edited post when they are the only such pair.
pub fn compare(
    previous_id: &str,
    before: &Posts,
    previous_captured: Option<NaiveDate>,
    now: &Posts,
) -> Changes {
    let old_by_id: BTreeMap<&str, &Post> =
        before.posts.iter().map(|p| (p.id.as_str(), p)).collect();
    let new_by_id: BTreeMap<&str, &Post> = now.posts.iter().map(|p| (p.id.as_str(), p)).collect();
    let from = match (reached(before), reached(now)) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    // Without the capture's day: the newest day the earlier record surely
    // reached (the first a read date can mean).
    let to = previous_captured.or_else(|| {
        before
            .posts
            .iter()
            .filter_map(post_days)
            .map(|(first, _)| first)
            .max()
    });
    // Removed only where every day the post can be from is in the overlap:
    // a date read as "3 veckor" across its edge claims nothing.
    let in_overlap = |d: Option<(NaiveDate, NaiveDate)>| match (d, from, to) {
        (Some((first, last)), Some(f), Some(t)) => first >= f && last <= t,
        _ => false,
    };

    let mut removed: Vec<Post> = Vec::new();
    let mut changed: Vec<(Post, Post)> = Vec::new();
    for p in &before.posts {
        match new_by_id.get(p.id.as_str()) {
            Some(q) => {
                if !same_text(&p.text, &q.text) {
                    changed.push((p.clone(), (*q).clone()));
                }
            }
            None => {
                let post_still_shown = p
                    .parent
                    .as_deref()
                    .is_some_and(|id| new_by_id.contains_key(id));
                // A comment of a removed post goes with its post.
                let post_removed = p
                    .parent
                    .as_deref()
                    .is_some_and(|id| old_by_id.contains_key(id) && !new_by_id.contains_key(id));
                if post_removed {
                    continue;
                }
                if post_still_shown || in_overlap(dated(p, &old_by_id)) {
                    removed.push(p.clone());
                }
            }
        }
    }
    let added: Vec<&Post> = now
        .posts
        .iter()
        .filter(|p| !old_by_id.contains_key(p.id.as_str()))
        .collect();
    // Text-hash posts that were edited: pair a removed one with the one new
    // post of the same kind, date, author and parent.
    let key = |p: &Post| (p.kind, p.date.clone(), p.author.clone(), p.parent.clone());
    let mut paired: HashSet<String> = HashSet::new();
    removed.retain(|p| {
        if p.id_kind != PostIdKind::TextHash {
            return true;
        }
        let candidates: Vec<&&Post> = added
            .iter()
            .filter(|q| q.id_kind == PostIdKind::TextHash && key(q) == key(p))
            .collect();
        let rivals = before
            .posts
            .iter()
            .filter(|o| {
                o.id_kind == PostIdKind::TextHash
                    && key(o) == key(p)
                    && !new_by_id.contains_key(o.id.as_str())
            })
            .count();
        match candidates.as_slice() {
            [q] if rivals == 1 && p.date.is_some() && !paired.contains(&q.id) => {
                paired.insert(q.id.clone());
                changed.push((p.clone(), (**q).clone()));
                false
            }
            _ => true,
        }
    });
    let new_posts = added
        .iter()
        .filter(|p| p.kind == PostKind::Post && !paired.contains(&p.id))
        .count();
    Changes {
        previous: Some(previous_id.to_string()),
        overlap_from: from,
        overlap_to: to,
        removed,
        changed,
        new_posts: u32::try_from(new_posts).unwrap_or(u32::MAX),
        profile: profile_changes(&before.profile, &now.profile),
    }
}

/// The fields of the profile that differ.
pub fn profile_changes(before: &Profile, now: &Profile) -> Vec<ProfileChange> {
    let fields = [
        ("name", &before.name, &now.name),
        ("description", &before.description, &now.description),
        ("picture", &before.picture, &now.picture),
        ("followers", &before.followers, &now.followers),
    ];
    fields
        .into_iter()
        .filter(|(_, a, b)| {
            a.as_deref().map(str::trim).unwrap_or("") != b.as_deref().map(str::trim).unwrap_or("")
        })
        .map(|(field, a, b)| ProfileChange {
            field: field.to_string(),
            before: a.clone(),
            after: b.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(
        id: &str,
        kind: PostIdKind,
        date: Option<&str>,
        text: &str,
        parent: Option<&str>,
    ) -> Post {
        Post {
            id: id.into(),
            id_kind: kind,
            kind: if parent.is_some() {
                PostKind::Comment
            } else {
                PostKind::Post
            },
            parent: parent.map(str::to_string),
            url: None,
            date: date.map(str::to_string),
            date_read: None,
            author: Some("Kommunen".into()),
            text: text.into(),
            page: "01-start".into(),
            x: 0.0,
            y: 0.0,
            width: 1.0,
            height: 1.0,
            pdf_page: Some(2),
        }
    }

    fn posts(list: Vec<Post>, name: &str) -> Posts {
        Posts {
            pdf_pages: Vec::new(),
            profile: Profile {
                name: Some(name.into()),
                followers: Some("100".into()),
                ..Profile::default()
            },
            posts: list,
        }
    }

    use PostIdKind::{Permalink, TextHash};

    #[test]
    fn removed_within_the_overlap_changed_new_and_profile() {
        let before = posts(
            vec![
                post("fb:1", Permalink, Some("2025-08-01"), "Ett", None),
                post("fb:1/c:a", TextHash, None, "Bra!", Some("fb:1")),
                post("fb:2", Permalink, Some("2025-09-01"), "Två", None),
                post("fb:3", Permalink, Some("2025-10-01"), "Tre", None),
                // Older than anything the later capture reached: not compared.
                post("fb:0", Permalink, Some("2025-01-01"), "Noll", None),
                post("text:aa", TextHash, Some("2025-11-01"), "Fyra", None),
            ],
            "Kommunen",
        );
        let now = posts(
            vec![
                post("fb:9", Permalink, Some("2026-02-01"), "Nio", None),
                post("fb:1", Permalink, Some("2025-08-01"), "Ett", None),
                post("fb:3", Permalink, Some("2025-10-01"), "Tre, rättat", None),
                post(
                    "text:bb",
                    TextHash,
                    Some("2025-11-01"),
                    "Fyra, rättat",
                    None,
                ),
                post("fb:5", Permalink, Some("2025-06-01"), "Fem", None),
            ],
            "Kommunen – officiell",
        );
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let c = compare("2025-H2/k", &before, day("2026-01-02"), &now);
        assert_eq!(c.previous.as_deref(), Some("2025-H2/k"));
        assert_eq!(c.overlap_from, day("2025-06-01"));
        assert_eq!(c.overlap_to, day("2026-01-02"));
        let removed: Vec<&str> = c.removed.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(removed, vec!["fb:1/c:a", "fb:2"]);
        let changed: Vec<(&str, &str)> = c
            .changed
            .iter()
            .map(|(a, b)| (a.id.as_str(), b.id.as_str()))
            .collect();
        assert_eq!(changed, vec![("fb:3", "fb:3"), ("text:aa", "text:bb")]);
        assert_eq!(c.new_posts, 2, "fb:9 and fb:5");
        assert_eq!(c.profile.len(), 1);
        assert_eq!(c.profile[0].field, "name");
        assert!(c.anything());
        let same = compare("2025-H2/k", &before, day("2026-01-02"), &before);
        assert!(!same.anything(), "{same:?}");
    }

    /// A post dated only by the text shown ("för 3 veckor sedan"): the
    /// days that text can mean.
    fn read(id: &str, text: &str, from: &str, until: &str) -> Post {
        let mut p = post(id, Permalink, None, text, None);
        p.date_read = Some(model::DateRead {
            text: text.into(),
            from: from.parse().unwrap(),
            until: until.parse().unwrap(),
        });
        p
    }

    #[test]
    fn a_post_dated_by_its_text_is_removed_only_where_all_its_days_are_in_the_overlap() {
        let before = posts(
            vec![
                read(
                    "yt:a",
                    "för 2 veckor sedan",
                    "2025-11-20T23:00:00Z",
                    "2025-11-27T23:00:00Z",
                ),
                // Across the overlap's start (the later capture reached 2025-10-01).
                read(
                    "yt:b",
                    "för 3 månader sedan",
                    "2025-09-15T22:00:00Z",
                    "2025-10-15T22:00:00Z",
                ),
                read(
                    "yt:c",
                    "för 6 månader sedan",
                    "2025-06-01T22:00:00Z",
                    "2025-07-01T22:00:00Z",
                ),
            ],
            "K",
        );
        let now = posts(
            vec![
                read(
                    "yt:c",
                    "för 1 år sedan",
                    "2024-12-01T23:00:00Z",
                    "2025-10-01T21:00:00Z",
                ),
                read(
                    "yt:d",
                    "för 1 dag sedan",
                    "2026-01-05T23:00:00Z",
                    "2026-01-06T23:00:00Z",
                ),
            ],
            "K",
        );
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let c = compare("p", &before, day("2025-12-05"), &now);
        // The later capture surely reached 1 October (the last day "för 1 år sedan" can mean).
        assert_eq!(c.overlap_from, day("2025-10-01"));
        let removed: Vec<&str> = c.removed.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(removed, vec!["yt:a"]);
        assert_eq!(c.new_posts, 1);
    }

    /// A post read with its blocks glued (records made before they were
    /// kept apart) and the same post read with them apart is no change; a
    /// changed word is.
    #[test]
    fn white_space_between_blocks_is_no_change_of_text() {
        let before = posts(
            vec![post(
                "fb:1",
                Permalink,
                Some("2025-08-01"),
                "Tack, ni var mångaGislaveds simhall",
                None,
            )],
            "K",
        );
        let now = |text: &str| {
            posts(
                vec![post("fb:1", Permalink, Some("2025-08-01"), text, None)],
                "K",
            )
        };
        let c = compare(
            "p",
            &before,
            None,
            &now("Tack, ni var många\nGislaveds  simhall"),
        );
        assert!(c.changed.is_empty(), "{:?}", c.changed);
        let c = compare(
            "p",
            &before,
            None,
            &now("Tack, ni var många\nGislaveds badhus"),
        );
        assert_eq!(c.changed.len(), 1);
    }

    #[test]
    fn a_removed_posts_comments_go_with_it() {
        let before = posts(
            vec![
                post("fb:1", Permalink, Some("2025-08-01"), "Ett", None),
                post("fb:1/c:a", TextHash, None, "Bra!", Some("fb:1")),
                post("fb:2", Permalink, Some("2025-07-01"), "Två", None),
            ],
            "K",
        );
        let now = posts(
            vec![post("fb:2", Permalink, Some("2025-07-01"), "Två", None)],
            "K",
        );
        let c = compare("p", &before, None, &now);
        let removed: Vec<&str> = c.removed.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(removed, vec!["fb:1"]);
    }
}
