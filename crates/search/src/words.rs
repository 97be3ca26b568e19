//! Swedish words as the index sees them: the term a word is indexed under
//! (the Snowball stem of its lemma, so `badplats` and `badplatsen` meet), and
//! the parts of a compound (`simhallsbadet` → `simhall`, `bad`).
//!
//! The tables come from the hunspell Swedish dictionary at build time
//! (`build.rs`) and are embedded: nothing is read at run time. Every word
//! here is already lower-cased and folded to ASCII.

use std::sync::OnceLock;

use frostem::{Algorithm, Stemmer};

/// Identifies the embedded tables, so an index made with other tables is rebuilt.
pub const WORDS_ID: &str = include_str!(concat!(env!("OUT_DIR"), "/words.id"));

/// Shortest compound part, in folded letters (as in `build.rs`).
const MIN_PART: usize = 3;
/// Shortest word tried as a compound.
const MIN_COMPOUND: usize = 6;
/// Shortest first or middle part that is split again.
const SPLIT_AGAIN: usize = 8;

/// Sorted lines, searched by bisection over their starts.
struct Table {
    text: &'static str,
    starts: &'static [u8],
}

impl Table {
    fn len(&self) -> usize {
        self.starts.len() / 4
    }

    fn line(&self, i: usize) -> &'static str {
        let at = |i: usize| {
            let b = &self.starts[i * 4..i * 4 + 4];
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
        };
        let start = at(i);
        let end = if i + 1 < self.len() {
            at(i + 1)
        } else {
            self.text.len()
        };
        self.text.get(start..end - 1).unwrap_or("")
    }

    /// The value after the tab of the line whose key is `key` (the whole
    /// line for a table of keys only).
    fn get(&self, key: &str) -> Option<&'static str> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let line = self.line(mid);
            let (k, v) = line.split_once('\t').unwrap_or((line, line));
            match k.cmp(key) {
                std::cmp::Ordering::Equal => return Some(v),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        None
    }
}

macro_rules! table {
    ($name:literal) => {
        Table {
            text: include_str!(concat!(env!("OUT_DIR"), "/", $name, ".txt")),
            starts: include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".idx")),
        }
    };
}

static LEMMA: Table = table!("lemma");
static BEGIN: Table = table!("begin");
static END: Table = table!("end");

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::new(Algorithm::Swedish))
}

/// The term a folded word is indexed and searched under: its lemma's stem
/// where the dictionary knows the word, else the Snowball stem.
pub fn term(word: &str) -> String {
    match LEMMA.get(word) {
        Some(t) => t.to_string(),
        None => stemmer().stem(word).into_owned(),
    }
}

/// The terms of the parts of a compound, first part first, or nothing when
/// `word` is not one: every way of reading it as parts that the dictionary
/// allows to start or continue a compound (with their linking forms,
/// `simhalls-`, `förskole-`), and a last part that may end one; the reading
/// with the fewest parts wins. A first or middle part of eight letters or
/// more is split again (`äldreomsorgs|nämnden` also gives `äldre` and
/// `omsorg`); a last part is not (`bad|platsen` is not `plat|sen`).
pub fn parts(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    split_into(word, &mut out, 0);
    out
}

fn split_into(word: &str, out: &mut Vec<String>, depth: u8) {
    let Some(split) = split(word) else { return };
    let last = split.len() - 1;
    // Leading parts that make a word of their own: `bad|plats|guide` is
    // also `badplats|guide`.
    let mut end = split[0].text.len();
    for p in &split[1..last] {
        end += p.text.len();
        let head = &word[..end];
        let t = match BEGIN.get(head) {
            Some(t) => Some(t.to_string()),
            None => Some(term(head)).filter(|t| END.get(t).is_some()),
        };
        if let Some(t) = t.filter(|t| !out.contains(t)) {
            out.push(t);
        }
    }
    for (i, p) in split.into_iter().enumerate() {
        if !out.contains(&p.term) {
            out.push(p.term.clone());
        }
        if i < last && depth < 2 && p.text.len() >= SPLIT_AGAIN {
            split_into(p.text, out, depth + 1);
        }
    }
}

