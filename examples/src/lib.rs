//! Shared scenarios for the examples (`cargo run --example NAME`) and the integration
//! tests that exercise them.
#![deny(unsafe_code)] // not `forbid`: #[metric] must allow its link-section registration locally
#![deny(missing_docs)]

pub mod batch;
pub mod cli;
pub mod shop;
pub mod web;
pub mod worker;
