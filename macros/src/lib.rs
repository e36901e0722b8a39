//! Procedural macros for `metricsmith`. Use them through the `metricsmith` crate, which
//! re-exports them and documents them with examples: [`metric`], [`timed`],
//! [`counted`], [`in_flight`] and the derives `LabelValue`, `LabelSet` and `Metrics`.
//!
//! This file holds the entry points only. Each macro has its own folder, split into
//! `arguments` (what it reads) → `validation` (every problem, reported together) →
//! `expansion` (the generated code): `metric/`, `metrics_group/` (`derive(Metrics)`),
//! `label_value/`, `label_set/`, `function/` (`#[timed]`, `#[counted]`,
//! `#[in_flight]`); `instrument/` is what `#[metric]` and `derive(Metrics)` share.
//! Below them sit leaves: `options` (the one attribute-option parser), `buckets`,
//! `common` and `errors`. Every naming rule lives once, in the `metricsmith-naming`
//! crate, which the runtime uses too.
#![forbid(unsafe_code)]

mod buckets;
mod common;
mod errors;
mod function;
mod instrument;
mod label_set;
mod label_value;
mod metric;
mod metrics_group;
mod options;

use proc_macro::TokenStream;

/// `#[metric]`, implemented here and documented, with every option and examples, where
/// `metricsmith` re-exports it.
#[proc_macro_attribute]
pub fn metric(args: TokenStream, item: TokenStream) -> TokenStream {
    metric::expand(args.into(), item.into()).into()
}

/// `#[timed]`, implemented here and documented, with every option and examples, where
/// `metricsmith` re-exports it.
#[proc_macro_attribute]
pub fn timed(args: TokenStream, item: TokenStream) -> TokenStream {
    function::expand(function::Kind::Timed, args.into(), item.into()).into()
}

/// `#[counted]`, implemented here and documented, with every option and examples,
/// where `metricsmith` re-exports it.
#[proc_macro_attribute]
pub fn counted(args: TokenStream, item: TokenStream) -> TokenStream {
    function::expand(function::Kind::Counted, args.into(), item.into()).into()
}

/// `#[in_flight]`, implemented here and documented, with every option and examples,
/// where `metricsmith` re-exports it.
#[proc_macro_attribute]
pub fn in_flight(args: TokenStream, item: TokenStream) -> TokenStream {
    function::expand(function::Kind::InFlight, args.into(), item.into()).into()
}

/// `derive(LabelValue)`, implemented here and documented, with every option and
/// examples, where `metricsmith` re-exports it.
#[proc_macro_derive(LabelValue, attributes(label))]
pub fn derive_label_value(item: TokenStream) -> TokenStream {
    match syn::parse(item) {
        Ok(input) => label_value::derive(input).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// `derive(LabelSet)`, implemented here and documented, with every option and examples,
/// where `metricsmith` re-exports it.
#[proc_macro_derive(LabelSet, attributes(label))]
pub fn derive_label_set(item: TokenStream) -> TokenStream {
    match syn::parse(item) {
        Ok(input) => label_set::derive(input).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// `derive(Metrics)`, implemented here and documented, with every option and examples,
/// where `metricsmith` re-exports it.
#[proc_macro_derive(Metrics, attributes(metrics, metric))]
pub fn derive_metrics(item: TokenStream) -> TokenStream {
    match syn::parse(item) {
        Ok(input) => metrics_group::derive(input).into(),
        Err(error) => error.to_compile_error().into(),
    }
}

#[cfg(test)]
mod duplicate_option_tests;
#[cfg(test)]
mod expansion_tests;
