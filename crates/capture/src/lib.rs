//! Capturing account pages in real Chromium: the only crate that knows the browser.
