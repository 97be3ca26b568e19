//! The crate's one error type.

use std::path::PathBuf;
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong while finding, launching or driving Chromium.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No Chromium binary was found.
    #[error(
        "no Chromium browser found (looked for {tried}); install it with `apt-get install chromium`, \
         or pass --chrome PATH or set $CHROME to the browser binary"
    )]
    BrowserNotFound { tried: String },
    /// The binary exists but did not start as a DevTools browser.
    #[error(
        "could not launch Chromium at {path}; check that it runs (`{path} --version`), \
         or install it with `apt-get install chromium`"
    )]
    Launch {
        path: PathBuf,
        #[source]
        source: BoxError,
    },
    /// A URL that is not a well-formed http(s) URL.
    #[error("refusing to capture {url:?}: {reason}; only http:// and https:// URLs are captured")]
    BadUrl { url: String, reason: String },
    /// A cookie file that cannot be read. Never carries a cookie value.
    #[error("cannot use cookie file {path}{}: {reason}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Cookies {
        path: PathBuf,
        line: Option<usize>,
        reason: String,
    },
    /// The browser process died or closed the DevTools connection.
    #[error("the browser crashed or was killed while {during}")]
    BrowserCrashed {
        during: String,
        #[source]
        source: Option<BoxError>,
    },
    /// The page could not be loaded at all (DNS, refused, reset, redirect loop).
    #[error("could not load {url}: {reason}")]
    Navigation { url: String, reason: String },
    /// The page's own tab died under the capture: its renderer crashed (a
    /// page that allocates until it runs out of memory) or the target was
    /// closed. The browser itself is fine.
    #[error("the page's tab {what} while {during}")]
    TabGone { during: String, what: String },
    /// The page's overall time budget (`--timeout`) ran out and not even
    /// its first screen could be saved.
    #[error("the page's time budget of {} s ran out while {step}, and its first screen could not be saved either", budget.as_secs())]
    OutOfTime { step: String, budget: Duration },
    /// A step took longer than allowed.
    #[error("{step} did not finish within {} s", after.as_secs_f64())]
    Timeout { step: String, after: Duration },
    /// A DevTools call failed for another reason.
    #[error("browser call failed while {during}")]
    Protocol {
        during: String,
        #[source]
        source: BoxError,
    },
    /// Writing the capture files failed.
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Chromium returned a screenshot that is not a usable PNG.
    #[error("screenshot {path} from the browser is not a usable PNG: {reason}")]
    Image { path: PathBuf, reason: String },
}

impl Error {
    /// The browser is gone: the session is useless and the caller must not
    /// keep a partial record.
    pub fn is_browser_gone(&self) -> bool {
        matches!(self, Error::BrowserCrashed { .. })
    }

    /// The page itself killed its tab, in a fresh tab too: retrying the
    /// page later cannot help, the account is recorded as failed at once.
    pub fn is_page_fatal(&self) -> bool {
        matches!(self, Error::TabGone { .. })
    }

    /// The problem is with the setup (no browser, bad URL, bad cookie file),
    /// not with one page: the CLI exits 2.
    pub fn is_setup(&self) -> bool {
        matches!(
            self,
            Error::BrowserNotFound { .. }
                | Error::Launch { .. }
                | Error::BadUrl { .. }
                | Error::Cookies { .. }
        )
    }
}
