//! `#[derive(Metrics)]`: a struct whose fields are instruments, registered as one group
//! by `#[metric] static GROUP: Group;`. Arguments (`#[metrics(prefix, crate)]`) →
//! validation (the struct's shape, the prefix, each field as an instrument, distinct
//! names) → expansion (a storage struct and the group's impls).
//!
//! Each field's storage lives in a generated storage struct, so the whole group is
//! built in a `static` initializer with no allocation.

mod arguments;
mod expansion;
mod validation;

use proc_macro2::TokenStream;
use quote::quote;

use crate::common::runtime_path;
use crate::errors::Errors;
use arguments::GroupArgs;

pub(crate) fn derive(input: syn::DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let args = GroupArgs::parse(&input.attrs, &mut errors);
    let runtime = runtime_path(args.runtime.as_ref());
    let prefix = validation::checked_prefix(args.prefix.as_ref(), &input.ident, &mut errors);
    let Some(fields) = validation::named_fields(&input, &mut errors) else {
        return errors.to_compile_errors();
    };
    let (members, rejected) = validation::members(&input.ident, fields, &prefix, &mut errors);
    let expansion = expansion::expand(&input, &runtime, &members, &rejected);
    let compile_errors = errors.to_compile_errors();
    quote!(#expansion #compile_errors)
}
