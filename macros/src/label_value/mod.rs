//! `#[derive(LabelValue)]`: a fieldless enum becomes a bounded label; so does a struct of
//! one `RuntimeValue` with a `capacity`, whose values are registered at run time.
//!
//! Arguments (`#[label(name = "...", capacity = N, crate = path)]` on the type,
//! `#[label(rename = "...")]` on variants) → validation (fieldless, non-empty, distinct
//! values; one `RuntimeValue` and a capacity; valid label name) → expansion (constants and
//! match arms; a table of runtime values).

mod arguments;
mod expansion;
mod validation;

use proc_macro2::TokenStream;
use quote::quote;

use crate::common::runtime_path;
use crate::errors::Errors;
use arguments::LabelArgs;

pub(crate) fn derive(input: syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let args = LabelArgs::parse(&input.attrs, &mut errors);
    let runtime = runtime_path(args.runtime.as_ref());
    let ident = &input.ident;

    if let syn::Data::Struct(data) = &input.data {
        let label_name = validation::label_name(ident, &args, &mut errors);
        let expansion = match validation::runtime_struct(&input, data, &args, &label_name, &mut errors) {
            Some(capacity) => expansion::expand_runtime(ident, &runtime, &label_name, capacity),
            None => {
                let stub = expansion::placeholder_impl(&input, &runtime, &label_name);
                let runtime_stub = expansion::runtime_placeholder_impl(&input, &runtime);
                quote!(#stub #runtime_stub)
            }
        };
        let compile_errors = errors.to_compile_errors();
        return quote!(#expansion #compile_errors);
    }
    validation::no_capacity_on_enum(ident, &args, &mut errors);
    let Some(data) = validation::enum_data(&input, &mut errors) else {
        let stub = expansion::placeholder_impl(&input, &runtime, "");
        let compile_errors = errors.to_compile_errors();
        return quote!(#stub #compile_errors);
    };
    let variants = validation::variants(ident, data, &mut errors);
    let label_name = validation::label_name(ident, &args, &mut errors);

    if variants.len() != data.variants.len() || data.variants.is_empty() || !input.generics.params.is_empty()
    {
        // The enum's shape is wrong: a placeholder impl keeps its uses as a label type
        // free of follow-on errors; the errors above are the whole report.
        let stub = expansion::placeholder_impl(&input, &runtime, &label_name);
        let compile_errors = errors.to_compile_errors();
        return quote!(#stub #compile_errors);
    }
    let expansion = expansion::expand(ident, &runtime, &label_name, &variants);
    let compile_errors = errors.to_compile_errors();
    quote!(#expansion #compile_errors)
}
