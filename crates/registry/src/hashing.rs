//! Hashing files fast: large buffered reads, every core, several algorithms in one pass.

use serde::Serialize;

/// Checksum algorithms BagIt manifests may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}
