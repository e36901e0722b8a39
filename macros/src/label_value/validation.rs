//! Checks a `#[derive(LabelValue)]` type: an enum fieldless, not generic, not empty,
//! with distinct rendered values; a struct of values registered at run time one
//! `RuntimeValue` with a capacity; either with a label name that passes the naming rules.

use super::arguments::{variant_rename, LabelArgs};
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
            format!("`LabelValue` can only be derived for a fieldless enum or a struct of one `RuntimeValue`, and `{ident}` is neither: for a struct of labels derive `LabelSet`"),
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
pub(super) fn label_name(ident: &syn::Ident, args: &LabelArgs, errors: &mut Errors) -> String {
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

/// An enum's `capacity`: an error, since its values are its variants.
pub(super) fn no_capacity_on_enum(ident: &syn::Ident, args: &LabelArgs, errors: &mut Errors) {
    if let Some(capacity) = &args.capacity {
        errors.error(
            capacity,
            format!("`capacity` is for a label whose values are registered at run time, a struct of one `RuntimeValue`; the values of enum `{ident}` are its variants: remove `capacity`"),
        );
    }
}

/// A struct of values registered at run time: not generic, one unnamed `RuntimeValue`
/// field, and a capacity in `1..=MAX_CAPACITY`. Returns the capacity when the struct can
/// be expanded (its shape is right and the capacity usable), reporting every problem.
pub(super) fn runtime_struct(
    input: &syn::DeriveInput,
    data: &syn::DataStruct,
    args: &LabelArgs,
    label_name: &str,
    errors: &mut Errors,
) -> Option<usize> {
    let ident = &input.ident;
    let example =
        format!("`#[derive(LabelValue)] #[label(capacity = 32)] struct {ident}(metricsmith::RuntimeValue);`");
    let mut usable = true;
    if !input.generics.params.is_empty() {
        errors.error(&input.generics, format!("`LabelValue` cannot be derived for generic struct `{ident}`: remove its generic parameters, {example}"));
        usable = false;
    }
    let field = match &data.fields {
        syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => fields.unnamed.first(),
        _ => None,
    };
    match field {
        Some(field) if is_runtime_value(&field.ty) => {}
        Some(field) => {
            errors.error(&field.ty, format!("a label whose values are registered at run time wraps a `RuntimeValue`, not this type: {example}"));
            usable = false;
        }
        None => {
            let span: &dyn quote::ToTokens = match &data.fields {
                syn::Fields::Unit => ident,
                fields => fields,
            };
            errors.error(span, format!("`LabelValue` on a struct makes a label whose values are registered at run time, which is a tuple struct of one `RuntimeValue`: {example}; for fixed values derive it on a fieldless enum, for a struct of labels derive `LabelSet`"));
            // The shape is the problem: a capacity would not make it a label.
            return None;
        }
    }
    let Some(literal) = &args.capacity else {
        errors.error(ident, format!("struct `{ident}` derives `LabelValue`, so its values are registered at run time and it needs a capacity, the most values it registers (more are recorded as `_OTHER`): add `#[label(capacity = 32)]`, with your number"));
        return None;
    };
    let capacity = match literal.base10_parse::<u64>() {
        Ok(0) => {
            errors.error(literal, format!("label `{label_name}` with capacity 0 could never have a value: give the number of values it may register, e.g. `capacity = 32`"));
            return None;
        }
        Ok(capacity) if capacity > MAX_CAPACITY => {
            errors.error(literal, format!("capacity {capacity} of label `{label_name}` is more than the {MAX_CAPACITY} values a label registered at run time may have: a label of that many values belongs in logs or traces"));
            return None;
        }
        Ok(capacity) => capacity as usize,
        Err(error) => {
            errors.error(
                literal,
                format!("`capacity` is a whole number of values, e.g. `capacity = 32`: {error}"),
            );
            return None;
        }
    };
    usable.then_some(capacity)
}

/// `RuntimeValue::MAX_CAPACITY`: the handle's index is a `u32`, and a label of more
/// values than this is not a bounded label any more.
const MAX_CAPACITY: u64 = 65_535;

/// Whether `ty` is written as `RuntimeValue` (any path ending in it).
fn is_runtime_value(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => {
            path.qself.is_none()
                && path
                    .path
                    .segments
                    .last()
                    .is_some_and(|last| last.ident == "RuntimeValue" && last.arguments.is_none())
        }
        syn::Type::Group(group) => is_runtime_value(&group.elem),
        syn::Type::Paren(paren) => is_runtime_value(&paren.elem),
        _ => false,
    }
}
