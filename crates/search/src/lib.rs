//! The archive's full-text index (tantivy): finds a word in every record's
//! text layer, in its inflected forms, inside compounds, without regard to
//! case or å, ä, ö, and says on which page of which record's `snapshot.pdf`
//! it is.
//!
//! The index is derived data in `<archive>/index/`, outside the sealed
//! records: it is brought up to date whenever it is opened, rebuilt from the
//! records when it cannot be trusted, and nothing in `verify` reads it. Who
//! may not write the archive still searches: a current index is read as it
//! is, else one is built under the user's cache directory or in memory.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use model::{Record, RecordKind};
use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::directory::{Directory, RamDirectory};
use tantivy::query::{
    BooleanQuery, Occur, Query as TantivyQuery, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value,
    STORED, STRING,
};
use tantivy::{
    doc, DocId, Index, IndexReader, ReloadPolicy, Score, SegmentReader, TantivyDocument, Term,
};

pub mod analysis;
mod slips;
pub mod units;
pub mod words;

pub use slips::Correction;
pub use units::{page_units, record_units, Unit};

/// The index's folder inside the archive.
pub const DIR: &str = "index";
/// What the index holds: record id → SHA-256 of its manifest, and the number of units.
const LEDGER: &str = "ogonblick-index.json";
/// Bumped when the schema or the analysis changes: an older index is rebuilt.
const VERSION: u32 = 3;
/// A word on its own weighs this much more than the same word as a compound's part.
const WHOLE_WORD_BOOST: Score = 4.0;

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
    #[error("could not write {path}")]
    Write {
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
    /// The relevance (BM25; a word on its own weighs more than a compound's part).
    pub score: f32,
    /// Set when the query as asked found nothing and a near spelling was searched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correction: Option<Correction>,
}

/// What opening the index had to do, for the user to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Upkeep {
    /// Records added since the index was last written.
    pub added: usize,
    /// Why the index was rebuilt from the records, if it was.
    pub rebuilt: Option<String>,
    /// Where the index searched is, when it is not `<archive>/index/` kept
    /// up to date in place.
    pub elsewhere: Option<Elsewhere>,
}

/// An index other than the archive's own, up to date, because that one
/// could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    /// Why the archive's index was not written (the permission error).
    pub why: String,
    pub place: Place,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The archive's index, current, read into memory as it is (nothing written).
    ArchiveAsIs,
    /// Built or brought up to date in this folder of the user's cache.
    Cache(PathBuf),
    /// Built in memory for this search only.
    Memory,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Ledger {
    version: u32,
    /// The word tables the index was analysed with (`words::WORDS_ID`).
    #[serde(default)]
    words: String,
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
    day_last: Field,
    /// Whole words, as terms (`analysis::SV`); stored, for snippets.
    text: Field,
    /// Whole words and compounds' parts, as terms (`analysis::SV_PARTS`).
    parts: Field,
    /// Lower-cased words as written (`analysis::EXACT`), for `exakt:"..."`.
    exact: Field,
}

/// The field a query names for words exactly as written: `exakt:"nya simhallen"`.
pub const EXACT_FIELD: &str = "exakt";

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
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
        day_last: b.add_u64_field("day_last", NumericOptions::default().set_indexed()),
        text: b.add_text_field("text", indexed(analysis::SV).set_stored()),
        parts: b.add_text_field("parts", indexed(analysis::SV_PARTS)),
        exact: b.add_text_field(EXACT_FIELD, indexed(analysis::EXACT)),
    };
    (b.build(), fields)
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

type Sealed = (String, PathBuf, String);

fn empty_in_ram() -> Result<ArchiveIndex> {
    let (schema, fields) = schema();
    let index = Index::create_in_ram(schema);
    analysis::register(&index, false);
    let reader = reader(&index, Path::new("memory"))?;
    Ok(ArchiveIndex {
        index,
        reader,
        fields,
    })
}

