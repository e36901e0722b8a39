//! The code a `#[derive(LabelValue)]` type becomes: for an enum, `LabelValue` (constants
//! and match arms) and `NamedLabelValue`; for a struct of values registered at run time,
//! those over a table of its values, and `RuntimeLabel`; placeholders when the derive
//! failed.

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
            fn index(&self) -> ::core::primitive::usize {
                0
            }
            fn from_index(_: ::core::primitive::usize) -> ::core::option::Option<Self> {
                ::core::option::Option::None
            }
            fn text_at(_: ::core::primitive::usize) -> ::core::option::Option<&'static ::core::primitive::str> {
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
            #[inline]
            fn text_at(__index: ::core::primitive::usize) -> ::core::option::Option<&'static ::core::primitive::str> {
                const __VALUES: [&::core::primitive::str; #count] = [#(#values),*];
                match __VALUES.get(__index) {
                    ::core::option::Option::Some(__text) => ::core::option::Option::Some(*__text),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }
        }
        #[automatically_derived]
        impl #runtime::NamedLabelValue for #ident {
            const LABEL_NAME: &'static ::core::primitive::str = #label_name;
        }
    }
}

/// `RuntimeLabel` for a struct whose derive failed, beside [`placeholder_impl`]: uses of
/// `Tenant::get(..)` type-check and add no error of their own (the build fails anyway).
pub(super) fn runtime_placeholder_impl(input: &syn::DeriveInput, runtime: &TokenStream) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    quote! {
        #[automatically_derived]
        impl #runtime::RuntimeLabel for #ident {
            const CAPACITY: ::core::primitive::usize = 0;
            fn __values() -> &'static #runtime::__private::RuntimeValues {
                #runtime::__private::runtime_values_placeholder()
            }
            fn __from_value(_: #runtime::RuntimeValue) -> Self {
                ::core::unreachable!("the derive of this type failed to compile")
            }
        }
    }
}

/// A struct of values registered at run time: its table (slots, index, lock) as statics,
/// and `LabelValue`, `NamedLabelValue` and `RuntimeLabel` over it.
pub(super) fn expand_runtime(
    ident: &syn::Ident,
    runtime: &TokenStream,
    label_name: &str,
    capacity: usize,
) -> TokenStream {
    let index_len = (capacity * 2).next_power_of_two();
    let span = ident.span();
    quote::quote_spanned! {span=>
        const _: () = {
            static __SLOTS: [#runtime::__private::RuntimeSlot; #capacity] =
                [const { #runtime::__private::RuntimeSlot::new() }; #capacity];
            static __INDEX: [#runtime::__private::AtomicU32; #index_len] =
                [const { #runtime::__private::AtomicU32::new(0) }; #index_len];
            static __VALUES: #runtime::__private::RuntimeValues =
                #runtime::__private::RuntimeValues::new(#label_name, &__SLOTS, &__INDEX);

            #[automatically_derived]
            impl #runtime::LabelValue for #ident {
                const CARDINALITY: ::core::primitive::usize = #capacity + 1;
                const RUNTIME_VALUES: ::core::primitive::bool = true;
                #[inline]
                fn index(&self) -> ::core::primitive::usize {
                    #runtime::RuntimeValue::index(self.0)
                }
                fn from_index(__index: ::core::primitive::usize) -> ::core::option::Option<Self> {
                    match __VALUES.value_at(__index) {
                        ::core::option::Option::Some(__value) => ::core::option::Option::Some(Self(__value)),
                        ::core::option::Option::None => ::core::option::Option::None,
                    }
                }
                #[inline]
                fn text_at(__index: ::core::primitive::usize) -> ::core::option::Option<&'static ::core::primitive::str> {
                    __VALUES.text_at(__index)
                }
                fn existing_values() -> ::core::primitive::usize {
                    __VALUES.existing()
                }
            }
            #[automatically_derived]
            impl #runtime::NamedLabelValue for #ident {
                const LABEL_NAME: &'static ::core::primitive::str = #label_name;
            }
            #[automatically_derived]
            impl #runtime::RuntimeLabel for #ident {
                const CAPACITY: ::core::primitive::usize = #capacity;
                #[inline]
                fn __values() -> &'static #runtime::__private::RuntimeValues {
                    &__VALUES
                }
                #[inline]
                fn __from_value(__value: #runtime::RuntimeValue) -> Self {
                    Self(__value)
                }
            }
        };
    }
}
