//! The code a `#[derive(Metrics)]` struct becomes: a storage struct holding every
//! member's cells, the impls `#[metric] static GROUP: Group;` builds and registers
//! the group with, each member's budget assertion and name claim.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::validation::{Member, Rejected};
use crate::instrument::{meta_expr, NameClaims};

/// What one member adds to the group's items.
struct MemberParts {
    /// `field: Cells<..>` of the storage struct, and its `field: Cells::new()`.
    storage: Option<(TokenStream, TokenStream)>,
    /// `field: <constructor>` of the group.
    constructor: TokenStream,
    /// The statement handing its metadata and family to the registry's visitor.
    visit: TokenStream,
}

fn member_parts(member: &Member, runtime: &TokenStream) -> MemberParts {
    let Member { field, instrument, help, .. } = member;
    let (storage, build) = match instrument.cell_storage(runtime) {
        Some(storage) => (
            Some((quote!(#field: #storage), quote!(#field: #runtime::__private::Cells::new()))),
            instrument.constructor(runtime, quote!(&__storage.#field.0)),
        ),
        None => (None, instrument.constructor(runtime, TokenStream::new())),
    };
    let meta = meta_expr(runtime, &instrument.name, help, field.span());
    let meta_static = format_ident!("__METRICSMITH_META_{}", field.to_string().to_uppercase());
    let visit = match instrument.scrape_time_family(runtime) {
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
    };
    MemberParts { storage, constructor: quote!(#field: #build), visit }
}

/// The members' name claims, each name once: a name twice in this group is reported by
/// `validation`, in the group's own words.
fn claims(members: &[Member]) -> Vec<TokenStream> {
    let mut claims = NameClaims::default();
    members
        .iter()
        .map(|member| {
            let claim = claims.claim(&member.instrument.name, member.instrument.kind, member.name_span);
            quote!(const _: () = { #claim };)
        })
        .collect()
}

/// The group's impls. A rejected field is built by a `compile_error!` that carries its
/// error: the group still has every impl `#[metric] static GROUP: Group;` needs, and
/// rustc, seeing the constructor fail, reports nothing more about the static.
pub(super) fn expand(
    input: &syn::DeriveInput,
    runtime: &TokenStream,
    members: &[Member],
    rejected: &[Rejected],
) -> TokenStream {
    let ident = &input.ident;
    let vis = &input.vis;
    let storage = format_ident!("__{}MetricsmithStorage", ident);
    let parts: Vec<MemberParts> = members.iter().map(|member| member_parts(member, runtime)).collect();
    let (storage_fields, storage_inits): (Vec<_>, Vec<_>) =
        parts.iter().filter_map(|part| part.storage.clone()).unzip();
    let mut constructors: Vec<TokenStream> = parts.iter().map(|part| part.constructor.clone()).collect();
    constructors.extend(rejected.iter().map(|Rejected { field, error }| {
        let error = error.to_compile_error();
        quote!(#field: #error)
    }));
    let visits = parts.iter().map(|part| &part.visit);
    let claims = claims(members);
    let budgets = members.iter().map(|member| member.instrument.compile_time_checks(runtime));
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
