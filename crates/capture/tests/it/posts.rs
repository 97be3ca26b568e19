//! A post's text as a reader reads it: blocks apart, words whole
//! (fixtures/site/layouts/stycken/), and the ids of posts without one of
//! their own unchanged by that.

use capture::Options;
use model::PostIdKind;

use crate::common::capture;

/// The three posts have no link or id of their own: their ids are text
/// hashes, and these are the ids the capture gave them before it kept the
/// blocks apart (computed with that version), so a registry comparing an
/// older record with a newer one still finds the same posts.
#[test]
fn a_posts_blocks_stay_apart_and_its_text_hash_id_is_unchanged() {
    let c = capture(&Options::default(), "/layouts/stycken/");
    let posts = &c.page.posts.as_ref().expect("posts").posts;
    let got: Vec<(&str, PostIdKind, &str)> = posts
        .iter()
        .map(|p| (p.id.as_str(), p.id_kind, p.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "text:c6f9327a768278d3447edb4848e3c5a0",
                PostIdKind::TextHash,
                "Tack till alla som kom, ni var många\nGislaveds simhall öppnar igen på måndag."
            ),
            (
                "text:52e104ae3a87c019c4d760074b7044f5",
                PostIdKind::TextHash,
                "Vägarbete\nStorgatan\nJärnvägsgatan\nOmledning\nvia Ringvägen\nTrafik\nGislaveds kommun"
            ),
            // Far below the first screen: read as a reader reads it all the same.
            (
                "text:a1e1b535c4b2ecccf92c982d8bc7dd7a",
                PostIdKind::TextHash,
                "Budgeten är antagen\nSkola 812 mnkr\nVård 640 mnkr"
            ),
        ]
    );
}
