//! Snapshots of representative expansions, pretty-printed, so a reviewer sees every
//! change to the generated code. Update with `cargo insta review` (or
//! `INSTA_UPDATE=always cargo test -p metricsmith-macros`) after checking the diff.

use proc_macro2::TokenStream;
use quote::quote;

/// The expansion as formatted Rust source.
fn pretty(tokens: TokenStream) -> String {
    match syn2::parse2::<syn2::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(error) => panic!("expansion is not valid Rust ({error}):\n{tokens}"),
    }
}

fn derive_input(tokens: TokenStream) -> syn::DeriveInput {
    syn::parse2(tokens).expect("test input is a valid item")
}

#[test]
fn labelled_histogram_with_buckets() {
    let args = quote!(buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5], max_series = 100);
    let item = quote! {
        /// Payment gateway round-trip latency.
        pub static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram<PaymentMethod>;
    };
    insta::assert_snapshot!(pretty(crate::metric::expand(args, item)));
}

#[test]
fn histogram_with_the_default_buckets() {
    let item = quote! {
        /// Checkout latency.
        static CHECKOUT_DURATION_SECONDS: Histogram;
    };
    insta::assert_snapshot!(pretty(crate::metric::expand(TokenStream::new(), item)));
}

#[test]
fn label_value_with_rename_and_label_name() {
    let input = derive_input(quote! {
        #[label(name = "method")]
        enum PaymentMethod {
            Card,
            Wallet,
            #[label(rename = "bank_transfer")]
            Transfer,
        }
    });
    insta::assert_snapshot!(pretty(crate::label_value::derive(input)));
}

#[test]
fn label_value_registered_at_run_time() {
    let input = derive_input(quote! {
        #[label(name = "tenant", capacity = 32)]
        struct Tenant(metricsmith::RuntimeValue);
    });
    insta::assert_snapshot!(pretty(crate::label_value::derive(input)));
}

#[test]
fn metric_group() {
    let input = derive_input(quote! {
        #[metrics(prefix = "shop")]
        pub struct ShopMetrics {
            /// Orders processed, by outcome.
            pub orders_processed_total: Counter<Outcome>,
            /// Orders waiting in the queue.
            pub order_queue_depth: Gauge,
            /// Payment gateway round-trip latency.
            #[metric(name = "payment_gateway_duration_seconds", buckets = [0.1, 0.5, 1])]
            pub gateway_latency: Histogram,
        }
    });
    insta::assert_snapshot!(pretty(crate::metrics_group::derive(input)));
}

#[test]
fn group_static() {
    let item = quote! {
        /// The shop's metrics.
        static SHOP: ShopMetrics;
    };
    insta::assert_snapshot!(pretty(crate::metric::expand(TokenStream::new(), item)));
}

#[test]
fn label_set() {
    let input = derive_input(quote! {
        struct OrderLabels {
            outcome: Outcome,
            #[label(name = "method")]
            payment_method: PaymentMethod,
            express: bool,
        }
    });
    insta::assert_snapshot!(pretty(crate::label_set::derive(input)));
}
