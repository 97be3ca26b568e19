//! `ogonblick close`: the final capture before an account is closed, then the
//! `account.closed` journal event. Refuses to record the closing when the
//! final capture failed.

use std::path::PathBuf;

use anyhow::bail;
use model::{Handling, RecordKind};

use crate::pipeline::{self, CaptureArgs, Job, Outcome};
use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The register id of the account to close.
    pub account: String,
    /// The account register (förteckning).
    #[arg(long, value_name = "FILE", default_value = "accounts.toml")]
    pub register: PathBuf,
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    /// Retries of a failed final capture, with backoff.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,
    #[command(flatten)]
    pub capture: CaptureArgs,
}

pub fn main(args: Args) -> CmdResult {
    let (register, _) = crate::accounts::load_register(&args.register)?;
    let Some(account) = register.account(&args.account) else {
        bail!(
            "{}: no account with that id in {}",
            args.account,
            args.register.display()
        );
    };
    let urls = registry::register::pages_of(account);
    let job = Job {
        record_id: registry::evidence_record_id(chrono::Utc::now(), &account.id),
        kind: RecordKind::SlutligForeAvslut,
        handling: Handling::Upprattad,
        urls,
        organisation: Some(register.organisation.clone()),
        account: Some(account.clone()),
        period: None,
        late: false,
        reason: Some("Slutlig ögonblicksbild före avslut av kontot".to_string()),
        sender: None,
        operator: pipeline::operator(
            args.capture.operator.as_deref(),
            Some(&register.organisation),
        ),
        tsa: args.capture.tsa_urls(),
        note_sandbox: true,
    };
    let (archive, outcome) =
        pipeline::capture_one(&args.capture, &args.archive, &job, args.retries)?;
    match outcome {
        Outcome::Sealed {
            record,
            sealed,
            unstamped,
            ..
        } if registry::policy::may_close_after(&record) => {
            archive.append(&registry::journal::Event::AccountClosed {
                account: account.id.clone(),
                final_record: sealed.record_id.clone(),
                snapshot_sha256: sealed.snapshot_sha256.clone(),
            })?;
            println!(
                "sealed the final capture {} in {}",
                sealed.record_id,
                sealed.dir.display()
            );
            println!("recorded account.closed for {} in the journal", account.id);
            if !unstamped.is_empty() {
                // Warned already; the account is closed all the same, and
                // `ogonblick stamp` adds the token later.
                return Ok(Exit::Attention);
            }
            println!(
                "now set `closed = {}` for account `{}` in {} so that `run` stops capturing it",
                registry::period::today_stockholm(),
                account.id,
                args.register.display()
            );
            Ok(Exit::Ok)
        }
        Outcome::Sealed { record, sealed, .. } => {
            eprintln!(
                "the final capture {} was sealed, but it is obstructed:",
                sealed.record_id
            );
            for w in registry::policy::record_warnings(&record) {
                eprintln!("  {w}");
            }
            eprintln!("refusing to record {} as closed: the final capture must show the account; fix the obstruction (e.g. --cookies) and run `ogonblick close {}` again", account.id, account.id);
            Ok(Exit::Attention)
        }
        Outcome::Failed { reason, .. } => {
            eprintln!(
                "error: the final capture of {} failed: {reason}",
                account.id
            );
            eprintln!("refusing to record {} as closed without a final capture; do not close the account yet, fix the problem and run `ogonblick close {}` again", account.id, account.id);
            Ok(Exit::Attention)
        }
    }
}
