//! A real RFC 3161 time-stamping authority for tests: OpenSSL's own
//! `openssl ts -reply`, behind HTTP on 127.0.0.1, with a throwaway CA and a
//! TSA certificate (critical timeStamping extended key usage) made at start.
//!
//! Routes (POST an `application/timestamp-query`):
//! - `/tsa`: the answer OpenSSL gives the query;
//! - `/tsa/wrong-nonce`, `/tsa/wrong-imprint`: OpenSSL's answer to the query
//!   with one byte of its nonce or of its digest changed (a real, signed
//!   answer that is not the one asked for);
//! - `/tsa/reject`: OpenSSL answering from a section that accepts only
//!   SHA-512 imprints, so the status is a rejection;
//! - `/tsa/down`: 503, a TSA that is out of service.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// What the TSA does with a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Honest,
    WrongNonce,
    WrongImprint,
    Reject,
}

/// The throwaway PKI and the OpenSSL configuration, in one directory.
#[derive(Debug)]
pub struct Pki {
    dir: PathBuf,
    /// The CA certificate (PEM) to give `openssl ts -verify -CAfile` and `--tsa-ca`.
    pub ca_pem: PathBuf,
    lock: Mutex<()>,
    counter: AtomicU64,
}

fn openssl(dir: &Path, args: &[&str]) -> io::Result<()> {
    let out = test_support::output(Command::new("openssl").args(args).current_dir(dir))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "openssl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}

impl Pki {
    /// Makes a CA (EC P-256) and a TSA certificate (RSA 2048, critical
    /// timeStamping extended key usage) it signs, in `dir` (created).
    pub fn create(dir: &Path) -> io::Result<Pki> {
        std::fs::create_dir_all(dir)?;
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "3650",
                "-subj",
                "/CN=ogonblick test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        )?;
        openssl(
            dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "tsa.key",
                "-out",
                "tsa.csr",
                "-subj",
                "/O=ogonblick tests/CN=ogonblick test TSA",
            ],
        )?;
        std::fs::write(
            dir.join("tsa-ext.cnf"),
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n",
        )?;
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                "tsa.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "tsa.pem",
                "-days",
                "3650",
                "-extfile",
                "tsa-ext.cnf",
            ],
        )?;
        let section = |name: &str, digests: &str| {
            format!(
                "[ {name} ]\ndir = {}\nserial = $dir/tsaserial\ncrypto_device = builtin\n\
                 signer_cert = $dir/tsa.pem\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\n\
                 default_policy = 1.2.3.4.1\ndigests = {digests}\naccuracy = secs:1\n\
                 ordering = no\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
                dir.display()
            )
        };
        std::fs::write(
            dir.join("tsa.cnf"),
            format!(
                "[ tsa ]\ndefault_tsa = honest\n\n{}\n{}",
                section("honest", "sha256, sha384, sha512"),
                section("reject", "sha512")
            ),
        )?;
        std::fs::write(dir.join("tsaserial"), "01\n")?;
        Ok(Pki {
            ca_pem: dir.join("ca.pem"),
            dir: dir.to_path_buf(),
            lock: Mutex::new(()),
            counter: AtomicU64::new(0),
        })
    }

    /// OpenSSL's answer (`openssl ts -reply`) to `query` (a DER TimeStampReq), as `mode` says.
    pub fn reply(&self, query: &[u8], mode: Mode) -> io::Result<Vec<u8>> {
        let mut query = query.to_vec();
        match mode {
            Mode::WrongNonce => {
                let from = imprint_end(&query);
                flip_after(&mut query, &[0x02, 0x08], 8, from)?;
            }
            Mode::WrongImprint => flip_after(&mut query, &[0x04, 0x20], 32, 0)?,
            Mode::Honest | Mode::Reject => {}
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let (q, r) = (format!("q{n}.tsq"), format!("r{n}.tsr"));
        std::fs::write(self.dir.join(&q), &query)?;
        let section = if mode == Mode::Reject {
            "reject"
        } else {
            "honest"
        };
        {
            // One at a time: OpenSSL bumps the serial file.
            let _one = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            openssl(
                &self.dir,
                &[
                    "ts",
                    "-reply",
                    "-config",
                    "tsa.cnf",
                    "-section",
                    section,
                    "-queryfile",
                    &q,
                    "-out",
                    &r,
                ],
            )?;
        }
        let answer = std::fs::read(self.dir.join(&r))?;
        let _ = std::fs::remove_file(self.dir.join(&q));
        let _ = std::fs::remove_file(self.dir.join(&r));
        Ok(answer)
    }
}

/// Where the imprint's OCTET STRING (`04 20` + 32 bytes) ends.
fn imprint_end(query: &[u8]) -> usize {
    find(query, &[0x04, 0x20], 0).map_or(0, |i| i + 34)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Flips the last byte of the `len`-byte value after the first `tag` at or after `from`.
fn flip_after(query: &mut [u8], tag: &[u8], len: usize, from: usize) -> io::Result<()> {
    let at = find(query, tag, from)
        .map(|i| i + tag.len() + len - 1)
        .filter(|&i| i < query.len())
        .ok_or_else(|| io::Error::other("query without the expected field"))?;
    query[at] ^= 0x01;
    Ok(())
}

/// The TSA served over HTTP on 127.0.0.1; stops when dropped.
#[derive(Debug)]
pub struct TsaServer {
    pki: Arc<Pki>,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl TsaServer {
    /// Serves `pki` on a free port of 127.0.0.1.
    pub fn start(pki: Arc<Pki>) -> io::Result<TsaServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let (p, s) = (pki.clone(), stop.clone());
        let handle = thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    let p = p.clone();
                    thread::spawn(move || {
                        let _ = serve(&p, conn);
                    });
                }
            }
        });
        Ok(TsaServer {
            pki,
            addr,
            stop,
            handle: Some(handle),
        })
    }

    /// `http://127.0.0.1:PORT/tsa` plus `/mode` when `mode` is not empty
    /// (`wrong-nonce`, `wrong-imprint`, `reject`, `down`).
    pub fn url(&self, mode: &str) -> String {
        if mode.is_empty() {
            format!("http://{}/tsa", self.addr)
        } else {
            format!("http://{}/tsa/{mode}", self.addr)
        }
    }

    /// The CA certificate that anchors this TSA's chain.
    pub fn ca_pem(&self) -> &Path {
        &self.pki.ca_pem
    }
}

impl Drop for TsaServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn serve(pki: &Pki, mut conn: TcpStream) -> io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = find(&buf, b"\r\n\r\n", 0) {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = &buf[head_end..buf.len().min(head_end + length)];
    let mode = match path.as_str() {
        "/tsa" => Some(Mode::Honest),
        "/tsa/wrong-nonce" => Some(Mode::WrongNonce),
        "/tsa/wrong-imprint" => Some(Mode::WrongImprint),
        "/tsa/reject" => Some(Mode::Reject),
        _ => None,
    };
    let (status, bytes) = match mode.map(|m| pki.reply(body, m)) {
        Some(Ok(answer)) => ("200 OK", answer),
        Some(Err(e)) => ("500 Internal Server Error", e.to_string().into_bytes()),
        None if path == "/tsa/down" => ("503 Service Unavailable", b"down".to_vec()),
        None => ("404 Not Found", b"no such TSA route".to_vec()),
    };
    let content_type = if status.starts_with("200") {
        "application/timestamp-reply"
    } else {
        "text/plain"
    };
    write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        bytes.len()
    )?;
    conn.write_all(&bytes)?;
    conn.flush()?;
    let _ = conn.shutdown(Shutdown::Both);
    Ok(())
}
