//! Derives the search index's Swedish word tables from the hunspell Swedish
//! dictionary (Debian's `hunspell-sv-se`, installed by `scripts/setup`) and
//! embeds them in the library, so the binary never reads a word list at run
//! time. Every form is lower-cased and folded to ASCII as the analyser folds
//! text, then reduced to the Snowball stem of its lemma:
//!
//! - `lemma.tsv`: `form<TAB>term` for the inflected forms whose own stem is
//!   not their lemma's (`badplats` and `badplatsen` meet on one term);
//! - `begin.tsv`: `form<TAB>term` for the forms a compound may start with or
//!   hold in its middle (hunspell's COMPOUNDBEGIN / COMPOUNDMIDDLE flags, with
//!   the linking forms the affix file derives: `simhalls`, `förskole`, `gatu`);
//! - `end.txt`: the terms of the words a compound may end with (COMPOUNDEND).
//!
//! Each table is sorted lines with a sidecar of little-endian `u32` line
//! starts, searched by bisection. `OGONBLICK_SV_DIC` / `OGONBLICK_SV_AFF`
//! name other files; without the dictionary the build stops and says how to
//! get it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const DIC: &str = "/usr/share/hunspell/sv_SE.dic";
const AFF: &str = "/usr/share/hunspell/sv_SE.aff";
/// Shortest compound part, in folded letters.
const MIN_PART: usize = 3;

struct Rule {
    strip: String,
    add: String,
    cont: Vec<char>,
    cond: Vec<Class>,
}

enum Class {
    Any,
    One(char),
    In(Vec<char>),
    NotIn(Vec<char>),
}

impl Class {
    fn matches(&self, c: char) -> bool {
        match self {
            Class::Any => true,
            Class::One(x) => *x == c,
            Class::In(v) => v.contains(&c),
            Class::NotIn(v) => !v.contains(&c),
        }
    }
}

fn parse_cond(s: &str) -> Vec<Class> {
    let mut out = Vec::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '.' => out.push(Class::Any),
            '[' => {
                let mut set = Vec::new();
                let mut neg = false;
                for (i, d) in chars.by_ref().enumerate() {
                    if d == ']' {
                        break;
                    }
                    if i == 0 && d == '^' {
                        neg = true;
                    } else {
                        set.push(d);
                    }
                }
                out.push(if neg {
                    Class::NotIn(set)
                } else {
                    Class::In(set)
                });
            }
            c => out.push(Class::One(c)),
        }
    }
    out
}

impl Rule {
    fn apply(&self, word: &str) -> Option<String> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < self.cond.len() || !word.ends_with(&self.strip) {
            return None;
        }
        let tail = &chars[chars.len() - self.cond.len()..];
        if !self.cond.iter().zip(tail).all(|(c, ch)| c.matches(*ch)) {
            return None;
        }
        let stem = &word[..word.len() - self.strip.len()];
        if stem.is_empty() && self.add.is_empty() {
            return None;
        }
        Some(format!("{stem}{}", self.add))
    }
}

fn parse_aff(text: &str) -> HashMap<char, Vec<Rule>> {
    let mut rules: HashMap<char, Vec<Rule>> = HashMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.first() != Some(&"SFX") || f.len() < 5 {
            continue; // a header (SFX flag Y n) has four fields
        }
        let Some(flag) = f[1].chars().next() else {
            continue;
        };
        let (add, cont) = match f[3].split_once('/') {
            Some((a, c)) => (a, c.chars().collect()),
            None => (f[3], Vec::new()),
        };
        let zero = |s: &str| {
            if s == "0" {
                String::new()
            } else {
                s.to_string()
            }
        };
        rules.entry(flag).or_default().push(Rule {
            strip: zero(f[2]),
            add: zero(add),
            cont,
            cond: parse_cond(f[4]),
        });
    }
    rules
}

/// Lower case, folded to ASCII as tantivy's `AsciiFoldingFilter` folds the
/// letters Swedish words use; `None` for anything else.
fn fold(word: &str) -> Option<String> {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        out.push(match c {
            'a'..='z' => c,
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            'í' | 'ì' => 'i',
            'ç' => 'c',
            _ => return None,
        });
    }
    Some(out)
}

fn input(var: &str, default: &str) -> PathBuf {
    println!("cargo:rerun-if-env-changed={var}");
    let path = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
    println!("cargo:rerun-if-changed={}", path.display());
    path
}

fn read(path: &Path) -> String {
    match std::fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => panic!(
            "the Swedish dictionary {} cannot be read ({e}); install it with scripts/setup \
             (Debian package hunspell-sv-se) or name the .dic and .aff files in \
             OGONBLICK_SV_DIC and OGONBLICK_SV_AFF",
            path.display()
        ),
    }
}