/// The top-level parts of a compound as (first character, end character,
/// term): `midsommarfirande` → (0, 9, `midsomm`), (9, 16, `fir`).
pub fn part_spans(word: &str) -> Vec<(usize, usize, String)> {
    let Some(split) = split(word) else {
        return Vec::new();
    };
    let mut at = 0;
    split
        .into_iter()
        .map(|p| {
            let n = p.text.chars().count();
            at += n;
            (at - n, at, p.term)
        })
        .collect()
}

#[derive(Debug, Clone)]
struct Part<'a> {
    text: &'a str,
    term: String,
}

/// The reading of `word` with the fewest parts (two or more), if any.
fn split(word: &str) -> Option<Vec<Part<'_>>> {
    let n = word.len();
    if n < MIN_COMPOUND || !word.is_ascii() {
        return None;
    }
    // best[i]: the fewest parts reading word[i..], ending with a last part.
    let mut best: Vec<Option<Vec<Part>>> = vec![None; n + 1];
    for i in (0..=n - MIN_PART).rev() {
        let tail = &word[i..];
        let mut here: Option<Vec<Part>> = None;
        if i > 0 {
            let t = term(tail);
            if END.get(&t).is_some() {
                here = Some(vec![Part {
                    text: tail,
                    term: t,
                }]);
            }
        }
        for j in (i + MIN_PART..=n - MIN_PART).rev() {
            let Some(rest) = &best[j] else { continue };
            if here.as_ref().is_some_and(|h| h.len() <= rest.len() + 1) {
                continue;
            }
            let head = &word[i..j];
            if let Some(t) = BEGIN.get(head) {
                let mut v = Vec::with_capacity(rest.len() + 1);
                v.push(Part {
                    text: head,
                    term: t.to_string(),
                });
                v.extend(rest.iter().cloned());
                here = Some(v);
            }
        }
        best[i] = here;
    }
    best[0].take().filter(|v| v.len() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_there_and_sorted() {
        for t in [&LEMMA, &BEGIN, &END] {
            assert!(t.len() > 1000, "{}", t.len());
            for i in 1..t.len() {
                assert!(t.line(i - 1) < t.line(i));
            }
        }
    }

    /// (word, terms of parts it must give, terms it must not give); words folded.
    const CASES: &[(&str, &[&str], &[&str])] = &[
        ("simhallsbadet", &["simhall", "bad"], &[]),
        ("forskoleklass", &["forskola", "klass"], &[]),
        ("midsommarfirande", &["midsommar", "firande"], &[]),
        (
            "aldreomsorgsnamnden",
            &["aldreomsorg", "omsorg", "namnd"],
            &[],
        ),
        ("vattenlacka", &["vatten", "lacka"], &["ten"]),
        ("kyrkogarden", &["kyrka", "gard"], &[]),
        ("badplatsen", &["bad", "plats"], &["sen"]),
        ("badplatsguide", &["badplats", "bad", "guide"], &[]),
        ("kommunen", &[], &["mun"]),
        ("information", &[], &[]),
    ];

    #[test]
    fn compounds_give_their_parts_with_linking_forms() {
        for (word, want, not) in CASES {
            let got = parts(word);
            for w in *want {
                assert!(got.contains(&term(w)), "{word}: {got:?} lacks {w}");
            }
            for w in *not {
                assert!(!got.contains(&term(w)), "{word}: {got:?} has {w}");
            }
            if want.is_empty() {
                assert!(got.is_empty(), "{word} is no compound: {got:?}");
            }
        }
    }

    #[test]
    fn inflected_forms_meet_where_the_stemmer_splits_them() {
        // Snowball alone: badplats → badplat, badplatsen → badplats.
        for (a, b) in [
            ("badplats", "badplatsen"),
            ("badplats", "badplatser"),
            ("ny", "nya"),
            ("simhall", "simhallarna"),
        ] {
            assert_eq!(term(a), term(b), "{a} / {b}");
        }
    }
}
