//! `native` and `native(schema = N, zero_threshold = X, max_buckets = M)`: a histogram's
//! native buckets, as written, checked at compile time, and as the constant the runtime
//! takes. Shared by `#[metric]`, `derive(Metrics)` and `#[timed(name = ...)]`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::spanned::Spanned;

use crate::common::{f64_tokens, number_literal, tokens_text};
use crate::errors::Errors;
use crate::options::{option_value, OptionParser};

/// The settings `native(...)` takes, in the order messages list them.
const SETTINGS: &[&str] = &["schema", "zero_threshold", "max_buckets"];

/// The schemas Prometheus accepts, and the most buckets a series may keep per sign (the
/// runtime's `NativeConfig` asserts the same).
const SCHEMAS: core::ops::RangeInclusive<i64> = -4..=8;
const MAX_BUCKETS: u64 = 1_000_000;

/// `native` or `native(...)` as written: the key, each setting's value, and the whole
/// option's tokens (its `ToTokens`, to hand on to a `#[metric]` the macro declares).
#[derive(Clone)]
pub(crate) struct NativeOptions {
    pub(crate) key: syn::Path,
    schema: Option<syn::Expr>,
    zero_threshold: Option<syn::Expr>,
    max_buckets: Option<syn::Expr>,
    written: TokenStream,
}

/// The settings, checked: what the runtime's `NativeConfig` is built from.
#[derive(Clone, Copy, Debug, PartialEq)]
struct NativeSettings {
    schema: Option<i64>,
    zero_threshold: Option<f64>,
    max_buckets: Option<u64>,
}

