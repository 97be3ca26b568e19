//! `ogonblick demo`.

use crate::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn main(_args: Args) -> CmdResult {
    anyhow::bail!("`ogonblick demo` is not implemented yet")
}
