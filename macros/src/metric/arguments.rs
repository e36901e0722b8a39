//! What `#[metric]` reads: the body-less static it is on, and its options.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};

use crate::errors::Errors;
use crate::instrument::InstrumentOptions;

/// `#[attrs] vis static NAME: Type;` — a static without a value, which the macro gives.
pub(super) struct MetricStatic {
    pub(super) attrs: Vec<syn::Attribute>,
    pub(super) vis: syn::Visibility,
    pub(super) static_token: syn::Token![static],
    pub(super) mutability: Option<syn::Token![mut]>,
    pub(super) ident: syn::Ident,
    pub(super) ty: syn::Type,
    pub(super) initializer: Option<(syn::Token![=], syn::Expr)>,
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

/// The options of `#[metric(...)]`: the instrument's, and `crate = path`.
pub(super) struct MetricArgs {
    pub(super) instrument: InstrumentOptions,
    pub(super) runtime: Option<syn::Path>,
}

impl MetricArgs {
    pub(super) fn parse(args: TokenStream, errors: &mut Errors) -> Self {
        let (instrument, runtime) = InstrumentOptions::from_static_args(args, errors);
        MetricArgs { instrument, runtime }
    }
}
