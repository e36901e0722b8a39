//! The one parser of attribute options (`#[metric(name = "...", buckets = [...])]`),
//! used by every macro. An unknown option is reported with the valid ones, an option
//! given twice on its second occurrence; either is then skipped, and the options after
//! it are still read.

use proc_macro2::TokenStream;
use quote::quote;

use crate::common::tokens_text;
use crate::errors::Errors;

/// What one option's value is read with: the option's key, its `ParseNestedMeta`
/// (which must consume the value), and the errors to record problems in.
pub(crate) type ReadOption<'r> =
    dyn FnMut(&str, &syn::meta::ParseNestedMeta, &mut Errors) -> syn::Result<()> + 'r;

/// The options of one attribute, possibly spread over several of them on one item:
/// an option given in two `#[label(...)]` of one variant is given twice too.
pub(crate) struct OptionParser<'a> {
    /// The attribute as messages name it: "`#[metric]`", "variant `#[label]`".
    attribute: &'a str,
    /// The options it takes, in the order messages list them.
    valid: &'a [&'a str],
    /// Options that belong on another item, each with the message saying where.
    misplaced: &'a [(&'a str, &'a str)],
    seen: Vec<String>,
}

impl<'a> OptionParser<'a> {
    pub(crate) fn new(attribute: &'a str, valid: &'a [&'a str]) -> Self {
        OptionParser { attribute, valid, misplaced: &[], seen: Vec::new() }
    }

    /// Options reported with their own message instead of "unknown option".
    pub(crate) fn with_misplaced(mut self, misplaced: &'a [(&'a str, &'a str)]) -> Self {
        self.misplaced = misplaced;
        self
    }

    /// Reads the options in `tokens`, the inside of the attribute's parentheses,
    /// calling `read` for each valid option the first time it is given.
    pub(crate) fn parse(&mut self, tokens: TokenStream, errors: &mut Errors, read: &mut ReadOption) {
        let parser = syn::meta::parser(|meta| self.option(&meta, errors, read));
        let result = syn::parse::Parser::parse2(parser, tokens);
        errors.ok(result);
    }

    /// Reads the options of every attribute in `attrs` named `name` (`#[label(...)]`).
    pub(crate) fn parse_attributes(
        &mut self,
        attrs: &[syn::Attribute],
        name: &str,
        errors: &mut Errors,
        read: &mut ReadOption,
    ) {
        for attr in attrs.iter().filter(|attr| attr.path().is_ident(name)) {
            let result = attr.parse_nested_meta(|meta| self.option(&meta, errors, read));
            errors.ok(result);
        }
    }

    fn option(
        &mut self,
        meta: &syn::meta::ParseNestedMeta,
        errors: &mut Errors,
        read: &mut ReadOption,
    ) -> syn::Result<()> {
        let key = meta.path.get_ident().map_or_else(|| tokens_text(&meta.path), ToString::to_string);
        if let Some((_, message)) = self.misplaced.iter().find(|(option, _)| *option == key) {
            errors.error(&meta.path, message);
            return skip_value(meta);
        }
        if !self.valid.contains(&key.as_str()) {
            unknown_option(errors, &meta.path, self.attribute, self.valid);
            return skip_value(meta);
        }
        if self.seen.contains(&key) {
            let written = if meta.input.peek(syn::token::Paren) { "(...)" } else { " = ..." };
            errors.error(
                &meta.path,
                format!("`{key}` is given twice in {}: keep one `{key}{written}`", self.attribute),
            );
            return skip_value(meta);
        }
        self.seen.push(key.clone());
        read(&key, meta, errors)
    }
}

/// The only option of the `#[name(...)]` attributes in `attrs`, a string `key`:
/// a variant's `#[label(rename = "...")]`, a field's `#[label(name = "...")]`.
/// `attribute` names them in messages.
pub(crate) fn string_option(
    attrs: &[syn::Attribute],
    name: &str,
    attribute: &str,
    key: &str,
    errors: &mut Errors,
) -> Option<syn::LitStr> {
    let mut value = None;
    OptionParser::new(attribute, &[key]).parse_attributes(attrs, name, errors, &mut |_, meta, _| {
        value = Some(string_value(meta)?);
        Ok(())
    });
    value
}

/// Skips an option's value (`= expr` or `(...)`), so the options after it are read.
fn skip_value(meta: &syn::meta::ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<proc_macro2::Group>()?;
    }
    Ok(())
}