/// Opens the index of the archive at `archive` and brings it up to date:
/// records sealed since it was written are added; an index that is missing,
/// of another version, fails its checksums, or does not hold exactly what
/// its ledger says, is rebuilt from the records (and `Upkeep` says why).
///
/// Where `<archive>/index/` cannot be written (the user may read the archive
/// but not write it), nothing there is touched: a current index is read into
/// memory as it is; else an index is built or caught up under the user's
/// cache directory (`$XDG_CACHE_HOME`, else `~/.cache`, `ogonblick/index/`),
/// else in memory; `Upkeep::elsewhere` says which and why.
pub fn open(archive: &Path) -> Result<(ArchiveIndex, Upkeep)> {
    if !archive.is_dir() {
        // No archive, no records: an empty index, and nothing written.
        return Ok((empty_in_ram()?, Upkeep::default()));
    }
    let records = sealed_records(archive)?;
    let dir = index_dir(archive);
    let why = match open_in(&dir, &records) {
        Err(e) if denied(&e) => chain(&e),
        other => return other,
    };
    if let Ok((ix, _)) = read_as_is(&dir, &records) {
        let upkeep = Upkeep {
            elsewhere: Some(Elsewhere {
                why,
                place: Place::ArchiveAsIs,
            }),
            ..Upkeep::default()
        };
        return Ok((ix, upkeep));
    }
    if let Some(cache) = cache_dir(archive) {
        if let Ok((ix, mut upkeep)) = open_in(&cache, &records) {
            upkeep.elsewhere = Some(Elsewhere {
                why,
                place: Place::Cache(cache),
            });
            return Ok((ix, upkeep));
        }
    }
    let ix = build(None, &records)?;
    let upkeep = Upkeep {
        added: records.len(),
        elsewhere: Some(Elsewhere {
            why,
            place: Place::Memory,
        }),
        ..Upkeep::default()
    };
    Ok((ix, upkeep))
}

/// The index in `dir`, brought up to date or rebuilt there.
fn open_in(dir: &Path, records: &[Sealed]) -> Result<(ArchiveIndex, Upkeep)> {
    let mut upkeep = Upkeep::default();
    match check(dir, records) {
        Ok((ix, ledger)) => {
            let missing: Vec<&Sealed> = records
                .iter()
                .filter(|(id, _, _)| !ledger.records.contains_key(id))
                .collect();
            if missing.is_empty() {
                return Ok((ix, upkeep));
            }
            upkeep.added = missing.len();
            add(&ix, ledger, &missing, Some(dir))?;
            ix.reader.reload().map_err(tantivy_err(dir))?;
            Ok((ix, upkeep))
        }
        Err(why) => {
            upkeep.rebuilt = Some(why);
            let ix = build(Some(dir), records)?;
            Ok((ix, upkeep))
        }
    }
}

/// Whether `e` comes from lacking the right to write (or a read-only file system).
fn denied(e: &Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) {
                return true;
            }
        }
        cause = c.source();
    }
    // tantivy keeps some I/O errors only as text.
    let text = format!("{e:?}");
    text.contains("PermissionDenied") || text.contains("ReadOnlyFilesystem")
}

/// What the system said: the innermost cause of `e`.
fn chain(e: &Error) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(c) = last.source() {
        last = c;
    }
    last.to_string()
}

/// The archive's index read into memory without writing anything, if it is
/// current (holds exactly the sealed records).
fn read_as_is(
    dir: &Path,
    records: &[Sealed],
) -> std::result::Result<(ArchiveIndex, Ledger), String> {
    let ledger = read_ledger(dir)?;
    let ram = RamDirectory::create();
    let entries = std::fs::read_dir(dir).map_err(|e| e.to_string())?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name();
        // tantivy's lock files: copied, they would read as held.
        let lock = name.to_string_lossy().ends_with(".lock");
        if lock || !entry.file_type().map_err(|e| e.to_string())?.is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| e.to_string())?;
        ram.atomic_write(Path::new(&name), &bytes)
            .map_err(|e| e.to_string())?;
    }
    let index = Index::open(ram).map_err(|e| format!("it cannot be opened ({e})"))?;
    let (ix, ledger) = trust(index, ledger, records, dir)?;
    if records
        .iter()
        .any(|(id, _, _)| !ledger.records.contains_key(id))
    {
        return Err("it lacks records sealed since".into());
    }
    Ok((ix, ledger))
}

/// The folder of this archive's index in the user's cache directory.
fn cache_dir(archive: &Path) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".cache"))
        })?;
    let canonical = std::fs::canonicalize(archive).ok()?;
    let key = registry::hashing::sha256_hex(canonical.as_os_str().as_encoded_bytes());
    Some(base.join("ogonblick").join("index").join(&key[..16]))
}

/// Throws the index away and builds it again from every sealed record.
pub fn rebuild(archive: &Path) -> Result<(ArchiveIndex, usize)> {
    let records = sealed_records(archive)?;
    let ix = build(Some(&index_dir(archive)), &records)?;
    Ok((ix, records.len()))
}

/// Adds the records sealed since the index was written (after a seal).
pub fn update(archive: &Path) -> Result<Upkeep> {
    open(archive).map(|(_, u)| u)
}

