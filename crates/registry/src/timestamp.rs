//! RFC 3161 trusted timestamps: the request sent to a time-stamping authority
//! (TSA), the strict check of its answer, and the verification of a stored
//! token (message imprint, CMS signature, chain to the trust anchors, time).
//!
//! A token is stored as the TSA's whole DER answer (`TimeStampResp`, `.tsr`),
//! which is what `openssl ts -verify -in` reads; with `certReq` set its CMS
//! `SignedData` carries the TSA's certificate (and whatever chain the TSA adds).
//! Nothing here speaks HTTP: the CLI posts [`Request::der`] and hands the answer
//! to [`check_answer`].

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};
use cms::cert::x509::Certificate;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};
use serde::Serialize;
use sha2::Digest;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::{Error, Result};

/// The folder that holds tokens: `timestamps/` inside a record (tokens taken
/// before sealing) and at the archive's top level (late tokens from
/// `ogonblick stamp`, and the journal head's).
pub const TIMESTAMPS: &str = "timestamps";

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const ID_CE_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const ID_CE_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
/// id-kp-timeStamping (1.3.6.1.5.5.7.3.8), DER contents, as webpki wants it.
const KP_TIME_STAMPING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08];

/// One request for a token over a SHA-256 digest, with a fresh nonce and `certReq` set.
#[derive(Debug, Clone)]
pub struct Request {
    /// The DER `TimeStampReq` to POST as `application/timestamp-query`.
    pub der: Vec<u8>,
    digest: [u8; 32],
    nonce: Vec<u8>,
}

impl Request {
    /// A request over `digest` (the SHA-256 of the stamped bytes).
    pub fn new(digest: [u8; 32]) -> Result<Request> {
        let mut nonce = [0u8; 8];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut nonce))
            .map_err(Error::io("read", "/dev/urandom"))?;
        // Positive and minimal as a DER INTEGER: first byte 0x01..=0x7f.
        nonce[0] = (nonce[0] & 0x7f).max(1);
        let req = TimeStampReq {
            version: TspVersion::V1,
            message_imprint: imprint(&digest)?,
            req_policy: None,
            nonce: Some(Int::new(&nonce).map_err(der_error("the nonce"))?),
            cert_req: true,
            extensions: None,
        };
        let der = req.to_der().map_err(der_error("the request"))?;
        Ok(Request {
            der,
            digest,
            nonce: nonce.to_vec(),
        })
    }

    /// The digest this request asks a token over.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }
}

fn imprint(digest: &[u8; 32]) -> Result<MessageImprint> {
    Ok(MessageImprint {
        hash_algorithm: x509_cert::spki::AlgorithmIdentifier {
            oid: ID_SHA256,
            parameters: Some(der::Any::null()),
        },
        hashed_message: OctetString::new(digest.as_slice()).map_err(der_error("the digest"))?,
    })
}

fn der_error(what: &'static str) -> impl Fn(der::Error) -> Error {
    move |e| Error::Timestamp(format!("cannot encode {what}: {e}"))
}

/// A token a TSA granted, checked against its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// The TSA's whole DER answer, to store as `.tsr`.
    pub der: Vec<u8>,
    /// The token's time (`genTime`).
    pub time: DateTime<Utc>,
    /// Who signed it: the TSA name in the token, else its certificate's subject.
    pub tsa: String,
}

/// What asking one TSA gave, as the journal records it.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A token that passed the strict check, and the file name it is stored under.
    Token {
        url: String,
        file: String,
        der: Vec<u8>,
        time: DateTime<Utc>,
        tsa: String,
    },
    /// No usable token: the TSA is down, refused, or answered wrongly.
    Missing { url: String, reason: String },
}

