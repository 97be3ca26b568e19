//! `ogonblick close`.

use crate::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn main(_args: Args) -> CmdResult {
    anyhow::bail!("`ogonblick close` is not implemented yet")
}
