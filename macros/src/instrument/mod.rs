//! What `#[metric]` on a static and `#[derive(Metrics)]` on a group share: one
//! instrument declaration, read in `arguments` (its kind from the declared type, its
//! `#[metric(...)]` options), checked in `validation` (the naming rules, each option
//! against the kind) and turned into code in `expansion` (storage, constructor,
//! budget assertion, scrape-time source, metadata, name claim).

mod arguments;
mod expansion;
mod validation;

pub(crate) use arguments::{instrument_kind, InstrumentOptions};
pub(crate) use expansion::{meta_expr, NameClaims};
pub(crate) use validation::{Instrument, NameSource};
