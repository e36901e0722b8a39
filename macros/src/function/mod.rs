//! `#[timed]`, `#[counted]` and `#[in_flight]` on a function, a method or an `impl`
//! block: arguments (`args`) → validation against the signature (`validation`) →
//! expansion (`expansion`).
//!
//! The signature and the body are emitted as written. The body is kept as raw tokens
//! (like `tracing`'s `#[instrument]`), so a body that does not parse still yields the
//! function and the compiler's own error, and every token keeps its span.
//!
//! Stacked attributes (`#[timed] #[counted] #[in_flight] fn ...`) are expanded
//! together by the first one: the others are read from the function's attributes and
//! removed, so the function gets one guard and one wrapper, not three nested ones. On
//! an `impl` block, an attribute of the same kind on a method replaces the block's.

mod arguments;
mod expansion;
mod item;
mod validation;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::{quote, ToTokens};

use crate::common::runtime_path;
use crate::errors::Errors;
use arguments::FnArgs;
pub(crate) use arguments::Kind;
use item::{BodylessFn, FnItem};
use validation::{FnShape, Plan};

pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let expansion = if let Ok(function) = syn::parse2::<FnItem>(item.clone()) {
        let args = FnArgs::parse(kind, args, &mut errors);
        expand_fn(function, args, &mut errors)
    } else if let Ok(block) = syn::parse2::<syn::ItemImpl>(item.clone()) {
        let args = FnArgs::parse(kind, args, &mut errors);
        expand_impl(block, args, &mut errors)
    } else if let Ok(bodyless) = syn::parse2::<BodylessFn>(item.clone()) {
        let ident = &bodyless.sig.ident;
        errors.error(
            &bodyless.sig,
            format!("`#[{}]` needs a function with a body, and `{ident}` has none: put the attribute on the method in each `impl`, or on the `impl` block", kind.attribute()),
        );
        item
    } else if let Ok(other) = syn::parse2::<syn::Item>(item.clone()) {
        errors.error(
            item_head(&other),
            format!(
                "`#[{}]` goes on a function, a method or an `impl` block, not on {}",
                kind.attribute(),
                item_kind(&other)
            ),
        );
        item
    } else {
        // The item does not parse: leave it as written, so the compiler reports the
        // real syntax error instead of one about this attribute.
        item
    };
    let compile_errors = errors.to_compile_errors();
    quote!(#expansion #compile_errors)
}

fn item_kind(item: &syn::Item) -> &'static str {
    match item {
        syn::Item::Const(_) => "a const",
        syn::Item::Enum(_) => "an enum",
        syn::Item::Mod(_) => "a module",
        syn::Item::Static(_) => "a static",
        syn::Item::Struct(_) => "a struct",
        syn::Item::Trait(_) => "a trait definition (put it on the methods of the `impl` blocks)",
        syn::Item::Type(_) => "a type alias",
        syn::Item::Union(_) => "a union",
        syn::Item::Use(_) => "a `use`",
        syn::Item::Macro(_) => "a macro invocation",
        _ => "this item",
    }
}

/// Tokens to span an item-level error on: the item's name where it has one.
fn item_head(item: &syn::Item) -> TokenStream {
    let ident = match item {
        syn::Item::Const(item) => Some(&item.ident),
        syn::Item::Enum(item) => Some(&item.ident),
        syn::Item::Mod(item) => Some(&item.ident),
        syn::Item::Static(item) => Some(&item.ident),
        syn::Item::Struct(item) => Some(&item.ident),
        syn::Item::Trait(item) => Some(&item.ident),
        syn::Item::Type(item) => Some(&item.ident),
        syn::Item::Union(item) => Some(&item.ident),
        _ => None,
    };
    match ident {
        Some(ident) => ident.to_token_stream(),
        None => item.to_token_stream(),
    }
}

/// The kinds stacked on one function: the invoked attribute's, then those read (and
/// removed) from its attributes. `inherited` come from an `impl` block and yield to a
/// method's own attribute of the same kind.
fn stacked(
    attrs: Vec<syn::Attribute>,
    own: Vec<FnArgs>,
    inherited: &[FnArgs],
    absorbed: &mut Vec<syn::Path>,
    errors: &mut Errors,
) -> (Vec<syn::Attribute>, Vec<FnArgs>) {
    let mut all = own;
    let mut kept = Vec::new();
    for attr in attrs {
        match Kind::of_attribute(&attr) {
            Some(kind) => {
                all.push(FnArgs::from_attribute(kind, &attr, errors));
                absorbed.push(attr.path().clone());
            }
            None => kept.push(attr),
        }
    }
    let mut unique: Vec<FnArgs> = Vec::new();
    for args in all {
        if unique.iter().any(|earlier| earlier.kind == args.kind) {
            errors.error(
                &args.tokens,
                format!(
                    "`#[{kind}]` is given twice on this function: keep one `#[{kind}]`, with all its options",
                    kind = args.kind.attribute()
                ),
            );
        } else {
            unique.push(args);
        }
    }
    for args in inherited {
        if !unique.iter().any(|own| own.kind == args.kind) {
            unique.push(args.clone());
        }
    }
    (kept, unique)
}

