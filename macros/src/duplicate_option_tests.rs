//! Every macro reads its options through `options::OptionParser`: an option given
//! twice is one error, in the same words, whichever attribute it is in.

use proc_macro2::TokenStream;
use quote::quote;

/// The `compile_error!` messages in an expansion.
fn errors(expansion: TokenStream) -> Vec<String> {
    let mut messages = Vec::new();
    let mut tokens = expansion.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let proc_macro2::TokenTree::Ident(ident) = &token else { continue };
        if ident != "compile_error" {
            continue;
        }
        // `compile_error` `!` `{ "message" }`
        let _bang = tokens.next();
        if let Some(proc_macro2::TokenTree::Group(group)) = tokens.next() {
            let literal: syn::LitStr = syn::parse2(group.stream()).expect("a message literal");
            messages.push(literal.value());
        }
    }
    messages
}

fn derive(tokens: TokenStream) -> syn::DeriveInput {
    syn::parse2(tokens).expect("test input is a valid item")
}

#[test]
fn metric_on_a_static() {
    let args = quote!(max_series = 10, name = "a_total", max_series = 20);
    let item = quote!(
        /// Doc.
        static A_TOTAL: Counter;
    );
    assert_eq!(
        errors(crate::metric::expand(args, item)),
        ["`max_series` is given twice in `#[metric]`: keep one `max_series = ...`"]
    );
}

#[test]
fn metric_on_a_group_field_across_two_attributes() {
    let input = derive(quote! {
        struct Shop {
            /// Doc.
            #[metric(name = "a_seconds")]
            #[metric(buckets = [1.0], name = "b_seconds")]
            latency: Histogram,
        }
    });
    assert_eq!(
        errors(crate::metrics_group::derive(input)),
        ["`name` is given twice in `#[metric]`: keep one `name = ...`"]
    );
}

#[test]
fn metrics_on_a_group() {
    let input = derive(quote! {
        #[metrics(prefix = "shop", prefix = "store")]
        struct Shop {
            /// Doc.
            orders_total: Counter,
        }
    });
    assert_eq!(
        errors(crate::metrics_group::derive(input)),
        ["`prefix` is given twice in `#[metrics]`: keep one `prefix = ...`"]
    );
}

#[test]
fn label_on_an_enum_and_a_variant() {
    let input = derive(quote! {
        #[label(name = "method", name = "kind")]
        enum Method {
            #[label(rename = "card", rename = "credit_card")]
            Card,
        }
    });
    assert_eq!(
        errors(crate::label_value::derive(input)),
        [
            "`name` is given twice in `#[label]`: keep one `name = ...`",
            "`rename` is given twice in variant `#[label]`: keep one `rename = ...`",
        ]
    );
}

#[test]
fn label_on_a_label_set_and_its_field() {
    let input = derive(quote! {
        #[label(crate = ::metricsmith, crate = ::metricsmith)]
        struct Labels {
            #[label(name = "method", name = "kind")]
            method: Method,
        }
    });
    assert_eq!(
        errors(crate::label_set::derive(input)),
        [
            "`crate` is given twice in `#[label]` on a label set: keep one `crate = ...`",
            "`name` is given twice in field `#[label]`: keep one `name = ...`",
        ]
    );
}

#[test]
fn function_attributes_and_their_stacked_attributes() {
    let item = quote!(
        #[counted(name = "a_total", labels(m = m), labels(m = m))]
        fn a(m: M) {}
    );
    assert_eq!(
        errors(crate::function::expand(
            crate::function::Kind::Timed,
            quote!(name = "a_seconds", help = "x", help = "y"),
            item
        )),
        [
            "`help` is given twice in `#[timed]`: keep one `help = ...`",
            "`labels` is given twice in `#[counted]`: keep one `labels(...)`",
        ]
    );
}
