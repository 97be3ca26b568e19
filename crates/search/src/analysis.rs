//! The analysers: how text becomes terms in each of the index's text fields.
//!
//! - `sv` (field `text`, and every query): split on anything not a letter or
//!   digit, lower case, fold to ASCII ("äldreomsorg" and "aldreomsorg" meet),
//!   then the term of `words::term` (the lemma's Snowball stem).
//! - `sv_parts` (field `parts`, at indexing only): the same term, and at the
//!   same position the terms of a compound's parts, so `midsommar` finds
//!   `Midsommarfirande` and a phrase can end inside a compound. Queries on
//!   `parts` use `sv`: a compound in a query is looked up whole.
//! - `exact` (field `exakt`): lower case only, for `exakt:"nya simhallen"`.

use std::collections::HashMap;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

use crate::words;

/// Analysis of the `text` field and of every query.
pub const SV: &str = "sv";
/// Analysis of the `parts` field when indexing.
pub const SV_PARTS: &str = "sv_parts";
/// Analysis of the `exakt` field.
pub const EXACT: &str = "exact";

/// Words longer than this (in bytes) are dropped, as they are no words.
const LONGEST: usize = 60;
/// Distinct words remembered by one analyser before it forgets them all.
const CACHE: usize = 200_000;

/// Words to terms, with compound parts when `compounds`.
pub fn swedish(compounds: bool) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Swedish { compounds })
        .build()
}

/// Lower-cased words, nothing else.
pub fn exact() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST))
        .filter(LowerCaser)
        .build()
}

/// The analysers for writing the index (`indexing`) or for reading it.
pub fn register(index: &tantivy::Index, indexing: bool) {
    let t = index.tokenizers();
    t.register(SV, swedish(false));
    t.register(SV_PARTS, swedish(indexing));
    t.register(EXACT, exact());
}

/// The token filter behind `sv` and `sv_parts`.
#[derive(Debug, Clone, Copy)]
pub struct Swedish {
    compounds: bool,
}

impl TokenFilter for Swedish {
    type Tokenizer<T: Tokenizer> = SwedishFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> SwedishFilter<T> {
        SwedishFilter {
            compounds: self.compounds,
            inner,
            cache: HashMap::new(),
            pending: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SwedishFilter<T> {
    compounds: bool,
    inner: T,
    /// word → its terms (the word's own first).
    cache: HashMap<String, Vec<String>>,
    pending: Vec<Token>,
}

impl<T: Tokenizer> Tokenizer for SwedishFilter<T> {
    type TokenStream<'a> = SwedishStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.pending.clear();
        if self.cache.len() > CACHE {
            self.cache.clear();
        }
        SwedishStream {
            compounds: self.compounds,
            tail: self.inner.token_stream(text),
            cache: &mut self.cache,
            pending: &mut self.pending,
        }
    }
}

#[derive(Debug)]
pub struct SwedishStream<'a, T> {
    compounds: bool,
    tail: T,
    cache: &'a mut HashMap<String, Vec<String>>,
    /// Tokens still to give for the current word, last first.
    pending: &'a mut Vec<Token>,
}

/// The terms of one folded word: its own, then its parts' (when `compounds`).
pub fn terms(word: &str, compounds: bool) -> Vec<String> {
    let own = words::term(word);
    let mut out = vec![own];
    if compounds {
        for p in words::parts(word) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

impl<T: TokenStream> TokenStream for SwedishStream<'_, T> {
    fn advance(&mut self) -> bool {
        self.pending.pop();
        if !self.pending.is_empty() {
            return true;
        }
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token();
        let compounds = self.compounds;
        let terms = self
            .cache
            .entry(token.text.clone())
            .or_insert_with(|| terms(&token.text, compounds));
        for t in terms.iter().rev() {
            self.pending.push(Token {
                text: t.clone(),
                ..token.clone()
            });
        }
        true
    }

    fn token(&self) -> &Token {
        self.pending.last().unwrap_or_else(|| self.tail.token())
    }

    fn token_mut(&mut self) -> &mut Token {
        self.pending
            .last_mut()
            .unwrap_or_else(|| self.tail.token_mut())
    }
}
