//! The code a `#[metric]` static becomes: the static with its value, the budget
//! assertion and the registry entry (an instrument's, or a whole group's).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

use super::arguments::MetricStatic;
use crate::common::first_token_span;
use crate::instrument::{meta_expr, Instrument, NameClaims};

/// The static of an instrument, its budget assertion and its registration.
pub(super) fn instrument_static(
    item: &MetricStatic,
    instrument: &Instrument,
    help: &str,
    name_span: Span,
    runtime: &TokenStream,
) -> TokenStream {
    let ident = &item.ident;
    let value = match instrument.cell_storage(runtime) {
        Some(storage) => {
            let constructor = instrument.constructor(runtime, quote!(&__METRICSMITH_CELLS.0));
            quote!({
                static __METRICSMITH_CELLS: #storage = #runtime::__private::Cells::new();
                #constructor
            })
        }
        None => instrument.constructor(runtime, TokenStream::new()),
    };
    let meta = meta_expr(runtime, &instrument.name, help, ident.span());
    let (family, callback_static) = match instrument.scrape_time_family(runtime) {
        Some(collected) => (quote!(&__METRICSMITH_COLLECTED), collected),
        None => (quote!(&#ident), TokenStream::new()),
    };
    let entry = quote!(#runtime::__private::Registration::Metric { meta: &#meta, family: #family });
    let claim = NameClaims::default().claim(&instrument.name, instrument.kind, name_span);
    let budget = instrument.compile_time_checks(runtime);
    let static_item = emit_static(item, value);
    let registered = registration(runtime, entry, quote!(#callback_static #claim));
    quote! {
        #static_item
        #budget
        #registered
    }
}

/// The static of a `#[derive(Metrics)]` group, built and registered from its storage.
pub(super) fn group_static(item: &MetricStatic, runtime: &TokenStream) -> TokenStream {
    let ty = &item.ty;
    // The type is used only through `<#ty as GroupStorage>`: a type that is neither an
    // instrument nor a group fails that one bound, reported once with the trait's
    // message. The storage static's type is then an error type, which silences the method
    // calls on it, and the registration lives inside the initializer, beside the storage.
    let ty_span = first_token_span(ty);
    let storage_type = quote_spanned!(ty_span=> <#ty as #runtime::__private::GroupStorage>::Storage);
    let storage = quote_spanned!(ty_span=> <#ty as #runtime::__private::GroupStorage>::STORAGE);
    let ident = &item.ident;
    let static_name = ident.to_string();
    // Spanned on the static, so `line!()` is its line.
    let declared_by = quote_spanned! {ident.span()=>
        #runtime::__private::GroupStatic { name: #static_name, file: ::core::file!(), line: ::core::line!() }
    };
    let entry = quote! {
        #runtime::__private::Registration::Group {
            group: __METRICSMITH_STORAGE.__metricsmith_group(&#ident),
            declared_by: &#declared_by,
        }
    };
    let registered = registration(runtime, entry, TokenStream::new());
    let value = quote!({
        static __METRICSMITH_STORAGE: #storage_type = #storage;
        #registered
        __METRICSMITH_STORAGE.__metricsmith_new()
    });
    let static_item = emit_static(item, value);
    let one_static = one_static_per_group(item, runtime);
    quote!(#static_item #one_static)
}

/// A second static of one group type would register the same metrics twice (the
/// registry keeps the first, so the second's values are lost): each group static
/// implements `DeclaredAsStatic<Marker>` for its type, with a marker type of its own
/// named after it, and asks for the one such impl. With two, rustc cannot choose and
/// lists both, at the two statics: "multiple `impl`s satisfying
/// `BatchMetrics: DeclaredAsStatic<_>` found". Unlike a conflicting-impl check, this also
/// works for a group type of another crate (the marker makes the impl local), and sees
/// a static of the same type in a crate this one depends on.
fn one_static_per_group(item: &MetricStatic, runtime: &TokenStream) -> TokenStream {
    let MetricStatic { ident, ty, .. } = item;
    let span = ident.span();
    let marker = syn::Ident::new(&ident.to_string(), span);
    let ty_span = first_token_span(ty);
    let impl_line = quote_spanned! {span=>
        impl #runtime::__private::DeclaredAsStatic<#marker> for #ty {}
    };
    let check = quote_spanned! {ty_span=>
        #runtime::__private::each_metric_group_type_has_one_static::<#ty, _>()
    };
    quote! {
        const _: () = {
            #[allow(non_camel_case_types, dead_code)]
            enum #marker {}
            #[allow(non_local_definitions)]
            #impl_line
            #check
        };
    }
}

/// The user's attributes and signature, with `= value` supplied.
fn emit_static(item: &MetricStatic, value: TokenStream) -> TokenStream {
    let MetricStatic { attrs, vis, static_token, ident, ty, .. } = item;
    quote! {
        #(#attrs)*
        #vis #static_token #ident: #ty = #value;
    }
}

fn registration(runtime: &TokenStream, entry: TokenStream, extra: TokenStream) -> TokenStream {
    quote! {
        // linkme's link section and the name claim's exported symbol trip `unsafe_code`;
        // allowed here so crates with `#![deny(unsafe_code)]` can declare metrics.
        #[allow(unsafe_code)]
        const _: () = {
            #[#runtime::__private::linkme::distributed_slice(#runtime::__private::REGISTRY)]
            #[linkme(crate = #runtime::__private::linkme)]
            static __METRICSMITH_REGISTRATION: #runtime::__private::Registration = #entry;
            #extra
        };
    }
}
