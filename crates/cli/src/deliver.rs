//! `ogonblick deliver`.

use crate::CmdResult;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn main(_args: Args) -> CmdResult {
    anyhow::bail!("`ogonblick deliver` is not implemented yet")
}
