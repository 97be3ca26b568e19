//! The Swedish test corpus (`data/corpus.json`): 62 posts of five accounts
//! over two half-years, with compounds, inflections, phrases and slips, and
//! the queries a registrar would type with the posts each must find. Each
//! query is a test; `precision_and_recall_over_all_queries` adds them up.
//!
//! A query's `expect` is every post it should find. `known_miss` and
//! `known_extra` name what it is known to get wrong: they count against
//! recall and precision, but do not fail the query's own test (so a fix
//! shows as a number, and a new miss as a failure).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Corpus {
    records: Vec<Rec>,
    queries: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Rec {
    id: String,
    posts: Vec<(String, String, String)>,
}

#[derive(Debug, Deserialize)]
struct Case {
    q: String,
    expect: Vec<String>,
    #[serde(default)]
    known_miss: Vec<String>,
    #[serde(default)]
    known_extra: Vec<String>,
    /// The post that must come first.
    first: Option<String>,
    /// Posts that must come after every other expected post.
    #[serde(default)]
    ranked_last: Vec<String>,
    /// Posts that must come in this order.
    #[serde(default)]
    order: Vec<String>,
    /// The query searched instead, when this one is a slip.
    corrected: Option<String>,
}

fn corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| serde_json::from_str(include_str!("data/corpus.json")).unwrap())
}

/// The corpus as an archive, indexed once for all the tests.
fn index() -> &'static search::ArchiveIndex {
    static IX: OnceLock<(tempfile::TempDir, search::ArchiveIndex)> = OnceLock::new();
    &IX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        for r in &corpus().records {
            let posts: Vec<(&str, &str, &str)> = r
                .posts
                .iter()
                .map(|(id, d, t)| (id.as_str(), d.as_str(), t.as_str()))
                .collect();
            super::record(dir.path(), &r.id, "halvar", &posts);
        }
        let (ix, _) = search::open(dir.path()).unwrap();
        (dir, ix)
    })
    .1
}

/// (hits' post ids best first, the correction).
fn run(q: &str) -> (Vec<String>, Option<search::Correction>) {
    let hits = index()
        .search(&search::Query {
            text: q.into(),
            limit: 100,
            ..search::Query::default()
        })
        .unwrap();
    let correction = hits.first().and_then(|h| h.correction.clone());
    (
        hits.into_iter().filter_map(|h| h.post_id).collect(),
        correction,
    )
}

fn check(n: usize) {
    let c = &corpus().queries[n];
    let (got, correction) = run(&c.q);
    let found: BTreeSet<&str> = got.iter().map(String::as_str).collect();
    let want: BTreeSet<&str> = c.expect.iter().map(String::as_str).collect();
    let miss: BTreeSet<&str> = c.known_miss.iter().map(String::as_str).collect();
    let extra: BTreeSet<&str> = c.known_extra.iter().map(String::as_str).collect();
    let missing: Vec<&&str> = want
        .difference(&found)
        .filter(|p| !miss.contains(**p))
        .collect();
    let wrong: Vec<&&str> = found
        .difference(&want)
        .filter(|p| !extra.contains(**p))
        .collect();
    assert!(
        missing.is_empty() && wrong.is_empty(),
        "{:?}: missing {missing:?}, not expected {wrong:?}; got {got:?}",
        c.q
    );
    assert_eq!(got.len(), found.len(), "{:?}: a post twice: {got:?}", c.q);
    if let Some(first) = &c.first {
        assert_eq!(got.first(), Some(first), "{:?}: {got:?}", c.q);
    }
    let at = |p: &str| got.iter().position(|g| g == p).unwrap();
    for last in &c.ranked_last {
        for p in got.iter().filter(|p| !c.ranked_last.contains(p)) {
            assert!(at(p) < at(last), "{:?}: {p} after {last}: {got:?}", c.q);
        }
    }
    for w in c.order.windows(2) {
        assert!(
            at(&w[0]) < at(&w[1]),
            "{:?}: {} after {}: {got:?}",
            c.q,
            w[0],
            w[1]
        );
    }
    assert_eq!(
        correction.as_ref().map(|c| c.searched.as_str()),
        c.corrected.as_deref(),
        "{:?}",
        c.q
    );
    if let Some(c2) = &correction {
        assert_eq!(c2.asked, c.q);
    }
}

macro_rules! queries {
    ($($name:ident $n:literal)*) => {
        $(#[test] fn $name() { check($n) })*
        #[test]
        fn every_query_of_the_data_has_its_test() {
            assert_eq!(corpus().queries.len(), [$($n),*].len());
        }
    };
}

queries! {
    q00 0 q01 1 q02 2 q03 3 q04 4 q05 5 q06 6 q07 7 q08 8 q09 9
    q10 10 q11 11 q12 12 q13 13 q14 14 q15 15 q16 16 q17 17 q18 18 q19 19
    q20 20 q21 21 q22 22 q23 23 q24 24 q25 25 q26 26 q27 27 q28 28 q29 29
    q30 30 q31 31 q32 32 q33 33 q34 34 q35 35 q36 36 q37 37 q38 38 q39 39
    q40 40 q41 41 q42 42 q43 43 q44 44 q45 45 q46 46 q47 47 q48 48 q49 49
    q50 50 q51 51 q52 52 q53 53 q54 54 q55 55 q56 56 q57 57 q58 58 q59 59
    q60 60 q61 61 q62 62 q63 63 q64 64
}

#[test]
fn the_corpus_is_as_large_as_promised() {
    let c = corpus();
    let posts: usize = c.records.iter().map(|r| r.posts.len()).sum();
    let accounts: BTreeSet<&str> = c
        .records
        .iter()
        .map(|r| r.id.split('/').nth(1).unwrap())
        .collect();
    let periods: BTreeSet<&str> = c
        .records
        .iter()
        .map(|r| r.id.split('/').next().unwrap())
        .collect();
    assert!(posts >= 60 && accounts.len() >= 3 && periods.len() >= 2 && c.queries.len() >= 40);
}

/// Precision and recall over every query (micro-averaged: all hits and all
/// expected posts together), printed for BENCHMARKS.md, and held above a floor.
#[test]
fn precision_and_recall_over_all_queries() {
    let (mut right, mut hits, mut expected) = (0usize, 0usize, 0usize);
    for c in &corpus().queries {
        let (got, _) = run(&c.q);
        let want: BTreeSet<&str> = c.expect.iter().map(String::as_str).collect();
        right += got.iter().filter(|g| want.contains(g.as_str())).count();
        hits += got.len();
        expected += want.len();
    }
    let precision = right as f64 / hits as f64;
    let recall = right as f64 / expected as f64;
    eprintln!(
        "corpus: {} queries, {hits} hits, {expected} expected, {right} right: precision {precision:.3}, recall {recall:.3}",
        corpus().queries.len()
    );
    assert!(
        precision >= 0.95 && recall >= 0.95,
        "precision {precision:.3}, recall {recall:.3}"
    );
}
