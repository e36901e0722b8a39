//! The options of `#[timed(...)]`, `#[counted(...)]` and `#[in_flight(...)]`, parsed
//! without looking at the function (that is `validation`'s job).

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned;

use crate::buckets::BucketList;
use crate::errors::Errors;
use crate::instrument::NativeOptions;
use crate::options::{string_value, OptionParser};
use metricsmith_naming::InstrumentKind;

/// Which attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Timed,
    Counted,
    InFlight,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Timed, Kind::Counted, Kind::InFlight];

    pub(super) fn attribute(self) -> &'static str {
        match self {
            Kind::Timed => "timed",
            Kind::Counted => "counted",
            Kind::InFlight => "in_flight",
        }
    }

    /// The instrument it records into: `#[timed]` a histogram (filled from durations),
    /// `#[counted]` a counter, `#[in_flight]` a gauge.
    pub(crate) fn instrument(self) -> InstrumentKind {
        match self {
            Kind::Timed => InstrumentKind::Histogram,
            Kind::Counted => InstrumentKind::Counter,
            Kind::InFlight => InstrumentKind::Gauge,
        }
    }

    /// The kind of an attribute path ending in `timed`, `counted` or `in_flight`.
    pub(super) fn of_attribute(attr: &syn::Attribute) -> Option<Kind> {
        let last = attr.path().segments.last()?;
        Kind::ALL.into_iter().find(|kind| last.ident == kind.attribute())
    }
}

/// The options of each attribute, in the order messages list them.
const OPTIONS: &[&str] = &["name", "metric", "labels", "buckets", "native", "help", "max_series", "crate"];

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
    pub(crate) buckets: Option<BucketList>,
    pub(crate) native: Option<NativeOptions>,
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
            native: None,
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
        OptionParser::new(&attribute, OPTIONS).parse(tokens, errors, &mut |key, meta, errors| {
            match key {
                "name" => self.name = Some(string_value(meta)?),
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
                    self.buckets = Some(BucketList::new(meta.path.clone(), &array));
                }
                "native" => self.native = Some(NativeOptions::parse(meta, errors)?),
                "help" => self.help = Some(string_value(meta)?),
                "max_series" => self.max_series = Some(meta.value()?.parse()?),
                "crate" => self.runtime = Some(meta.value()?.parse()?),
                // The parser passes only the keys of `OPTIONS`.
                _ => {}
            }
            Ok(())
        });
    }

    /// On an `impl` block the attribute applies to every method: only `crate` fits
    /// them all.
    pub(crate) fn check_impl_level(&self, errors: &mut Errors) {
        let attribute = self.kind.attribute();
        let misplaced = [
            self.name.as_ref().map(|name| (name.span(), "name")),
            self.metric.as_ref().map(|(key, _)| (key.span(), "metric")),
            self.labels.as_ref().map(|(key, _)| (key.span(), "labels")),
            self.buckets.as_ref().map(|buckets| (buckets.key.span(), "buckets")),
            self.native.as_ref().map(|native| (native.span(), "native")),
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
