//! Integration tests of the pdfa crate against real validators and renderers.

mod checker;
mod common;
mod cover;
mod documents;
mod excerpt;
mod text_layer;
