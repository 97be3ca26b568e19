//! RFC 3161 timestamps from the command's side: which time-stamping
//! authorities (TSAs) to ask (`--tsa`, else `$OGONBLICK_TSA`) and asking them
//! over HTTP. The request, the strict check of an answer, where tokens are
//! stored, how they are journaled (`timestamp.added`, `timestamp.missing`)
//! and how they verify are `registry`'s. A TSA that does not answer never
//! stops a seal.

use std::sync::Mutex;
use std::time::Duration;

use registry::archive::Stamped;
use registry::timestamp::{check_answer, token_file_name, Request};
use registry::Archive;

/// The TSA URLs to ask: those given with `--tsa`, else the space-separated
/// list in `$OGONBLICK_TSA` (for the scheduled job), else none.
pub fn urls(given: &[String]) -> Vec<String> {
    if !given.is_empty() {
        return given.to_vec();
    }
    std::env::var("OGONBLICK_TSA")
        .map(|v| v.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

pub use registry::timestamp::Answer;

/// Asks every TSA in `urls` for a token over `digest`, one after the other.
pub fn ask_all(urls: &[String], digest: &[u8; 32]) -> Vec<Answer> {
    let mut used: Vec<String> = Vec::new();
    urls.iter()
        .map(|url| {
            let answer = ask(url, digest);
            match answer {
                Ok(granted) => {
                    // Two TSAs on one host get two files.
                    let base = token_file_name(url);
                    let mut file = base.clone();
                    let mut n = 2;
                    while used.contains(&file) {
                        file = format!("{}-{n}.tsr", base.trim_end_matches(".tsr"));
                        n += 1;
                    }
                    used.push(file.clone());
                    Answer::Token {
                        url: url.clone(),
                        file,
                        der: granted.der,
                        time: granted.time,
                        tsa: granted.tsa,
                    }
                }
                Err(reason) => Answer::Missing {
                    url: url.clone(),
                    reason,
                },
            }
        })
        .collect()
}

fn ask(url: &str, digest: &[u8; 32]) -> Result<registry::timestamp::Granted, String> {
    let req = Request::new(*digest).map_err(|e| e.to_string())?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(true)
        .user_agent(concat!("ogonblick/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut resp = agent
        .post(url)
        .header("Content-Type", "application/timestamp-query")
        .send(&req.der[..])
        .map_err(|e| format!("no answer ({e})"))?;
    let body = resp
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_vec()
        .map_err(|e| format!("the answer could not be read ({e})"))?;
    check_answer(&body, &req).map_err(|e| e.to_string())
}

/// Asks the TSAs while a record is sealed and keeps their answers for the journal.
#[derive(Debug)]
pub struct Stamper {
    urls: Vec<String>,
    answers: Mutex<Vec<Answer>>,
}

impl Stamper {
    pub fn new(urls: &[String]) -> Stamper {
        Stamper {
            urls: urls.to_vec(),
            answers: Mutex::new(Vec::new()),
        }
    }

    /// For `registry::archive::seal_standalone_stamped`: the tokens to store
    /// in the record.
    pub fn stamp(&self, digest: &[u8; 32]) -> Vec<(String, Vec<u8>)> {
        let answers = ask_all(&self.urls, digest);
        let tokens = registry::archive::tokens(&answers);
        *self.answers.lock().unwrap_or_else(|e| e.into_inner()) = answers;
        tokens
    }

    /// What the TSAs answered during the seal.
    pub fn answers(&self) -> Vec<Answer> {
        self.answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Stamps the journal's head (the SHA-256 of its last line) with every TSA,
/// stores the tokens under `timestamps/journal/` and journals them. Returns a
/// warning per TSA that gave no token.
pub fn stamp_head(archive: &Archive, urls: &[String]) -> anyhow::Result<Vec<String>> {
    let Some(head) = archive.journal()?.pop() else {
        return Ok(Vec::new());
    };
    let digest: [u8; 32] = data_encoding::HEXLOWER_PERMISSIVE
        .decode(head.hash.as_bytes())
        .ok()
        .and_then(|d| d.try_into().ok())
        .ok_or_else(|| anyhow::anyhow!("journal line {} has no SHA-256", head.line))?;
    let answers = ask_all(urls, &digest);
    Ok(archive.add_tokens(&Stamped::Journal(head.seq), &answers)?)
}

/// The SHA-256 of a sealed record's manifest, as the tokens stamp it.
pub fn manifest_digest(record_dir: &std::path::Path) -> anyhow::Result<[u8; 32]> {
    Ok(registry::timestamp::sha256_of(
        &record_dir.join(registry::archive::MANIFEST),
    )?)
}

impl crate::args::CaptureArgs {
    /// The TSAs this capture asks: `--tsa`, else `$OGONBLICK_TSA`.
    pub fn tsa_urls(&self) -> Vec<String> {
        urls(&self.tsa)
    }
}

/// One warning per TSA in `answers` that gave no token, for a record outside
/// an archive (`capture --out`), where there is no journal to write them to.
pub fn missing(answers: &[Answer]) -> Vec<String> {
    answers
        .iter()
        .filter_map(|a| match a {
            Answer::Missing { url, reason } => Some(format!("no timestamp from {url}: {reason}")),
            Answer::Token { .. } => None,
        })
        .collect()
}
