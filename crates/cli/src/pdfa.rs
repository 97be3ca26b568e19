//! `ogonblick pdfa`.

use crate::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn main(_args: Args) -> CmdResult {
    anyhow::bail!("`ogonblick pdfa` is not implemented yet")
}
