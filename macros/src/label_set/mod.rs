//! `#[derive(LabelSet)]`: a struct whose fields are label values; field name = label
//! name. Arguments (`#[label(crate = path)]`, a field's `#[label(name = "...")]`) →
//! validation (shape, label names valid and unique) → expansion (the `LabelSet` impl).

mod arguments;
mod expansion;
mod validation;

use proc_macro2::TokenStream;
use quote::quote;

use crate::common::runtime_path;
use crate::errors::Errors;

pub(crate) fn derive(input: syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let runtime = runtime_path(arguments::runtime_override(&input.attrs, &mut errors).as_ref());
    let Some(named) = validation::named_fields(&input, &mut errors) else {
        return expansion::placeholder(&input, &runtime, &errors);
    };
    let fields = validation::fields(&input.ident, named, &mut errors);
    let expansion = expansion::expand(&input.ident, &runtime, &fields);
    let compile_errors = errors.to_compile_errors();
    quote!(#expansion #compile_errors)
}
