//! What `#[derive(LabelSet)]` reads: `#[label(crate = path)]` on the struct,
//! `#[label(name = "...")]` on a field.

use crate::errors::Errors;
use crate::options::{string_option, OptionParser};

/// The struct's `#[label(crate = path)]`.
pub(super) fn runtime_override(attrs: &[syn::Attribute], errors: &mut Errors) -> Option<syn::Path> {
    let mut runtime = None;
    OptionParser::new("`#[label]` on a label set", &["crate"]).parse_attributes(
        attrs,
        "label",
        errors,
        &mut |_, meta, _| {
            runtime = Some(meta.value()?.parse()?);
            Ok(())
        },
    );
    runtime
}

/// A field's `#[label(name = "...")]`.
pub(super) fn field_rename(field: &syn::Field, errors: &mut Errors) -> Option<syn::LitStr> {
    string_option(&field.attrs, "label", "field `#[label]`", "name", errors)
}