/// Checks a TSA's answer to `req` strictly: status granted (0, not "granted
/// with modifications"), a signed `TSTInfo` with a SHA-256 imprint equal to the
/// request's, the request's nonce, the signer's certificate inside (certReq),
/// and a signature that certificate's key made. The chain is not checked here
/// (the trust anchors are the verifier's), only that the token is whole.
pub fn check_answer(answer: &[u8], req: &Request) -> Result<Granted> {
    let refuse = |why: String| Error::Timestamp(format!("answer refused: {why}"));
    let parsed = parse(answer).map_err(refuse)?;
    if parsed.nonce.as_deref() != Some(req.nonce.as_slice()) {
        return Err(refuse(match &parsed.nonce {
            Some(n) => format!("nonce {} is not the request's {}", hex(n), hex(&req.nonce)),
            None => "no nonce, the request had one".into(),
        }));
    }
    if parsed.imprint_alg != ID_SHA256 {
        return Err(refuse(format!(
            "imprint algorithm {} is not SHA-256",
            parsed.imprint_alg
        )));
    }
    if parsed.imprint != req.digest {
        return Err(refuse(format!(
            "imprint {} is not the requested {}",
            hex(&parsed.imprint),
            hex(&req.digest)
        )));
    }
    let signer = parsed.check_signature().map_err(refuse)?;
    Ok(Granted {
        der: answer.to_vec(),
        time: parsed.time,
        tsa: parsed.tsa_name(&signer),
    })
}

/// Trust anchors for verifying tokens: certificates from a PEM file
/// (`--tsa-ca`) or the system's bundle.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    certs: Vec<CertificateDer<'static>>,
    /// Where they came from, for messages.
    pub source: String,
}

/// The system's CA bundle (Debian's ca-certificates).
pub const SYSTEM_ROOTS: &str = "/etc/ssl/certs/ca-certificates.crt";

impl Anchors {
    /// Every certificate in a PEM file.
    pub fn from_pem_file(path: &Path) -> Result<Anchors> {
        let bytes = std::fs::read(path).map_err(Error::io("read", path))?;
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
            .filter_map(std::result::Result::ok)
            .collect();
        if certs.is_empty() {
            return Err(Error::Timestamp(format!(
                "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                path.display()
            )));
        }
        Ok(Anchors {
            certs,
            source: path.display().to_string(),
        })
    }

    /// The system's roots, or none if the bundle is not there.
    pub fn system() -> Anchors {
        Anchors::from_pem_file(Path::new(SYSTEM_ROOTS)).unwrap_or_else(|_| Anchors {
            certs: Vec::new(),
            source: format!("{SYSTEM_ROOTS} (missing)"),
        })
    }
}

/// What verifying one stored token found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenCheck {
    /// The token's path, relative to what was verified.
    pub file: String,
    /// What it stamps (`manifest-sha256.txt`, `journal.jsonl line 12`).
    pub over: String,
    /// The token's time, when it could be read.
    pub time: Option<DateTime<Utc>>,
    /// When the stamped thing came to be: the capture start in record.json,
    /// or the journal line's time. The token may not be earlier.
    pub since: Option<DateTime<Utc>>,
    /// The TSA, when it could be read.
    pub tsa: Option<String>,
    /// Everything wrong with it, one sentence each; empty when it verifies.
    pub problems: Vec<String>,
}

/// Verifies a stored token (a DER `TimeStampResp`) over `digest`: granted, the
/// imprint (SHA-256) equal to `digest`, the signed attributes' message digest
/// over the `TSTInfo` and the signature with the signer certificate's key, a
/// chain from the signer (critical timeStamping extended key usage) to one of
/// `anchors` valid at the token's time, and that time not before `not_before`.
pub fn verify_token(
    der: &[u8],
    digest: &[u8],
    anchors: &Anchors,
    not_before: Option<DateTime<Utc>>,
) -> (Option<DateTime<Utc>>, Option<String>, Vec<String>) {
    let mut problems = Vec::new();
    let parsed = match parse(der) {
        Ok(p) => p,
        Err(e) => return (None, None, vec![e]),
    };
    if parsed.imprint_alg != ID_SHA256 {
        problems.push(format!(
            "imprint algorithm {} is not SHA-256",
            parsed.imprint_alg
        ));
    } else if parsed.imprint != digest {
        problems.push(format!(
            "the token is over other data: imprint {}, expected {}",
            hex(&parsed.imprint),
            hex(digest)
        ));
    }
    let mut tsa = None;
    match parsed.check_signature() {
        Err(e) => problems.push(e),
        Ok(signer) => {
            tsa = Some(parsed.tsa_name(&signer));
            if let Err(e) = parsed.check_chain(&signer, anchors) {
                problems.push(e);
            }
        }
    }
    if let Some(start) = not_before {
        // genTime is cut to the TSA's precision (whole seconds, often) and
        // may be off by its stated accuracy: the token is "before" only when
        // even its latest possible time is.
        if parsed.latest() <= start {
            problems.push(format!(
                "token time {} is earlier than the capture start {}",
                parsed.time.to_rfc3339(),
                start.to_rfc3339()
            ));
        }
    }
    (Some(parsed.time), tsa, problems)
}

