//! The instrumented function: the signature as written, and a body that declares the
//! function's sites or metrics, starts one `Call` guard, runs the original body and
//! hands its value back.
//!
//! ```text
//! fn charge(order: &Order) -> Result<Receipt, Declined> {
//!     static __METRICSMITH_COUNTED_SITE: CountedSite = ...;   // + link-time registration
//!     let mut __metricsmith_call = Call::sync().counted(..).timed(..);
//!     let __metricsmith_out = call(move || -> Result<Receipt, Declined> { /* body */ });
//!     __metricsmith_call.finish(/* ok or error */);
//!     __metricsmith_out
//! }
//! ```
//!
//! - A sync function not returning `Result` keeps its body in place: the guard's drop
//!   tells a return (`ok`) from unwinding (`panic`).
//! - A sync function returning `Result` runs its body in a `move` closure annotated with
//!   the return type, so `return` and `?` leave the closure with the value to classify.
//! - An `async fn` runs its body as an `async move` block polled through the guard,
//!   which sees panics during a poll; a drop before completion is `cancelled`.
//! - A function returning a future (`impl Future<Output = T>`, `Pin<Box<dyn Future>>`)
//!   runs its body at the call, through the guard (a panic there is `panic`), and
//!   returns an `async move` block (boxed again for `Pin<Box<..>>`) that owns the guard
//!   and polls the body's future through it: the call lasts until that completes.

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::arguments::Kind;
use super::item::FnItem;
use super::validation::{Bound, Dedicated, FnShape, Plan, Target};
use crate::common::f64_tokens;

/// What one attribute adds to the function body.
#[derive(Default)]
struct Part {
    /// Items: the site or metric statics and their registration.
    items: TokenStream,
    /// Statements run before the guard (label indexes).
    setup: TokenStream,
    /// The guard builder call, e.g. `.timed(...)`.
    builder: TokenStream,
}