fn expand_fn(mut function: FnItem, args: FnArgs, errors: &mut Errors) -> TokenStream {
    let attrs = std::mem::take(&mut function.attrs);
    let mut absorbed = Vec::new();
    let (kept, stack) = stacked(attrs, vec![args], &[], &mut absorbed, errors);
    function.attrs = kept;
    // The function may be a method, where no `const _` item can follow it: the imports
    // go first in its body, a block any item may go in.
    let mut body = uses_in_block(&absorbed);
    body.extend(std::mem::take(&mut function.body));
    function.body = body;
    instrument(function, &stack, None, errors)
}

/// The attributes read from the item are removed, so the compiler never resolves
/// them: an underscore import of each keeps the user's `use metricsmith::counted;`
/// from being reported as unused.
fn uses_in_block(absorbed: &[syn::Path]) -> TokenStream {
    if absorbed.is_empty() {
        return TokenStream::new();
    }
    quote!(#(#[allow(unused_imports)] use #absorbed as _;)*)
}

/// [`uses_in_block`] as an item after an `impl` block.
fn uses_after_impl(absorbed: &[syn::Path]) -> TokenStream {
    if absorbed.is_empty() {
        return TokenStream::new();
    }
    let uses = uses_in_block(absorbed);
    quote!(const _: () = { #uses };)
}

/// Instruments one function with every kind in `stack`; on any error, emits it unchanged.
fn instrument(
    function: FnItem,
    stack: &[FnArgs],
    impl_context: Option<&str>,
    errors: &mut Errors,
) -> TokenStream {
    let Some(shape) = FnShape::of(&function.sig, stack, impl_context, errors) else {
        return function.to_tokens_unchanged();
    };
    let plans: Vec<Plan> = stack.iter().filter_map(|args| Plan::new(args, &shape, errors)).collect();
    if plans.len() != stack.len() {
        return function.to_tokens_unchanged();
    }
    // Generated code reaches the runtime through the first `crate = ...` given.
    let runtime = runtime_path(stack.iter().find_map(|args| args.runtime.as_ref()));
    expansion::instrument_fn(&function, &shape, &plans, &runtime)
}

fn expand_impl(mut block: syn::ItemImpl, args: FnArgs, errors: &mut Errors) -> TokenStream {
    let attrs = std::mem::take(&mut block.attrs);
    let mut absorbed = Vec::new();
    let (kept, stack) = stacked(attrs, vec![args], &[], &mut absorbed, errors);
    block.attrs = kept;
    for args in &stack {
        args.check_impl_level(errors);
    }
    let stack: Vec<FnArgs> = stack.iter().map(FnArgs::impl_level).collect();
    let self_ty = crate::common::tokens_text(&block.self_ty);
    let items = std::mem::take(&mut block.items);
    let mut instrumented = Vec::new();
    for item in items {
        let syn::ImplItem::Fn(mut method) = item else {
            instrumented.push(item.to_token_stream());
            continue;
        };
        if take_skip(&mut method.attrs, errors) {
            instrumented.push(method.to_token_stream());
            continue;
        }
        let mut function = FnItem::from_method(method);
        let attrs = std::mem::take(&mut function.attrs);
        let (kept, method_stack) = stacked(attrs, Vec::new(), &stack, &mut absorbed, errors);
        function.attrs = kept;
        instrumented.push(instrument(function, &method_stack, Some(&self_ty), errors));
    }
    // syn prints the block as written (modifiers, where clause, inner attributes
    // included) with no items; the instrumented items go at the end of its braces.
    let mut out: Vec<TokenTree> = block.to_token_stream().into_iter().collect();
    match out.pop() {
        Some(TokenTree::Group(braces)) if braces.delimiter() == Delimiter::Brace => {
            let mut body = braces.stream();
            body.extend(instrumented);
            let mut filled = Group::new(Delimiter::Brace, body);
            filled.set_span(braces.span());
            out.push(filled.into());
        }
        // An impl block always ends in its braces; should it not, the items still go
        // after what syn printed.
        other => {
            out.extend(other);
            out.push(Group::new(Delimiter::Brace, instrumented.into_iter().collect()).into());
        }
    }
    let mut out: TokenStream = out.into_iter().collect();
    out.extend(uses_after_impl(&absorbed));
    out
}

/// Removes `#[metricsmith(skip)]` from a method's attributes; `true` if it was there.
fn take_skip(attrs: &mut Vec<syn::Attribute>, errors: &mut Errors) -> bool {
    let mut skip = false;
    attrs.retain(|attr| {
        if !attr.path().is_ident("metricsmith") {
            return true;
        }
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                skip = true;
                Ok(())
            } else {
                Err(meta.error(
                    "unknown `#[metricsmith(...)]` option: on a method of an instrumented `impl` block, write `#[metricsmith(skip)]` to leave the method uninstrumented",
                ))
            }
        });
        if let Err(error) = result {
            errors.push(error);
        } else if !skip {
            errors.error(attr, "write `#[metricsmith(skip)]` to leave this method uninstrumented");
        }
        false
    });
    skip
}

#[cfg(test)]
mod tests;
