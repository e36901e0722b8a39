//! An instrument as declared: its kind, read from the declared type, and its options
//! (`#[metric(...)]` on a static or on a group's field).

use proc_macro2::TokenStream;

use super::native::NativeOptions;
use crate::buckets::BucketList;
use crate::errors::Errors;
use crate::options::{option_value, OptionParser};
use metricsmith_naming::InstrumentKind;

/// The kind of instrument a declared type is, from the last segment of its path
/// (`Counter`, `metricsmith::Histogram<L>`); `None` for any other type.
pub(crate) fn instrument_kind(ty: &syn::Type) -> Option<InstrumentKind> {
    let syn::Type::Path(path) = ty else { return None };
    InstrumentKind::from_type_name(&path.path.segments.last()?.ident.to_string())
}

/// `key = PATH`: the key, for errors about the option, then the path.
pub(crate) type PathOption = (syn::Path, syn::Path);

/// Options of one instrument. Each keeps the tokens its errors are spanned on.
#[derive(Default)]
pub(crate) struct InstrumentOptions {
    pub(crate) name: Option<syn::LitStr>,
    pub(crate) buckets: Option<BucketList>,
    /// `native` or `native(...)`: native buckets beside (or instead of) the classic ones.
    pub(crate) native: Option<NativeOptions>,
    pub(crate) max_series: Option<syn::LitInt>,
    pub(crate) callback: Option<PathOption>,
    pub(crate) collector: Option<PathOption>,
    /// `labels(key = value, ...)` of an info metric: the key `labels`, then the pairs.
    pub(crate) info_labels: Option<(syn::Path, Vec<(syn::Ident, syn::Expr)>)>,
    /// `multiprocess = "livesum"`: how a gauge's processes merge (multiprocess mode).
    pub(crate) multiprocess: Option<(syn::Path, syn::LitStr)>,
    /// `name = <not a string>` was given (and reported): the name rules are skipped,
    /// as the fallback name is not the one the user meant.
    pub(crate) invalid_name: bool,
}

/// The options of an instrument, in the order messages list them.
pub(crate) const INSTRUMENT_OPTIONS: &[&str] =
    &["name", "buckets", "native", "max_series", "callback", "collector", "labels", "multiprocess"];

impl InstrumentOptions {
    /// The options of a group field's `#[metric(...)]` attributes.
    pub(crate) fn from_field_attrs(attrs: &[syn::Attribute], errors: &mut Errors) -> Self {
        let mut options = InstrumentOptions::default();
        OptionParser::new("`#[metric]`", INSTRUMENT_OPTIONS).parse_attributes(
            attrs,
            "metric",
            errors,
            &mut |key, meta, errors| options.read(key, meta, errors),
        );
        options
    }

    /// The options of `#[metric(...)]` on a static, which also takes `crate = path`.
    pub(crate) fn from_static_args(args: TokenStream, errors: &mut Errors) -> (Self, Option<syn::Path>) {
        let valid: Vec<&str> = INSTRUMENT_OPTIONS.iter().copied().chain(["crate"]).collect();
        let mut options = InstrumentOptions::default();
        let mut runtime = None;
        OptionParser::new("`#[metric]`", &valid).parse(args, errors, &mut |key, meta, errors| match key {
            "crate" => {
                runtime = Some(meta.value()?.parse()?);
                Ok(())
            }
            _ => options.read(key, meta, errors),
        });
        (options, runtime)
    }

    /// Reads the value of the instrument option `key`. A value of the wrong shape is
    /// reported with an example of the right one, and parsing goes on.
    fn read(&mut self, key: &str, meta: &syn::meta::ParseNestedMeta, errors: &mut Errors) -> syn::Result<()> {
        match key {
            "name" => {
                let example = "`name = \"orders_processed_total\"`";
                match option_value(meta, example, errors)? {
                    None => {}
                    Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. })) => {
                        self.name = Some(name)
                    }
                    Some(other) => {
                        errors.error(
                            other,
                            format!("`name` takes the metric's name as a string literal, e.g. {example}"),
                        );
                        self.invalid_name = true;
                    }
                }
            }
            "buckets" => {
                let example = "`buckets = [0.1, 0.5, 1.0]`";
                match option_value(meta, example, errors)? {
                    None => {}
                    Some(syn::Expr::Array(array)) => {
                        self.buckets = Some(BucketList::new(meta.path.clone(), &array))
                    }
                    Some(other) => errors.error(
                        other,
                        format!("`buckets` takes a list of bucket upper bounds, e.g. {example}"),
                    ),
                }
            }
            "native" => self.native = Some(NativeOptions::parse(meta, errors)?),
            "max_series" => {
                let example = "`max_series = 1000`";
                match option_value(meta, example, errors)? {
                    None => {}
                    Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(max), .. })) => {
                        self.max_series = Some(max)
                    }
                    Some(other) => {
                        errors.error(other, format!("`max_series` takes a whole number, e.g. {example}"))
                    }
                }
            }
            "callback" => {
                let example = "`callback = queue_depth`";
                let what = "the path of a function";
                self.callback = path_option(meta, what, example, errors)?;
            }
            "collector" => {
                let example = "`collector = QUEUE_STATS`";
                let what = "the path of a static that implements `Collector`";
                self.collector = path_option(meta, what, example, errors)?;
            }
            "labels" => {
                let mut pairs = Vec::new();
                meta.parse_nested_meta(|pair| {
                    let Some(label) = pair.path.get_ident().cloned() else {
                        return Err(pair.error("expected `label_name = \"value\"`"));
                    };
                    pairs.push((label, pair.value()?.parse::<syn::Expr>()?));
                    Ok(())
                })?;
                self.info_labels = Some((meta.path.clone(), pairs));
            }
            "multiprocess" => {
                let example = "`multiprocess = \"livesum\"`";
                match option_value(meta, example, errors)? {
                    None => {}
                    Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(mode), .. })) => {
                        self.multiprocess = Some((meta.path.clone(), mode))
                    }
                    Some(other) => errors.error(
                        other,
                        format!(
                            "`multiprocess` takes a gauge's merge mode as a string literal, e.g. {example}"
                        ),
                    ),
                }
            }
            // The parser passes only the keys of `INSTRUMENT_OPTIONS`.
            _ => {}
        }
        Ok(())
    }
}

/// `key = path` (`callback`, `collector`): the path, or `None` with the error saying
/// the option takes `what`.
fn path_option(
    meta: &syn::meta::ParseNestedMeta,
    what: &str,
    example: &str,
    errors: &mut Errors,
) -> syn::Result<Option<PathOption>> {
    Ok(match option_value(meta, example, errors)? {
        None => None,
        Some(syn::Expr::Path(syn::ExprPath { path, qself: None, .. })) => Some((meta.path.clone(), path)),
        Some(other) => {
            let key = crate::common::tokens_text(&meta.path);
            errors.error(other, format!("`{key}` takes {what}, e.g. {example}"));
            None
        }
    })
}
