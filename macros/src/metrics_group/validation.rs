//! Checks a `#[derive(Metrics)]` struct: its shape, its prefix, and each field as an
//! instrument named `prefix_field` (or by its `name = "..."`), no two of one name.

use proc_macro2::Span;

use crate::common::{doc_text, tokens_text};
use crate::errors::Errors;
use crate::instrument::{instrument_kind, Instrument, InstrumentOptions, NameSource};
use metricsmith_naming::{check_group_prefix, InstrumentKind, RenameAs};

/// A field that is an instrument, checked.
pub(super) struct Member<'a> {
    pub(super) field: &'a syn::Ident,
    pub(super) instrument: Instrument<'a>,
    pub(super) help: String,
    /// Where the name was written: the `name = "..."` literal, or the field.
    pub(super) name_span: Span,
}

/// A field that is not an instrument, with the error that says so (reported inside
/// the expansion, which builds the field from it).
pub(super) struct Rejected<'a> {
    pub(super) field: &'a syn::Ident,
    pub(super) error: syn::Error,
}

/// The struct's named fields, or `None` (with the error) for any other shape.
pub(super) fn named_fields<'a>(
    input: &'a syn::DeriveInput,
    errors: &mut Errors,
) -> Option<&'a syn::FieldsNamed> {
    let ident = &input.ident;
    let named = match &input.data {
        syn::Data::Struct(syn::DataStruct { fields: syn::Fields::Named(named), .. })
            if !named.named.is_empty() =>
        {
            named
        }
        _ => {
            errors.error(ident, format!("`Metrics` can only be derived for a struct with named fields, each an instrument: write `struct {ident} {{ orders_total: Counter<Outcome>, .. }}`"));
            return None;
        }
    };
    if !input.generics.params.is_empty() {
        errors.error(&input.generics, format!("`Metrics` cannot be derived for generic struct `{ident}`: name the instrument types directly"));
        return None;
    }
    Some(named)
}

/// The prefix to join to field names. A prefix that breaks the rules is reported once,
/// here, and the members are checked as if it were fixed, so its mistake is not
/// reported again on every field.
pub(super) fn checked_prefix(
    prefix: Option<&syn::LitStr>,
    group: &syn::Ident,
    errors: &mut Errors,
) -> String {
    let Some(literal) = prefix else { return String::new() };
    let prefix = literal.value();
    match check_group_prefix(&prefix, &group.to_string()) {
        None => prefix,
        Some(problem) => {
            errors.error(literal, problem.render(RenameAs::PrefixOption));
            problem.suggestion().unwrap_or_default().to_owned()
        }
    }
}

/// Every field, checked as a member, or rejected when it is not an instrument.
pub(super) fn members<'a>(
    group: &syn::Ident,
    fields: &'a syn::FieldsNamed,
    prefix: &str,
    errors: &mut Errors,
) -> (Vec<Member<'a>>, Vec<Rejected<'a>>) {
    let mut members = Vec::new();
    let mut rejected = Vec::new();
    for field in &fields.named {
        let Some(field_ident) = field.ident.as_ref() else { continue };
        match instrument_kind(&field.ty) {
            Some(kind) => members.push(member(field, field_ident, kind, prefix, errors)),
            None => rejected.push(Rejected {
                field: field_ident,
                error: not_an_instrument(group, field_ident, &field.ty),
            }),
        }
    }
    check_distinct_names(group, &members, errors);
    (members, rejected)
}

fn member<'a>(
    field: &'a syn::Field,
    field_ident: &'a syn::Ident,
    kind: InstrumentKind,
    prefix: &str,
    errors: &mut Errors,
) -> Member<'a> {
    let options = InstrumentOptions::from_field_attrs(&field.attrs, errors);
    let field_name = field_ident.to_string().trim_start_matches("r#").to_owned();
    let name = match (&options.name, prefix.is_empty()) {
        (Some(literal), _) => literal.value(),
        (None, true) => field_name,
        (None, false) => format!("{prefix}_{field_name}"),
    };
    // The literal outlives the options, which move into the instrument.
    let name_literal = options.name.clone();
    let source = match &name_literal {
        Some(literal) => NameSource::Literal(literal),
        None => NameSource::FieldIdent(field_ident, prefix),
    };
    let help = doc_text(&field.attrs).unwrap_or_else(|| {
        errors.error(field_ident, format!("metric `{name}` needs a doc comment, which becomes its HELP text: add `/// What {name} measures.` above the field"));
        String::new()
    });
    let instrument = Instrument { kind, ty: &field.ty, name, options };
    instrument.validate(&source, errors);
    let name_span = name_literal.as_ref().map_or(field_ident.span(), syn::LitStr::span);
    Member { field: field_ident, instrument, help, name_span }
}

fn not_an_instrument(group: &syn::Ident, field: &syn::Ident, ty: &syn::Type) -> syn::Error {
    let types: Vec<&str> = InstrumentKind::ALL.iter().map(|kind| kind.type_name()).collect();
    let (last, others) = types.split_last().map_or(("", &[][..]), |(last, others)| (*last, others));
    let message = format!(
        "field `{field}` of metric group `{group}` is not an instrument: a `#[derive(Metrics)]` struct holds only {} and {last} fields, so keep the `{}` outside the group",
        others.join(", "),
        tokens_text(ty)
    );
    syn::Error::new_spanned(ty, message)
}

/// No two members of one name, nor two whose scrapes would show one name (a counter
/// `orders_total`, whose `_created` series is `orders_created`, and a counter
/// `orders_created_total`).
fn check_distinct_names(group: &syn::Ident, members: &[Member], errors: &mut Errors) {
    let exposed: Vec<Vec<String>> =
        members.iter().map(|member| member.instrument.kind.exposed_names(&member.instrument.name)).collect();
    for (position, member) in members.iter().enumerate() {
        let name = &member.instrument.name;
        let shared = members[..position].iter().zip(&exposed).find_map(|(earlier, earlier_names)| {
            let shared = exposed[position].iter().find(|exposed| earlier_names.contains(exposed))?;
            Some((earlier, shared))
        });
        let Some((earlier, shared)) = shared else { continue };
        let (first, second) = (&earlier.field, &member.field);
        let message = if earlier.instrument.name == *name {
            format!("fields `{first}` and `{second}` of `{group}` are both the metric `{name}`: give one of them another name")
        } else {
            format!(
                "fields `{first}` and `{second}` of `{group}` would both show `{shared}` in a scrape (metrics `{}` and `{name}`): give one of them another name",
                earlier.instrument.name
            )
        };
        errors.error_at(member.name_span, message);
    }
}
