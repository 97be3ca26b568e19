//! The archive's full-text index (tantivy): finds a word in every record's
//! text layer, with Swedish stemming and case and diacritic folding, and
//! says on which page of which record's `snapshot.pdf` it is.
//!
//! The index is derived data in `<archive>/index/`, outside the sealed
//! records: it is brought up to date whenever it is opened, rebuilt from the
//! records when it cannot be trusted, and nothing in `verify` reads it.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use model::{Record, RecordKind};
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, Occur, Query as TantivyQuery, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value,
    STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

pub mod units;

pub use units::{page_units, record_units, Unit};

/// The index's folder inside the archive.
pub const DIR: &str = "index";
/// What the index holds: record id → SHA-256 of its manifest, and the number of units.
const LEDGER: &str = "ogonblick-index.json";
/// Bumped when the schema or the analysis changes: an older index is rebuilt.
const VERSION: u32 = 1;
const TOKENIZER: &str = "sv_folded";

/// Why the index could not be used or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("could not read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("the archive could not be read")]
    Archive(#[source] registry::Error),
    #[error("the search index in {path} failed")]
    Index {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    #[error(
        "the index in {path} is being written by another ogonblick; try again when it is done"
    )]
    Busy { path: PathBuf },
    #[error("cannot read the query `{query}`: {message}; quote a phrase (\"ny simhall\"), join words with AND / OR")]
    Query { query: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Words, "phrases", AND / OR / NOT, parentheses.
    pub text: String,
    /// Only these accounts (none: all).
    pub accounts: Vec<String>,
    /// Only these kinds of record (none: all).
    pub kinds: Vec<RecordKind>,
    /// Dated on or after / on or before (the post's date, else the capture's).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: usize,
}

/// One place the query matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub record_id: String,
    pub account: Option<String>,
    pub kind: String,
    pub period: Option<String>,
    /// The captured page's label (`01-start`).
    pub page: String,
    /// 1-based page of the record's `snapshot.pdf`, where known.
    pub pdf_page: Option<u32>,
    pub post_id: Option<String>,
    pub post_date: Option<String>,
    /// Text around the match, each match between `**`.
    pub snippet: String,
    pub score: f32,
}

/// What opening the index had to do, for the user to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Upkeep {
    /// Records added since the index was last written.
    pub added: usize,
    /// Why the index was rebuilt from the records, if it was.
    pub rebuilt: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Ledger {
    version: u32,
    /// record id → SHA-256 of its `manifest-sha256.txt`.
    records: BTreeMap<String, String>,
    units: u64,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    record_id: Field,
    account: Field,
    kind: Field,
    period: Field,
    page: Field,
    pdf_page: Field,
    post_id: Field,
    post_date: Field,
    day: Field,
    text: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_opts = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        record_id: b.add_text_field("record_id", STRING | STORED),
        account: b.add_text_field("account", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        period: b.add_text_field("period", STORED),
        page: b.add_text_field("page", STORED),
        pdf_page: b.add_u64_field("pdf_page", STORED),
        post_id: b.add_text_field("post_id", STORED),
        post_date: b.add_text_field("post_date", STORED),
        day: b.add_u64_field("day", NumericOptions::default().set_indexed().set_fast()),
        text: b.add_text_field("text", text_opts),
    };
    (b.build(), fields)
}

/// Words as Swedish readers search them: split on anything not a letter or
/// digit, lower case, folded to ASCII ("äldreomsorg" and "aldreomsorg" meet),
/// then the Swedish Snowball stemmer ("simhallen", "simhallens" → "simhall").
/// Folding comes first so that a query typed without å, ä, ö is stemmed
/// exactly as the text is.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::Swedish))
        .build()
}

/// The archive's index, open for searching.
pub struct ArchiveIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl std::fmt::Debug for ArchiveIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArchiveIndex").finish_non_exhaustive()
    }
}

fn index_dir(archive: &Path) -> PathBuf {
    archive.join(DIR)
}

