//! Acceptance tests: real Chromium against the fixture server.
//!
//! Browser tests take a global lock so only one Chromium works at a time
//! (CI has two cores); each test launches its own session so no browser
//! outlives the test binary.

mod common;

mod bands;
mod depth;
mod errors;
mod hostile;
mod layouts;
mod platforms;
mod posts;
mod sessions;
mod tall;
