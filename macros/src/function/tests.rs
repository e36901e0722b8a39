//! Unit tests of the pieces that decide how a function is wrapped.

use super::validation::{infer_impl_trait, is_result};

#[test]
fn any_path_ending_in_result_is_fallible() {
    for ty in [
        "Result<u8, E>",
        "io::Result<()>",
        "std::io::Result<()>",
        "anyhow::Result<T>",
        "(Result<u8, E>)",
        "IoResult<u8>",
        "fmt::Result",
    ] {
        assert!(is_result(&syn::parse_str(ty).unwrap()), "{ty}");
    }
    for ty in ["Option<u8>", "u8", "impl Future<Output = Result<u8, E>>", "Results", "&Result<u8, E>"] {
        assert!(!is_result(&syn::parse_str(ty).unwrap()), "{ty}");
    }
}

#[test]
fn every_impl_trait_in_a_return_type_is_left_to_inference() {
    for (ty, inferred) in [
        ("impl Future<Output = u8>", "_"),
        ("Result<impl Display, io::Error>", "Result<_, io::Error>"),
        (
            "(impl Debug, &'static impl Display, [impl Copy; 2], *const impl Send)",
            "(_, &'static _, [_;2], *const _)",
        ),
        ("Box<dyn Iterator<Item = impl Debug>>", "Box<dyn Iterator<Item=_>>"),
        ("Option<Vec<(impl Debug)>>", "Option<Vec<(_)>>"),
        ("<impl Trait as Other>::Assoc", "<_ as Other>::Assoc"),
    ] {
        let mut parsed: syn::Type = syn::parse_str(ty).unwrap();
        assert!(infer_impl_trait(&mut parsed), "{ty}");
        assert_eq!(crate::common::tokens_text(&parsed), inferred);
    }
    for ty in ["u8", "Result<Vec<u8>, E>", "fn() -> u8", "&dyn Display"] {
        let mut parsed: syn::Type = syn::parse_str(ty).unwrap();
        let before = crate::common::tokens_text(&parsed);
        assert!(!infer_impl_trait(&mut parsed), "{ty}");
        assert_eq!(crate::common::tokens_text(&parsed), before);
    }
}

/// The expansion of `#[attribute(args)]` on `item`, pretty-printed.
fn expanded(kind: super::Kind, args: &str, item: &str) -> String {
    let tokens = super::expand(kind, args.parse().unwrap(), item.parse().unwrap());
    let file: syn2::File = syn2::parse2(printable(tokens)).expect("the expansion parses as items");
    prettyplease::unparse(&file)
}

/// `#[metric] static NAME: Type;` has no value until `#[metric]` expands, and the
/// printer cannot show a static without one: give it a marker value.
fn printable(tokens: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    use proc_macro2::{Group, TokenTree};
    let mut out = Vec::new();
    let mut in_static = false;
    for token in tokens {
        match &token {
            TokenTree::Ident(ident) if ident == "static" => in_static = true,
            TokenTree::Punct(punct) if punct.as_char() == '=' => in_static = false,
            TokenTree::Punct(punct) if punct.as_char() == ';' && in_static => {
                in_static = false;
                out.extend(quote::quote!(= __value_supplied_by_metric!()));
            }
            _ => {}
        }
        out.push(match token {
            TokenTree::Group(group) => {
                TokenTree::Group(Group::new(group.delimiter(), printable(group.stream())))
            }
            other => other,
        });
    }
    out.into_iter().collect()
}

#[test]
fn a_plain_function_keeps_its_body_in_place() {
    insta::assert_snapshot!(expanded(
        super::Kind::Counted,
        "",
        "/// Adds one.\n#[inline]\npub fn add_one(x: u32) -> u32 { x + 1 }",
    ));
}

#[test]
fn a_timed_only_function_gets_the_lean_guard_and_keeps_its_result_body_in_place() {
    insta::assert_snapshot!(expanded(
        super::Kind::Timed,
        "",
        "fn charge(order: &Order) -> Result<Receipt, Declined> { let receipt = gateway(order)?; Ok(receipt) }",
    ));
}

#[test]
fn stacked_attributes_on_a_result_function_share_one_guard() {
    insta::assert_snapshot!(expanded(
        super::Kind::Timed,
        "",
        "#[counted] #[in_flight] fn charge(order: &Order) -> Result<Receipt, Declined> { let receipt = gateway(order)?; Ok(receipt) }",
    ));
}

#[test]
fn an_async_function_with_a_dedicated_labelled_metric() {
    insta::assert_snapshot!(expanded(
        super::Kind::Timed,
        r#"name = "payment_gateway_duration_seconds", labels(method = method), buckets = [0.1, 1.0]"#,
        "async fn call_gateway(method: &PaymentMethod) -> Result<(), GatewayError> { send(method).await }",
    ));
}

#[test]
fn metric_static_checks_types_and_label_names() {
    insta::assert_snapshot!(expanded(
        super::Kind::Counted,
        "metric = REFUNDS_TOTAL, labels(method = method)",
        "fn refund(method: PaymentMethod) {}",
    ));
}

#[test]
fn an_impl_block_instruments_its_methods_but_skipped_ones() {
    insta::assert_snapshot!(expanded(
        super::Kind::InFlight,
        "",
        "impl Cart { fn add(&mut self, item: Item) { self.items.push(item) } #[metricsmith(skip)] fn len(&self) -> usize { self.items.len() } const MAX: usize = 3; }",
    ));
}