fn tantivy_err(path: &Path) -> impl FnOnce(tantivy::TantivyError) -> Error + '_ {
    move |source| match source {
        tantivy::TantivyError::LockFailure(..) => Error::Busy {
            path: path.to_path_buf(),
        },
        source => Error::Index {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// Every sealed record: id, directory and the SHA-256 of its manifest.
fn sealed_records(archive: &Path) -> Result<Vec<(String, PathBuf, String)>> {
    if !archive.is_dir() {
        return Ok(Vec::new());
    }
    let dirs = registry::archive::record_dirs(archive).map_err(Error::Archive)?;
    let mut out = Vec::with_capacity(dirs.len());
    for (id, dir) in dirs {
        let path = dir.join(registry::archive::MANIFEST);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            // Not sealed (yet): nothing to index.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(Error::Io { path, source }),
        };
        out.push((id, dir, registry::hashing::sha256_hex(&bytes)));
    }
    Ok(out)
}

/// Opens the index of the archive at `archive` and brings it up to date:
/// records sealed since it was written are added; an index that is missing,
/// of another version, fails its checksums, or does not hold exactly what
/// its ledger says, is rebuilt from the records (and `Upkeep` says why).
pub fn open(archive: &Path) -> Result<(ArchiveIndex, Upkeep)> {
    if !archive.is_dir() {
        // No archive, no records: an empty index, and nothing written.
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(TOKENIZER, analyzer());
        let reader = reader(&index, archive)?;
        return Ok((
            ArchiveIndex {
                index,
                reader,
                fields,
            },
            Upkeep::default(),
        ));
    }
    let records = sealed_records(archive)?;
    let dir = index_dir(archive);
    let mut upkeep = Upkeep::default();
    match check(&dir, &records) {
        Ok((ix, ledger)) => {
            let missing: Vec<&(String, PathBuf, String)> = records
                .iter()
                .filter(|(id, _, _)| !ledger.records.contains_key(id))
                .collect();
            if missing.is_empty() {
                return Ok((ix, upkeep));
            }
            upkeep.added = missing.len();
            add(&ix, ledger, &missing, &dir)?;
            ix.reader.reload().map_err(tantivy_err(&dir))?;
            Ok((ix, upkeep))
        }
        Err(why) => {
            upkeep.rebuilt = Some(why);
            let ix = rebuild_records(archive, &records)?;
            Ok((ix, upkeep))
        }
    }
}

/// Throws the index away and builds it again from every sealed record.
pub fn rebuild(archive: &Path) -> Result<(ArchiveIndex, usize)> {
    let records = sealed_records(archive)?;
    let ix = rebuild_records(archive, &records)?;
    Ok((ix, records.len()))
}

/// Adds the records sealed since the index was written (after a seal).
pub fn update(archive: &Path) -> Result<Upkeep> {
    open(archive).map(|(_, u)| u)
}

fn rebuild_records(archive: &Path, records: &[(String, PathBuf, String)]) -> Result<ArchiveIndex> {
    let dir = index_dir(archive);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
    }
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;
    let (schema, fields) = schema();
    let index = Index::create_in_dir(&dir, schema).map_err(tantivy_err(&dir))?;
    index.tokenizers().register(TOKENIZER, analyzer());
    let reader = reader(&index, &dir)?;
    let ix = ArchiveIndex {
        index,
        reader,
        fields,
    };
    let all: Vec<&(String, PathBuf, String)> = records.iter().collect();
    add(
        &ix,
        Ledger {
            version: VERSION,
            ..Ledger::default()
        },
        &all,
        &dir,
    )?;
    ix.reader.reload().map_err(tantivy_err(&dir))?;
    Ok(ix)
}

fn reader(index: &Index, dir: &Path) -> Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(tantivy_err(dir))
}

