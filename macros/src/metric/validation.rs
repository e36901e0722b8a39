//! Checks of a `#[metric]` static beyond its instrument's: the static itself, its
//! name's source, its doc comment, and options given to a group static.

use proc_macro2::Span;
use quote::{quote, ToTokens};

use super::arguments::MetricStatic;
use crate::common::{doc_text, tokens_text};
use crate::errors::Errors;
use crate::instrument::{InstrumentOptions, NameSource};

/// A `mut` static or one with a value: reported, then expanded as if written right.
pub(super) fn check_static(item: &MetricStatic, errors: &mut Errors) {
    if let Some(mutability) = &item.mutability {
        errors.error(
            mutability,
            "a metric static cannot be `mut`: instruments update through shared references, remove `mut`",
        );
    }
    if let Some((eq, value)) = &item.initializer {
        let MetricStatic { ident, ty, .. } = item;
        errors.error(
            quote!(#eq #value),
            format!(
                "`#[metric]` builds the instrument itself: remove `= {}` and write `static {ident}: {};`",
                tokens_text(value),
                tokens_text(ty)
            ),
        );
    }
}

/// The metric's name, where it came from, and the span its name claim goes on:
/// `name = "..."`, or the static's ident in lower case.
pub(super) fn metric_name<'a>(
    item: &'a MetricStatic,
    name: Option<&'a syn::LitStr>,
) -> (String, NameSource<'a>, Span) {
    match name {
        Some(literal) => (literal.value(), NameSource::Literal(literal), literal.span()),
        None => {
            let ident = &item.ident;
            let name = ident.to_string().trim_start_matches("r#").to_lowercase();
            (name, NameSource::StaticIdent(ident), ident.span())
        }
    }
}

/// The HELP text: the static's doc comment, which is required.
pub(super) fn help(item: &MetricStatic, name: &str, errors: &mut Errors) -> String {
    doc_text(&item.attrs).unwrap_or_else(|| {
        errors.error(
            &item.ident,
            format!("metric `{name}` needs a doc comment, which becomes its HELP text: add `/// What {name} measures.` above the static"),
        );
        String::new()
    })
}

/// A group static takes only `crate`: every instrument option goes on a field.
pub(super) fn check_group_options(ty: &syn::Type, options: &InstrumentOptions, errors: &mut Errors) {
    let given = [
        ("name", options.name.as_ref().map(ToTokens::to_token_stream)),
        ("buckets", options.buckets.as_ref().map(|buckets| buckets.key.to_token_stream())),
        ("max_series", options.max_series.as_ref().map(ToTokens::to_token_stream)),
        ("callback", options.callback.as_ref().map(|(key, _)| key.to_token_stream())),
        ("collector", options.collector.as_ref().map(|(key, _)| key.to_token_stream())),
        ("labels", options.info_labels.as_ref().map(|(key, _)| key.to_token_stream())),
        ("multiprocess", options.multiprocess.as_ref().map(|(key, _)| key.to_token_stream())),
    ];
    for (option, tokens) in given {
        let Some(tokens) = tokens else { continue };
        let advice = match option {
            "name" => "its metrics are named by its fields: give them a common start with `#[metrics(prefix = \"...\")]` on the struct, or rename one with `#[metric(name = \"...\")]` on its field".to_owned(),
            "labels" => "write `#[metric(labels(...))]` on the `Info` field it is for".to_owned(),
            _ => format!("write `#[metric({option} = ...)]` on the field it is for"),
        };
        errors.error(
            tokens,
            format!("`{option}` does not apply to `{}`, a metric group: {advice}", tokens_text(ty)),
        );
    }
}
