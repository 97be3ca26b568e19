//! E-ARK SIP delivery (CSIP 2.1.0 + SIP 2.1.0, which Swedish e-archives know
//! as FGS Paketstruktur 2.0): [`write_sip`] writes one period's records as a
//! package, [`verify_package`] checks any package against its METS files.
//!
//! The package: `<OBJID>/METS.xml`, Dublin Core descriptions of the delivery
//! and of each record in `metadata/descriptive/`, PREMIS (fixity of every
//! file, the journal's events) in `metadata/preservation/`, one
//! representation per record in `representations/` (the sealed record
//! directory byte for byte under `data/`, with its own `METS.xml` and
//! PREMIS), the XML schemas in `schemas/` and the delivery list and
//! `forteckning.csv` in `documentation/`. Nothing here knows Chromium, PDF
//! internals or clap.

mod check;
mod write;
mod xml;

use std::path::PathBuf;

pub use check::{looks_like_package, verify_package};
pub use write::{
    data_dir, mime_type, object_id, representation_name, uuid_v5, write_sip, Delivery, DocFile,
    Written, CONTENT_CATEGORY, CONTENT_INFORMATION_TYPE, SCHEMAS,
};

/// The METS namespace.
pub const METS_NS: &str = "http://www.loc.gov/METS/";
/// The XLink namespace METS uses for `href`.
pub const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
/// The DILCIS CSIP extension namespace (`csip:` attributes).
pub const CSIP_NS: &str = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS";
/// The DILCIS SIP extension namespace (`sip:` attributes).
pub const SIP_NS: &str = "https://DILCIS.eu/XML/METS/SIPExtensionMETS";
/// `mets/@PROFILE` of an E-ARK SIP 2.1.0 (SIP2). The specification names the
/// unversioned profile URL; the reference validator commons-ip checks SIP 2.1.0
/// packages for this versioned one (the same profile document), so we write it.
pub const SIP_PROFILE: &str = "https://earksip.dilcis.eu/profile/E-ARK-SIP-v2-1-0.xml";
/// The unversioned SIP profile URL the specification text gives.
pub const SIP_PROFILE_UNVERSIONED: &str = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml";

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong writing or reading a package.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("cannot {action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The package directory is already there; a delivery is written once.
    #[error("{} exists; a delivery is written once (the package id comes from its content, so this period was delivered with the same records already)", .0.display())]
    Exists(PathBuf),
    /// A sealed file no longer matches its manifest: nothing is delivered.
    #[error("{} changed since it was sealed (SHA-256 {actual}, manifest says {expected}); run `ogonblick verify` on the archive, nothing was delivered", path.display())]
    SealedFileChanged {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    /// From the archive.
    #[error(transparent)]
    Registry(#[from] registry::Error),
}

impl Error {
    /// `map_err` helper: `.map_err(Error::io("read", &path))`.
    pub fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    }
}

/// Where a package written by [`write_sip`] keeps what the deep check of a
/// delivery reads ([`registry::delivered::check_delivery`]): each
/// representation's `data/` (a sealed record folder byte for byte),
/// `documentation/journal.jsonl`, `documentation/timestamps/` and
/// `documentation/forteckning.csv`. `None` for a package that holds no
/// journal and no record folder (not one of ours).
pub fn delivery_layout(package: &std::path::Path) -> Option<registry::delivered::DeliveryLayout> {
    use registry::delivered::{DeliveredRecord, DeliveryLayout, FORTECKNING};
    let docs = package.join("documentation");
    let mut records = Vec::new();
    let mut reps: Vec<_> = std::fs::read_dir(package.join("representations"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    reps.sort();
    for rep in reps {
        // Every representation of one of ours is a record, named after its
        // id (`2026-H1_x` holds 2026-H1/x): one without a manifest, or whose
        // record names itself otherwise, is a finding, never skipped.
        let dir = package.join("representations").join(&rep).join("data");
        let label = format!("representations/{rep}/data/");
        records.push(DeliveredRecord {
            listed_as: format!("{label}snapshot.pdf"),
            label,
            dir,
            placed_id: Some(rep.replacen('_', "/", 1)),
        });
    }
    let journal = docs.join("journal.jsonl");
    let ours = journal.exists()
        || records
            .iter()
            .any(|r| r.dir.join(registry::archive::MANIFEST).is_file());
    if !ours {
        return None;
    }
    let csv = docs.join(FORTECKNING);
    Some(DeliveryLayout {
        records,
        journal: (journal, "documentation/journal.jsonl".into()),
        timestamps: (docs.join("timestamps"), "documentation/timestamps/".into()),
        forteckning: csv
            .is_file()
            .then(|| (csv, format!("documentation/{FORTECKNING}"))),
        period: None,
        record_prefix: None,
    })
}

#[cfg(test)]
mod tests;
