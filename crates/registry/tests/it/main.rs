//! Integration tests of the registry crate.
