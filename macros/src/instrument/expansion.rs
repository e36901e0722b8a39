//! The code an instrument declaration becomes: the instrument's cell storage and
//! constructor, its series-budget assertion, its scrape-time source, its metadata and
//! the claim on its name.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};

use crate::common::{f64_tokens, first_token_span, tokens_text};
use metricsmith_naming::InstrumentKind;

use super::validation::{multiprocess_mode, valid_max_series, Instrument, DEFAULT_MAX_SERIES};

/// Whether the instrument records into cells of its own (the runtime decides how many).
fn stores_cells(kind: InstrumentKind) -> bool {
    !matches!(kind, InstrumentKind::Info | InstrumentKind::StateSet)
}

impl Instrument<'_> {
    /// The type of the instrument's cell storage, if this type stores cells: the
    /// runtime sizes it from the type (series, layout, sharding) and the bucket count.
    pub(crate) fn cell_storage(&self, runtime: &TokenStream) -> Option<TokenStream> {
        if !stores_cells(self.kind) {
            return None;
        }
        let ty = self.ty;
        if let Some(mode) = self.multiprocess_mode(runtime) {
            // A `mostrecent` gauge also keeps when each series was written.
            return Some(quote!(#runtime::__private::Cells<{
                #runtime::__private::gauge_cells(<#ty as #runtime::__private::Instrument>::SERIES, #mode)
            }>));
        }
        let buckets = match self.kind {
            InstrumentKind::Histogram => self.bucket_count(runtime),
            _ => quote!(0usize),
        };
        // A native histogram's series hold its native cells after the classic ones.
        let cells = match self.native_config(runtime) {
            Some(config) => quote!(#buckets + #config.cells()),
            None => buckets,
        };
        Some(quote!(#runtime::__private::Cells<{ #runtime::__private::storage_cells::<#ty>(#cells) }>))
    }

    /// A histogram's `NativeConfig` expression, if it has native buckets.
    fn native_config(&self, runtime: &TokenStream) -> Option<TokenStream> {
        let native = self.options.native.as_ref().filter(|_| self.kind == InstrumentKind::Histogram)?;
        Some(native.config(runtime, &self.name))
    }

    /// A gauge's `multiprocess = "..."` mode, as the runtime's `MultiprocessMode`; `None`
    /// without one (or an invalid one, already reported), for the default `all`.
    fn multiprocess_mode(&self, runtime: &TokenStream) -> Option<TokenStream> {
        if self.kind != InstrumentKind::Gauge
            || self.options.callback.is_some()
            || self.options.collector.is_some()
        {
            return None;
        }
        let (_, mode) = self.options.multiprocess.as_ref()?;
        let variant = syn::Ident::new(multiprocess_mode(&mode.value())?, mode.span());
        Some(quote!(#runtime::__private::MultiprocessMode::#variant))
    }

    /// The bucket bounds as written, when usable; `None` for the runtime's
    /// `DEFAULT_BUCKETS`, also used when the given ones are unusable (already reported,
    /// so the expansion stays free of follow-on errors).
    fn given_buckets(&self) -> Option<Vec<f64>> {
        self.options.buckets.as_ref()?.usable(self.options.native.is_some())
    }

    /// A constant expression of the bucket count: `3usize`, or the length of the
    /// runtime's defaults.
    fn bucket_count(&self, runtime: &TokenStream) -> TokenStream {
        match self.given_buckets() {
            Some(bounds) => {
                let count = bounds.len();
                quote!(#count)
            }
            None => quote!(#runtime::DEFAULT_BUCKETS.len()),
        }
    }

    /// The expression building the instrument, given a `&'static` cell array.
    pub(crate) fn constructor(&self, runtime: &TokenStream, cells: TokenStream) -> TokenStream {
        let new = constructor_path(self.ty, "__new");
        if let Some(mode) = self.multiprocess_mode(runtime) {
            let new = constructor_path(self.ty, "__new_in_mode");
            return quote!(#new(#cells, #mode));
        }
        match self.kind {
            InstrumentKind::Histogram => {
                let bounds = match self.given_buckets() {
                    Some(bounds) => {
                        let bounds = bounds.into_iter().map(f64_tokens);
                        quote!(&[#(#bounds),*])
                    }
                    None => quote!(&#runtime::DEFAULT_BUCKETS),
                };
                let name = &self.name;
                match self.native_config(runtime) {
                    Some(config) => {
                        let new = constructor_path(self.ty, "__new_native");
                        quote!(#new(#name, #bounds, #config, #cells))
                    }
                    None => quote!(#new(#name, #bounds, #cells)),
                }
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

    /// The compile-time checks of the instrument: its series budget and its label names.
    pub(crate) fn compile_time_checks(&self, runtime: &TokenStream) -> TokenStream {
        let budget = self.budget_assertion(runtime);
        let labels = self.label_names_assertion(runtime);
        quote!(#budget #labels)
    }

    /// A compile-time assertion that no label name is there twice (`(Region, Region)`,
    /// two enums of one `#[label(name = ...)]`), which would make every scrape invalid.
    /// The runtime finds the names and writes the message; the label type as written
    /// and, for a tuple, each element's type give it the words. Spanned on the labels.
    fn label_names_assertion(&self, runtime: &TokenStream) -> TokenStream {
        // An info metric's labels are checked as written; a state set has one label.
        if matches!(self.kind, InstrumentKind::Info | InstrumentKind::StateSet) {
            return TokenStream::new();
        }
        let Some(labels) = label_type(self.ty) else { return TokenStream::new() };
        let sources: Vec<String> = match labels {
            syn::Type::Tuple(tuple) => tuple.elems.iter().map(tokens_text).collect(),
            single => vec![tokens_text(single)],
        };
        let (ty, label_set) = (self.ty, tokens_text(labels));
        let metric = format!("{} `{}`", self.kind.describe(), self.name);
        quote_spanned! {first_token_span(labels)=>
            const _: () = if let ::core::option::Option::Some(__message) =
                #runtime::__private::duplicate_label_message(
                    #metric,
                    #label_set,
                    <#ty as #runtime::__private::Instrument>::LABEL_NAMES,
                    &[#(#sources),*],
                )
            {
                ::core::panic!("{}", __message.as_str());
            };
        }
    }

    /// A compile-time assertion that the instrument stays within its series budget. Its
    /// message names the metric, its actual series count, the budget and the fixes; it
    /// is spanned on `max_series = N`, or on the type when the budget is the default.
    fn budget_assertion(&self, runtime: &TokenStream) -> TokenStream {
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
            match (self.kind, &self.options.native) {
                (InstrumentKind::Histogram, Some(_)) => ", use fewer buckets (or fewer native ones, `native(max_buckets = ...)`)",
                (InstrumentKind::Histogram, None) => ", use fewer buckets",
                _ => "",
            }
        );
        // `parts` interleave with `numbers`, evaluated at compile time: the series
        // count, for a histogram or summary the label combinations and the samples of
        // each (and a histogram's bucket count), and the count again as the budget to
        // raise to. The count is the runtime's formula, which the catalog uses too.
        let head = format!("{what} `{name}` has ");
        let tail = ")]`".to_owned();
        let buckets = match self.kind {
            InstrumentKind::Histogram => self.bucket_count(runtime),
            _ => quote!(0usize),
        };
        // The most native buckets a scrape shows per series (protobuf only).
        let native = self.native_config(runtime).map(|config| quote!(#config.max_buckets()));
        let native_count = native.clone().unwrap_or_else(|| quote!(0usize));
        let (parts, numbers) = match self.kind {
            InstrumentKind::Histogram => (
                vec![
                    head,
                    " series (".to_owned(),
                    " label combinations × ".to_owned(),
                    " series each: ".to_owned(),
                    match native {
                        Some(_) => " buckets, `+Inf`, `_count`, `_sum` and up to ".to_owned(),
                        None => format!(" buckets, `+Inf`, `_count` and `_sum`){raise}"),
                    },
                    format!(" native buckets){raise}"),
                    tail,
                ]
                .into_iter()
                .filter(|part| native.is_some() || !part.starts_with(" native buckets"))
                .collect(),
                vec![
                    quote!(__SERIES),
                    quote!(__COMBINATIONS),
                    quote!(__PER_COMBINATION),
                    quote!(__BUCKETS),
                    quote!(__NATIVE),
                    quote!(__SERIES),
                ]
                .into_iter()
                .enumerate()
                .filter(|(position, _)| native.is_some() || *position != 4)
                .map(|(_, number)| number)
                .collect(),
            ),
            InstrumentKind::Summary => (
                vec![
                    head,
                    " series (".to_owned(),
                    " label combinations × ".to_owned(),
                    format!(" series each: `_count` and `_sum`){raise}"),
                    tail,
                ],
                vec![quote!(__SERIES), quote!(__COMBINATIONS), quote!(__PER_COMBINATION), quote!(__SERIES)],
            ),
            _ => (
                vec![head, format!(" series, one per label combination{raise}"), tail],
                vec![quote!(__SERIES), quote!(__SERIES)],
            ),
        };
        let mut message = quote!(#runtime::__private::CompileTimeMessage::new());
        for (position, part) in parts.iter().enumerate() {
            message.extend(quote!(.text(#part)));
            if let Some(number) = numbers.get(position) {
                message.extend(quote!(.number(#number)));
            }
        }
        quote_spanned! {span=>
            const _: () = {
                const __BUCKETS: ::core::primitive::usize = #buckets;
                const __NATIVE: ::core::primitive::usize = #native_count;
                const __COMBINATIONS: ::core::primitive::usize =
                    <#ty as #runtime::__private::Instrument>::SERIES;
                const __PER_COMBINATION: ::core::primitive::usize = #runtime::__private::series_per_label_set(
                    <#ty as #runtime::__private::Instrument>::TYPE,
                    __BUCKETS,
                    __NATIVE,
                );
                const __SERIES: ::core::primitive::usize = __COMBINATIONS * __PER_COMBINATION;
                if __SERIES > #max {
                    ::core::panic!("{}", #message.as_str());
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

/// `Counter::__new` (or another `constructor`) for the declared `Counter<L>`: the path without its generic
/// arguments (inferred from the static's type), spanned to cover exactly the tokens of
/// the declared type.
///
/// When `L` is not a label set, rustc reports the unsatisfied bound once, on the
/// declared type. Calling `<Counter<L>>::__new` instead would add a second error
/// ("the associated item `__new` exists but its trait bounds were not satisfied"); a
/// path whose span equals the type's makes rustc treat the bound error as the same one
/// and suppress the repeat.
fn constructor_path(ty: &syn::Type, constructor: &str) -> TokenStream {
    let last_span =
        ty.to_token_stream().into_iter().last().map_or_else(Span::call_site, |token| token.span());
    let new = syn::Ident::new(constructor, last_span);
    match ty {
        syn::Type::Path(syn::TypePath { qself: None, path, .. }) => {
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

/// Whether the declared type has a label set other than `()`: `Gauge<Queue>`, not
/// `Gauge` or `Gauge<()>`.
fn has_labels(ty: &syn::Type) -> bool {
    label_type(ty).is_some()
}

/// The label set of the declared type as written, unless it is `()`: `Queue` of
/// `Gauge<Queue>`; `None` for `Gauge` and `Gauge<()>`.
fn label_type(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let syn::PathArguments::AngleBracketed(arguments) = &path.path.segments.last()?.arguments else {
        return None;
    };
    arguments.args.iter().find_map(|argument| match argument {
        syn::GenericArgument::Type(syn::Type::Tuple(tuple)) if tuple.elems.is_empty() => None,
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// What metric names claim, so two declarations that would show one name in a scrape
/// fail to build. A group claims its members' names together, each once.
///
/// - In one crate, each name declared: a `#[macro_export]` macro `metric_<name>`. Every
///   such macro lives in the crate root's macro namespace, so a second one is rustc's
///   "the name `metric_orders_total` is defined multiple times", pointing at both
///   declarations, already in `cargo check`.
/// - Across crates, and between names that differ but would meet in a scrape (a counter
///   `orders_total` shows the family `orders` and the series `orders_created`), each
///   name through which another metric could meet it (`InstrumentKind::meeting_names`):
///   an exported symbol `metricsmith__two_metrics_expose__<name>`, which the compiler
///   (in one crate, at `cargo build`) and the linker (across crates) refuse to define
///   twice.
///
/// A name that is not identifier-shaped claims nothing: it already failed the naming
/// rules.
#[derive(Default)]
pub(crate) struct NameClaims {
    declared: std::collections::HashSet<String>,
    exposed: std::collections::HashSet<String>,
}

impl NameClaims {
    /// The claims of the metric `name` of `kind`, declared at `span`, but those this set
    /// already made.
    pub(crate) fn claim(&mut self, name: &str, kind: InstrumentKind, span: Span) -> TokenStream {
        // Label-name syntax is identifier syntax: `metric_<name>` is an identifier, and
        // the symbol is safe in every linker's symbol lists.
        let identifier_shaped = metricsmith_naming::is_label_name;
        let mut claims = TokenStream::new();
        if identifier_shaped(name) && self.declared.insert(name.to_owned()) {
            let claim = syn::Ident::new(&format!("metric_{name}"), span);
            claims.extend(quote_spanned! {span=>
                #[doc(hidden)]
                #[macro_export]
                #[allow(non_local_definitions)]
                macro_rules! #claim { () => {}; }
            });
        }
        for exposed in kind.meeting_names(name) {
            if !identifier_shaped(&exposed) || !self.exposed.insert(exposed.clone()) {
                continue;
            }
            let symbol = format!("metricsmith__two_metrics_expose__{exposed}");
            let static_ident =
                syn::Ident::new(&format!("__METRICSMITH_EXPOSES_{}", exposed.to_uppercase()), span);
            claims.extend(quote_spanned! {span=>
                #[unsafe(export_name = #symbol)]
                static #static_ident: ::core::primitive::u8 = 0;
            });
        }
        claims
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
