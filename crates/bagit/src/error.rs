//! The crate's one error type.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file system operation failed.
    #[error("cannot {action} {}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The output of [`crate::write_bag`] exists already.
    #[error("{} already exists; choose a new --out directory (a delivery is never written over an old one)", .0.display())]
    OutputExists(PathBuf),
    /// A payload path that would leave `data/` or is not portable.
    #[error("invalid payload path `{0}`: must be relative, use `/`, and contain no `..`, `.` or empty parts")]
    BadPayloadPath(String),
}

impl Error {
    pub(crate) fn io(
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
