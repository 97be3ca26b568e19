//! The capture's keys for feed items (`a:<link>`, `id:<id>`, `t:<time>|<text>`,
//! from `ogItemKey` in the capture's page script) as a reader would name the
//! posts: the post's text and date, its link, or its id; never the key itself.
//! A part of `sv`'s wording of `Finding::ItemsMissing`; dates in its words.

use super::post_date;

/// One item key in Swedish: `"Inlägg 1 av 30" (28 juni 2026 kl. 09.15)`.
pub(crate) fn item(key: &str) -> String {
    let key = key.trim();
    if let Some(link) = key.strip_prefix("a:") {
        return format!("inlägget på {link}");
    }
    if let Some(id) = key.strip_prefix("id:") {
        return format!("inlägget med id {id}");
    }
    if let Some(rest) = key.strip_prefix("t:") {
        let (when, text) = rest.split_once('|').unwrap_or(("", rest));
        let text = text.trim();
        return match (when.trim(), text.is_empty()) {
            ("", false) => format!("\"{text}\""),
            ("", true) => "ett inlägg utan text".to_string(),
            (w, false) => format!("\"{text}\" ({})", post_date(w)),
            (w, true) => format!("ett inlägg från {}", post_date(w)),
        };
    }
    format!("\"{key}\"")
}

/// The capture's list of examples (`key; key; key`) in Swedish.
pub(crate) fn examples(list: &str) -> String {
    list.split("; ").map(item).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::examples;

    #[test]
    fn item_keys_read_as_posts() {
        assert_eq!(
            examples("t:2026-06-28T07:15:00.000Z|Inlägg 1 av 30; a:https://x.se/p/1; id:42"),
            "\"Inlägg 1 av 30\" (28 juni 2026 kl. 09.15); inlägget på https://x.se/p/1; inlägget med id 42"
        );
        assert_eq!(examples("t:|Nyheter"), "\"Nyheter\"");
    }
}
