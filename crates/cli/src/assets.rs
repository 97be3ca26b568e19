//! Hidden `ogonblick man` and `ogonblick completions`: write the man pages
//! (one per command and subcommand, from the clap definitions) and the bash,
//! zsh and fish completions, for the Debian package (scripts/package).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::CommandFactory;

use crate::{Cli, CmdResult, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write into; created if missing.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `ogonblick.1`, `ogonblick-run.1`, `ogonblick-accounts-check.1`, …
pub fn man(args: Args) -> CmdResult {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut cmd = Cli::command();
    cmd.build();
    let mut written = 0;
    write_man(&cmd, "ogonblick", &args.out, &mut written)?;
    eprintln!("wrote {written} man pages to {}", args.out.display());
    Ok(Exit::Ok)
}

fn write_man(
    cmd: &clap::Command,
    name: &str,
    out: &Path,
    written: &mut usize,
) -> anyhow::Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    // A subcommand's page is named after its whole path (`ogonblick-accounts-check`);
    // the names live as long as the process, which writes the pages and ends.
    let title: &'static str = Box::leak(name.to_string().into_boxed_str());
    let page = cmd.clone().name(title);
    let mut bytes = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut bytes)
        .with_context(|| format!("rendering the man page of {name}"))?;
    let path = out.join(format!("{name}.1"));
    std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    *written += 1;
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        write_man(sub, &format!("{name}-{}", sub.get_name()), out, written)?;
    }
    Ok(())
}

/// `ogonblick.bash`, `_ogonblick` (zsh) and `ogonblick.fish`.
pub fn completions(args: Args) -> CmdResult {
    use clap_complete::Shell;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut cmd = Cli::command();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let path = clap_complete::generate_to(shell, &mut cmd, "ogonblick", &args.out)
            .with_context(|| {
                format!("writing the {shell} completions to {}", args.out.display())
            })?;
        eprintln!("wrote {}", path.display());
    }
    Ok(Exit::Ok)
}
