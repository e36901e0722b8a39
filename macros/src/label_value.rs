//! `#[derive(LabelValue)]`: a fieldless enum becomes a bounded label.
//!
//! Arguments (`#[label(name = "...", crate = path)]` on the enum, `#[label(rename =
//! "...")]` on variants) → validation (fieldless, non-empty, distinct values, valid
//! label name) → expansion (constants and two match arms).

use proc_macro2::TokenStream;
use quote::quote;

use crate::common::{only_const_generics, reject_unknown_option, runtime_path, string_value};
use crate::errors::Errors;
use metricsmith_naming::{check_label_name, to_snake_case, RenameAs};

struct EnumArgs {
    label_name: Option<syn::LitStr>,
    runtime: Option<syn::Path>,
}

struct Variant<'a> {
    ident: &'a syn::Ident,
    value: String,
    /// The `rename = "..."` literal, where the error about this value belongs.
    rename: Option<syn::LitStr>,
}

pub(crate) fn derive(input: syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let args = parse_enum_args(&input.attrs, &mut errors);
    let runtime = runtime_path(args.runtime.as_ref());
    let ident = &input.ident;

    let syn::Data::Enum(data) = &input.data else {
        errors.error(
            ident,
            format!("`LabelValue` can only be derived for a fieldless enum, and `{ident}` is not an enum: for a struct of labels derive `LabelSet`"),
        );
        let stub = placeholder_impl(&input, &runtime, "");
        let compile_errors = errors.to_compile_errors();
        return quote!(#stub #compile_errors);
    };
    if !input.generics.params.is_empty() {
        errors.error(&input.generics, format!("`LabelValue` cannot be derived for generic enum `{ident}`: a label's values must be fixed, remove its generic parameters"));
    }
    if data.variants.is_empty() {
        errors.error(ident, format!("enum `{ident}` has no variants, so a label of this type could never have a value: add at least one variant"));
    }

    let variants = collect_variants(ident, data, &mut errors);
    check_distinct_values(ident, &variants, &mut errors);

    let label_name_text = match &args.label_name {
        Some(name) => name.value(),
        None => to_snake_case(&ident.to_string()),
    };
    if let Some(problem) = check_label_name(&label_name_text, &ident.to_string()) {
        match &args.label_name {
            Some(name) => errors.error(name, problem.render(RenameAs::Name)),
            None => errors.error(
                ident,
                format!(
                    "{}; or set the name with `#[label(name = \"...\")]`",
                    problem.render(RenameAs::Name)
                ),
            ),
        }
    }

    if variants.len() != data.variants.len() || data.variants.is_empty() || !input.generics.params.is_empty()
    {
        // The enum's shape is wrong: a placeholder impl keeps its uses as a label type
        // free of follow-on errors; the errors above are the whole report.
        let stub = placeholder_impl(&input, &runtime, &label_name_text);
        let compile_errors = errors.to_compile_errors();
        return quote!(#stub #compile_errors);
    }
    let expansion = expand(ident, &runtime, &label_name_text, &variants);
    let compile_errors = errors.to_compile_errors();
    quote!(#expansion #compile_errors)
}

fn parse_enum_args(attrs: &[syn::Attribute], errors: &mut Errors) -> EnumArgs {
    let mut args = EnumArgs { label_name: None, runtime: None };
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("label")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                args.label_name = Some(string_value(&meta)?);
            } else if meta.path.is_ident("crate") {
                args.runtime = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("rename") {
                errors.error(
                    &meta.path,
                    "`rename` goes on a variant; on the enum, `#[label(name = \"...\")]` names the label",
                );
                let _ = meta.value()?.parse::<syn::Expr>()?;
            } else {
                reject_unknown_option(errors, &meta, "`#[label]`", &["name", "crate"])?;
            }
            Ok(())
        });
        errors.ok(result);
    }
    args
}

fn collect_variants<'a>(
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
        let mut rename = None;
        for attr in variant.attrs.iter().filter(|attr| attr.path().is_ident("label")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    rename = Some(string_value(&meta)?);
                } else {
                    reject_unknown_option(errors, &meta, "variant `#[label]`", &["rename"])?;
                }
                Ok(())
            });
            errors.ok(result);
        }
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

/// `LabelValue` and `NamedLabelValue` for a type whose derive failed: no values, so it
/// never reaches a running program (the build already fails), but every use of the type
/// as a label still type-checks and adds no error of its own.
///
/// Types with type or lifetime parameters get none: those would need `'static` bounds
/// the user did not write, and the impl would add errors instead of preventing them.
fn placeholder_impl(input: &syn::DeriveInput, runtime: &TokenStream, label_name: &str) -> TokenStream {
    if !only_const_generics(&input.generics) {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #runtime::LabelValue for #ident #type_generics #where_clause {
            const CARDINALITY: ::core::primitive::usize = 0;
            const VALUES: &'static [&'static ::core::primitive::str] = &[];
            fn index(&self) -> ::core::primitive::usize {
                0
            }
            fn from_index(_: ::core::primitive::usize) -> ::core::option::Option<Self> {
                ::core::option::Option::None
            }
        }
        #[automatically_derived]
        impl #impl_generics #runtime::NamedLabelValue for #ident #type_generics #where_clause {
            const LABEL_NAME: &'static ::core::primitive::str = #label_name;
        }
    }
}

fn expand(ident: &syn::Ident, runtime: &TokenStream, label_name: &str, variants: &[Variant]) -> TokenStream {
    let count = variants.len();
    let values = variants.iter().map(|variant| &variant.value);
    let idents: Vec<_> = variants.iter().map(|variant| variant.ident).collect();
    let indexes: Vec<_> = (0..count).collect();
    let span = ident.span();
    quote::quote_spanned! {span=>
        #[automatically_derived]
        impl #runtime::LabelValue for #ident {
            const CARDINALITY: ::core::primitive::usize = #count;
            const VALUES: &'static [&'static ::core::primitive::str] = &[#(#values),*];
            #[inline]
            fn index(&self) -> ::core::primitive::usize {
                match self {
                    #(Self::#idents => #indexes,)*
                }
            }
            fn from_index(__index: ::core::primitive::usize) -> ::core::option::Option<Self> {
                match __index {
                    #(#indexes => ::core::option::Option::Some(Self::#idents),)*
                    _ => ::core::option::Option::None,
                }
            }
        }
        #[automatically_derived]
        impl #runtime::NamedLabelValue for #ident {
            const LABEL_NAME: &'static ::core::primitive::str = #label_name;
        }
    }
}
