//! `#[metric]` on a body-less `static`: arguments (the static, its options) →
//! validation (the static, the name, the doc comment, the instrument's options) →
//! expansion into a const-initialised instrument and its registry entry, or a
//! `#[derive(Metrics)]` group built from its storage.

mod arguments;
mod expansion;
mod validation;

use proc_macro2::TokenStream;
use quote::quote;

use crate::common::runtime_path;
use crate::errors::Errors;
use crate::instrument::{instrument_kind, Instrument};
use arguments::{MetricArgs, MetricStatic};

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
    let args = MetricArgs::parse(args, &mut errors);
    let runtime = runtime_path(args.runtime.as_ref());
    validation::check_static(&item_static, &mut errors);

    let expansion = match instrument_kind(&item_static.ty) {
        Some(kind) => {
            // The literal outlives the options, which move into the instrument.
            let name_literal = args.instrument.name.clone();
            let (name, source, name_span) = validation::metric_name(&item_static, name_literal.as_ref());
            let help = validation::help(&item_static, &name, &mut errors);
            let instrument = Instrument { kind, ty: &item_static.ty, name, options: args.instrument };
            instrument.validate(&source, &mut errors);
            expansion::instrument_static(&item_static, &instrument, &help, name_span, &runtime)
        }
        None => {
            validation::check_group_options(&item_static.ty, &args.instrument, &mut errors);
            expansion::group_static(&item_static, &runtime)
        }
    };
    let compile_errors = errors.to_compile_errors();
    quote!(#expansion #compile_errors)
}
