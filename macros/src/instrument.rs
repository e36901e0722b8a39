//! What `#[metric]` and `#[derive(Metrics)]` share: recognising an instrument type,
//! its options, their validation, and the expressions that build it in a static.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::buckets::check_buckets;
use crate::common::{f64_tokens, number_literal, string_value, unknown_option};
use crate::errors::Errors;
use crate::naming::{check_label_name, check_metric_name, MetricKind};

/// Prometheus' default histogram buckets; must match `metricsmith::DEFAULT_BUCKETS`.
const DEFAULT_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
const DEFAULT_MAX_SERIES: u64 = 10_000;

/// An instrument type, read from the last segment of the declared type's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InstrumentType {
    Counter,
    FloatCounter,
    Gauge,
    Histogram,
    Summary,
    Info,
    StateSet,
}

impl InstrumentType {
    pub(crate) fn of(ty: &syn::Type) -> Option<Self> {
        let syn::Type::Path(path) = ty else { return None };
        let last = path.path.segments.last()?;
        Some(match last.ident.to_string().as_str() {
            "Counter" => Self::Counter,
            "FloatCounter" => Self::FloatCounter,
            "Gauge" => Self::Gauge,
            "Histogram" => Self::Histogram,
            "Summary" => Self::Summary,
            "Info" => Self::Info,
            "StateSet" => Self::StateSet,
            _ => return None,
        })
    }

    pub(crate) fn naming_kind(self) -> MetricKind {
        match self {
            Self::Counter => MetricKind::Counter,
            Self::FloatCounter => MetricKind::FloatCounter,
            Self::Gauge => MetricKind::Gauge,
            Self::Histogram => MetricKind::Histogram,
            Self::Summary => MetricKind::Summary,
            Self::Info => MetricKind::Info,
            Self::StateSet => MetricKind::StateSet,
        }
    }

    /// Storage cells per series; `None` for types without a cell array.
    fn cells_per_series(self, bucket_count: usize) -> Option<usize> {
        match self {
            Self::Counter | Self::FloatCounter | Self::Gauge => Some(1),
            Self::Summary => Some(2),
            Self::Histogram => Some(bucket_count + 2),
            Self::Info | Self::StateSet => None,
        }
    }
}

/// Options of one instrument: `#[metric(...)]` on a static or on a group's field.
#[derive(Default)]
pub(crate) struct InstrumentOptions {
    pub(crate) name: Option<syn::LitStr>,
    pub(crate) buckets: Option<(syn::Path, Vec<(f64, Span)>)>,
    pub(crate) max_series: Option<syn::LitInt>,
    pub(crate) callback: Option<(syn::Path, syn::Path)>,
    pub(crate) info_labels: Option<(syn::Path, Vec<(syn::Ident, syn::Expr)>)>,
}

pub(crate) const INSTRUMENT_OPTIONS: &[&str] = &["name", "buckets", "max_series", "callback", "labels"];

