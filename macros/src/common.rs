//! Pieces every macro shares: the crate path, doc comments, literals.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

use crate::errors::Errors;

/// The path generated code uses to reach the runtime: `::metricsmith` unless the user
/// re-pointed it with `crate = path` (when they renamed or re-export the dependency).
pub(crate) fn runtime_path(custom: Option<&syn::Path>) -> TokenStream {
    match custom {
        Some(path) => quote!(#path),
        None => quote!(::metricsmith),
    }
}

/// The doc comment of an item, lines joined with `\n`, trimmed; `None` without one.
pub(crate) fn doc_text(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("doc"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .map(|line| line.strip_prefix(' ').unwrap_or(&line).trim_end().to_owned())
        .collect();
    let text = lines.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Parses a number literal (`1`, `0.5`, `-2.5e3`) as `f64`.
pub(crate) fn number_literal(expr: &syn::Expr) -> syn::Result<f64> {
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Float(lit), .. }) => lit.base10_parse(),
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(lit), .. }) => lit.base10_parse::<f64>(),
        syn::Expr::Unary(syn::ExprUnary { op: syn::UnOp::Neg(_), expr, .. }) => Ok(-number_literal(expr)?),
        syn::Expr::Group(group) => number_literal(&group.expr),
        syn::Expr::Paren(paren) => number_literal(&paren.expr),
        other => Err(syn::Error::new(other.span(), "expected a number literal such as `0.25`")),
    }
}

/// Tokens for an `f64` constant (`-` kept outside the literal, which must be positive).
pub(crate) fn f64_tokens(value: f64) -> TokenStream {
    let literal = proc_macro2::Literal::f64_suffixed(value.abs());
    if value.is_sign_negative() {
        quote!(-#literal)
    } else {
        quote!(#literal)
    }
}

/// Records "unknown option" with the list of valid ones.
pub(crate) fn unknown_option(errors: &mut Errors, key: &syn::Path, context: &str, valid: &[&str]) {
    let name = key.get_ident().map(ToString::to_string).unwrap_or_else(|| quote!(#key).to_string());
    let valid = valid.iter().map(|option| format!("`{option}`")).collect::<Vec<_>>().join(", ");
    errors.error(key, format!("unknown {context} option `{name}`: expected one of {valid}"));
}

/// Parses a string-literal option value (`key = "..."`).
pub(crate) fn string_value(meta: &syn::meta::ParseNestedMeta) -> syn::Result<syn::LitStr> {
    meta.value()?.parse::<syn::LitStr>()
}
