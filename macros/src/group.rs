//! `#[derive(Metrics)]`: a struct whose fields are instruments, registered as one group
//! by `#[metric] static GROUP: Group;`.
//!
//! Each field's storage lives in a generated storage struct, so the whole group is
//! built in a `static` initializer with no allocation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::common::{doc_text, reject_unknown_option, runtime_path, string_value, tokens_text};
use crate::errors::Errors;
use crate::instrument::{instrument_kind, meta_expr, name_claim, Instrument, InstrumentOptions, NameSource};

pub(crate) fn derive(input: syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let ident = &input.ident;
    let mut prefix: Option<syn::LitStr> = None;
    let mut runtime_override = None;
    for attr in input.attrs.iter().filter(|attr| attr.path().is_ident("metrics")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("prefix") {
                prefix = Some(string_value(&meta)?);
            } else if meta.path.is_ident("crate") {
                runtime_override = Some(meta.value()?.parse::<syn::Path>()?);
            } else {
                reject_unknown_option(&mut errors, &meta, "`#[metrics]`", &["prefix", "crate"])?;
            }
            Ok(())
        });
        errors.ok(result);
    }
    let runtime = runtime_path(runtime_override.as_ref());
    let mut prefix_text = prefix.as_ref().map(syn::LitStr::value).unwrap_or_default();
    if let Some(literal) = &prefix {
        if let Some(problem) = metricsmith_naming::check_group_prefix(&prefix_text, &ident.to_string()) {
            errors.error(literal, problem.render(metricsmith_naming::RenameAs::PrefixOption));
            // Check the members as if the prefix were fixed, so its mistake is
            // reported once, here, and not again on every field.
            prefix_text = problem.suggestion().unwrap_or_default().to_owned();
        }
    }

    let named = match &input.data {
        syn::Data::Struct(syn::DataStruct { fields: syn::Fields::Named(named), .. })
            if !named.named.is_empty() =>
        {
            named
        }
        _ => {
            errors.error(ident, format!("`Metrics` can only be derived for a struct with named fields, each an instrument: write `struct {ident} {{ orders_total: Counter<Outcome>, .. }}`"));
            return errors.to_compile_errors();
        }
    };
    if !input.generics.params.is_empty() {
        errors.error(&input.generics, format!("`Metrics` cannot be derived for generic struct `{ident}`: name the instrument types directly"));
        return errors.to_compile_errors();
    }

    let mut members = Vec::new();
    let mut rejected = Vec::new();
    for field in &named.named {
        let Some(field_ident) = field.ident.as_ref() else { continue };
        let Some(kind) = instrument_kind(&field.ty) else {
            let ty = &field.ty;
            let message = format!(
                "field `{field_ident}` of metric group `{ident}` is not an instrument: a `#[derive(Metrics)]` struct holds only Counter, FloatCounter, Gauge, Histogram, Summary, Info and StateSet fields, so keep the `{}` outside the group",
                tokens_text(ty)
            );
            // Reported inside the expansion (see `expand`), not beside it.
            rejected.push((field_ident, syn::Error::new_spanned(ty, message)));
            continue;
        };
        let options = InstrumentOptions::from_field_attrs(&field.attrs, &mut errors);
        let field_name = field_ident.to_string().trim_start_matches("r#").to_owned();
        let name = match (&options.name, prefix_text.is_empty()) {
            (Some(literal), _) => literal.value(),
            (None, true) => field_name,
            (None, false) => format!("{prefix_text}_{field_name}"),
        };
        let source_literal = options.name.clone();
        let source = match &source_literal {
            Some(literal) => NameSource::Literal(literal),
            None => NameSource::FieldIdent(field_ident, &prefix_text),
        };
        let help = doc_text(&field.attrs).unwrap_or_else(|| {
            errors.error(field_ident, format!("metric `{name}` needs a doc comment, which becomes its HELP text: add `/// What {name} measures.` above the field"));
            String::new()
        });
        let instrument = Instrument { kind, ty: &field.ty, name, options };
        instrument.validate(&source, &mut errors);
        let name_span = source_literal.as_ref().map_or(field_ident.span(), syn::LitStr::span);
        members.push((field_ident, instrument, help, name_span));
    }
    for (position, (field, instrument, _, name_span)) in members.iter().enumerate() {
        if let Some((earlier, _, _, _)) =
            members[..position].iter().find(|(_, other, _, _)| other.name == instrument.name)
        {
            errors.error_at(*name_span, format!("fields `{earlier}` and `{field}` of `{ident}` are both the metric `{}`: give one of them another name", instrument.name));
        }
    }
    let expansion = expand(&input, &runtime, &members, &rejected);
    let compile_errors = errors.to_compile_errors();
    quote!(#expansion #compile_errors)
}

