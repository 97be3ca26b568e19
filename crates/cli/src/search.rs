//! `ogonblick search` and `ogonblick index`: find what was said in every
//! record's text layer, and rebuild the index that makes it quick. The
//! index is derived data (`<archive>/index/`); `verify` never reads it.

use std::path::{Path, PathBuf};

use model::RecordKind;

use crate::{CmdResult, Exit};

/// After a record is sealed into `archive`, the search index takes it in. An
/// index that cannot be written is only a warning: it is derived, and
/// rebuilt from the records later.
pub fn take_in(archive: &Path, log: &dyn Fn(&str)) {
    if let Err(err) = search::update(archive) {
        log(&format!(
            "warning: the search index was not updated ({:#}); `ogonblick index --rebuild` makes it anew",
            anyhow::Error::new(err)
        ));
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words, "a phrase", AND / OR / NOT and parentheses; words are matched
    /// in their inflected forms, inside compounds, and without regard to
    /// case or å, ä, ö; exakt:"nya simhallen" only as written.
    pub query: String,
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    /// Only this account (repeat for more).
    #[arg(long = "account", value_name = "ID")]
    pub accounts: Vec<String>,
    /// Only posts dated (else records captured) on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<chrono::NaiveDate>,
    /// Only posts dated (else records captured) on or before this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<chrono::NaiveDate>,
    /// Only records of this kind: halvar, bevis-fore-radering, slutlig-fore-avslut, manuell (repeat for more).
    #[arg(long = "kind", value_name = "KIND", value_parser = parse_kind)]
    pub kinds: Vec<RecordKind>,
    /// At most this many hits, best first.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
    /// One JSON object per hit, one per line.
    #[arg(long)]
    pub json: bool,
}

fn parse_kind(s: &str) -> Result<RecordKind, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
        format!(
            "unknown kind `{s}`; use halvar, bevis-fore-radering, slutlig-fore-avslut or manuell"
        )
    })
}

#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Throw the index away and build it again from every sealed record.
    #[arg(long)]
    pub rebuild: bool,
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
}

fn say_upkeep(archive: &Path, upkeep: &search::Upkeep) {
    let own = archive.join(search::DIR);
    let mut place = own.clone();
    if let Some(e) = &upkeep.elsewhere {
        let what = match &e.place {
            search::Place::ArchiveAsIs => "searched it as it is (it is current)".to_string(),
            search::Place::Cache(dir) => {
                place.clone_from(dir);
                format!("searched an index kept in {}", dir.display())
            }
            search::Place::Memory => {
                "searched an index built in memory for this search".to_string()
            }
        };
        eprintln!(
            "note: the search index in {} cannot be written ({}); {what}",
            own.display(),
            e.why
        );
        if e.place == search::Place::Memory {
            return;
        }
    }
    if let Some(why) = &upkeep.rebuilt {
        eprintln!(
            "note: the search index in {} was built anew from the records: {why}",
            place.display()
        );
    } else if upkeep.added > 0 {
        eprintln!("note: {} record(s) added to the search index", upkeep.added);
    }
}

pub fn main(args: Args) -> CmdResult {
    let (index, upkeep) = search::open(&args.archive)?;
    say_upkeep(&args.archive, &upkeep);
    let hits = index.search(&search::Query {
        text: args.query.clone(),
        accounts: args.accounts,
        kinds: args.kinds,
        from: args.from,
        to: args.to,
        limit: args.limit,
    })?;
    if let Some(c) = hits.first().and_then(|h| h.correction.as_ref()) {
        // Said in Swedish, as the registrar reads it, on the answer itself.
        let line = format!(
            "Inga träffar för {}; visar träffar för {}",
            c.asked, c.searched
        );
        if args.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
    for h in &hits {
        if args.json {
            println!("{}", serde_json::to_string(h)?);
            continue;
        }
        let page = h
            .pdf_page
            .map_or_else(|| "page ?".to_string(), |n| format!("page {n}"));
        let date = h
            .post_date
            .as_deref()
            .map(|d| match d.split_once('/') {
                // The days a date read from the text shown can mean.
                Some((first, last)) => format!("  post between {first} and {last}"),
                None => format!("  post {}", d.get(..10).unwrap_or(d)),
            })
            .unwrap_or_default();
        println!(
            "{}  {page} of {}{date}",
            h.record_id,
            args.archive
                .join(&h.record_id)
                .join("snapshot.pdf")
                .display()
        );
        println!("    {}", h.snippet);
    }
    if !args.json {
        eprintln!("{} hit(s)", hits.len());
    }
    Ok(Exit::Ok)
}

pub fn index_main(args: IndexArgs) -> CmdResult {
    if args.rebuild {
        let (index, records) = search::rebuild(&args.archive)?;
        println!(
            "index rebuilt: {records} record(s), {} entries, in {}",
            index.units(),
            args.archive.join(search::DIR).display()
        );
    } else {
        let (index, upkeep) = search::open(&args.archive)?;
        if let Some(e) = &upkeep.elsewhere {
            // `search` manages without writing; `index` is asked to write.
            anyhow::bail!(
                "the search index in {} cannot be written ({}); `search` still works without it",
                args.archive.join(search::DIR).display(),
                e.why
            );
        }
        say_upkeep(&args.archive, &upkeep);
        println!("index up to date: {} entries", index.units());
    }
    Ok(Exit::Ok)
}
