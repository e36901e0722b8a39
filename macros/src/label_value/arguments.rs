//! What `#[derive(LabelValue)]` reads: `#[label(name = "...", capacity = N, crate = path)]`
//! on the type (`capacity` only on a struct of values registered at run time),
//! `#[label(rename = "...")]` on an enum's variant.

use crate::errors::Errors;
use crate::options::{string_option, string_value, OptionParser};

/// The options of the type's `#[label(...)]`.
pub(super) struct LabelArgs {
    pub(super) label_name: Option<syn::LitStr>,
    /// `capacity = N`: the most values registered at run time.
    pub(super) capacity: Option<syn::LitInt>,
    pub(super) runtime: Option<syn::Path>,
}

impl LabelArgs {
    pub(super) fn parse(attrs: &[syn::Attribute], errors: &mut Errors) -> Self {
        const MISPLACED: &[(&str, &str)] = &[(
            "rename",
            "`rename` goes on a variant; on the enum, `#[label(name = \"...\")]` names the label",
        )];
        let mut args = LabelArgs { label_name: None, capacity: None, runtime: None };
        OptionParser::new("`#[label]`", &["name", "capacity", "crate"])
            .with_misplaced(MISPLACED)
            .parse_attributes(attrs, "label", errors, &mut |key, meta, _| {
                match key {
                    "name" => args.label_name = Some(string_value(meta)?),
                    "capacity" => args.capacity = Some(meta.value()?.parse()?),
                    _ => args.runtime = Some(meta.value()?.parse()?),
                }
                Ok(())
            });
        args
    }
}

/// A variant's `#[label(rename = "...")]`.
pub(super) fn variant_rename(variant: &syn::Variant, errors: &mut Errors) -> Option<syn::LitStr> {
    string_option(&variant.attrs, "label", "variant `#[label]`", "rename", errors)
}
