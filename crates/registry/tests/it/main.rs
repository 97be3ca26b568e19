//! Integration tests of the registry crate: the register, the archive and
//! its recovery, tampering, BagIt conformance and bags read by bagit.py.

mod archive;
mod bag;
mod common;
mod delivery;
mod publish;
mod register;
mod tamper;
mod timestamp;
