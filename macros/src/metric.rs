//! `#[metric]` on a body-less `static`: arguments → validation → expansion into a
//! const-initialised instrument and its registry entry.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;

use crate::common::{doc_text, first_token_span, reject_unknown_option, runtime_path, tokens_text};
use crate::errors::Errors;
use crate::instrument::{
    instrument_kind, meta_expr, name_claim, Instrument, InstrumentOptions, NameSource, INSTRUMENT_OPTIONS,
};
use metricsmith_naming::InstrumentKind;

/// `#[attrs] vis static NAME: Type;` — a static without a value, which the macro gives.
struct MetricStatic {
    attrs: Vec<syn::Attribute>,
    vis: syn::Visibility,
    static_token: syn::Token![static],
    mutability: Option<syn::Token![mut]>,
    ident: syn::Ident,
    ty: syn::Type,
    initializer: Option<(syn::Token![=], syn::Expr)>,
}

impl Parse for MetricStatic {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let vis = input.parse()?;
        let static_token = input.parse()?;
        let mutability = input.parse()?;
        let ident = input.parse()?;
        input.parse::<syn::Token![:]>()?;
        let ty = input.parse()?;
        let initializer =
            if input.peek(syn::Token![=]) { Some((input.parse()?, input.parse()?)) } else { None };
        input.parse::<syn::Token![;]>()?;
        Ok(MetricStatic { attrs, vis, static_token, mutability, ident, ty, initializer })
    }
}

