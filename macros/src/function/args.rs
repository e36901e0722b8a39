//! The options of `#[timed(...)]`, `#[counted(...)]` and `#[in_flight(...)]`, parsed
//! without looking at the function (that is `validation`'s job).

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned;

use super::Kind;
use crate::common::{number_literal, string_value, unknown_option};
use crate::errors::Errors;

pub(crate) const OPTIONS: &[&str] = &["name", "metric", "labels", "buckets", "help", "max_series", "crate"];

/// `buckets = [...]`: the key, the number literals with their spans, and the elements
/// that are not number literals.
pub(crate) type Buckets = (syn::Path, Vec<(f64, Span)>, Vec<syn::Expr>);

/// One `key = argument` of `labels(...)`.
#[derive(Clone)]
pub(crate) struct LabelArg {
    pub(crate) key: syn::Ident,
    pub(crate) value: syn::Expr,
}

/// The options of one attribute, each with the tokens to span its errors on.
#[derive(Clone)]
pub(crate) struct FnArgs {
    pub(crate) kind: Kind,
    /// The attribute, for errors about it as a whole.
    pub(crate) tokens: TokenStream,
    pub(crate) name: Option<syn::LitStr>,
    /// `metric = PATH`: the key, then the path.
    pub(crate) metric: Option<(syn::Path, syn::Path)>,
    pub(crate) labels: Option<(syn::Path, Vec<LabelArg>)>,
    pub(crate) buckets: Option<Buckets>,
    pub(crate) help: Option<syn::LitStr>,
    pub(crate) max_series: Option<syn::LitInt>,
    pub(crate) runtime: Option<syn::Path>,
}

impl FnArgs {
    fn empty(kind: Kind, tokens: TokenStream) -> Self {
        FnArgs {
            kind,
            tokens,
            name: None,
            metric: None,
            labels: None,
            buckets: None,
            help: None,
            max_series: None,
            runtime: None,
        }
    }

    /// The options of the invoked attribute.
    pub(crate) fn parse(kind: Kind, tokens: TokenStream, errors: &mut Errors) -> Self {
        let mut args = FnArgs::empty(kind, quote::quote_spanned!(Span::call_site()=> #[attribute]));
        args.parse_tokens(tokens, errors);
        args
    }

    /// The options of a stacked attribute found on the function (`#[counted(...)]`
    /// under `#[timed]`).
    pub(crate) fn from_attribute(kind: Kind, attr: &syn::Attribute, errors: &mut Errors) -> Self {
        let mut args = FnArgs::empty(kind, attr.to_token_stream());
        match &attr.meta {
            syn::Meta::Path(_) => {}
            syn::Meta::List(list) => args.parse_tokens(list.tokens.clone(), errors),
            syn::Meta::NameValue(pair) => errors.error(
                pair,
                format!(
                    "`#[{0}]` takes its options in parentheses: `#[{0}(name = \"...\")]`",
                    kind.attribute()
                ),
            ),
        }
        args
    }

    fn parse_tokens(&mut self, tokens: TokenStream, errors: &mut Errors) {
        let attribute = format!("`#[{}]`", self.kind.attribute());
        let mut seen: Vec<String> = Vec::new();
        let parser = syn::meta::parser(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            if OPTIONS.contains(&key.as_str()) {
                if seen.contains(&key) {
                    errors.error(&meta.path, format!("`{key}` is given twice in {attribute}: keep one"));
                }
                seen.push(key.clone());
            }
            match key.as_str() {
                "name" => self.name = Some(string_value(&meta)?),
                "metric" => self.metric = Some((meta.path.clone(), meta.value()?.parse()?)),
                "labels" => {
                    let mut pairs = Vec::new();
                    meta.parse_nested_meta(|pair| {
                        let Some(key) = pair.path.get_ident().cloned() else {
                            return Err(pair
                                .error("expected `label_name = argument`, e.g. `labels(method = method)`"));
                        };
                        let value = pair.value()?.parse::<syn::Expr>()?;
                        pairs.push(LabelArg { key, value });
                        Ok(())
                    })?;
                    self.labels = Some((meta.path.clone(), pairs));
                }
                "buckets" => {
                    let array: syn::ExprArray = meta.value()?.parse()?;
                    let mut bounds = Vec::new();
                    let mut invalid = Vec::new();
                    for element in array.elems {
                        match number_literal(&element) {
                            Ok(value) => bounds.push((value, element.span())),
                            Err(_) => invalid.push(element),
                        }
                    }
                    self.buckets = Some((meta.path.clone(), bounds, invalid));
                }
                "help" => self.help = Some(string_value(&meta)?),
                "max_series" => self.max_series = Some(meta.value()?.parse()?),
                "crate" => self.runtime = Some(meta.value()?.parse()?),
                _ => {
                    unknown_option(errors, &meta.path, &attribute, OPTIONS);
                    // Skip the value so the options after it are still read.
                    if meta.input.peek(syn::Token![=]) {
                        meta.value()?.parse::<syn::Expr>()?;
                    } else if meta.input.peek(syn::token::Paren) {
                        meta.input.parse::<proc_macro2::Group>()?;
                    }
                }
            }
            Ok(())
        });
        let result = syn::parse::Parser::parse2(parser, tokens);
        errors.ok(result);
    }

    /// On an `impl` block the attribute applies to every method: only `crate` fits
    /// them all.
    pub(crate) fn check_impl_level(&self, errors: &mut Errors) {
        let attribute = self.kind.attribute();
        let misplaced = [
            self.name.as_ref().map(|name| (name.span(), "name")),
            self.metric.as_ref().map(|(key, _)| (key.span(), "metric")),
            self.labels.as_ref().map(|(key, _)| (key.span(), "labels")),
            self.buckets.as_ref().map(|(key, _, _)| (key.span(), "buckets")),
            self.help.as_ref().map(|help| (help.span(), "help")),
            self.max_series.as_ref().map(|max| (max.span(), "max_series")),
        ];
        for (span, option) in misplaced.into_iter().flatten() {
            errors.error_at(
                span,
                format!("on an `impl` block, `#[{attribute}]` instruments every method and takes only `crate = ...`: put `#[{attribute}({option} = ...)]` on the method it is meant for"),
            );
        }
    }

    /// The kind and `crate` only: what an `impl` block passes on to its methods once
    /// [`check_impl_level`](Self::check_impl_level) reported the rest.
    pub(crate) fn impl_level(&self) -> Self {
        FnArgs { runtime: self.runtime.clone(), ..FnArgs::empty(self.kind, self.tokens.clone()) }
    }
}