/// Records "unknown option" with the list of valid ones, plus where the setting it
/// probably meant lives when that is not an option (`help`, `unit`, ...).
fn unknown_option(errors: &mut Errors, key: &syn::Path, context: &str, valid: &[&str]) {
    let name = key.get_ident().map(ToString::to_string).unwrap_or_else(|| quote!(#key).to_string());
    let hint = match name.as_str() {
        "namespace" | "subsystem" if valid.contains(&"prefix") => {
            "; the names of a group's metrics start with its `prefix = \"...\"`"
        }
        "help" | "description" | "doc" => {
            "; the HELP text is the doc comment: write `/// What it measures.` above the declaration"
        }
        "unit" | "units" => "; the unit is the last word of the name, in base units: e.g. `_seconds`, `_bytes`",
        "namespace" | "subsystem" => "; prefix the name itself, or group metrics with `#[derive(Metrics)]` and `#[metrics(prefix = \"...\")]`",
        "label_names" | "label" | "const_labels" => {
            "; labels come from the type: `Counter<Labels>` with a `#[derive(LabelSet)]` struct or a `#[derive(LabelValue)]` enum"
        }
        _ => "",
    };
    let valid = valid.iter().map(|option| format!("`{option}`")).collect::<Vec<_>>().join(", ");
    errors.error(key, format!("unknown {context} option `{name}`: expected one of {valid}{hint}"));
}

/// Parses a string-literal option value (`key = "..."`).
pub(crate) fn string_value(meta: &syn::meta::ParseNestedMeta) -> syn::Result<syn::LitStr> {
    meta.value()?.parse::<syn::LitStr>()
}

/// The expression after `key =`. A key without `= value` is reported on the key, with
/// `example`, and yields `None` (parsing goes on with the next option).
pub(crate) fn option_value(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `tokens` with options `name` and `flag(...)`, returning what was read
    /// and every error message.
    fn parse(tokens: TokenStream) -> (Vec<(String, String)>, Vec<String>) {
        let mut errors = Errors::default();
        let mut read = Vec::new();
        OptionParser::new("`#[test]`", &["name", "flag"])
            .with_misplaced(&[("rename", "`rename` goes elsewhere")])
            .parse(tokens, &mut errors, &mut |key, meta, _| {
                let value = match key {
                    "name" => string_value(meta)?.value(),
                    _ => meta.input.parse::<proc_macro2::Group>()?.stream().to_string(),
                };
                read.push((key.to_owned(), value));
                Ok(())
            });
        (read, errors.messages())
    }

    fn pairs(read: &[(&str, &str)]) -> Vec<(String, String)> {
        read.iter().map(|(key, value)| (key.to_string(), value.to_string())).collect()
    }

    #[test]
    fn a_duplicate_is_reported_once_and_the_first_value_kept() {
        let (read, errors) = parse(quote!(name = "a", flag(x), name = "b", name = "c"));
        assert_eq!(read, pairs(&[("name", "a"), ("flag", "x")]));
        assert_eq!(
            errors,
            [
                "`name` is given twice in `#[test]`: keep one `name = ...`",
                "`name` is given twice in `#[test]`: keep one `name = ...`"
            ]
        );
    }

    #[test]
    fn a_duplicate_of_another_shape_is_skipped_whole() {
        let (read, errors) = parse(quote!(flag(x), flag = 3, flag(y, z), name = "n"));
        assert_eq!(read, pairs(&[("flag", "x"), ("name", "n")]));
        assert_eq!(
            errors,
            [
                "`flag` is given twice in `#[test]`: keep one `flag = ...`",
                "`flag` is given twice in `#[test]`: keep one `flag(...)`"
            ]
        );
    }

    #[test]
    fn options_spread_over_attributes_are_one_set() {
        let attrs: Vec<syn::Attribute> = vec![
            syn::parse_quote!(#[label(name = "a")]),
            syn::parse_quote!(#[other(name = "x")]),
            syn::parse_quote!(#[label(name = "b")]),
        ];
        let mut errors = Errors::default();
        let mut names = Vec::new();
        OptionParser::new("`#[label]`", &["name"]).parse_attributes(
            &attrs,
            "label",
            &mut errors,
            &mut |_, meta, _| {
                names.push(string_value(meta)?.value());
                Ok(())
            },
        );
        assert_eq!(names, ["a"]);
        assert_eq!(errors.messages(), ["`name` is given twice in `#[label]`: keep one `name = ...`"]);
    }

    #[test]
    fn unknown_and_misplaced_options_are_skipped_and_reading_goes_on() {
        let (read, errors) = parse(quote!(unit = "ms", rename = "x", other(1, 2), name = "n"));
        assert_eq!(read, pairs(&[("name", "n")]));
        assert_eq!(
            errors,
            [
                "unknown `#[test]` option `unit`: expected one of `name`, `flag`; the unit is the last word of the name, in base units: e.g. `_seconds`, `_bytes`",
                "`rename` goes elsewhere",
                "unknown `#[test]` option `other`: expected one of `name`, `flag`",
            ]
        );
    }

    #[test]
    fn a_bad_value_stops_that_attribute_with_the_parse_error() {
        let (read, errors) = parse(quote!(name = 3, flag(x)));
        assert_eq!(read, []);
        assert_eq!(errors, ["expected string literal"]);
    }
}