impl NativeOptions {
    /// Reads `native` or `native(...)`, whose key `meta` is at. Problems with the
    /// settings (unknown, given twice, without a value) are recorded and reading goes on.
    pub(crate) fn parse(meta: &syn::meta::ParseNestedMeta, errors: &mut Errors) -> syn::Result<Self> {
        let key = meta.path.clone();
        let mut options = NativeOptions {
            key,
            schema: None,
            zero_threshold: None,
            max_buckets: None,
            written: TokenStream::new(),
        };
        if meta.input.peek(syn::Token![=]) {
            let value: syn::Expr = meta.value()?.parse()?;
            errors.error(
                &value,
                "`native` takes its settings in parentheses, e.g. `native(schema = 3)`, or none: `native`",
            );
        } else if meta.input.peek(syn::token::Paren) {
            let group: proc_macro2::Group = meta.input.parse()?;
            let settings = group.stream();
            OptionParser::new("`native(...)`", SETTINGS).parse(
                settings.clone(),
                errors,
                &mut |setting, meta, errors| {
                    let example = match setting {
                        "schema" => "`schema = 3`",
                        "zero_threshold" => "`zero_threshold = 1e-9`",
                        _ => "`max_buckets = 160`",
                    };
                    let value = option_value(meta, example, errors)?;
                    match setting {
                        "schema" => options.schema = value,
                        "zero_threshold" => options.zero_threshold = value,
                        _ => options.max_buckets = value,
                    }
                    Ok(())
                },
            );
            options.written = quote!((#settings));
        }
        let (key, settings) = (&options.key, &options.written);
        options.written = quote!(#key #settings);
        Ok(options)
    }

    /// What is wrong with the settings of histogram `metric`, spanned on each value.
    pub(crate) fn problems(&self, metric: &str) -> Vec<syn::Error> {
        self.settings(metric).err().unwrap_or_default()
    }

    /// The checked settings, or every problem.
    fn settings(&self, metric: &str) -> Result<NativeSettings, Vec<syn::Error>> {
        let mut problems = Vec::new();
        let mut check = |value: &Option<syn::Expr>, read: &dyn Fn(&syn::Expr) -> Result<f64, String>| {
            let value = value.as_ref()?;
            match read(value) {
                Ok(number) => Some(number),
                Err(message) => {
                    problems.push(syn::Error::new(value.span(), message));
                    None
                }
            }
        };
        let schema = check(&self.schema, &|value| {
            let written = tokens_text(value);
            match whole_number(value) {
                Some(schema) if SCHEMAS.contains(&schema) => Ok(schema as f64),
                Some(_) => Err(format!("`schema = {written}` of histogram `{metric}` is outside -4 to 8, the schemas Prometheus accepts: 8 is the finest (256 buckets per power of two), -4 the coarsest; leave `schema` out for 3 (8 buckets per power of two, each about 9 % wider than the last)")),
                None => Err(format!("`schema` of histogram `{metric}` takes a whole number literal, -4 to 8: write the schema itself, e.g. `schema = 3`")),
            }
        });
        let zero_threshold = check(&self.zero_threshold, &|value| {
            match number_literal(value) {
            Ok(threshold) if threshold.is_finite() && threshold >= 0.0 => Ok(threshold),
            Ok(_) => Err(format!("`zero_threshold = {}` of histogram `{metric}` must be finite and at least 0: observations whose magnitude is at most the threshold count in the zero bucket; leave it out for 2^-128", tokens_text(value))),
            Err(_) => Err(format!("`zero_threshold` of histogram `{metric}` is not a number literal: thresholds are checked at compile time, so write the number itself, e.g. `zero_threshold = 1e-9`")),
        }
        });
        let max_buckets = check(&self.max_buckets, &|value| {
            match whole_number(value) {
            Some(max) if (1..=MAX_BUCKETS as i64).contains(&max) => Ok(max as f64),
            _ => Err(format!("`max_buckets` of histogram `{metric}` must be a whole number from 1 to {MAX_BUCKETS}: the most buckets a series keeps of each sign (its memory is fixed: 32 bytes a bucket); leave it out for 160")),
        }
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(NativeSettings {
            schema: schema.map(|schema| schema as i64),
            zero_threshold,
            max_buckets: max_buckets.map(|max| max as u64),
        })
    }

    /// The runtime's `NativeConfig` for these settings: the defaults, changed where
    /// given. Unusable settings (already reported) are left at the default, so the
    /// expansion adds no follow-on errors.
    pub(crate) fn config(&self, runtime: &TokenStream, metric: &str) -> TokenStream {
        let settings = self.settings(metric).unwrap_or(NativeSettings {
            schema: None,
            zero_threshold: None,
            max_buckets: None,
        });
        let mut config = quote!(#runtime::__private::NativeConfig::DEFAULT);
        if let Some(schema) = settings.schema {
            let schema = proc_macro2::Literal::i8_suffixed(schema as i8);
            config.extend(quote!(.with_schema(#schema)));
        }
        if let Some(threshold) = settings.zero_threshold {
            let threshold = f64_tokens(threshold);
            config.extend(quote!(.with_zero_threshold(#threshold)));
        }
        if let Some(max) = settings.max_buckets {
            let max = proc_macro2::Literal::u32_suffixed(max as u32);
            config.extend(quote!(.with_max_buckets(#max)));
        }
        config
    }

    /// Where errors about the option as a whole go.
    pub(crate) fn span(&self) -> Span {
        self.key.span()
    }
}

impl ToTokens for NativeOptions {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(self.written.clone());
    }
}

/// A whole number literal (`3`, `-4`), as `i64`.
fn whole_number(value: &syn::Expr) -> Option<i64> {
    match value {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(literal), .. }) => literal.base10_parse().ok(),
        syn::Expr::Unary(syn::ExprUnary { op: syn::UnOp::Neg(_), expr, .. }) => {
            whole_number(expr)?.checked_neg()
        }
        syn::Expr::Group(group) => whole_number(&group.expr),
        syn::Expr::Paren(paren) => whole_number(&paren.expr),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `#[metric(<tokens>)]`'s `native` option and checks it for `h_seconds`.
    fn read(tokens: TokenStream) -> (Option<NativeOptions>, Vec<String>) {
        let mut errors = Errors::default();
        let mut native = None;
        OptionParser::new("`#[metric]`", &["native"]).parse(tokens, &mut errors, &mut |_, meta, errors| {
            native = Some(NativeOptions::parse(meta, errors)?);
            Ok(())
        });
        for problem in native.iter().flat_map(|native| native.problems("h_seconds")) {
            errors.push(problem);
        }
        (native, errors.messages())
    }

    fn config(tokens: TokenStream) -> String {
        let (native, errors) = read(tokens);
        assert!(errors.is_empty(), "{errors:?}");
        native.unwrap().config(&quote!(::metricsmith), "h_seconds").to_string().replace(' ', "")
    }

    #[test]
    fn settings_change_the_defaults_where_given() {
        assert_eq!(config(quote!(native)), "::metricsmith::__private::NativeConfig::DEFAULT");
        assert_eq!(
            config(quote!(native(schema = -4, zero_threshold = 0, max_buckets = 20))),
            "::metricsmith::__private::NativeConfig::DEFAULT.with_schema(-4i8).with_zero_threshold(0f64).with_max_buckets(20u32)"
        );
        assert_eq!(
            config(quote!(native(max_buckets = 8))),
            "::metricsmith::__private::NativeConfig::DEFAULT.with_max_buckets(8u32)"
        );
        let (native, _) = read(quote!(native(schema = 8)));
        assert_eq!(native.unwrap().to_token_stream().to_string().replace(' ', ""), "native(schema=8)");
    }

    #[test]
    fn each_setting_is_checked_and_every_problem_reported() {
        let (_, errors) = read(quote!(native(schema = 9, zero_threshold = -1.0, max_buckets = 0)));
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("`schema = 9` of histogram `h_seconds` is outside -4 to 8"));
        assert!(errors[1]
            .starts_with("`zero_threshold = -1.0` of histogram `h_seconds` must be finite and at least 0"));
        assert!(errors[2]
            .starts_with("`max_buckets` of histogram `h_seconds` must be a whole number from 1 to 1000000"));
        let (_, errors) = read(quote!(native(schema = 2.5, zero_threshold = LIMIT, max_buckets = 2000000)));
        assert!(errors[0].starts_with("`schema` of histogram `h_seconds` takes a whole number literal"));
        assert!(errors[1].starts_with("`zero_threshold` of histogram `h_seconds` is not a number literal"));
        assert!(errors[2].starts_with("`max_buckets` of histogram `h_seconds` must be a whole number"));
        let (_, errors) = read(quote!(native(zero_threshold = 1e999)));
        assert_eq!(errors.len(), 1, "an infinite threshold: {errors:?}");
    }

    #[test]
    fn unknown_repeated_and_misshapen_settings_are_reported() {
        let (native, errors) = read(quote!(native(scheme = 3, schema = 1, schema = 2, max_buckets)));
        assert_eq!(
            errors,
            [
                "unknown `native(...)` option `scheme`: expected one of `schema`, `zero_threshold`, `max_buckets`",
                "`schema` is given twice in `native(...)`: keep one `schema = ...`",
                "`max_buckets` needs a value, e.g. `max_buckets = 160`",
            ]
        );
        assert_eq!(
            native.unwrap().config(&quote!(m), "h_seconds").to_string().replace(' ', ""),
            "m::__private::NativeConfig::DEFAULT.with_schema(1i8)"
        );
        let (_, errors) = read(quote!(native = 3));
        assert_eq!(
            errors,
            ["`native` takes its settings in parentheses, e.g. `native(schema = 3)`, or none: `native`"]
        );
    }
}
