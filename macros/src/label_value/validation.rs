//! Checks a `#[derive(LabelValue)]` enum: fieldless, not generic, not empty, distinct
//! rendered values, and a label name that passes the naming rules.

use super::arguments::{variant_rename, EnumArgs};
use crate::errors::Errors;
use metricsmith_naming::{check_label_name, to_snake_case, RenameAs};

/// A fieldless variant and the label value it renders as.
pub(super) struct Variant<'a> {
    pub(super) ident: &'a syn::Ident,
    pub(super) value: String,
    /// The `rename = "..."` literal, where the error about this value belongs.
    rename: Option<syn::LitStr>,
}

/// The enum's data, or `None` (with the error) when the item is not an enum.
pub(super) fn enum_data<'a>(input: &'a syn::DeriveInput, errors: &mut Errors) -> Option<&'a syn::DataEnum> {
    let ident = &input.ident;
    let syn::Data::Enum(data) = &input.data else {
        errors.error(
            ident,
            format!("`LabelValue` can only be derived for a fieldless enum, and `{ident}` is not an enum: for a struct of labels derive `LabelSet`"),
        );
        return None;
    };
    if !input.generics.params.is_empty() {
        errors.error(&input.generics, format!("`LabelValue` cannot be derived for generic enum `{ident}`: a label's values must be fixed, remove its generic parameters"));
    }
    if data.variants.is_empty() {
        errors.error(ident, format!("enum `{ident}` has no variants, so a label of this type could never have a value: add at least one variant"));
    }
    Some(data)
}

/// The fieldless variants with their values (variants with fields are reported and
/// left out); two variants of one value are reported too.
pub(super) fn variants<'a>(
    enum_ident: &syn::Ident,
    data: &'a syn::DataEnum,
    errors: &mut Errors,
) -> Vec<Variant<'a>> {
    let mut variants = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, syn::Fields::Unit) {
            errors.error(
                &variant.fields,
                format!(
                    "variant `{enum_ident}::{}` has fields, but a label value is one of a fixed set of names: remove the fields (carry that data in logs or traces)",
                    variant.ident
                ),
            );
            continue;
        }
        let rename = variant_rename(variant, errors);
        let value = match &rename {
            Some(literal) => literal.value(),
            None => to_snake_case(&variant.ident.to_string()),
        };
        if value.is_empty() {
            // An empty label value is the same as no label at all in Prometheus.
            let span = rename.as_ref().map_or(variant.ident.span(), syn::LitStr::span);
            errors.error_at(span, format!("variant `{enum_ident}::{}` renders as an empty label value, which Prometheus treats as a missing label: give it a non-empty `rename`", variant.ident));
        }
        variants.push(Variant { ident: &variant.ident, value, rename });
    }
    check_distinct_values(enum_ident, &variants, errors);
    variants
}

fn check_distinct_values(enum_ident: &syn::Ident, variants: &[Variant], errors: &mut Errors) {
    for (position, variant) in variants.iter().enumerate() {
        if let Some(earlier) = variants[..position].iter().find(|earlier| earlier.value == variant.value) {
            let span = variant.rename.as_ref().map_or(variant.ident.span(), |literal| literal.span());
            errors.error_at(
                span,
                format!(
                    "variants `{enum_ident}::{}` and `{enum_ident}::{}` both render as `{}`, so their series would merge: rename one with `#[label(rename = \"...\")]`",
                    earlier.ident, variant.ident, variant.value
                ),
            );
        }
    }
}

/// The label's name: `name = "..."`, or the enum's name in snake_case, checked.
pub(super) fn label_name(ident: &syn::Ident, args: &EnumArgs, errors: &mut Errors) -> String {
    let label_name = match &args.label_name {
        Some(name) => name.value(),
        None => to_snake_case(&ident.to_string()),
    };
    if let Some(problem) = check_label_name(&label_name, &ident.to_string()) {
        let message = problem.render(RenameAs::Name);
        match &args.label_name {
            Some(name) => errors.error(name, message),
            None => {
                errors.error(ident, format!("{message}; or set the name with `#[label(name = \"...\")]`"))
            }
        }
    }
    label_name
}
