//! The bad day: kills, browser faults, a full disk, bad input and secrets (issue 7).
