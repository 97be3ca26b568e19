//! Spelling slips: when a query finds nothing, its words of five letters or
//! more that no record holds are replaced by the nearest word the index does
//! hold (edit distance 1 for words of five to seven letters, 2 for longer
//! ones, compared as written and as terms, so "simhal" finds "simhallen"),
//! or failing that by the nearest part of a compound it holds ("midsomar"
//! finds "midsommar" in "Midsommarfirande").

use serde::Serialize;
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer};
use tantivy::Term;

use crate::{words, ArchiveIndex};

/// Shortest word (in letters) tried for a slip.
const MIN_LETTERS: usize = 5;

/// A query that found nothing and the query searched instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    /// The query as asked.
    pub asked: String,
    /// The query searched: each slip replaced by the word found.
    pub searched: String,
}

fn folder() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Lower case, folded to ASCII, as the index folds.
fn fold(a: &mut TextAnalyzer, word: &str) -> String {
    let mut out = String::new();
    a.token_stream(word).process(&mut |t| out.push_str(&t.text));
    out
}

/// The words of a query with their byte ranges, leaving out operators and
/// field names (`exakt:`).
fn query_words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            let w = &text[s..i];
            if !matches!(w, "AND" | "OR" | "NOT") && c != ':' {
                out.push((s, i));
            }
        }
    }
    out
}

/// The query with its slips replaced, if any word is a slip that has a
/// near word in the index.
pub fn correct(ix: &ArchiveIndex, text: &str) -> Option<Correction> {
    let searcher = ix.reader.searcher();
    let f = ix.fields;
    let held = |word: &str| {
        let t = words::term(word);
        [f.text, f.parts].iter().any(|field| {
            searcher
                .doc_freq(&Term::from_field_text(*field, &t))
                .is_ok_and(|n| n > 0)
        })
    };
    // Every word the index holds as written, with how many entries hold it.
    let mut vocabulary: Option<Vec<(String, u32)>> = None;
    let mut searched = String::new();
    let mut at = 0;
    let mut changed = false;
    let mut a = folder();
    for (s, e) in query_words(text) {
        let word = fold(&mut a, &text[s..e]);
        if word.chars().count() < MIN_LETTERS || held(&word) {
            continue;
        }
        let vocabulary = vocabulary.get_or_insert_with(|| words_held(ix));
        if let Some(better) = nearest(&mut a, &word, vocabulary) {
            searched.push_str(&text[at..s]);
            searched.push_str(&better);
            at = e;
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    searched.push_str(&text[at..]);
    Some(Correction {
        asked: text.to_string(),
        searched,
    })
}

fn words_held(ix: &ArchiveIndex) -> Vec<(String, u32)> {
    let searcher = ix.reader.searcher();
    let mut out: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(ix.fields.exact) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().stream() else {
            continue;
        };
        while stream.advance() {
            if let Ok(w) = std::str::from_utf8(stream.key()) {
                *out.entry(w.to_string()).or_default() += stream.value().doc_freq;
            }
        }
    }
    out.into_iter().collect()
}

/// The held word nearest to `word` (folded), as written or as a term; at
/// equal distance the one in most entries, then the shorter.
fn nearest(a: &mut TextAnalyzer, word: &str, held: &[(String, u32)]) -> Option<String> {
    let letters = word.chars().count();
    let most = if letters >= 8 { 2 } else { 1 };
    let term = words::term(word);
    let mut best: Option<(usize, std::cmp::Reverse<u32>, usize, &str)> = None;
    for (w, n) in held {
        let folded = fold(a, w);
        let len = folded.chars().count();
        if len + most + 6 < letters || letters + most + 6 < len {
            continue;
        }
        let d = strsim::osa_distance(word, &folded)
            .min(strsim::osa_distance(&term, &words::term(&folded)));
        if d == 0 || d > most {
            continue;
        }
        let key = (d, std::cmp::Reverse(*n), len, w.as_str());
        if best.as_ref().is_none_or(|b| key < *b) {
            best = Some(key);
        }
    }
    if let Some((_, _, _, w)) = best {
        return Some(w.to_string());
    }
    nearest_part(a, word, &term, most, held)
}

/// The part of a held compound nearest to `word`, as written in it; only
/// compounds holding the word's first three letters are split.
fn nearest_part(
    a: &mut TextAnalyzer,
    word: &str,
    term: &str,
    most: usize,
    held: &[(String, u32)],
) -> Option<String> {
    let start: String = word.chars().take(3).collect();
    let mut best: Option<(usize, std::cmp::Reverse<u32>, String)> = None;
    for (w, n) in held {
        let folded = fold(a, w);
        if !folded.contains(&start) {
            continue;
        }
        let chars: Vec<char> = w.chars().collect();
        if chars.len() != folded.chars().count() {
            continue;
        }
        for (from, to, part_term) in words::part_spans(&folded) {
            let part: String = chars[from..to].iter().collect();
            let d = strsim::osa_distance(word, &fold(a, &part))
                .min(strsim::osa_distance(term, &part_term));
            if d == 0 || d > most {
                continue;
            }
            let key = (d, std::cmp::Reverse(*n), part);
            if best.as_ref().is_none_or(|b| key < *b) {
                best = Some(key);
            }
        }
    }
    best.map(|(_, _, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_and_field_names_are_not_words() {
        let q = "exakt:\"nya simhallen\" AND midsomar NOT bad";
        let w: Vec<&str> = query_words(q).into_iter().map(|(s, e)| &q[s..e]).collect();
        assert_eq!(w, ["nya", "simhallen", "midsomar", "bad"]);
    }

    #[test]
    fn a_slip_meets_its_word() {
        let held = vec![("simhallen".to_string(), 3), ("midsommar".to_string(), 1)];
        let a = &mut folder();
        assert_eq!(nearest(a, "simhal", &held).as_deref(), Some("simhallen"));
        assert_eq!(nearest(a, "midsomar", &held).as_deref(), Some("midsommar"));
        assert_eq!(nearest(a, "bibliotek", &held), None);
        let held = vec![("midsommarfirande".to_string(), 1)];
        assert_eq!(nearest(a, "midsomar", &held).as_deref(), Some("midsommar"));
    }
}
