//! Pieces every macro shares: the crate path, doc comments, literals, token text.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

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
/// Infinities and NaN, which have no literal, become the `f64` constants.
pub(crate) fn f64_tokens(value: f64) -> TokenStream {
    if value.is_nan() {
        return quote!(::core::primitive::f64::NAN);
    }
    let magnitude = if value.is_infinite() {
        quote!(::core::primitive::f64::INFINITY)
    } else {
        let literal = proc_macro2::Literal::f64_suffixed(value.abs());
        quote!(#literal)
    };
    if value.is_sign_negative() {
        quote!(-#magnitude)
    } else {
        magnitude
    }
}

/// Whether a type's generic parameters (if any) are all `const`: only then can a
/// placeholder impl for it be written without bounds the user did not write.
pub(crate) fn only_const_generics(generics: &syn::Generics) -> bool {
    generics.params.iter().all(|param| matches!(param, syn::GenericParam::Const(_)))
}

/// The span of the first token of `tokens` (a type, a path): one real source location,
/// where `Spanned::span` may fall back to the macro's call site for several tokens.
pub(crate) fn first_token_span(tokens: &impl quote::ToTokens) -> proc_macro2::Span {
    tokens
        .to_token_stream()
        .into_iter()
        .next()
        .map_or_else(proc_macro2::Span::call_site, |token| token.span())
}

/// Source-like text of a type or expression for messages: `&'static str`,
/// `Counter<Outcome>`, `f64::MAX` (`quote`'s `to_string` spaces every token).
pub(crate) fn tokens_text(tokens: &impl quote::ToTokens) -> String {
    let mut text = String::new();
    write_tokens(&mut text, tokens.to_token_stream());
    text
}

fn write_tokens(text: &mut String, tokens: TokenStream) {
    use proc_macro2::{Delimiter, TokenTree};
    // Whether the previous token was a word (ident or literal), or `'` opening a lifetime.
    let mut after_word = false;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                if after_word {
                    text.push(' ');
                }
                text.push_str(&ident.to_string());
                after_word = true;
            }
            TokenTree::Literal(literal) => {
                if after_word {
                    text.push(' ');
                }
                text.push_str(&literal.to_string());
                after_word = true;
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                text.push(c);
                if c == ',' {
                    text.push(' ');
                }
                after_word = false;
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                text.push_str(open);
                write_tokens(text, group.stream());
                text.push_str(close);
                after_word = false;
            }
        }
    }
}
