//! What `#[derive(LabelValue)]` reads: `#[label(name = "...", crate = path)]` on the
//! enum, `#[label(rename = "...")]` on a variant.

use crate::errors::Errors;
use crate::options::{string_option, string_value, OptionParser};

/// The options of the enum's `#[label(...)]`.
pub(super) struct EnumArgs {
    pub(super) label_name: Option<syn::LitStr>,
    pub(super) runtime: Option<syn::Path>,
}

impl EnumArgs {
    pub(super) fn parse(attrs: &[syn::Attribute], errors: &mut Errors) -> Self {
        const MISPLACED: &[(&str, &str)] = &[(
            "rename",
            "`rename` goes on a variant; on the enum, `#[label(name = \"...\")]` names the label",
        )];
        let mut args = EnumArgs { label_name: None, runtime: None };
        OptionParser::new("`#[label]`", &["name", "crate"]).with_misplaced(MISPLACED).parse_attributes(
            attrs,
            "label",
            errors,
            &mut |key, meta, _| {
                match key {
                    "name" => args.label_name = Some(string_value(meta)?),
                    _ => args.runtime = Some(meta.value()?.parse()?),
                }
                Ok(())
            },
        );
        args
    }
}

/// A variant's `#[label(rename = "...")]`.
pub(super) fn variant_rename(variant: &syn::Variant, errors: &mut Errors) -> Option<syn::LitStr> {
    string_option(&variant.attrs, "label", "variant `#[label]`", "rename", errors)
}
