//! What `#[metric]` on a static and `#[derive(Metrics)]` on a group share: one
//! instrument declaration, read in `arguments` (its kind from the declared type, its
//! `#[metric(...)]` options), checked in `validation` (the naming rules, each option
//! against the kind) and turned into code in `expansion` (storage, constructor,
//! budget assertion, scrape-time source, metadata, name claim). `native` reads, checks
//! and expands a histogram's native buckets (also for `#[timed(name = ...)]`).

mod arguments;
mod expansion;
mod native;
mod validation;

pub(crate) use arguments::{instrument_kind, InstrumentOptions};
pub(crate) use expansion::{meta_expr, NameClaims};
pub(crate) use native::NativeOptions;
pub(crate) use validation::{Instrument, NameSource};