type Member<'a> = (&'a syn::Ident, Instrument<'a>, String, proc_macro2::Span);

/// A field that is not an instrument, with the error that says so.
type Rejected<'a> = (&'a syn::Ident, syn::Error);

/// The group's impls. A rejected field is built by a `compile_error!` that carries its
/// error: the group still has every impl `#[metric] static GROUP: Group;` needs, and
/// rustc, seeing the constructor fail, reports nothing more about the static.
fn expand(
    input: &syn::DeriveInput,
    runtime: &TokenStream,
    members: &[Member],
    rejected: &[Rejected],
) -> TokenStream {
    let ident = &input.ident;
    let vis = &input.vis;
    let storage = format_ident!("__{}MetricsmithStorage", ident);
    let mut storage_fields = Vec::new();
    let mut storage_inits = Vec::new();
    let mut constructors = Vec::new();
    let mut visits = Vec::new();
    let mut claims = Vec::new();
    let mut budgets = Vec::new();
    for (field, instrument, help, name_span) in members {
        match instrument.cell_storage(runtime) {
            Some(storage) => {
                storage_fields.push(quote!(#field: #storage));
                storage_inits.push(quote!(#field: #runtime::__private::Cells::new()));
                constructors.push({
                    let build = instrument.constructor(quote!(&__storage.#field.0));
                    quote!(#field: #build)
                });
            }
            None => constructors.push({
                let build = instrument.constructor(TokenStream::new());
                quote!(#field: #build)
            }),
        }
        let meta = meta_expr(runtime, &instrument.name, help, field.span());
        let meta_static = format_ident!("__METRICSMITH_META_{}", field.to_string().to_uppercase());
        visits.push(match instrument.scrape_time_family(runtime) {
            // A family read at scrape time is read through its source, not its own cells.
            Some(collected) => quote! {
                {
                    static #meta_static: #runtime::__private::Meta = #meta;
                    #collected
                    __visit(&#meta_static, &__METRICSMITH_COLLECTED);
                }
            },
            None => quote! {
                static #meta_static: #runtime::__private::Meta = #meta;
                __visit(&#meta_static, &self.#field);
            },
        });
        // A name twice in this group is reported above, in the group's own words.
        let first_of_its_name = members.iter().find(|(_, other, _, _)| other.name == instrument.name);
        if first_of_its_name.is_some_and(|(first, _, _, _)| first == field) {
            let claim = name_claim(&instrument.name, *name_span);
            claims.push(quote!(const _: () = { #claim };));
        }
        budgets.push(instrument.budget_assertion(runtime));
    }
    for (field, error) in rejected {
        let error = error.to_compile_error();
        constructors.push(quote!(#field: #error));
    }
    quote! {
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis struct #storage {
            #(#storage_fields,)*
        }

        #[automatically_derived]
        impl #runtime::__private::GroupStorage for #ident {
            type Storage = #storage;
            #[allow(clippy::declare_interior_mutable_const)]
            const STORAGE: #storage = #storage { #(#storage_inits,)* };
        }

        // Called on the storage static by `#[metric] static GROUP: Group;`, so a static of
        // a type that is not a group fails on its `GroupStorage` bound alone.
        #[automatically_derived]
        impl #storage {
            #[doc(hidden)]
            #vis const fn __metricsmith_new(&'static self) -> #ident {
                let __storage = self;
                let _ = __storage;
                #ident { #(#constructors,)* }
            }

            #[doc(hidden)]
            #vis const fn __metricsmith_group(&'static self, group: &'static #ident) -> &'static dyn #runtime::__private::Group {
                group
            }
        }

        #[automatically_derived]
        impl #runtime::__private::Group for #ident {
            fn families(
                &'static self,
                __visit: &mut dyn ::core::ops::FnMut(&'static #runtime::__private::Meta, &'static dyn #runtime::Family),
            ) {
                #(#visits)*
            }
        }

        #(#budgets)*

        // Each member's name claim is an exported symbol, which trips `unsafe_code`.
        #[allow(unsafe_code)]
        const _: () = { #(#claims)* };
    }
}
