//! `ogonblick evidence`: the capture the policies require before an unlawful
//! comment is removed — the post or comment and its sender, sealed as an
//! *inkommen handling* in `evidence/`.

use std::path::PathBuf;

use model::{Handling, RecordKind};

use crate::pipeline::{self, CaptureArgs, Job, Outcome};
use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address of the post or comment.
    pub url: String,
    /// The register id of the account the comment was posted on.
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// Why the comment is captured (and is about to be removed).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Who wrote the post or comment, as shown on the page (name or handle).
    #[arg(long, value_name = "NAME")]
    pub sender: Option<String>,
    /// The account register (förteckning).
    #[arg(long, value_name = "FILE", default_value = "accounts.toml")]
    pub register: PathBuf,
    /// The archive directory.
    #[arg(long, value_name = "DIR", default_value = "arkiv")]
    pub archive: PathBuf,
    #[command(flatten)]
    pub capture: CaptureArgs,
}

pub fn main(args: Args) -> CmdResult {
    capture::validate_url(&args.url)?;
    if args.reason.trim().is_empty() {
        anyhow::bail!("--reason is empty: say why the comment is captured (it goes into the record and the diarium)");
    }
    let (register, _) = crate::accounts::load_register(&args.register)?;
    let Some(account) = register.account(&args.account) else {
        anyhow::bail!(
            "--account {}: no account with that id in {}",
            args.account,
            args.register.display()
        );
    };
    let job = Job {
        record_id: registry::evidence_record_id(chrono::Utc::now(), &account.id),
        kind: RecordKind::BevisForeRadering,
        handling: Handling::Inkommen,
        urls: vec![args.url.clone()],
        organisation: Some(register.organisation.clone()),
        account: Some(account.clone()),
        period: None,
        late: false,
        reason: Some(args.reason.clone()),
        sender: args.sender.clone(),
        operator: pipeline::operator(
            args.capture.operator.as_deref(),
            Some(&register.organisation),
        ),
        tsa: args.capture.tsa_urls(),
        note_sandbox: true,
    };
    seal_one(&args.capture, &args.archive, &job, 1)
}

/// Captures and seals one ad-hoc record, printing what happened.
pub fn seal_one(
    capture_args: &CaptureArgs,
    archive: &std::path::Path,
    job: &Job,
    retries: u32,
) -> CmdResult {
    match pipeline::capture_one(capture_args, archive, job, retries)?.1 {
        Outcome::Sealed {
            record,
            sealed,
            unstamped,
            ..
        } => {
            println!("sealed {} in {}", sealed.record_id, sealed.dir.display());
            println!("snapshot.pdf sha256 {}", sealed.snapshot_sha256);
            Ok(pipeline::sealed_exit(&record, &unstamped))
        }
        Outcome::Failed { reason, .. } => {
            eprintln!(
                "error: the capture of {} failed and nothing was sealed: {reason}",
                job.record_id
            );
            Ok(Exit::Attention)
        }
    }
}
