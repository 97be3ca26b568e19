//! A record's journal events, appended here and nowhere else: when a record
//! is sealed, `record.sealed`, then what each TSA answered
//! (`timestamp.added`, `timestamp.missing`), then `changes.found` when the
//! comparison with the account's previous record (the record's
//! `changes.json`, handed over in memory by the seal) found anything; later, the tokens `ogonblick stamp` adds for a record or the
//! journal's head.

use model::{Changes, Record};
use sha2::Digest;

use crate::archive::{Archive, Stamped};
use crate::journal::{Event, JournalEntry};
use crate::timestamp::{Answer, TIMESTAMPS};
use crate::Result;

/// The events of a record just sealed, in their order. `changes` is the
/// comparison the record was sealed with (the value its `changes.json` was
/// written from, handed on, never read back). Returns the `record.sealed`
/// line and one warning per TSA that gave no token.
pub(crate) fn sealed(
    archive: &Archive,
    record: &Record,
    sealed: &Event,
    answers: &[Answer],
    changes: Option<&Changes>,
) -> Result<(JournalEntry, Vec<String>)> {
    let entry = archive.append(sealed)?;
    let id = &record.record_id;
    let unstamped = stamps(archive, &Stamped::Record(id.clone()), answers, &|f| {
        format!("{id}/{TIMESTAMPS}/{f}")
    })?;
    if let Some(c) = changes.filter(|c| c.anything()) {
        archive.append(&Event::ChangesFound {
            record_id: id.clone(),
            account: record.account.as_ref().map(|a| a.id.clone()),
            previous: c.previous.clone().unwrap_or_default(),
            removed: c.removed.len() as u64,
            removed_ids: c.removed.iter().map(|p| p.id.clone()).collect(),
            changed: c.changed.len() as u64,
            new_posts: u64::from(c.new_posts),
            profile: c.profile.iter().map(|p| p.field.clone()).collect(),
        })?;
    }
    Ok((entry, unstamped))
}

impl Archive {
    /// Tokens got after the fact for a sealed record or the journal's head:
    /// each token is stored outside every sealed record
    /// ([`Archive::store_token`]) and journaled, each TSA without one too.
    /// Returns one warning per TSA that gave no token.
    pub fn add_tokens(&self, what: &Stamped, answers: &[Answer]) -> Result<Vec<String>> {
        let mut stored = std::collections::HashMap::new();
        for a in answers {
            if let Answer::Token { file, der, .. } = a {
                stored.insert(file.clone(), self.store_token(what, file, der)?);
            }
        }
        stamps(self, what, answers, &|f| {
            stored.get(f).cloned().unwrap_or_default()
        })
    }
}

/// Journals the answers about `what` (`timestamp.added` with the token's path
/// relative to the archive and its SHA-256, `timestamp.missing` with the
/// reason) and returns one warning per TSA that gave no token. `path_of`
/// maps a token file name to where it was stored.
fn stamps(
    archive: &Archive,
    what: &Stamped,
    answers: &[Answer],
    path_of: &dyn Fn(&str) -> String,
) -> Result<Vec<String>> {
    let (record_id, journal_seq) = match what {
        Stamped::Record(id) => (Some(id.clone()), None),
        Stamped::Journal(seq) => (None, Some(*seq)),
    };
    let mut warnings = Vec::new();
    for answer in answers {
        match answer {
            Answer::Token {
                url,
                file,
                der,
                time,
                tsa,
            } => {
                archive.append(&Event::TimestampAdded {
                    record_id: record_id.clone(),
                    journal_seq,
                    tsa_url: url.clone(),
                    tsa: tsa.clone(),
                    time: time.to_rfc3339(),
                    file: path_of(file),
                    token_sha256: data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(der)),
                })?;
            }
            Answer::Missing { url, reason } => {
                archive.append(&Event::TimestampMissing {
                    record_id: record_id.clone(),
                    journal_seq,
                    tsa_url: url.clone(),
                    reason: reason.clone(),
                })?;
                let subject = match what {
                    Stamped::Record(id) => id.clone(),
                    Stamped::Journal(seq) => format!("the journal head (line {seq})"),
                };
                warnings.push(format!(
                    "{subject}: no timestamp from {url}: {reason}; add it later with `ogonblick stamp --tsa URL`"
                ));
            }
        }
    }
    Ok(warnings)
}
