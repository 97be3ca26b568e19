//! Test-only fault injection: a crash at a named point, for the fault suite.
//!
//! `OGONBLICK_FAULT=<point>` makes the process kill itself with SIGKILL the
//! first time it reaches `<point>`; `OGONBLICK_FAULT=<point>@<n>` the n-th
//! time. No destructor runs, no buffer is flushed, no lock is released
//! politely: exactly what a power cut or `kill -9` leaves behind. When the
//! variable is unset (every real run) each point costs one read of a
//! `OnceLock`. The points are listed in [`POINTS`]; `tests/it/faults.rs`
//! kills a run at each of them and checks that a rerun repairs everything.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Every named point, in the order a capture reaches them.
pub const POINTS: &[&str] = &[
    "capture.staged",
    "seal.begin",
    "seal.mid_write",
    "seal.before_rename",
    "seal.after_rename",
    "journal.before_append",
    "journal.mid_append",
    "journal.after_append",
    "deliver.mid_copy",
    "deliver.before_rename",
    "deliver.after_rename",
];

struct Armed {
    point: String,
    nth: u64,
    seen: AtomicU64,
}

fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let spec = std::env::var("OGONBLICK_FAULT").ok()?;
            let (point, nth) = match spec.split_once('@') {
                Some((p, n)) => (p.to_string(), n.parse().unwrap_or(1)),
                None => (spec, 1),
            };
            Some(Armed {
                point,
                nth,
                seen: AtomicU64::new(0),
            })
        })
        .as_ref()
}

/// Whether reaching `point` now is the crash the environment asked for.
/// Counts the visit; a caller that gets `true` does its half-done work and
/// then calls [`die`].
pub fn due(point: &str) -> bool {
    match armed() {
        Some(a) if a.point == point => a.seen.fetch_add(1, Ordering::SeqCst) + 1 == a.nth,
        _ => false,
    }
}

/// Dies at `point` if the environment asked for it.
pub fn point(point: &str) {
    if due(point) {
        die(point);
    }
}

/// SIGKILLs this process (through `kill -9`, since the crate forbids
/// `unsafe`); aborts if that fails. Never returns.
pub fn die(point: &str) -> ! {
    eprintln!("OGONBLICK_FAULT: killing myself at {point}");
    let pid = std::process::id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status();
    // The signal is asynchronous; wait for it, then give up and abort.
    std::thread::sleep(std::time::Duration::from_secs(5));
    std::process::abort()
}
