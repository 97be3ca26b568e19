//! Capturing account pages in real Chromium: the only crate that knows the browser.
//!
//! [`Session`] runs one headless Chromium; [`Session::capture`] opens a page in
//! a new tab, makes it look like a person would see it (consent dialogs
//! dismissed, lazy images loaded, collapsed comments expanded), and writes
//! screenshot tiles, the DOM's text runs, an MHTML snapshot and the page's
//! HTTP exchange as a WARC file into a record directory. What the page turned out to be (status, obstructions, summary)
//! comes back as [`model::PageFacts`].

mod cookies;
mod declared;
mod depth;
mod devtools;
mod error;
mod options;
mod page;
mod png_out;
mod posts;
mod protocol;
mod tiles;
mod url_check;
pub mod warc;

pub use cookies::{cookie_file_warning, load_cookies, Cookie};
pub use devtools::{check_browser, find_chrome, keeps_sandbox, Session};
pub use error::Error;
pub use options::{Options, PageCapture, PageDir, PagePosts, Since};
pub use posts::{normalise, text_id};
pub use url_check::validate_url;
