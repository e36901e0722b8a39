//! What `#[derive(Metrics)]` reads from the struct's attributes: `#[metrics(prefix =
//! "...", crate = path)]`. Each field's `#[metric(...)]` is an instrument's options.

use crate::errors::Errors;
use crate::options::{string_value, OptionParser};

/// The options of `#[metrics(...)]`.
pub(super) struct GroupArgs {
    pub(super) prefix: Option<syn::LitStr>,
    pub(super) runtime: Option<syn::Path>,
}

impl GroupArgs {
    pub(super) fn parse(attrs: &[syn::Attribute], errors: &mut Errors) -> Self {
        let mut args = GroupArgs { prefix: None, runtime: None };
        OptionParser::new("`#[metrics]`", &["prefix", "crate"]).parse_attributes(
            attrs,
            "metrics",
            errors,
            &mut |key, meta, _| {
                match key {
                    "prefix" => args.prefix = Some(string_value(meta)?),
                    _ => args.runtime = Some(meta.value()?.parse()?),
                }
                Ok(())
            },
        );
        args
    }
}
