//! What `#[metric]` and `#[derive(Metrics)]` share: recognising an instrument type,
//! its options, their validation, and the expressions that build it in a static.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use crate::buckets::check_buckets;
use crate::common::{f64_tokens, first_token_span, number_literal, reject_unknown_option, tokens_text};
use crate::errors::Errors;
use metricsmith_naming::{check_label_name, check_metric_name, InstrumentKind, RenameAs};

/// Prometheus' default histogram buckets; must match `metricsmith::DEFAULT_BUCKETS`.
const DEFAULT_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
const DEFAULT_MAX_SERIES: u64 = 10_000;

/// The kind of instrument a declared type is, from the last segment of its path
/// (`Counter`, `metricsmith::Histogram<L>`); `None` for any other type.
pub(crate) fn instrument_kind(ty: &syn::Type) -> Option<InstrumentKind> {
    let syn::Type::Path(path) = ty else { return None };
    InstrumentKind::from_type_name(&path.path.segments.last()?.ident.to_string())
}

/// Whether the instrument records into cells of its own (the runtime decides how many).
fn stores_cells(kind: InstrumentKind) -> bool {
    !matches!(kind, InstrumentKind::Info | InstrumentKind::StateSet)
}

/// Options of one instrument: `#[metric(...)]` on a static or on a group's field.
#[derive(Default)]
pub(crate) struct InstrumentOptions {
    pub(crate) name: Option<syn::LitStr>,
    pub(crate) buckets: Option<(syn::Path, Vec<(f64, Span)>)>,
    pub(crate) max_series: Option<syn::LitInt>,
    pub(crate) callback: Option<(syn::Path, syn::Path)>,
    pub(crate) collector: Option<(syn::Path, syn::Path)>,
    pub(crate) info_labels: Option<(syn::Path, Vec<(syn::Ident, syn::Expr)>)>,
    /// Elements of `buckets = [...]` that are not number literals, reported by
    /// `Instrument::validate` once the metric's name is known.
    pub(crate) invalid_buckets: Vec<syn::Expr>,
    /// `name = <not a string>` was given (and reported): the name rules are skipped,
    /// as the fallback name is not the one the user meant.
    pub(crate) invalid_name: bool,
}

pub(crate) const INSTRUMENT_OPTIONS: &[&str] =
    &["name", "buckets", "max_series", "callback", "collector", "labels"];