/// A new index of `records` in `dir` (emptied first), or in memory.
fn build(dir: Option<&Path>, records: &[Sealed]) -> Result<ArchiveIndex> {
    let (schema, fields) = schema();
    let index = match dir {
        Some(dir) => {
            if dir.exists() {
                std::fs::remove_dir_all(dir).map_err(|source| Error::Write {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                path: dir.to_path_buf(),
                source,
            })?;
            Index::create_in_dir(dir, schema).map_err(tantivy_err(dir))?
        }
        None => Index::create_in_ram(schema),
    };
    analysis::register(&index, false);
    let at = dir.unwrap_or(Path::new("memory"));
    let reader = reader(&index, at)?;
    let ix = ArchiveIndex {
        index,
        reader,
        fields,
    };
    let all: Vec<&Sealed> = records.iter().collect();
    let ledger = Ledger {
        version: VERSION,
        words: words::WORDS_ID.to_string(),
        ..Ledger::default()
    };
    add(&ix, ledger, &all, dir)?;
    ix.reader.reload().map_err(tantivy_err(at))?;
    Ok(ix)
}

fn reader(index: &Index, dir: &Path) -> Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(tantivy_err(dir))
}

/// The ledger in `dir`, if it is of this version and these word tables.
fn read_ledger(dir: &Path) -> std::result::Result<Ledger, String> {
    let bytes = match std::fs::read(dir.join(LEDGER)) {
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
    if ledger.words != words::WORDS_ID {
        return Err("it was made with other Swedish word tables".into());
    }
    Ok(ledger)
}

/// The index in `dir` as it is, if it can be trusted; else why not.
fn check(dir: &Path, records: &[Sealed]) -> std::result::Result<(ArchiveIndex, Ledger), String> {
    let ledger = read_ledger(dir)?;
    let index = Index::open_in_dir(dir).map_err(|e| format!("it cannot be opened ({e})"))?;
    trust(index, ledger, records, dir)
}

/// `index` with `ledger`, if its files pass their checksums and it holds
/// exactly what the ledger says of the sealed `records`; else why not.
fn trust(
    index: Index,
    ledger: Ledger,
    records: &[Sealed],
    dir: &Path,
) -> std::result::Result<(ArchiveIndex, Ledger), String> {
    analysis::register(&index, false);
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

/// Indexes `records` and, in a folder, writes the ledger after the commit.
fn add(
    ix: &ArchiveIndex,
    mut ledger: Ledger,
    records: &[&Sealed],
    dir: Option<&Path>,
) -> Result<()> {
    let at = dir.unwrap_or(Path::new("memory"));
    // Compounds are split when writing; a query's compound is looked up whole.
    analysis::register(&ix.index, true);
    let written = (|| {
        let mut writer = ix
            .index
            .writer_with_num_threads::<TantivyDocument>(1, 20_000_000)
            .map_err(tantivy_err(at))?;
        for (id, rdir, sha) in records {
            let record = registry::archive::read_record(rdir).map_err(Error::Archive)?;
            for unit in record_units(&record, rdir)? {
                writer
                    .add_document(ix.document(&record, &unit))
                    .map_err(tantivy_err(at))?;
                ledger.units += 1;
            }
            ledger.records.insert(id.clone(), sha.clone());
        }
        // The ledger is written after the commit: a crash between the two leaves
        // more entries than the ledger says, which `check` rebuilds.
        writer.commit().map_err(tantivy_err(at))?;
        writer.wait_merging_threads().map_err(tantivy_err(at))
    })();
    analysis::register(&ix.index, false);
    written?;
    let Some(dir) = dir else { return Ok(()) };
    let path = dir.join(LEDGER);
    let tmp = dir.join(format!("{LEDGER}.tmp"));
    let json = serde_json::to_vec_pretty(&ledger).map_err(|source| Error::Json {
        path: path.clone(),
        source,
    })?;
    std::fs::write(&tmp, json)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|source| Error::Write { path, source })
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
            f.day_last => day_number(unit.day_last),
            f.text => unit.text.as_str(),
            f.parts => unit.text.as_str(),
            f.exact => unit.text.as_str(),
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

    /// The best `q.limit` places `q` matches, best first (a newer post or
    /// record before an older one at equal score). When the query finds
    /// nothing and one of its words of five letters or more is in no record,
    /// the nearest spelling the index holds is searched instead, and every
    /// hit carries the `Correction`.
    pub fn search(&self, q: &Query) -> Result<Vec<Hit>> {
        let hits = self.search_as_asked(q)?;
        if !hits.is_empty() {
            return Ok(hits);
        }
        let Some(correction) = slips::correct(self, &q.text) else {
            return Ok(hits);
        };
        let corrected = Query {
            text: correction.searched.clone(),
            ..q.clone()
        };
        let mut hits = self.search_as_asked(&corrected)?;
        for h in &mut hits {
            h.correction = Some(correction.clone());
        }
        Ok(hits)
    }

    fn parse(&self, text: &str) -> Result<Box<dyn TantivyQuery>> {
        let f = self.fields;
        if text.trim().is_empty() {
            return Err(Error::Query {
                query: text.to_string(),
                message: "it is empty".into(),
            });
        }
        let mut parser = QueryParser::for_index(&self.index, vec![f.text, f.parts]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.text, WHOLE_WORD_BOOST);
        parser.parse_query(text).map_err(|e| Error::Query {
            query: text.to_string(),
            message: e.to_string(),
        })
    }

    fn search_as_asked(&self, q: &Query) -> Result<Vec<Hit>> {
        let f = self.fields;
        let text_query = self.parse(&q.text)?;
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
        // A unit's days (one, or the span a date read from text can mean)
        // meet the asked dates: its last day from `from` on, its first up to `to`.
        if let Some(from) = q.from {
            let from = Term::from_field_u64(f.day_last, day_number(from));
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(Bound::Included(from), Bound::Unbounded)),
            ));
        }
        if let Some(to) = q.to {
            let to = Term::from_field_u64(f.day, day_number(to));
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(Bound::Unbounded, Bound::Included(to))),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let dir = self.index.directory().to_owned();
        let path = PathBuf::from(format!("{dir:?}"));
        // Best score first; at equal score the later day (post, else capture) first.
        let by_score_then_day =
            TopDocs::with_limit(q.limit.max(1)).tweak_score(move |segment: &SegmentReader| {
                let day = segment
                    .fast_fields()
                    .u64("day")
                    .ok()
                    .map(|c| c.first_or_default_col(0));
                move |doc: DocId, score: Score| (score, day.as_ref().map_or(0, |d| d.get_val(doc)))
            });
        let top = searcher
            .search(&query, &by_score_then_day)
            .map_err(tantivy_err(&path))?;
        let mut snippets =
            tantivy::snippet::SnippetGenerator::create(&searcher, &*text_query, f.text)
                .map_err(tantivy_err(&path))?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        // The query's terms, to mark words whose parts matched.
        let mut terms = std::collections::BTreeSet::new();
        text_query.query_terms(&mut |t: &Term, _| {
            if t.field() == f.parts || t.field() == f.text {
                if let Some(s) = t.value().as_str() {
                    terms.insert(s.to_string());
                }
            }
        });
        let mut hits = Vec::with_capacity(top.len());
        for ((score, _day), address) in top {
            let d: TantivyDocument = searcher.doc(address).map_err(tantivy_err(&path))?;
            let text = |field: Field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let mut snippet = snippets.snippet_from_doc(&d);
            snippet.set_snippet_prefix_postfix("**", "**");
            let mut marked = mark(&snippet);
            if snippet.highlighted().is_empty() {
                // Matched inside compounds only, which the snippet generator
                // (reading whole words) does not see.
                marked = part_snippet(&text(f.text).unwrap_or_default(), &terms);
            }
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
                correction: None,
            });
        }
        Ok(hits)
    }
}

/// Characters of text around a match.
const SNIPPET_CHARS: usize = 160;

/// Up to `SNIPPET_CHARS` of `text` from a little before the first word that
/// has one of `terms` among its parts, each such word between `**`.
fn part_snippet(text: &str, terms: &std::collections::BTreeSet<String>) -> String {
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut a = analysis::swedish(true);
    let mut stream = a.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        if terms.contains(&t.text) && marks.last() != Some(&(t.offset_from, t.offset_to)) {
            marks.push((t.offset_from, t.offset_to));
        }
    }
    let first = marks.first().map_or(0, |m| m.0);
    // Start a few words before the first match, on a character boundary.
    let mut start = first.saturating_sub(40);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    if let Some(space) = text[start..first].find(char::is_whitespace) {
        if start > 0 {
            start += space;
        }
    }
    let mut end = text.len().min(start + SNIPPET_CHARS);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::new();
    let mut at = start;
    for (from, to) in marks {
        if from < at || to > end {
            continue;
        }
        out.push_str(&text[at..from]);
        out.push_str("**");
        out.push_str(&text[from..to]);
        out.push_str("**");
        at = to;
    }
    out.push_str(&text[at..end]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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