#[derive(Default)]
struct MetricArgs {
    instrument: InstrumentOptions,
    runtime: Option<syn::Path>,
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let item_static: MetricStatic = match syn::parse2(item.clone()) {
        Ok(parsed) => parsed,
        Err(error) => {
            let message = format!(
                "{error}: `#[metric]` goes on a static without a value, e.g. `#[metric] static ORDERS_PROCESSED_TOTAL: Counter<Outcome>;`"
            );
            let error = syn::Error::new(error.span(), message).to_compile_error();
            return quote!(#error #item);
        }
    };
    let args = parse_args(args, &mut errors);
    let runtime = runtime_path(args.runtime.as_ref());

    if let Some(mutability) = &item_static.mutability {
        errors.error(
            mutability,
            "a metric static cannot be `mut`: instruments update through shared references, remove `mut`",
        );
    }
    if let Some((eq, value)) = &item_static.initializer {
        let MetricStatic { ident, ty, .. } = &item_static;
        errors.error(
            quote!(#eq #value),
            format!(
                "`#[metric]` builds the instrument itself: remove `= {}` and write `static {ident}: {};`",
                tokens_text(value),
                tokens_text(ty)
            ),
        );
    }

    let expansion = match instrument_kind(&item_static.ty) {
        Some(kind) => expand_instrument(&item_static, kind, args, &runtime, &mut errors),
        None => expand_group(&item_static, args, &runtime, &mut errors),
    };
    let compile_errors = errors.to_compile_errors();
    quote!(#expansion #compile_errors)
}

fn parse_args(args: TokenStream, errors: &mut Errors) -> MetricArgs {
    let mut parsed = MetricArgs::default();
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("crate") {
            parsed.runtime = Some(meta.value()?.parse()?);
        } else if !parsed.instrument.parse(&meta, errors)? {
            let mut valid = INSTRUMENT_OPTIONS.to_vec();
            valid.push("crate");
            reject_unknown_option(errors, &meta, "`#[metric]`", &valid)?;
        }
        Ok(())
    });
    let result = syn::parse::Parser::parse2(parser, args);
    errors.ok(result);
    parsed
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

fn expand_instrument(
    item: &MetricStatic,
    kind: InstrumentKind,
    args: MetricArgs,
    runtime: &TokenStream,
    errors: &mut Errors,
) -> TokenStream {
    let ident = &item.ident;
    let name_literal = args.instrument.name.clone();
    let (name, source) = match &name_literal {
        Some(literal) => (literal.value(), NameSource::Literal(literal)),
        None => (ident.to_string().trim_start_matches("r#").to_lowercase(), NameSource::StaticIdent(ident)),
    };
    let help = doc_text(&item.attrs).unwrap_or_else(|| {
        errors.error(
            ident,
            format!("metric `{name}` needs a doc comment, which becomes its HELP text: add `/// What {name} measures.` above the static"),
        );
        String::new()
    });
    let name_span = match &source {
        NameSource::Literal(literal) => literal.span(),
        _ => ident.span(),
    };
    let instrument = Instrument { kind, ty: &item.ty, name, options: args.instrument };
    instrument.validate(&source, errors);

    let value = match instrument.cell_storage(runtime) {
        Some(storage) => {
            let constructor = instrument.constructor(quote!(&__METRICSMITH_CELLS.0));
            quote!({
                static __METRICSMITH_CELLS: #storage = #runtime::__private::Cells::new();
                #constructor
            })
        }
        None => instrument.constructor(TokenStream::new()),
    };
    let meta = meta_expr(runtime, &instrument.name, &help, ident.span());
    let (family, callback_static) = match instrument.scrape_time_family(runtime) {
        Some(collected) => (quote!(&__METRICSMITH_COLLECTED), collected),
        None => (quote!(&#ident), TokenStream::new()),
    };
    let entry = quote!(#runtime::__private::Registration::Metric { meta: &#meta, family: #family });
    let claim = name_claim(&instrument.name, name_span);
    let budget = instrument.budget_assertion(runtime);
    let static_item = emit_static(item, value);
    let registered = registration(runtime, entry, quote!(#callback_static #claim));
    quote! {
        #static_item
        #budget
        #registered
    }
}

fn expand_group(
    item: &MetricStatic,
    args: MetricArgs,
    runtime: &TokenStream,
    errors: &mut Errors,
) -> TokenStream {
    let ty = &item.ty;
    let options = &args.instrument;
    let misplaced = [
        options.name.as_ref().map(ToTokens::to_token_stream),
        options.buckets.as_ref().map(|(key, _)| key.to_token_stream()),
        options.max_series.as_ref().map(ToTokens::to_token_stream),
        options.callback.as_ref().map(|(key, _)| key.to_token_stream()),
        options.collector.as_ref().map(|(key, _)| key.to_token_stream()),
        options.info_labels.as_ref().map(|(key, _)| key.to_token_stream()),
    ];
    let option_names = ["name", "buckets", "max_series", "callback", "collector", "labels"];
    for (option, tokens) in option_names.into_iter().zip(misplaced) {
        let Some(tokens) = tokens else { continue };
        let advice = match option {
            "name" => "its metrics are named by its fields: give them a common start with `#[metrics(prefix = \"...\")]` on the struct, or rename one with `#[metric(name = \"...\")]` on its field".to_owned(),
            "labels" => "write `#[metric(labels(...))]` on the `Info` field it is for".to_owned(),
            _ => format!("write `#[metric({option} = ...)]` on the field it is for"),
        };
        errors.error(
            tokens,
            format!("`{option}` does not apply to `{}`, a metric group: {advice}", tokens_text(ty)),
        );
    }
    // The type is used only through `<#ty as GroupStorage>`: a type that is neither an
    // instrument nor a group fails that one bound, reported once with the trait's
    // message. The storage static's type is then an error type, which silences the method
    // calls on it, and the registration lives inside the initializer, beside the storage.
    let ty_span = first_token_span(ty);
    let storage_type = quote_spanned!(ty_span=> <#ty as #runtime::__private::GroupStorage>::Storage);
    let storage = quote_spanned!(ty_span=> <#ty as #runtime::__private::GroupStorage>::STORAGE);
    let ident = &item.ident;
    let entry =
        quote!(#runtime::__private::Registration::Group(__METRICSMITH_STORAGE.__metricsmith_group(&#ident)));
    let registered = registration(runtime, entry, TokenStream::new());
    let value = quote!({
        static __METRICSMITH_STORAGE: #storage_type = #storage;
        #registered
        __METRICSMITH_STORAGE.__metricsmith_new()
    });
    emit_static(item, value)
}