impl InstrumentOptions {
    /// Parses one `key = value` (or `labels(...)`); returns `false` for a key that is
    /// not an instrument option so the caller can try its own.
    pub(crate) fn parse(
        &mut self,
        meta: &syn::meta::ParseNestedMeta,
        errors: &mut Errors,
    ) -> syn::Result<bool> {
        // A value of the wrong shape is reported with an example of the right one, and
        // parsing goes on with the next option.
        if meta.path.is_ident("name") {
            let example = "`name = \"orders_processed_total\"`";
            match option_value(meta, example, errors)? {
                None => {}
                Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. })) => self.name = Some(name),
                Some(other) => {
                    errors.error(
                        other,
                        format!("`name` takes the metric's name as a string literal, e.g. {example}"),
                    );
                    self.invalid_name = true;
                }
            }
        } else if meta.path.is_ident("buckets") {
            let example = "`buckets = [0.1, 0.5, 1.0]`";
            match option_value(meta, example, errors)? {
                None => {}
                Some(syn::Expr::Array(array)) => {
                    let mut bounds = Vec::new();
                    for element in &array.elems {
                        match number_literal(element) {
                            Ok(value) => bounds.push((value, element.span())),
                            Err(_) => self.invalid_buckets.push(element.clone()),
                        }
                    }
                    self.buckets = Some((meta.path.clone(), bounds));
                }
                Some(other) => errors
                    .error(other, format!("`buckets` takes a list of bucket upper bounds, e.g. {example}")),
            }
        } else if meta.path.is_ident("max_series") {
            let example = "`max_series = 1000`";
            match option_value(meta, example, errors)? {
                None => {}
                Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(max), .. })) => {
                    self.max_series = Some(max)
                }
                Some(other) => {
                    errors.error(other, format!("`max_series` takes a whole number, e.g. {example}"))
                }
            }
        } else if meta.path.is_ident("callback") {
            let example = "`callback = queue_depth`";
            match option_value(meta, example, errors)? {
                None => {}
                Some(syn::Expr::Path(syn::ExprPath { path, qself: None, .. })) => {
                    self.callback = Some((meta.path.clone(), path));
                }
                Some(other) => {
                    errors.error(other, format!("`callback` takes the path of a function, e.g. {example}"))
                }
            }
        } else if meta.path.is_ident("collector") {
            let example = "`collector = QUEUE_STATS`";
            match option_value(meta, example, errors)? {
                None => {}
                Some(syn::Expr::Path(syn::ExprPath { path, qself: None, .. })) => {
                    self.collector = Some((meta.path.clone(), path));
                }
                Some(other) => errors.error(
                    other,
                    format!(
                        "`collector` takes the path of a static that implements `Collector`, e.g. {example}"
                    ),
                ),
            }
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
                    reject_unknown_option(errors, &meta, "`#[metric]`", INSTRUMENT_OPTIONS)?;
                }
                Ok(())
            });
            errors.ok(result);
        }
        options
    }

    /// The bucket bounds to build the histogram with: the given ones, or the defaults
    /// when none were given or the given ones are unusable (already reported, so the
    /// expansion stays free of follow-on errors).
    fn bucket_values(&self) -> Vec<f64> {
        match &self.buckets {
            Some((_, bounds)) if self.invalid_buckets.is_empty() => {
                let values: Vec<f64> = bounds.iter().map(|(value, _)| *value).collect();
                match check_buckets(&values) {
                    Ok(()) => values,
                    Err(_) => DEFAULT_BUCKETS.to_vec(),
                }
            }
            _ => DEFAULT_BUCKETS.to_vec(),
        }
    }
}

