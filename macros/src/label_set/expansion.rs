//! The code a `#[derive(LabelSet)]` struct becomes: its `LabelSet` impl (the
//! mixed-radix index of its fields' values), or a placeholder when the derive failed.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::validation::Field;
use crate::common::only_const_generics;
use crate::errors::Errors;

/// The errors, with a `LabelSet` impl of no series for a type whose derive failed, so
/// its uses as a metric's labels add no follow-on errors (the build fails anyway).
/// Types with type or lifetime parameters get none (it would need bounds of its own).
pub(super) fn placeholder(input: &syn::DeriveInput, runtime: &TokenStream, errors: &Errors) -> TokenStream {
    let compile_errors = errors.to_compile_errors();
    if !only_const_generics(&input.generics) {
        return compile_errors;
    }
    let ident = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #runtime::LabelSet for #ident #type_generics #where_clause {
            const COMBINATIONS: ::core::primitive::usize = 0;
            const LABEL_NAMES: &'static [&'static ::core::primitive::str] = &[];
            fn combination_index(&self) -> ::core::primitive::usize {
                0
            }
            fn from_combination_index(_: ::core::primitive::usize) -> ::core::option::Option<Self> {
                ::core::option::Option::None
            }
            fn label_values(_: ::core::primitive::usize, _: &mut #runtime::__private::Vec<&'static ::core::primitive::str>) {}
        }
        #compile_errors
    }
}

pub(super) fn expand(ident: &syn::Ident, runtime: &TokenStream, fields: &[Field]) -> TokenStream {
    // Every use of a field's type goes through one `<Type as LabelValue>` path spanned
    // on the type, so a type that is not a label value is reported once, on the field
    // (rustc does not repeat an unsatisfied bound at the same span).
    let label_values: Vec<TokenStream> = fields
        .iter()
        .map(|field| {
            let ty = field.ty;
            quote_spanned!(ty.span()=> <#ty as #runtime::LabelValue>)
        })
        .collect();
    let cardinalities: Vec<TokenStream> =
        label_values.iter().map(|label_value| quote!(#label_value::CARDINALITY)).collect();
    let members: Vec<_> = fields.iter().map(|field| field.member).collect();
    let names: Vec<_> = fields.iter().map(|field| &field.label_name).collect();
    let positions: Vec<_> = (0..fields.len()).collect();
    quote! {
        #[automatically_derived]
        impl #runtime::LabelSet for #ident {
            const COMBINATIONS: ::core::primitive::usize = 1 #(* #cardinalities)*;
            const LABEL_NAMES: &'static [&'static ::core::primitive::str] = &[#(#names),*];
            #[inline]
            fn combination_index(&self) -> ::core::primitive::usize {
                let mut __index = 0;
                #(__index = __index * #cardinalities + #label_values::index(&self.#members);)*
                __index
            }
            fn from_combination_index(__index: ::core::primitive::usize) -> ::core::option::Option<Self> {
                let __digits = #runtime::__private::__split_index(__index, [#(#cardinalities),*])?;
                ::core::option::Option::Some(Self {
                    #(#members: #label_values::from_index(__digits[#positions])?,)*
                })
            }
            fn label_values(__index: ::core::primitive::usize, __out: &mut #runtime::__private::Vec<&'static ::core::primitive::str>) {
                if let ::core::option::Option::Some(__digits) = #runtime::__private::__split_index(__index, [#(#cardinalities),*]) {
                    #(__out.push(match #label_values::text_at(__digits[#positions]) {
                        ::core::option::Option::Some(__text) => __text,
                        ::core::option::Option::None => "",
                    });)*
                }
            }
            const HAS_RUNTIME_VALUES: ::core::primitive::bool = false #(|| #label_values::RUNTIME_VALUES)*;
            #[inline]
            fn combination_exists(__index: ::core::primitive::usize) -> ::core::primitive::bool {
                if !<Self as #runtime::LabelSet>::HAS_RUNTIME_VALUES {
                    return __index < <Self as #runtime::LabelSet>::COMBINATIONS;
                }
                match #runtime::__private::__split_index(__index, [#(#cardinalities),*]) {
                    ::core::option::Option::Some(__digits) => {
                        true #(&& (!#label_values::RUNTIME_VALUES
                            || ::core::option::Option::is_some(&#label_values::text_at(__digits[#positions]))))*
                    }
                    ::core::option::Option::None => false,
                }
            }
            fn combinations_generation() -> ::core::primitive::usize {
                0 #(+ if #label_values::RUNTIME_VALUES { #label_values::existing_values() } else { 0 })*
            }
        }
    }
}
