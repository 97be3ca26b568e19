//! `ogonblick capture`: one page into one record directory, no register and no
//! journal. A 404 or a login wall still yields a record, flagged, with exit 1;
//! a browser that dies mid-capture leaves nothing behind.

use std::path::PathBuf;

use anyhow::{bail, Context};
use model::{Handling, RecordKind};

use crate::pipeline::{self, Attempt, CaptureArgs, Job};
use crate::{CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The page to capture (http or https).
    pub url: String,
    /// The record directory to write (must not exist).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub capture: CaptureArgs,
}

pub fn main(args: Args) -> CmdResult {
    capture::validate_url(&args.url)?;
    if args.out.exists() {
        bail!(
            "{} exists; a record directory is written once, choose a new --out",
            args.out.display()
        );
    }
    let options = args.capture.options()?;
    let session = capture::Session::launch(&options)?;
    let name = args
        .out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "record".into());
    let parent = match args.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    registry::archive::remove_dead_temporaries(&parent, &format!(".{name}.staging-"))?;
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    std::fs::create_dir_all(staging.join("capture"))
        .with_context(|| format!("creating {}", staging.display()))?;
    registry::fault::point("capture.staged");
    let job = Job {
        record_id: format!("manuell/{name}"),
        kind: RecordKind::Manuell,
        handling: Handling::Upprattad,
        urls: vec![args.url.clone()],
        organisation: None,
        account: None,
        period: None,
        late: false,
        reason: None,
        sender: None,
        operator: pipeline::operator(args.capture.operator.as_deref(), None),
        tsa: args.capture.tsa_urls(),
        note_sandbox: true,
    };
    let discard = |dir: &std::path::Path| {
        let _ = std::fs::remove_dir_all(dir);
    };
    // `capture` seals every capture it gets, a login wall included (flagged).
    let captured = match pipeline::attempt(&session, &job, &staging) {
        Attempt::Captured { record, pages } => {
            crate::posts::render(&record, &staging, &pages, args.capture.pdfa, None)
                .map(|rendered| (record, rendered.pdf))
        }
        Attempt::BrowserGone(err) | Attempt::Failed(err) => Err(err),
    };
    match captured {
        Ok((mut record, pdf)) => {
            let stamper = crate::tsa::Stamper::new(&job.tsa);
            let sealed = match registry::archive::seal_standalone_stamped(
                &staging,
                &args.out,
                &mut record,
                &pdf,
                &|d| stamper.stamp(d),
            ) {
                Ok(s) => s,
                Err(err) => {
                    discard(&staging);
                    return Err(err.into());
                }
            };
            println!("sealed {}", args.out.display());
            println!("snapshot.pdf sha256 {}", sealed.snapshot_sha256);
            let unstamped = crate::tsa::missing(&stamper.answers());
            for w in &unstamped {
                eprintln!("warning: {w}");
            }
            Ok(pipeline::sealed_exit(&record, &unstamped))
        }
        Err(err) if pipeline::is_disk_full(&err) => {
            discard(&staging);
            Err(pipeline::disk_full(err))
        }
        Err(err) => {
            discard(&staging);
            eprintln!("error: {err:#}");
            eprintln!(
                "the capture failed; nothing was written to {}",
                args.out.display()
            );
            Ok(Exit::Attention)
        }
    }
}