/// A TSA's answer taken apart.
struct Parsed {
    signed: SignedData,
    info: TstInfo,
    /// The DER `TSTInfo` bytes (the eContent), over which the message digest is.
    info_der: Vec<u8>,
    time: DateTime<Utc>,
    nonce: Option<Vec<u8>>,
    imprint_alg: ObjectIdentifier,
    imprint: Vec<u8>,
}

fn parse(answer: &[u8]) -> std::result::Result<Parsed, String> {
    let resp =
        TimeStampResp::from_der(answer).map_err(|e| format!("not a DER TimeStampResp: {e}"))?;
    let status = resp.status.status;
    if status != cmpv2::status::PkiStatus::Accepted {
        let text = resp
            .status
            .status_string
            .as_ref()
            .map(|s| {
                s.iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        return Err(format!("status {status:?}, not granted {text}")
            .trim_end()
            .to_string());
    }
    let token: ContentInfo = resp.time_stamp_token.ok_or("status granted but no token")?;
    if token.content_type != ID_SIGNED_DATA {
        return Err(format!(
            "the token is {}, not CMS SignedData",
            token.content_type
        ));
    }
    let signed: SignedData = token
        .content
        .decode_as()
        .map_err(|e| format!("the token's SignedData does not parse: {e}"))?;
    if signed.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(format!(
            "the token signs {}, not a TSTInfo",
            signed.encap_content_info.econtent_type
        ));
    }
    let econtent = signed
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("the token has no TSTInfo inside")?;
    let info_der = econtent
        .decode_as::<OctetString>()
        .map_err(|e| format!("the TSTInfo is not in an OCTET STRING: {e}"))?
        .into_bytes();
    let info =
        TstInfo::from_der(&info_der).map_err(|e| format!("the TSTInfo does not parse: {e}"))?;
    let secs = info.gen_time.to_unix_duration();
    let time = DateTime::<Utc>::from_timestamp(
        i64::try_from(secs.as_secs()).unwrap_or(i64::MAX),
        secs.subsec_nanos(),
    )
    .ok_or("the token's time is out of range")?;
    Ok(Parsed {
        nonce: info.nonce.as_ref().map(|n| n.as_bytes().to_vec()),
        imprint_alg: info.message_imprint.hash_algorithm.oid,
        imprint: info.message_imprint.hashed_message.as_bytes().to_vec(),
        signed,
        info,
        info_der,
        time,
    })
}

impl Parsed {
    /// The latest moment the token's time can stand for: `genTime` plus the
    /// second its whole-second precision leaves open, plus its accuracy.
    fn latest(&self) -> DateTime<Utc> {
        let accuracy = self.info.accuracy.as_ref().map_or(0, |a| {
            let secs = i64::try_from(a.seconds.unwrap_or(0)).unwrap_or(i64::MAX / 2_000_000);
            secs.saturating_mul(1_000_000)
                + i64::from(a.millis.unwrap_or(0)) * 1_000
                + i64::from(a.micros.unwrap_or(0))
        });
        self.time
            + chrono::Duration::seconds(1)
            + chrono::Duration::microseconds(accuracy.clamp(0, 86_400_000_000))
    }

    fn certificates(&self) -> Vec<&Certificate> {
        self.signed
            .certificates
            .as_ref()
            .map(|set| {
                set.0
                    .iter()
                    .filter_map(|c| match c {
                        cms::cert::CertificateChoices::Certificate(c) => Some(c),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn signer_info(&self) -> std::result::Result<&SignerInfo, String> {
        let infos = &self.signed.signer_infos.0;
        if infos.len() != 1 {
            return Err(format!(
                "the token has {} signers, expected one",
                infos.len()
            ));
        }
        infos.iter().next().ok_or_else(|| "no signer".to_string())
    }

    /// The signer's certificate, found in the token by the signer identifier.
    fn signer_cert(&self, si: &SignerInfo) -> std::result::Result<Certificate, String> {
        let found = self.certificates().into_iter().find(|c| match &si.sid {
            SignerIdentifier::IssuerAndSerialNumber(ias) => {
                c.tbs_certificate.issuer == ias.issuer
                    && c.tbs_certificate.serial_number == ias.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                c.tbs_certificate.extensions.iter().flatten().any(|e| {
                    e.extn_id == ID_CE_SUBJECT_KEY_ID
                        && OctetString::from_der(e.extn_value.as_bytes())
                            .is_ok_and(|v| v.as_bytes() == ski.0.as_bytes())
                })
            }
        });
        found.cloned().ok_or_else(|| {
            "the token does not carry its signer's certificate (the TSA ignored certReq)"
                .to_string()
        })
    }

    /// Checks the signed attributes (content type, message digest over the
    /// TSTInfo) and the signature with the signer certificate's key; returns
    /// the signer certificate.
    fn check_signature(&self) -> std::result::Result<Certificate, String> {
        let si = self.signer_info()?;
        let cert = self.signer_cert(si)?;
        let attrs = si
            .signed_attrs
            .as_ref()
            .ok_or("the signer has no signed attributes")?;
        let attr = |oid: ObjectIdentifier| {
            let mut values = attrs
                .iter()
                .filter(|a| a.oid == oid)
                .flat_map(|a| a.values.iter());
            match (values.next(), values.next()) {
                (Some(v), None) => Some(v),
                _ => None,
            }
        };
        let content_type = attr(ID_CONTENT_TYPE)
            .and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
            .ok_or("the signed attributes have no single content type")?;
        if content_type != ID_CT_TST_INFO {
            return Err(format!(
                "the signed content type {content_type} is not TSTInfo"
            ));
        }
        let want = attr(ID_MESSAGE_DIGEST)
            .and_then(|v| v.decode_as::<OctetString>().ok())
            .ok_or("the signed attributes have no single message digest")?;
        let digest_alg = si.digest_alg.oid;
        let got = digest_with(digest_alg, &self.info_der)
            .ok_or_else(|| format!("unsupported digest algorithm {digest_alg}"))?;
        if got != want.as_bytes() {
            return Err(format!(
                "the signed message digest {} is not the TSTInfo's {}: the token was altered",
                hex(want.as_bytes()),
                hex(&got)
            ));
        }
        let signed_bytes = attrs
            .to_der()
            .map_err(|e| format!("cannot encode the signed attributes: {e}"))?;
        let cert_der = cert
            .to_der()
            .map_err(|e| format!("cannot encode the signer's certificate: {e}"))?;
        let cert_der = CertificateDer::from(cert_der);
        let ee = webpki::EndEntityCert::try_from(&cert_der)
            .map_err(|e| format!("the signer's certificate does not parse: {e}"))?;
        let algs = signature_algorithms(si.signature_algorithm.oid, digest_alg);
        if algs.is_empty() {
            return Err(format!(
                "unsupported signature algorithm {}",
                si.signature_algorithm.oid
            ));
        }
        let signature = si.signature.as_bytes();
        if algs
            .iter()
            .any(|alg| ee.verify_signature(*alg, &signed_bytes, signature).is_ok())
        {
            Ok(cert)
        } else {
            Err("the signature does not verify with the signer certificate's key: the token was altered".into())
        }
    }

    /// Checks the chain from the signer to `anchors` at the token's time, with
    /// the timeStamping extended key usage, critical, on the signer.
    fn check_chain(
        &self,
        signer: &Certificate,
        anchors: &Anchors,
    ) -> std::result::Result<(), String> {
        let critical_eku = signer
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .any(|e| e.extn_id == ID_CE_EXT_KEY_USAGE && e.critical);
        if !critical_eku {
            return Err(
                "the signer's certificate lacks the critical timeStamping extended key usage RFC 3161 requires".into(),
            );
        }
        let signer_der = CertificateDer::from(signer.to_der().map_err(|e| e.to_string())?);
        let ee = webpki::EndEntityCert::try_from(&signer_der).map_err(|e| e.to_string())?;
        let intermediates: Vec<CertificateDer<'static>> = self
            .certificates()
            .into_iter()
            .filter(|c| *c != signer)
            .filter_map(|c| c.to_der().ok().map(CertificateDer::from))
            .collect();
        let trust: Vec<rustls_pki_types::TrustAnchor<'_>> = anchors
            .certs
            .iter()
            .filter_map(|c| webpki::anchor_from_trusted_cert(c).ok())
            .collect();
        if trust.is_empty() {
            return Err(format!(
                "no trust anchors to check the TSA's chain against ({}); pass --tsa-ca FILE",
                anchors.source
            ));
        }
        let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            u64::try_from(self.time.timestamp()).unwrap_or(0),
        ));
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &trust,
            &intermediates,
            at,
            webpki::KeyUsage::required(KP_TIME_STAMPING),
            None,
            None,
        )
        .map(|_| ())
        .map_err(|e| {
            format!(
                "the TSA's certificate does not chain to a trust anchor in {} at the token's time ({e:?})",
                anchors.source
            )
        })
    }

    fn tsa_name(&self, signer: &Certificate) -> String {
        match &self.info.tsa {
            Some(x509_cert::ext::pkix::name::GeneralName::DirectoryName(n)) => n.to_string(),
            Some(x509_cert::ext::pkix::name::GeneralName::DnsName(n)) => n.to_string(),
            Some(x509_cert::ext::pkix::name::GeneralName::UniformResourceIdentifier(n)) => {
                n.to_string()
            }
            _ => signer.tbs_certificate.subject.to_string(),
        }
    }
}

fn digest_with(alg: ObjectIdentifier, bytes: &[u8]) -> Option<Vec<u8>> {
    Some(match alg {
        a if a == ID_SHA256 => sha2::Sha256::digest(bytes).to_vec(),
        a if a == ID_SHA384 => sha2::Sha384::digest(bytes).to_vec(),
        a if a == ID_SHA512 => sha2::Sha512::digest(bytes).to_vec(),
        _ => return None,
    })
}

/// The webpki algorithms a CMS signature algorithm (and digest) may be.
fn signature_algorithms(
    sig: ObjectIdentifier,
    digest: ObjectIdentifier,
) -> Vec<&'static dyn rustls_pki_types::SignatureVerificationAlgorithm> {
    use webpki::ring as r;
    let hash = match sig {
        s if s == SHA256_WITH_RSA || s == ECDSA_SHA256 => ID_SHA256,
        s if s == SHA384_WITH_RSA || s == ECDSA_SHA384 => ID_SHA384,
        s if s == SHA512_WITH_RSA || s == ECDSA_SHA512 => ID_SHA512,
        _ => digest,
    };
    let rsa = sig == RSA_ENCRYPTION
        || sig == SHA256_WITH_RSA
        || sig == SHA384_WITH_RSA
        || sig == SHA512_WITH_RSA;
    let ecdsa = sig == ECDSA_SHA256 || sig == ECDSA_SHA384 || sig == ECDSA_SHA512;
    match (rsa, ecdsa, hash) {
        (true, _, h) if h == ID_SHA256 => vec![r::RSA_PKCS1_2048_8192_SHA256],
        (true, _, h) if h == ID_SHA384 => vec![r::RSA_PKCS1_2048_8192_SHA384],
        (true, _, h) if h == ID_SHA512 => vec![r::RSA_PKCS1_2048_8192_SHA512],
        (_, true, h) if h == ID_SHA256 => vec![r::ECDSA_P256_SHA256, r::ECDSA_P384_SHA256],
        (_, true, h) if h == ID_SHA384 => vec![r::ECDSA_P384_SHA384, r::ECDSA_P256_SHA384],
        _ => Vec::new(),
    }
}

fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

/// A safe file name for a TSA's token: its host (and port), e.g.
/// `freetsa.org.tsr`, `127.0.0.1-8080.tsr`.
pub fn token_file_name(tsa_url: &str) -> String {
    let host = url::Url::parse(tsa_url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}-{p}"),
                None => h.to_string(),
            })
        })
        .unwrap_or_else(|| "tsa".into());
    let safe: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{}.tsr", safe.trim_matches('.'))
}

/// The SHA-256 of a file as 32 bytes.
pub fn sha256_of(path: &Path) -> Result<[u8; 32]> {
    let bytes = std::fs::read(path).map_err(Error::io("read", path))?;
    Ok(sha2::Sha256::digest(&bytes).into())
}
