//! End-to-end tests of the `ogonblick` binary.
