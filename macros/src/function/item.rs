//! The item an attribute is on, as the attribute reads it: a function whose body is
//! kept as raw tokens, or a function without a body (an error).

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};

/// A function as the attribute sees it: the body is raw tokens inside its braces.
pub(crate) struct FnItem {
    pub(super) attrs: Vec<syn::Attribute>,
    pub(super) vis: syn::Visibility,
    pub(super) defaultness: Option<syn::Token![default]>,
    pub(super) sig: syn::Signature,
    pub(super) inner_attrs: Vec<syn::Attribute>,
    pub(super) brace: syn::token::Brace,
    pub(super) body: TokenStream,
}

impl Parse for FnItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let vis = input.parse()?;
        let defaultness = input.parse()?;
        let sig = input.parse()?;
        let content;
        let brace = syn::braced!(content in input);
        let inner_attrs = content.call(syn::Attribute::parse_inner)?;
        let body = content.parse()?;
        Ok(FnItem { attrs, vis, defaultness, sig, inner_attrs, brace, body })
    }
}

impl FnItem {
    pub(super) fn from_method(method: syn::ImplItemFn) -> Self {
        let (inner_attrs, attrs) =
            method.attrs.into_iter().partition(|attr| matches!(attr.style, syn::AttrStyle::Inner(_)));
        let stmts = &method.block.stmts;
        FnItem {
            attrs,
            vis: method.vis,
            defaultness: method.modifiers.defaultness,
            sig: method.sig,
            inner_attrs,
            brace: method.block.brace_token,
            body: quote!(#(#stmts)*),
        }
    }

    /// The function unchanged (used when it cannot be instrumented).
    pub(super) fn to_tokens_unchanged(&self) -> TokenStream {
        let FnItem { attrs, vis, defaultness, sig, inner_attrs, brace, body } = self;
        let mut out = quote!(#(#attrs)* #vis #defaultness #sig);
        brace.surround(&mut out, |out| {
            out.extend(quote!(#(#inner_attrs)* #body));
        });
        out
    }
}

/// A signature followed by `;`: a function without a body.
pub(super) struct BodylessFn {
    pub(super) sig: syn::Signature,
}

impl Parse for BodylessFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        input.call(syn::Attribute::parse_outer)?;
        input.parse::<syn::Visibility>()?;
        let sig = input.parse()?;
        input.parse::<syn::Token![;]>()?;
        Ok(BodylessFn { sig })
    }
}
