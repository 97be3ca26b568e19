//! Hashing files fast: large buffered reads, every core, several algorithms in one pass.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use sha2::Digest;

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

impl Algorithm {
    /// The name used in manifest file names (`manifest-sha256.txt`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha224 => "sha224",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// Parses a manifest algorithm name.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name {
            "md5" => Algorithm::Md5,
            "sha1" => Algorithm::Sha1,
            "sha224" => Algorithm::Sha224,
            "sha256" => Algorithm::Sha256,
            "sha384" => Algorithm::Sha384,
            "sha512" => Algorithm::Sha512,
            _ => return None,
        })
    }

    /// Length of the hex digest.
    pub fn hex_len(self) -> usize {
        match self {
            Algorithm::Md5 => 32,
            Algorithm::Sha1 => 40,
            Algorithm::Sha224 => 56,
            Algorithm::Sha256 => 64,
            Algorithm::Sha384 => 96,
            Algorithm::Sha512 => 128,
        }
    }

    fn hasher(self) -> Hasher {
        match self {
            Algorithm::Md5 => Hasher::Md5(md5::Md5::new()),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }
}

enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha224(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    fn finish(self) -> String {
        match self {
            Hasher::Md5(h) => hex(&h.finalize()),
            Hasher::Sha1(h) => hex(&h.finalize()),
            Hasher::Sha224(h) => hex(&h.finalize()),
            Hasher::Sha256(h) => hex(&h.finalize()),
            Hasher::Sha384(h) => hex(&h.finalize()),
            Hasher::Sha512(h) => hex(&h.finalize()),
        }
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// SHA-256 (hex) of bytes in memory.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

/// Read size: big enough that syscalls do not matter, small enough for caches.
const BUF: usize = 1 << 20;

/// Hashes one file with every algorithm in `algs` in a single pass.
/// Returns the hex digests in the order of `algs` and the file's length.
pub fn hash_file(path: &std::path::Path, algs: &[Algorithm]) -> io::Result<(Vec<String>, u64)> {
    let mut file = File::open(path)?;
    hash_reader(&mut file, algs)
}

/// Hashes everything a reader yields.
pub fn hash_reader(reader: &mut dyn Read, algs: &[Algorithm]) -> io::Result<(Vec<String>, u64)> {
    let mut hashers: Vec<Hasher> = algs.iter().map(|a| a.hasher()).collect();
    let mut buf = vec![0u8; BUF];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64;
        for h in &mut hashers {
            h.update(&buf[..n]);
        }
    }
    Ok((hashers.into_iter().map(Hasher::finish).collect(), total))
}

/// Hex digests (in the job's algorithm order) and the byte count, or the read error.
pub type HashResult = io::Result<(Vec<String>, u64)>;

/// One hashing job.
#[derive(Debug, Clone)]
pub struct HashJob {
    pub path: PathBuf,
    pub algorithms: Vec<Algorithm>,
}

/// Hashes many files on `jobs` threads (0 = every core), biggest first so
/// the threads finish together. Results come back in the input order.
pub fn hash_files(jobs: &[HashJob], threads: usize) -> Vec<HashResult> {
    let run = || {
        let mut order: Vec<(usize, u64)> = jobs
            .iter()
            .enumerate()
            .map(|(i, j)| (i, std::fs::metadata(&j.path).map(|m| m.len()).unwrap_or(0)))
            .collect();
        order.sort_by_key(|o| std::cmp::Reverse(o.1));
        let mut results: Vec<(usize, HashResult)> = order
            .par_iter()
            .with_max_len(1)
            .map(|&(i, _)| (i, hash_file(&jobs[i].path, &jobs[i].algorithms)))
            .collect();
        results.sort_by_key(|r| r.0);
        results.into_iter().map(|r| r.1).collect::<Vec<_>>()
    };
    if threads == 1 || jobs.len() <= 1 {
        return jobs
            .iter()
            .map(|j| hash_file(&j.path, &j.algorithms))
            .collect();
    }
    if threads == 0 {
        return run();
    }
    match pool(threads) {
        Some(pool) => pool.install(run),
        None => run(),
    }
}

/// One rayon pool per thread count, built once (an archive verify hashes record after record).
fn pool(threads: usize) -> Option<Arc<rayon::ThreadPool>> {
    type Pools = Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>>;
    static POOLS: OnceLock<Pools> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(|| Mutex::new(Vec::new()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Some(p.clone());
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .ok()?,
    );
    pools.push((threads, p.clone()));
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        let all = [
            Algorithm::Md5,
            Algorithm::Sha1,
            Algorithm::Sha256,
            Algorithm::Sha512,
        ];
        let (d, n) = hash_reader(&mut &b"abc"[..], &all).unwrap();
        assert_eq!(n, 3);
        assert_eq!(d[0], "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(d[1], "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            d[2],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(d[3].starts_with("ddaf35a193617aba"));
        for a in all {
            assert_eq!(Algorithm::from_name(a.name()), Some(a));
            assert_eq!(
                hash_reader(&mut &b""[..], &[a]).unwrap().0[0].len(),
                a.hex_len()
            );
        }
    }
}
