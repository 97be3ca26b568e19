//! End-to-end tests of the `ogonblick` binary: each runs the real binary in a
//! fresh temp dir, against the fixture site on 127.0.0.1 and the real Chromium.

mod a11y;
mod changes;
mod coverage;
mod declared;
mod eark;
mod extract;
mod faults;
mod harness;
mod help;
mod hostile;
mod notify;
mod overview;
mod pipeline;
mod preflight;
mod register;
mod search;
mod snapshots;
mod text;
mod timestamps;
mod verify;
mod warc;