/// The index as it is, if it can be trusted; else why not.
fn check(
    dir: &Path,
    records: &[(String, PathBuf, String)],
) -> std::result::Result<(ArchiveIndex, Ledger), String> {
    let ledger_path = dir.join(LEDGER);
    let bytes = match std::fs::read(&ledger_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !dir.exists() => {
            return Err("there was no index yet".into())
        }
        Err(e) => return Err(format!("its ledger {LEDGER} could not be read ({e})")),
    };
    let ledger: Ledger = serde_json::from_slice(&bytes)
        .map_err(|e| format!("its ledger {LEDGER} is damaged ({e})"))?;
    if ledger.version != VERSION {
        return Err(format!(
            "it was written by another version (index version {}, this is {VERSION})",
            ledger.version
        ));
    }
    let index = Index::open_in_dir(dir).map_err(|e| format!("it cannot be opened ({e})"))?;
    index.tokenizers().register(TOKENIZER, analyzer());
    let bad = index
        .validate_checksum()
        .map_err(|e| format!("its files cannot be checked ({e})"))?;
    if !bad.is_empty() {
        let mut names: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
        names.sort();
        return Err(format!(
            "its files fail their checksums ({})",
            names.join(", ")
        ));
    }
    let (schema, fields) = schema();
    if index.schema() != schema {
        return Err("its schema is not this version's".into());
    }
    let reader = reader(&index, dir).map_err(|e| format!("it cannot be read ({e})"))?;
    let docs = reader.searcher().num_docs();
    if docs != ledger.units {
        return Err(format!(
            "it holds {docs} entries where its ledger says {}",
            ledger.units
        ));
    }
    // A record indexed that is no longer sealed, or sealed anew with other
    // files, makes every answer suspect.
    let sealed: BTreeMap<&str, &str> = records
        .iter()
        .map(|(id, _, sha)| (id.as_str(), sha.as_str()))
        .collect();
    for (id, sha) in &ledger.records {
        match sealed.get(id.as_str()) {
            None => return Err(format!("it holds record {id}, which is not in the archive")),
            Some(s) if s != sha => {
                return Err(format!(
                    "record {id} has another manifest than the one indexed"
                ))
            }
            Some(_) => {}
        }
    }
    Ok((
        ArchiveIndex {
            index,
            reader,
            fields,
        },
        ledger,
    ))
}

/// Indexes `records` and writes the ledger after the commit.
fn add(
    ix: &ArchiveIndex,
    mut ledger: Ledger,
    records: &[&(String, PathBuf, String)],
    dir: &Path,
) -> Result<()> {
    let mut writer = ix
        .index
        .writer_with_num_threads::<TantivyDocument>(1, 20_000_000)
        .map_err(tantivy_err(dir))?;
    for (id, rdir, sha) in records {
        let record = registry::archive::read_record(rdir).map_err(Error::Archive)?;
        for unit in record_units(&record, rdir)? {
            writer
                .add_document(ix.document(&record, &unit))
                .map_err(tantivy_err(dir))?;
            ledger.units += 1;
        }
        ledger.records.insert(id.clone(), sha.clone());
    }
    // The ledger is written after the commit: a crash between the two leaves
    // more entries than the ledger says, which `check` rebuilds.
    writer.commit().map_err(tantivy_err(dir))?;
    writer.wait_merging_threads().map_err(tantivy_err(dir))?;
    let path = dir.join(LEDGER);
    let tmp = dir.join(format!("{LEDGER}.tmp"));
    let json = serde_json::to_vec_pretty(&ledger).map_err(|source| Error::Json {
        path: path.clone(),
        source,
    })?;
    std::fs::write(&tmp, json)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|source| Error::Io { path, source })
}