impl InstrumentOptions {
    /// Parses one `key = value` (or `labels(...)`); returns `false` for a key that is
    /// not an instrument option so the caller can try its own.
    pub(crate) fn parse(
        &mut self,
        meta: &syn::meta::ParseNestedMeta,
        errors: &mut Errors,
    ) -> syn::Result<bool> {
        if meta.path.is_ident("name") {
            self.name = Some(string_value(meta)?);
        } else if meta.path.is_ident("buckets") {
            let array: syn::ExprArray = meta.value()?.parse()?;
            let mut bounds = Vec::new();
            for element in &array.elems {
                match number_literal(element) {
                    Ok(value) => bounds.push((value, element.span())),
                    Err(error) => errors.push(error),
                }
            }
            self.buckets = Some((meta.path.clone(), bounds));
        } else if meta.path.is_ident("max_series") {
            self.max_series = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("callback") {
            self.callback = Some((meta.path.clone(), meta.value()?.parse()?));
        } else if meta.path.is_ident("labels") {
            let mut pairs = Vec::new();
            meta.parse_nested_meta(|pair| {
                let Some(label) = pair.path.get_ident().cloned() else {
                    return Err(pair.error("expected `label_name = \"value\"`"));
                };
                pairs.push((label, pair.value()?.parse::<syn::Expr>()?));
                Ok(())
            })?;
            self.info_labels = Some((meta.path.clone(), pairs));
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Parses the options of a field's `#[metric(...)]` attributes.
    pub(crate) fn from_field_attrs(attrs: &[syn::Attribute], errors: &mut Errors) -> Self {
        let mut options = InstrumentOptions::default();
        for attr in attrs.iter().filter(|attr| attr.path().is_ident("metric")) {
            let result = attr.parse_nested_meta(|meta| {
                if !options.parse(&meta, errors)? {
                    unknown_option(errors, &meta.path, "`#[metric]`", INSTRUMENT_OPTIONS);
                    if meta.input.peek(syn::Token![=]) {
                        let _ = meta.value()?.parse::<syn::Expr>()?;
                    }
                }
                Ok(())
            });
            errors.ok(result);
        }
        options
    }

    fn bucket_values(&self) -> Vec<f64> {
        match &self.buckets {
            Some((_, bounds)) => bounds.iter().map(|(value, _)| *value).collect(),
            None => DEFAULT_BUCKETS.to_vec(),
        }
    }
}

/// A validated instrument declaration, ready to expand.
pub(crate) struct Instrument<'a> {
    pub(crate) instrument_type: InstrumentType,
    pub(crate) ty: &'a syn::Type,
    pub(crate) name: String,
    pub(crate) options: InstrumentOptions,
}

/// Where a name came from, for messages: `name = "..."` or the static/field ident.
pub(crate) enum NameSource<'a> {
    Literal(&'a syn::LitStr),
    /// A static's ident (upper case); suggestions are given in the same case.
    StaticIdent(&'a syn::Ident),
    /// A group field's ident (lower case), joined to `prefix`.
    FieldIdent(&'a syn::Ident, &'a str),
}

impl Instrument<'_> {
    /// Checks the name, options and buckets, recording every problem.
    pub(crate) fn validate(&self, source: &NameSource, errors: &mut Errors) {
        let kind = self.instrument_type.naming_kind();
        for problem in check_metric_name(&self.name, kind) {
            match source {
                NameSource::Literal(literal) => errors.error(literal, problem.message),
                NameSource::StaticIdent(ident) => {
                    let message = match &problem.suggestion {
                        Some(fixed) => problem.message.replace(
                            &format!("name it `{fixed}`"),
                            &format!("rename the static to `{}`", fixed.to_uppercase()),
                        ),
                        None => problem.message,
                    };
                    errors.error(ident, message);
                }
                NameSource::FieldIdent(ident, prefix) => {
                    let message = match (&problem.suggestion, prefix.is_empty()) {
                        (Some(fixed), false) => {
                            let field = fixed.strip_prefix(&format!("{prefix}_")).unwrap_or(fixed);
                            problem.message.replace(
                                &format!("name it `{fixed}`"),
                                &format!("rename the field to `{field}` (metric `{fixed}`)"),
                            )
                        }
                        (Some(fixed), true) => problem.message.replace(
                            &format!("name it `{fixed}`"),
                            &format!("rename the field to `{fixed}`"),
                        ),
                        (None, _) => problem.message,
                    };
                    errors.error(ident, message);
                }
            }
        }
        self.validate_options(errors);
    }

    fn validate_options(&self, errors: &mut Errors) {
        let name = &self.name;
        let what = self.instrument_type.naming_kind().describe();
        if let Some((key, bounds)) = &self.options.buckets {
            if self.instrument_type != InstrumentType::Histogram {
                errors
                    .error(key, format!("{what} `{name}` has no buckets: `buckets` is only for histograms"));
            } else {
                let values: Vec<f64> = bounds.iter().map(|(value, _)| *value).collect();
                if let Err((position, message)) = check_buckets(&values) {
                    let span = bounds.get(position).map_or(key.span(), |(_, span)| *span);
                    errors.error_at(span, format!("histogram `{name}`: {message}"));
                }
            }
        }
        if let Some((key, _)) = &self.options.callback {
            if self.instrument_type != InstrumentType::Gauge {
                errors.error(
                    key,
                    format!("{what} `{name}` cannot take a `callback`: only a gauge is read at scrape time"),
                );
            } else if has_type_arguments(self.ty) {
                errors.error(key, format!("gauge `{name}` has labels, but a `callback` gauge reads one value: drop the labels, or implement a collector for per-label values"));
            }
        }
        match (&self.options.info_labels, self.instrument_type) {
            (Some((_, pairs)), InstrumentType::Info) => {
                for (label, _) in pairs {
                    if let Some(problem) = check_label_name(&label.to_string(), name) {
                        errors.error(label, problem.message);
                    }
                }
                if pairs.is_empty() {
                    errors.error(self.ty, format!("info metric `{name}` needs at least one label: write `#[metric(labels(version = \"1.2.3\"))]`"));
                }
            }
            (None, InstrumentType::Info) => {
                errors.error(self.ty, format!("info metric `{name}` needs its labels: write `#[metric(labels(version = env!(\"CARGO_PKG_VERSION\")))]`"))
            }
            (Some((key, _)), _) => errors.error(key, format!("{what} `{name}` takes its labels from its type (`{}<Labels>`): `labels(...)` is only for info metrics", type_word(self.instrument_type))),
            (None, _) => {}
        }
        if let Some(max_series) = &self.options.max_series {
            if max_series.base10_parse::<u64>().map_or(true, |value| value == 0) {
                errors.error(
                    max_series,
                    format!("`max_series` of `{name}` must be a positive whole number of series"),
                );
            }
        }
    }

    /// `[AtomicU64; N]` sizing expression, if this type stores cells.
    pub(crate) fn cell_count(&self, runtime: &TokenStream) -> Option<TokenStream> {
        let ty = self.ty;
        let per_series = self.instrument_type.cells_per_series(self.bucket_count())?;
        Some(quote!(<#ty as #runtime::__private::Instrument>::SERIES * #per_series))
    }

    fn bucket_count(&self) -> usize {
        self.options.bucket_values().len()
    }

    /// The expression building the instrument, given a `&'static` cell array.
    pub(crate) fn constructor(&self, cells: TokenStream) -> TokenStream {
        let ty = self.ty;
        match self.instrument_type {
            InstrumentType::Histogram => {
                let bounds = self.options.bucket_values().into_iter().map(f64_tokens);
                quote!(<#ty>::__new(&[#(#bounds),*], #cells))
            }
            InstrumentType::Info => {
                let pairs =
                    self.options.info_labels.iter().flat_map(|(_, pairs)| pairs).map(|(label, value)| {
                        let label = label.to_string();
                        quote!((#label, #value))
                    });
                quote!(<#ty>::__new(&[#(#pairs),*]))
            }
            InstrumentType::StateSet => quote!(<#ty>::__new()),
            _ => quote!(<#ty>::__new(#cells)),
        }
    }

    /// A compile-time assertion that the instrument stays within its series budget.
    pub(crate) fn budget_assertion(&self, runtime: &TokenStream) -> TokenStream {
        let ty = self.ty;
        let name = &self.name;
        let (max, span) = match &self.options.max_series {
            Some(literal) => (literal.base10_parse::<u64>().unwrap_or(DEFAULT_MAX_SERIES), literal.span()),
            None => (DEFAULT_MAX_SERIES, ty.span()),
        };
        let max = max as usize;
        let (per_label_set, formula) = match self.instrument_type {
            InstrumentType::Histogram => (self.bucket_count() + 2, "label combinations × (buckets + 2)"),
            InstrumentType::Summary => (2, "label combinations × 2"),
            _ => (1, "label combinations"),
        };
        let message = format!(
            "metric `{name}` exceeds its series budget of {max} ({formula}): drop a label or merge label values, or raise the budget with `#[metric(max_series = N)]`"
        );
        quote_spanned! {span=>
            const _: () = ::core::assert!(
                <#ty as #runtime::__private::Instrument>::SERIES * #per_label_set <= #max,
                #message
            );
        }
    }

    /// A `&'static` family for registration; a callback gauge registers its callback.
    pub(crate) fn callback(&self) -> Option<&syn::Path> {
        self.options.callback.as_ref().map(|(_, path)| path)
    }
}

fn has_type_arguments(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else { return false };
    path.path.segments.last().is_some_and(|segment| !segment.arguments.is_empty())
}

fn type_word(instrument_type: InstrumentType) -> &'static str {
    match instrument_type {
        InstrumentType::Counter => "Counter",
        InstrumentType::FloatCounter => "FloatCounter",
        InstrumentType::Gauge => "Gauge",
        InstrumentType::Histogram => "Histogram",
        InstrumentType::Summary => "Summary",
        InstrumentType::Info => "Info",
        InstrumentType::StateSet => "StateSet",
    }
}

/// The symbol each metric name claims, so two declarations of one name fail to build:
/// in one crate as "symbol already defined", across crates at link time.
pub(crate) fn name_claim(name: &str, span: Span) -> TokenStream {
    let symbol = format!("__metricsmith_duplicate_metric_name__{name}");
    quote_spanned! {span=>
        #[unsafe(export_name = #symbol)]
        static __METRICSMITH_NAME_CLAIM: ::core::primitive::u8 = 0;
    }
}

/// `::core::file!()`-style metadata for a declaration at `span`.
pub(crate) fn meta_expr(runtime: &TokenStream, name: &str, help: &str, span: Span) -> TokenStream {
    quote_spanned! {span=>
        #runtime::__private::Meta {
            name: #name,
            help: #help,
            file: ::core::file!(),
            line: ::core::line!(),
            module: ::core::module_path!(),
        }
    }
}
