//! The code a `#[derive(LabelValue)]` enum becomes: `LabelValue` (constants and two
//! match arms) and `NamedLabelValue`, or placeholders when the derive failed.

use proc_macro2::TokenStream;
use quote::quote;

use super::validation::Variant;
use crate::common::only_const_generics;

/// `LabelValue` and `NamedLabelValue` for a type whose derive failed: no values, so it
/// never reaches a running program (the build already fails), but every use of the type
/// as a label still type-checks and adds no error of its own.
///
/// Types with type or lifetime parameters get none: those would need `'static` bounds
/// the user did not write, and the impl would add errors instead of preventing them.
pub(super) fn placeholder_impl(
    input: &syn::DeriveInput,
    runtime: &TokenStream,
    label_name: &str,
) -> TokenStream {
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

pub(super) fn expand(
    ident: &syn::Ident,
    runtime: &TokenStream,
    label_name: &str,
    variants: &[Variant],
) -> TokenStream {
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