/// Sorted lines and their starts, for bisection at run time.
fn write_table(out: &Path, name: &str, lines: &BTreeSet<String>, hash: &mut u64) {
    let mut text = String::new();
    let mut starts = Vec::with_capacity(lines.len() * 4);
    for l in lines {
        let at = u32::try_from(text.len()).expect("table under 4 GiB");
        starts.extend_from_slice(&at.to_le_bytes());
        text.push_str(l);
        text.push('\n');
    }
    for b in text.bytes() {
        *hash = (*hash ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    std::fs::write(out.join(format!("{name}.txt")), &text).expect("writing a table");
    std::fs::write(out.join(format!("{name}.idx")), &starts).expect("writing a table index");
}

/// Every entry of the dictionary: (folded word, flags, folded inflected forms, folded compound forms).
struct Entry {
    word: String,
    flags: Vec<char>,
    forms: Vec<String>,
    joins: Vec<String>,
}

/// The dictionary's single words, each with the forms its affix rules make.
fn read_entries(dic: &str, rules: &HashMap<char, Vec<Rule>>) -> Vec<Entry> {
    let mut entries = Vec::new();
    for line in dic.lines().skip(1) {
        let (word, flags) = match line.split_once('/') {
            Some((w, f)) => (w, f.split_whitespace().next().unwrap_or("")),
            None => (line.split_whitespace().next().unwrap_or(""), ""),
        };
        if word.is_empty() || word.contains(' ') || word.contains('-') || word.contains('.') {
            continue;
        }
        let flags: Vec<char> = flags.chars().collect();
        let Some(folded) = fold(word) else { continue };
        let mut forms = Vec::new();
        let mut joins = Vec::new();
        let standalone = !flags.contains(&'Z') && !flags.contains(&'¤');
        if standalone {
            forms.push(folded.clone());
        }
        if flags.contains(&'X') || flags.contains(&'U') {
            joins.push(folded.clone());
        }
        for flag in &flags {
            for rule in rules.get(flag).map_or(&[][..], Vec::as_slice) {
                let Some(form) = rule.apply(word) else {
                    continue;
                };
                let Some(form) = fold(&form) else { continue };
                if rule.cont.contains(&'X') || rule.cont.contains(&'U') {
                    joins.push(form);
                } else if !rule.cont.contains(&'Z') {
                    forms.push(form);
                }
            }
        }
        entries.push(Entry {
            word: folded,
            flags,
            forms,
            joins,
        });
    }

    entries
}

/// The three tables: `lemma` (a form → its lemma's term, where that is one
/// and not the form's own stem), `begin` (a compound's first part → its
/// term) and `end` (terms that may end a compound).
fn tables(
    entries: &[Entry],
    lemmas: &HashSet<&str>,
    lemma_of: &dyn Fn(&Entry) -> String,
    stem: &dyn Fn(&str) -> String,
) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    // form → the terms of the lemmas it is a form of.
    let mut form_terms: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut begin: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut end = BTreeSet::new();
    for e in entries {
        let term = stem(&lemma_of(e));
        for f in &e.forms {
            form_terms.entry(f).or_default().insert(term.clone());
        }
        if e.flags.contains(&'Y') && term.len() >= MIN_PART {
            end.insert(term.clone());
        }
        for j in &e.joins {
            if j.len() >= MIN_PART {
                begin.entry(j.clone()).or_default().insert(term.clone());
            }
        }
    }
    // How many forms each word's richest entry has.
    let mut paradigm: HashMap<&str, usize> = HashMap::new();
    for e in entries {
        let n = paradigm.entry(e.word.as_str()).or_default();
        *n = (*n).max(e.forms.len());
    }
    let mut lemma = BTreeSet::new();
    for (form, terms) in &form_terms {
        let own = stem(form);
        // A form that is a word of its own keeps its own stem (`bad` is the
        // noun, not a form of `be`), unless that word has no more than a
        // genitive (`nya` is a form of `ny`). An ambiguous form also keeps
        // its stem: the stemmer's guess is as good as either lemma's.
        let mut terms: BTreeSet<&String> = terms.iter().collect();
        if lemmas.contains(form) {
            if paradigm.get(form).copied().unwrap_or(0) > 2 {
                continue;
            }
            terms.remove(&own);
        }
        if terms.len() != 1 || terms.contains(&own) {
            continue;
        }
        let mut line = String::new();
        let _ = write!(line, "{form}\t{}", terms.iter().next().expect("one term"));
        lemma.insert(line);
    }
    let begin: BTreeSet<String> = begin
        .into_iter()
        .filter(|(_, t)| t.len() == 1)
        .map(|(f, t)| format!("{f}\t{}", t.into_iter().next().expect("one term")))
        .collect();

    (lemma, begin, end)
}

fn main() {
    let dic_path = input("OGONBLICK_SV_DIC", DIC);
    let aff_path = input("OGONBLICK_SV_AFF", AFF);
    let rules = parse_aff(&read(&aff_path));
    let dic = read(&dic_path);
    let stemmer = frostem::Stemmer::new(frostem::Algorithm::Swedish);
    let stem = |w: &str| stemmer.stem(w).into_owned();

    let entries = read_entries(&dic, &rules);

    // The lemma a word stands for: itself, except a form that lives only in
    // compounds (`kyrko`, `förskole`) stands for the word it comes from.
    let lemmas: HashSet<&str> = entries
        .iter()
        .filter(|e| !e.flags.contains(&'Z'))
        .map(|e| e.word.as_str())
        .collect();
    let lemma_of = |e: &Entry| -> String {
        if e.flags.contains(&'Z') {
            let w = &e.word;
            if let Some(base) = w.strip_suffix(['e', 'o', 'u', 's']) {
                for cand in [format!("{base}a"), base.to_string(), format!("{base}e")] {
                    if lemmas.contains(cand.as_str()) {
                        return cand;
                    }
                }
            }
        }
        e.word.clone()
    };

    let (lemma, begin, end) = tables(&entries, &lemmas, &lemma_of, &stem);

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    write_table(&out, "lemma", &lemma, &mut hash);
    write_table(&out, "begin", &begin, &mut hash);
    write_table(&out, "end", &end, &mut hash);
    std::fs::write(out.join("words.id"), format!("{hash:016x}")).expect("writing words.id");
}