fn kind_name(kind: RecordKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn day_number(d: NaiveDate) -> u64 {
    use chrono::Datelike;
    // YYYYMMDD sorts as the date does.
    (d.year().max(0) as u64) * 10_000 + u64::from(d.month()) * 100 + u64::from(d.day())
}

impl ArchiveIndex {
    fn document(&self, record: &Record, unit: &Unit) -> TantivyDocument {
        let f = self.fields;
        let mut d = doc!(
            f.record_id => record.record_id.as_str(),
            f.kind => kind_name(record.kind),
            f.page => unit.label.as_str(),
            f.day => day_number(unit.day),
            f.text => unit.text.as_str(),
        );
        if let Some(a) = &record.account {
            d.add_text(f.account, &a.id);
        }
        if let Some(p) = &record.period {
            d.add_text(f.period, p);
        }
        if let Some(n) = unit.pdf_page {
            d.add_u64(f.pdf_page, u64::from(n));
        }
        if let Some(id) = &unit.post_id {
            d.add_text(f.post_id, id);
        }
        if let Some(date) = &unit.post_date {
            d.add_text(f.post_date, date);
        }
        d
    }

    /// Number of indexed units (a post or a page's other text, per PDF page).
    pub fn units(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The best `q.limit` places `q` matches, best first.
    pub fn search(&self, q: &Query) -> Result<Vec<Hit>> {
        let f = self.fields;
        if q.text.trim().is_empty() {
            return Err(Error::Query {
                query: q.text.clone(),
                message: "it is empty".into(),
            });
        }
        let mut parser = QueryParser::for_index(&self.index, vec![f.text]);
        parser.set_conjunction_by_default();
        let text_query = parser.parse_query(&q.text).map_err(|e| Error::Query {
            query: q.text.clone(),
            message: e.to_string(),
        })?;
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> =
            vec![(Occur::Must, text_query.box_clone())];
        let any_of = |field: Field, values: Vec<String>| -> Box<dyn TantivyQuery> {
            Box::new(BooleanQuery::new(
                values
                    .into_iter()
                    .map(|v| {
                        let t: Box<dyn TantivyQuery> = Box::new(TermQuery::new(
                            Term::from_field_text(field, &v),
                            IndexRecordOption::Basic,
                        ));
                        (Occur::Should, t)
                    })
                    .collect(),
            ))
        };
        if !q.accounts.is_empty() {
            clauses.push((Occur::Must, any_of(f.account, q.accounts.clone())));
        }
        if !q.kinds.is_empty() {
            let kinds = q.kinds.iter().map(|k| kind_name(*k)).collect();
            clauses.push((Occur::Must, any_of(f.kind, kinds)));
        }
        if q.from.is_some() || q.to.is_some() {
            let bound = |d: Option<NaiveDate>| match d {
                Some(d) => Bound::Included(Term::from_field_u64(f.day, day_number(d))),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(q.from), bound(q.to))),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let dir = self.index.directory().to_owned();
        let path = PathBuf::from(format!("{dir:?}"));
        let top = searcher
            .search(
                &query,
                &TopDocs::with_limit(q.limit.max(1)).order_by_score(),
            )
            .map_err(tantivy_err(&path))?;
        let mut snippets =
            tantivy::snippet::SnippetGenerator::create(&searcher, &*text_query, f.text)
                .map_err(tantivy_err(&path))?;
        snippets.set_max_num_chars(160);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let d: TantivyDocument = searcher.doc(address).map_err(tantivy_err(&path))?;
            let text = |field: Field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let mut snippet = snippets.snippet_from_doc(&d);
            snippet.set_snippet_prefix_postfix("**", "**");
            let marked = mark(&snippet);
            hits.push(Hit {
                record_id: text(f.record_id).unwrap_or_default(),
                account: text(f.account),
                kind: text(f.kind).unwrap_or_default(),
                period: text(f.period),
                page: text(f.page).unwrap_or_default(),
                pdf_page: d
                    .get_first(f.pdf_page)
                    .and_then(|v| v.as_u64())
                    .and_then(|n| u32::try_from(n).ok()),
                post_id: text(f.post_id),
                post_date: text(f.post_date),
                snippet: marked,
                score,
            });
        }
        Ok(hits)
    }
}

/// The snippet's fragment with every match between `**`, whitespace collapsed.
fn mark(snippet: &tantivy::snippet::Snippet) -> String {
    let fragment = snippet.fragment();
    let mut out = String::new();
    let mut at = 0;
    for r in snippet.highlighted() {
        out.push_str(&fragment[at..r.start]);
        out.push_str("**");
        out.push_str(&fragment[r.start..r.end]);
        out.push_str("**");
        at = r.end;
    }
    out.push_str(&fragment[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
