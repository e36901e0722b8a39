//! Checks a `#[derive(LabelSet)]` struct: named fields, not generic, not empty, and
//! each field's label name valid and unique.

use super::arguments::field_rename;
use crate::errors::Errors;
use metricsmith_naming::{check_label_name, RenameAs};

/// A field and the label it is.
pub(super) struct Field<'a> {
    pub(super) member: &'a syn::Ident,
    pub(super) ty: &'a syn::Type,
    pub(super) label_name: String,
}

/// The struct's named fields, or `None` (with the error) for any other shape.
pub(super) fn named_fields<'a>(
    input: &'a syn::DeriveInput,
    errors: &mut Errors,
) -> Option<&'a syn::FieldsNamed> {
    let ident = &input.ident;
    let named = match &input.data {
        syn::Data::Struct(syn::DataStruct { fields: syn::Fields::Named(named), .. }) => named,
        syn::Data::Struct(data) => {
            errors.error(&data.fields, format!("`LabelSet` needs named fields, because each field's name is its label's name: write `struct {ident} {{ outcome: Outcome, .. }}`"));
            return None;
        }
        _ => {
            errors.error(ident, format!("`LabelSet` can only be derived for a struct of label values, and `{ident}` is not a struct: for an enum of values derive `LabelValue`"));
            return None;
        }
    };
    if !input.generics.params.is_empty() {
        errors.error(
            &input.generics,
            format!(
                "`LabelSet` cannot be derived for generic struct `{ident}`: name the label types directly"
            ),
        );
        return None;
    }
    if named.named.is_empty() {
        errors
            .error(ident, format!("label set `{ident}` has no fields: use `()` for a metric without labels"));
        return None;
    }
    Some(named)
}

/// Every field with its label name: the field's name, or its `#[label(name = "...")]`.
pub(super) fn fields<'a>(
    set: &syn::Ident,
    named: &'a syn::FieldsNamed,
    errors: &mut Errors,
) -> Vec<Field<'a>> {
    let mut fields: Vec<Field> = Vec::new();
    for field in &named.named {
        let Some(member) = field.ident.as_ref() else { continue };
        let rename = field_rename(field, errors);
        let (label_name, name_span) = match &rename {
            Some(literal) => (literal.value(), literal.span()),
            // `r#type` names the label `type`.
            None => (member.to_string().trim_start_matches("r#").to_owned(), member.span()),
        };
        if let Some(problem) = check_label_name(&label_name, &set.to_string()) {
            let hint = if rename.is_none() {
                "; or keep the field and set the label's name with `#[label(name = \"...\")]`"
            } else {
                ""
            };
            errors.error_at(name_span, format!("{}{hint}", problem.render(RenameAs::Name)));
        }
        if fields.iter().any(|earlier| earlier.label_name == label_name) {
            errors.error_at(
                name_span,
                format!("label `{label_name}` appears twice in label set `{set}`: each label name must be unique, rename one with `#[label(name = \"...\")]`"),
            );
        }
        fields.push(Field { member, ty: &field.ty, label_name });
    }
    fields
}