/// A validated instrument declaration, ready to expand.
pub(crate) struct Instrument<'a> {
    pub(crate) kind: InstrumentKind,
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
        let kind = self.kind;
        let problems =
            if self.options.invalid_name { Vec::new() } else { check_metric_name(&self.name, kind) };
        for problem in problems {
            match source {
                NameSource::Literal(literal) => errors.error(literal, problem.render(RenameAs::Name)),
                NameSource::StaticIdent(ident) => errors.error(ident, problem.render(RenameAs::Static)),
                NameSource::FieldIdent(ident, prefix) => {
                    errors.error(ident, problem.render(RenameAs::Field { prefix }))
                }
            }
        }
        self.validate_options(errors);
    }

    fn validate_options(&self, errors: &mut Errors) {
        let name = &self.name;
        let what = self.kind.describe();
        if let Some((key, bounds)) = &self.options.buckets {
            if self.kind != InstrumentKind::Histogram {
                errors.error(
                    key,
                    format!("{what} `{name}` has no buckets: `buckets` is only for histograms, remove it"),
                );
            } else if !self.options.invalid_buckets.is_empty() {
                for element in &self.options.invalid_buckets {
                    errors.error(
                        element,
                        format!(
                            "bucket `{}` of histogram `{name}` is not a number literal: buckets are checked at compile time, so write the number itself, e.g. `0.25`",
                            tokens_text(element)
                        ),
                    );
                }
            } else {
                let values: Vec<f64> = bounds.iter().map(|(value, _)| *value).collect();
                if let Err((position, message)) = check_buckets(&values) {
                    let span = bounds.get(position).map_or(key.span(), |(_, span)| *span);
                    errors.error_at(span, format!("histogram `{name}`: {message}"));
                }
            }
        }
        let scrape_time = [("callback", &self.options.callback), ("collector", &self.options.collector)];
        for (option, key) in
            scrape_time.iter().filter_map(|(option, given)| Some((option, &given.as_ref()?.0)))
        {
            match self.kind {
                InstrumentKind::Gauge | InstrumentKind::FloatCounter => {}
                InstrumentKind::Counter => errors.error(
                    key,
                    format!("counter `{name}` read at scrape time takes the value as a float: declare it as `FloatCounter`, or remove `{option}`"),
                ),
                _ => errors.error(
                    key,
                    format!("{what} `{name}` cannot take a `{option}`: only a gauge or a float counter is read at scrape time, declare it as `Gauge` (or `FloatCounter` for a total) or remove `{option}`"),
                ),
            }
        }
        if let (Some(_), Some((key, _))) = (&self.options.callback, &self.options.collector) {
            errors.error(
                key,
                format!("`{name}` takes its values from one place: keep `callback` (one function call per series) or `collector` (one call fills every series), not both"),
            );
        }
        match (&self.options.info_labels, self.kind) {
            (Some((_, pairs)), InstrumentKind::Info) => {
                for (position, (label, _)) in pairs.iter().enumerate() {
                    let label_name = label.to_string();
                    if let Some(problem) = check_label_name(&label_name, name) {
                        errors.error(label, problem.render(RenameAs::Name));
                    } else if pairs[..position].iter().any(|(earlier, _)| *earlier == label_name) {
                        errors.error(label, format!("label `{label_name}` of `{name}` is given twice: keep one `{label_name} = ...`"));
                    }
                }
                if pairs.is_empty() {
                    errors.error(self.ty, format!("info metric `{name}` needs at least one label: write `#[metric(labels(version = \"1.2.3\"))]`"));
                }
            }
            (None, InstrumentKind::Info) => {
                errors.error(self.ty, format!("info metric `{name}` needs its labels: write `#[metric(labels(version = env!(\"CARGO_PKG_VERSION\")))]`"))
            }
            (Some((key, _)), _) => errors.error(key, format!("{what} `{name}` takes its labels from its type (`{}<Labels>`): `labels(...)` is only for info metrics", self.kind.type_name())),
            (None, _) => {}
        }
        if let Some(max_series) = &self.options.max_series {
            if valid_max_series(max_series).is_none() {
                errors.error(
                    max_series,
                    format!("`max_series` of `{name}` must be at least 1: write the most series `{name}` may have, or leave `max_series` out for the default of {DEFAULT_MAX_SERIES}"),
                );
            }
        }
    }

    /// The type of the instrument's cell storage, if this type stores cells: the
    /// runtime sizes it from the type (series, layout, sharding) and the bucket count.
    pub(crate) fn cell_storage(&self, runtime: &TokenStream) -> Option<TokenStream> {
        if !stores_cells(self.kind) {
            return None;
        }
        let ty = self.ty;
        let buckets = if self.kind == InstrumentKind::Histogram { self.bucket_count() } else { 0 };
        Some(quote!(#runtime::__private::Cells<{ #runtime::__private::storage_cells::<#ty>(#buckets) }>))
    }

    fn bucket_count(&self) -> usize {
        self.options.bucket_values().len()
    }

    /// The expression building the instrument, given a `&'static` cell array.
    pub(crate) fn constructor(&self, cells: TokenStream) -> TokenStream {
        let new = constructor_path(self.ty);
        match self.kind {
            InstrumentKind::Histogram => {
                let bounds = self.options.bucket_values().into_iter().map(f64_tokens);
                let name = &self.name;
                quote!(#new(#name, &[#(#bounds),*], #cells))
            }
            InstrumentKind::Info => {
                let pairs =
                    self.options.info_labels.iter().flat_map(|(_, pairs)| pairs).map(|(label, value)| {
                        let label = label.to_string();
                        quote!((#label, #value))
                    });
                quote!(#new(&[#(#pairs),*]))
            }
            InstrumentKind::StateSet => quote!(#new()),
            _ => quote!(#new(#cells)),
        }
    }

    /// A compile-time assertion that the instrument stays within its series budget. Its
    /// message names the metric, its actual series count, the budget and the fixes; it
    /// is spanned on `max_series = N`, or on the type when the budget is the default.
    pub(crate) fn budget_assertion(&self, runtime: &TokenStream) -> TokenStream {
        let ty = self.ty;
        let name = &self.name;
        let what = self.kind.describe();
        let (max, span) = match &self.options.max_series {
            Some(literal) => match valid_max_series(literal) {
                Some(max) => (max, literal.span()),
                // Already reported by `validate`; an assertion would only repeat it.
                None => return TokenStream::new(),
            },
            None => (DEFAULT_MAX_SERIES, first_token_span(ty)),
        };
        let max = max as usize;
        let raise = format!(
            ", over its budget of {max}: drop a label or merge label values{}, or raise the budget with `#[metric(max_series = ",
            if self.kind == InstrumentKind::Histogram { ", use fewer buckets" } else { "" }
        );
        // `parts` interleave with `numbers`, evaluated at compile time: the series
        // count, for a histogram or summary the label combinations, and the count again
        // as the budget to raise to.
        let head = format!("{what} `{name}` has ");
        let tail = ")]`".to_owned();
        let (per_label_set, parts) = match self.kind {
            InstrumentKind::Histogram => {
                let buckets = self.bucket_count();
                let formula = format!(" label combinations × ({buckets} buckets + 2)){raise}");
                (buckets + 2, vec![head, " series (".to_owned(), formula, tail])
            }
            InstrumentKind::Summary => {
                let formula = format!(" label combinations × 2, for the count and the sum){raise}");
                (2, vec![head, " series (".to_owned(), formula, tail])
            }
            _ => (1, vec![head, format!(" series, one per label combination{raise}"), tail]),
        };
        let numbers = match per_label_set {
            1 => quote!(__SERIES, __SERIES),
            _ => quote!(__SERIES, __SERIES / #per_label_set, __SERIES),
        };
        quote_spanned! {span=>
            const _: () = {
                const __SERIES: ::core::primitive::usize =
                    <#ty as #runtime::__private::Instrument>::SERIES * #per_label_set;
                if __SERIES > #max {
                    ::core::panic!(
                        "{}",
                        #runtime::__private::SeriesBudgetMessage::new(&[#(#parts),*], &[#numbers]).as_str()
                    );
                }
            };
        }
    }

    /// For a family read at scrape time (`callback` or `collector`), the items that
    /// define `static __METRICSMITH_COLLECTED`, registered in place of the instrument.
    ///
    /// A callback is wrapped in a function taking the label set (nothing for an
    /// unlabelled instrument) whose call is spanned on the user's path, so a function of
    /// the wrong arguments or return type is one error there; a collector is coerced to
    /// `&dyn Collector<Labels = L>`, also spanned on its path.
    pub(crate) fn scrape_time_family(&self, runtime: &TokenStream) -> Option<TokenStream> {
        // On another type, `validate` reported the option; expanding it would only add
        // type errors about the same mistake.
        if !matches!(self.kind, InstrumentKind::Gauge | InstrumentKind::FloatCounter) {
            return None;
        }
        let ty = self.ty;
        let labels = quote!(<#ty as #runtime::__private::ScrapeTimeInstrument>::Labels);
        let (source_items, source) = match (&self.options.callback, &self.options.collector) {
            (Some((_, path)), _) => {
                let span = first_token_span(path);
                // Spanned whole on the path, so an error about the call or its return
                // type points there rather than at the attribute.
                let call = match has_labels(ty) {
                    true => quote_spanned!(span=> #path(__labels)),
                    false => quote_spanned!(span=> #path()),
                };
                let read = quote_spanned! {span=>
                    #runtime::__private::CallbackValue::into_value(#call)
                };
                let items = quote! {
                    fn __metricsmith_read(
                        __labels: #labels,
                    ) -> ::core::result::Result<::core::primitive::f64, #runtime::__private::CollectError> {
                        let _ = &__labels;
                        #read
                    }
                    static __METRICSMITH_SOURCE: #runtime::__private::CallbackCollector<#labels> =
                        #runtime::__private::CallbackCollector::new(__metricsmith_read);
                };
                (items, quote!(&__METRICSMITH_SOURCE))
            }
            (None, Some((_, path))) => {
                let span = first_token_span(path);
                (TokenStream::new(), quote_spanned!(span=> &#path))
            }
            (None, None) => return None,
        };
        Some(quote! {
            static __METRICSMITH_VALUES: [#runtime::__private::AtomicU64; <#ty as #runtime::__private::Instrument>::SERIES] =
                [const { #runtime::__private::AtomicU64::new(0) }; <#ty as #runtime::__private::Instrument>::SERIES];
            #source_items
            static __METRICSMITH_COLLECTED: #runtime::__private::Collected<#labels> =
                #runtime::__private::Collected::new(
                    #source,
                    <#ty as #runtime::__private::ScrapeTimeInstrument>::TYPE,
                    &__METRICSMITH_VALUES,
                );
        })
    }
}

/// `Counter::__new` for the declared `Counter<L>`: the path without its generic
/// arguments (inferred from the static's type), spanned to cover exactly the tokens of
/// the declared type.
///
/// When `L` is not a label set, rustc reports the unsatisfied bound once, on the
/// declared type. Calling `<Counter<L>>::__new` instead would add a second error
/// ("the associated item `__new` exists but its trait bounds were not satisfied"); a
/// path whose span equals the type's makes rustc treat the bound error as the same one
/// and suppress the repeat.
fn constructor_path(ty: &syn::Type) -> TokenStream {
    let last_span =
        ty.to_token_stream().into_iter().last().map_or_else(Span::call_site, |token| token.span());
    let new = syn::Ident::new("__new", last_span);
    match ty {
        syn::Type::Path(syn::TypePath { qself: None, path }) => {
            let mut path = path.clone();
            if let Some(last) = path.segments.last_mut() {
                last.arguments = syn::PathArguments::None;
            }
            let colons = quote_spanned!(last_span=> ::);
            quote!(#path #colons #new)
        }
        _ => quote!(<#ty>::#new),
    }
}

/// The expression after `key =`. A key without `= value` is reported on the key, with
/// `example`, and yields `None` (parsing goes on with the next option).
fn option_value(
    meta: &syn::meta::ParseNestedMeta,
    example: &str,
    errors: &mut Errors,
) -> syn::Result<Option<syn::Expr>> {
    let key = tokens_text(&meta.path);
    if !meta.input.peek(syn::Token![=]) {
        errors.error(&meta.path, format!("`{key}` needs a value, e.g. {example}"));
        return Ok(None);
    }
    let value = meta.value()?.parse::<syn::Expr>();
    value
        .map(Some)
        .map_err(|error| syn::Error::new(error.span(), format!("`{key}` needs a value, e.g. {example}")))
}

/// A `max_series` value the budget assertion can use: a positive `usize`.
fn valid_max_series(literal: &syn::LitInt) -> Option<u64> {
    literal.base10_parse::<u64>().ok().filter(|&max| max > 0 && usize::try_from(max).is_ok())
}

/// Whether the declared type has a label set other than `()`: `Gauge<Queue>`, not
/// `Gauge` or `Gauge<()>`.
fn has_labels(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else { return false };
    let Some(syn::PathArguments::AngleBracketed(arguments)) = path.path.segments.last().map(|s| &s.arguments)
    else {
        return false;
    };
    !arguments.args.iter().all(|argument| {
        matches!(argument, syn::GenericArgument::Type(syn::Type::Tuple(tuple)) if tuple.elems.is_empty())
    })
}

/// What each metric name claims, so two declarations of one name fail to build.
///
/// - In one crate, a `#[macro_export]` macro named after the metric: every such macro
///   lives in the crate root's macro namespace, so a second one is rustc's "the name
///   `__metric_named_orders_total` is defined multiple times", pointing at both
///   declarations, already in `cargo check`.
/// - Across crates, an exported symbol, which the linker refuses to define twice.
///
/// A name that is not identifier-shaped claims nothing in the crate: it already failed
/// the naming rules.
pub(crate) fn name_claim(name: &str, span: Span) -> TokenStream {
    let symbol = format!("__metricsmith_duplicate_metric_name__{name}");
    // Label-name syntax is identifier syntax: `__metric_named_<name>` is an identifier.
    let identifier_shaped = metricsmith_naming::is_label_name(name);
    let crate_claim = if identifier_shaped {
        let claim = syn::Ident::new(&format!("__metric_named_{name}"), span);
        quote_spanned! {span=>
            #[doc(hidden)]
            #[macro_export]
            #[allow(non_local_definitions)]
            macro_rules! #claim { () => {}; }
        }
    } else {
        TokenStream::new()
    };
    quote_spanned! {span=>
        #crate_claim
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
