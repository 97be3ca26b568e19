//! `ogonblick`: archives a municipality's official social-media accounts as
//! sealed PDF/A public records. This binary is glue: argument parsing,
//! orchestration, progress and exit codes; the rules live in the libraries.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// `eprintln!` and `eprint!` for every module below: std's panic when stderr
// is a pipe whose reader has gone (`ogonblick verify X 2>&1 | head -1`),
// which would end the command with 101, no documented exit code. What
// cannot be written to a closed stderr is dropped; stdout is relayed
// (`relay`). Declared before the modules, so it is the one they use.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

macro_rules! eprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

mod accounts;
mod args;
mod assets;
mod capture;
mod close;
mod deliver;
mod demo;
mod dnr;
mod evidence;
mod extract;
mod notify;
mod pdfa;
mod pipeline;
mod posts;
mod preflight;
mod relay;
mod render;
mod report;
mod run;
mod search;
mod stamp;
mod status;
mod table;
mod tsa;
mod verify;
mod wacz;

/// How a command ended, as docs/commands.md maps it to exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: all good.
    Ok,
    /// 1: finished, but something needs a human (failed or obstructed capture, mismatch).
    Attention,
}

/// Errors that reach `main` exit with 2: the command could not run.
pub type CmdResult = anyhow::Result<Exit>;

/// The end of `ogonblick --help`: the exit codes (docs/commands.md) and examples.
const AFTER_HELP: &str = "\
Exit codes:
  0  all good
  1  finished, but something needs a human: a capture failed or was obstructed,
     posts were removed, a time-stamping authority gave no token, a record is
     missing or flagged (status), verification found a mismatch, a PDF does
     not conform
  2  could not run: bad arguments, a malformed accounts.toml, no browser, a
     path that is not an archive, an archive in use; nothing was captured

Examples:
  ogonblick accounts check --register accounts.toml
  ogonblick run --register accounts.toml --archive arkiv
  ogonblick deliver --period 2026-H1 --out leverans-2026-H1

Every command has its own --help, and a man page: man ogonblick-run";

#[derive(Debug, Parser)]
#[command(
    name = "ogonblick",
    version,
    about = "Archives official social-media accounts as sealed PDF/A public records",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check or publish the account register (förteckning över sociala medier).
    Accounts(accounts::Args),
    /// Capture every open account in the register for a half-year period.
    Run(run::Args),
    /// Capture one page into a record directory, no register needed.
    Capture(capture::Args),
    /// Capture a post or comment as evidence before it is removed.
    Evidence(evidence::Args),
    /// Take the final capture of an account and record that it is closed.
    Close(close::Args),
    /// Record the registrar's diarienummer for a record.
    Dnr(dnr::Args),
    /// Write the delivery of a period for the archivist (BagIt, or an E-ARK SIP).
    Deliver(deliver::Args),
    /// Add the timestamps records lack (RFC 3161) and stamp the journal head.
    Stamp(stamp::Args),
    /// Find words in every record's text: the record, its PDF page and the post's date.
    Search(search::Args),
    /// Bring the search index up to date, or rebuild it (`--rebuild`).
    Index(search::IndexArgs),
    /// Hand out pages of a sealed record as a PDF/A excerpt traced to the original.
    Extract(extract::Args),
    /// Export a sealed record's web archive as WACZ, for ReplayWeb.page and pywb.
    ExportWacz(wacz::Args),
    /// Verify an archive, a record, a BagIt bag, an E-ARK package or a single PDF.
    Verify(verify::Args),
    /// Where each account stands for a period; exit 1 when a human must act.
    Status(status::Args),
    /// Check, without sealing anything, whether the next run would need nobody.
    Preflight(preflight::Args),
    /// Write a static Swedish HTML overview of the archive for people to open.
    Report(report::Args),
    /// PDF/A tools.
    Pdfa(pdfa::Args),
    /// Run the whole pipeline on the bundled fixture accounts.
    Demo(demo::Args),
    /// Write the man pages (for packaging).
    #[command(hide = true)]
    Man(assets::Args),
    /// Write the bash, zsh and fish completions (for packaging).
    #[command(hide = true)]
    Completions(assets::Args),
    /// Tell the register's people that a unit failed (the service's OnFailure=).
    #[command(hide = true)]
    Notify(notify::Args),
}

impl Command {
    /// The commands whose exit 1 or 2 is mailed under the service (`notify`).
    fn notified(&self) -> Option<&'static str> {
        match self {
            Command::Run(_) => Some("run"),
            Command::Preflight(_) => Some("preflight"),
            Command::Verify(_) => Some("verify"),
            _ => None,
        }
    }
}

fn main() -> ExitCode {
    // Before anything prints: a reader that closes early (`| head -1`)
    // must not change how a command ends.
    let relay = relay::start();
    let finish = |code: u8| {
        if let Some(relay) = relay {
            relay.finish();
        }
        ExitCode::from(code)
    };
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Bad arguments under the service are exit 2 that someone must hear of.
            if err.exit_code() == 2 {
                if let Some(cmd) = std::env::args()
                    .nth(1)
                    .filter(|c| ["run", "preflight", "verify"].contains(&c.as_str()))
                {
                    notify::after(&cmd, 2, Some(&anyhow::anyhow!("{}", err.kind())));
                }
            }
            // --help, --version, or a usage error (exit 2), printed as clap does.
            let _ = err.print();
            return finish(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    let notified = cli.command.notified();
    let result = dispatch(cli.command);
    let code = match &result {
        Ok(Exit::Ok) => 0,
        Ok(Exit::Attention) => 1,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            2
        }
    };
    if let Some(command) = notified {
        notify::after(command, code, result.as_ref().err());
    }
    finish(code)
}

fn dispatch(command: Command) -> CmdResult {
    match command {
        Command::Accounts(args) => accounts::main(args),
        Command::Run(args) => run::main(args),
        Command::Capture(args) => capture::main(args),
        Command::Evidence(args) => evidence::main(args),
        Command::Close(args) => close::main(args),
        Command::Dnr(args) => dnr::main(args),
        Command::Deliver(args) => deliver::main(args),
        Command::Stamp(args) => stamp::main(args),
        Command::Search(args) => search::main(args),
        Command::Index(args) => search::index_main(args),
        Command::Extract(args) => extract::main(args),
        Command::ExportWacz(args) => wacz::main(args),
        Command::Verify(args) => verify::main(args),
        Command::Status(args) => status::main(args),
        Command::Preflight(args) => preflight::main(args),
        Command::Report(args) => report::main(args),
        Command::Pdfa(args) => pdfa::main(args),
        Command::Demo(args) => demo::main(args),
        Command::Man(args) => assets::man(args),
        Command::Completions(args) => assets::completions(args),
        Command::Notify(args) => notify::main(args),
    }
}