pub(crate) fn instrument_fn(
    function: &FnItem,
    shape: &FnShape,
    plans: &[Plan],
    runtime: &TokenStream,
) -> TokenStream {
    let FnItem { attrs, vis, defaultness, sig, inner_attrs, brace, body } = function;
    let mut parts: Vec<(Kind, Part)> =
        plans.iter().map(|plan| (plan.kind, part(plan, shape, runtime))).collect();
    // The gauge goes up first and the clock starts last, so the duration covers the
    // body and as little of the bookkeeping as possible.
    parts.sort_by_key(|(kind, _)| match kind {
        Kind::InFlight => 0,
        Kind::Counted => 1,
        Kind::Timed => 2,
    });
    let items = parts.iter().map(|(_, part)| &part.items);
    let setup = parts.iter().map(|(_, part)| &part.setup);
    let builders = parts.iter().map(|(_, part)| &part.builder);

    // The user's braces, where errors about the block's value belong, but marked as
    // generated: as the tail of the new body, `{ width / 2 }` would otherwise trip
    // `unused_braces`, which skips blocks from macro expansions.
    let mut user_block = Group::new(Delimiter::Brace, body.clone());
    user_block.set_span(Span::call_site().located_at(brace.span.join()));
    let output = &shape.output;
    let outcome = quote! {{
        use #runtime::__private::{OtherOutcome as _, ResultOutcome as _};
        (&#runtime::__private::Outcome(&__metricsmith_out)).__metricsmith_outcome()
    }};
    let finish = if shape.fallible { outcome.clone() } else { quote!(#runtime::CallResult::Ok) };
    let (start, run) = if shape.is_async {
        let fixed_output = fixed_output(output);
        let polled = polled_through_the_guard(&finish);
        (
            quote!(let mut __metricsmith_call = #runtime::__private::Call::future()),
            quote! {
                let mut __metricsmith_body = ::core::pin::pin!(async move {
                    #fixed_output
                    #user_block
                });
                #polled
            },
        )
    } else if let Some(returned) = &shape.returned_future {
        // The body runs now and builds the future; the call lasts until that completes.
        let polled = polled_through_the_guard(&finish);
        let timed = quote! {
            async move {
                let mut __metricsmith_call = __metricsmith_call;
                let mut __metricsmith_body = ::core::pin::pin!(__metricsmith_body);
                #polled
            }
        };
        let timed = match returned.boxed {
            true => quote!(#runtime::__private::Box::pin(#timed)),
            false => timed,
        };
        (
            quote!(let mut __metricsmith_call = #runtime::__private::Call::future()),
            quote! {
                let __metricsmith_body = __metricsmith_call.build(move || -> #output #user_block);
                #timed
            },
        )
    } else if parts.len() == 1 && parts[0].0 == Kind::Timed {
        // Only timed: nothing to decide when the call ends, so the body stays in place
        // (also for a `Result`) and the guard's drop is a clock read and an observation.
        (quote!(let __metricsmith_call = #runtime::__private::TimedOnly), quote!(#user_block))
    } else if shape.fallible {
        (
            quote!(let mut __metricsmith_call = #runtime::__private::Call::sync()),
            quote! {
                let __metricsmith_out = #runtime::__private::call(move || -> #output #user_block);
                __metricsmith_call.finish(#outcome);
                __metricsmith_out
            },
        )
    } else {
        (quote!(let __metricsmith_call = #runtime::__private::Call::sync()), quote!(#user_block))
    };

    let mut out = quote!(#(#attrs)* #vis #defaultness #sig);
    brace.surround(&mut out, |out| {
        out.extend(quote! {
            #(#inner_attrs)*
            #(#items)*
            #(#setup)*
            #start #(#builders)*;
            #run
        });
    });
    out
}

/// Awaits the pinned `__metricsmith_body` polled through `__metricsmith_call`, then
/// records the call as ended with `finish` and hands the output back.
fn polled_through_the_guard(finish: &TokenStream) -> TokenStream {
    quote! {
        let __metricsmith_out = ::core::future::poll_fn(|__metricsmith_cx| {
            __metricsmith_call.poll(::core::pin::Pin::as_mut(&mut __metricsmith_body), __metricsmith_cx)
        })
        .await;
        __metricsmith_call.finish(#finish);
        __metricsmith_out
    }
}

/// A `return` of the declared type before the body of an `async` block, never run:
/// it fixes the block's output type before the body is checked, so `?` knows the error
/// type and a wrong `return` is reported at the user's code (as `tracing` does).
fn fixed_output(output: &syn::Type) -> TokenStream {
    if matches!(output, syn::Type::Infer(_) | syn::Type::Never(_)) {
        return TokenStream::new();
    }
    quote! {
        #[allow(
            unknown_lints,
            unreachable_code,
            clippy::diverging_sub_expression,
            clippy::empty_loop,
            clippy::let_unit_value,
            clippy::let_with_type_underscore,
            clippy::needless_return,
            clippy::unreachable
        )]
        if false {
            let __metricsmith_output: #output = loop {};
            return __metricsmith_output;
        }
    }
}

fn part(plan: &Plan, shape: &FnShape, runtime: &TokenStream) -> Part {
    match &plan.target {
        Target::Shared => shared_site(plan.kind, shape, runtime),
        Target::Dedicated(dedicated) => dedicated_metric(plan.kind, dedicated, runtime),
        Target::Static { path, labels } => static_metric(plan.kind, path, labels, runtime),
    }
}

/// How generated names spell a kind: `TIMED` (statics), `Timed` (types).
struct Words {
    upper: &'static str,
    camel: &'static str,
}

fn words(kind: Kind) -> Words {
    let (upper, camel) = match kind {
        Kind::Timed => ("TIMED", "Timed"),
        Kind::Counted => ("COUNTED", "Counted"),
        Kind::InFlight => ("IN_FLIGHT", "InFlight"),
    };
    Words { upper, camel }
}

/// The function's site in a shared family, listed in the family's link-time slice.
fn shared_site(kind: Kind, shape: &FnShape, runtime: &TokenStream) -> Part {
    let function = &shape.name;
    let upper = words(kind).upper;
    let site = format_ident!("__METRICSMITH_{upper}_SITE");
    let slice = format_ident!("{upper}_SITES");
    let (ty, new, builder) = match kind {
        Kind::Counted => {
            let (fallible, future) = (shape.fallible, shape.ends_with_a_future());
            (
                quote!(CountedSite),
                quote!(new(#function, ::core::module_path!(), #fallible, #future)),
                quote!(.counted(#site.cells())),
            )
        }
        Kind::Timed => (
            quote!(TimedSite),
            quote!(new(#function, ::core::module_path!())),
            quote!(.timed(#site.series())),
        ),
        Kind::InFlight => (
            quote!(InFlightSite),
            quote!(new(#function, ::core::module_path!())),
            quote!(.in_flight(#site.series())),
        ),
    };
    let items = quote! {
        static #site: #runtime::__private::#ty = #runtime::__private::#ty::#new;
        // linkme's link section trips `unsafe_code`; allowed here so crates with
        // `#![deny(unsafe_code)]` can instrument functions.
        #[allow(unsafe_code)]
        const _: () = {
            #[#runtime::__private::linkme::distributed_slice(#runtime::__private::#slice)]
            #[linkme(crate = #runtime::__private::linkme)]
            static __METRICSMITH_SITE_ENTRY: &'static #runtime::__private::#ty = &#site;
        };
    };
    Part { items, setup: TokenStream::new(), builder }
}

/// `let __metricsmith_<kind>_index = ...;`: the label set's index, computed from
/// borrowed arguments (mixed radix, first label most significant).
fn index_of(kind: Kind, labels: &[Bound], runtime: &TokenStream) -> (syn::Ident, TokenStream) {
    let index = format_ident!("__metricsmith_{}_index", kind.attribute());
    let mut value = None;
    for bound in labels {
        let (arg, ty) = (&bound.arg, &bound.ty);
        let stars = (0..bound.derefs).map(|_| quote!(*));
        // Spanned on the argument's type, where the label set's derive also reports a
        // type that is not a `LabelValue`: the compiler shows that error once.
        let digit = quote_spanned!(ty.span()=> <#ty as #runtime::LabelValue>::index(&#(#stars)* #arg));
        value = Some(match value {
            None => digit,
            Some(higher) => {
                quote_spanned!(ty.span()=> #higher * <#ty as #runtime::LabelValue>::CARDINALITY + #digit)
            }
        });
    }
    let value = value.unwrap_or_else(|| quote!(0));
    (index.clone(), quote!(let #index: ::core::primitive::usize = #value;))
}

/// The guard builder call recording into `metric` (an expression of a `&'static`
/// instrument) at `index`; `labels` is the label set type it must have.
fn builder(
    kind: Kind,
    metric: TokenStream,
    labels: TokenStream,
    index: &syn::Ident,
    runtime: &TokenStream,
) -> TokenStream {
    match kind {
        Kind::Timed => quote!(.timed(#runtime::__private::timed_series::<#labels, _>(#metric, #index))),
        Kind::Counted => quote!(.counted(#runtime::__private::counted_cells::<#labels, _>(#metric, #index))),
        Kind::InFlight => {
            quote!(.in_flight(#runtime::__private::in_flight_series::<#labels, _>(#metric, #index)))
        }
    }
}

/// `name = "..."`: a label-set struct (when labels are bound) and a `#[metric]` static,
/// declared in the function's body.
fn dedicated_metric(kind: Kind, dedicated: &Dedicated, runtime: &TokenStream) -> Part {
    let Dedicated { name, help, buckets, native, max_series, labels } = dedicated;
    let span = name.span();
    let words = words(kind);
    let metric = syn::Ident::new(&format!("__METRICSMITH_{}_METRIC", words.upper), span);
    let result_field = (kind == Kind::Counted).then(|| quote!(result: #runtime::CallResult,));
    let (label_struct, label_type) = if labels.is_empty() {
        let label_type = match kind {
            Kind::Counted => quote!(#runtime::CallResult),
            _ => quote!(()),
        };
        (TokenStream::new(), label_type)
    } else {
        let ident = format_ident!("__Metricsmith{}Labels", words.camel);
        let fields = labels.iter().map(|bound| {
            let (key, ty) = (field_ident(&bound.key), &bound.ty);
            quote!(#key: #ty,)
        });
        (
            quote! {
                #[allow(dead_code, non_camel_case_types)]
                #[derive(#runtime::LabelSet)]
                #[label(crate = #runtime)]
                struct #ident { #(#fields)* #result_field }
            },
            quote!(#ident),
        )
    };
    let buckets = buckets.as_ref().map(|bounds| {
        let bounds = bounds.iter().copied().map(f64_tokens);
        quote!(buckets = [#(#bounds),*],)
    });
    let native = native.as_ref().map(|native| quote!(#native,));
    let max_series = max_series.as_ref().map(|max| quote!(max_series = #max,));
    // Calls in progress, over a prefork server's workers: those of the running ones.
    let multiprocess = (kind == Kind::InFlight).then(|| quote!(multiprocess = "livesum",));
    let ty = format_ident!("{}", kind.instrument().type_name());
    let items = quote_spanned! {span=>
        #label_struct
        #[doc = #help]
        #[#runtime::metric(name = #name, #buckets #native #max_series #multiprocess crate = #runtime)]
        static #metric: #runtime::#ty<#label_type>;
    };
    let (index, setup) = index_of(kind, labels, runtime);
    let builder = builder(kind, quote!(&#metric), label_type, &index, runtime);
    Part { items, setup, builder }
}

/// `metric = PATH`: checks that the metric's label set is the bound arguments' types,
/// in order (then `CallResult` for `#[counted]`), and that its label names are the
/// keys of `labels(...)`.
fn static_metric(kind: Kind, path: &syn::Path, labels: &[Bound], runtime: &TokenStream) -> Part {
    let types: Vec<&syn::Type> = labels.iter().map(|bound| &bound.ty).collect();
    let label_type = match (kind, types.as_slice()) {
        (Kind::Counted, []) => quote!(#runtime::CallResult),
        (Kind::Counted, types) => quote!((#(#types,)* #runtime::CallResult)),
        (_, []) => quote!(()),
        (_, [single]) => quote!(#single),
        (_, types) => quote!((#(#types,)*)),
    };
    let metric_text = crate::common::tokens_text(path);
    let name_checks = labels.iter().enumerate().map(|(position, bound)| {
        let (ty, label) = (&bound.ty, &bound.label);
        let message = format!(
            "label {} of `{metric_text}` is a `{ty_text}`, whose label name is not `{label}`: the keys of `labels(...)` are the metric's label names, in order; write the name `{ty_text}` has (its `#[label(name = \"...\")]`, or its type name in snake_case)",
            position + 1,
            ty_text = crate::common::tokens_text(ty),
        );
        quote_spanned! {bound.key.span()=>
            const _: () = ::core::assert!(
                #runtime::__private::str_eq(<#ty as #runtime::NamedLabelValue>::LABEL_NAME, #label),
                #message
            );
        }
    });
    // Durations are recorded in seconds, so the histogram's name must say so (the rule
    // `#[metric]` cannot apply: it does not know the static will be timed).
    let unit_check = (kind == Kind::Timed).then(|| {
        let message = format!(
            "`#[timed(metric = {metric_text})]` records durations in seconds, but the histogram's name does not end in `_seconds`: name the metric `..._seconds` (the static, or its `name = \"...\"`)"
        );
        respan(
            quote! {
                const _: () = ::core::assert!(
                    #runtime::__private::records_seconds(#path.__histogram_name()),
                    #message
                );
            },
            path_span(path),
        )
    });
    let (index, setup) = index_of(kind, labels, runtime);
    // Spanned on the path, so a metric of the wrong type or labels is reported there.
    let builder = respan(builder(kind, quote!(&#path), label_type, &index, runtime), path_span(path));
    Part { items: quote!(#(#name_checks)* #unit_check), setup, builder }
}

/// `tokens` with every span set to `span` (groups included).
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let proc_macro2::TokenTree::Group(group) = &token {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                token = respanned.into();
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

fn path_span(path: &syn::Path) -> Span {
    path.segments.last().map_or_else(Span::call_site, |segment| segment.ident.span())
}

/// The label key as a struct field: keywords (`type`) become raw identifiers.
fn field_ident(key: &syn::Ident) -> syn::Ident {
    let text = key.to_string();
    if text.starts_with("r#") || syn::parse_str::<syn::Ident>(&text).is_ok() {
        key.clone()
    } else {
        syn::Ident::new_raw(&text, key.span())
    }
}
