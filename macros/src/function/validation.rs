//! Checks an attribute's options against the function it is on, and decides where it
//! records: the shared family, a dedicated metric (`name = "..."`), or a user's static
//! (`metric = PATH`).

use proc_macro2::Span;
use syn::spanned::Spanned;

use super::arguments::{FnArgs, Kind, LabelArg};
use crate::common::tokens_text;
use crate::errors::Errors;
use metricsmith_naming::{
    check_duration_histogram_name, check_label_name, check_metric_name, RenameAs, FUNCTION_CALLS_CONCURRENT,
    FUNCTION_CALLS_DURATION_SECONDS, FUNCTION_CALLS_TOTAL,
};

/// The shared families, which a dedicated metric must not be named after.
const SHARED_FAMILIES: [(&str, Kind); 3] = [
    (FUNCTION_CALLS_DURATION_SECONDS, Kind::Timed),
    (FUNCTION_CALLS_TOTAL, Kind::Counted),
    (FUNCTION_CALLS_CONCURRENT, Kind::InFlight),
];

impl Kind {
    fn shared_family(self) -> &'static str {
        SHARED_FAMILIES.iter().find(|(_, kind)| *kind == self).map_or("", |(name, _)| name)
    }

    /// An example name for messages.
    fn example_name(self) -> &'static str {
        match self {
            Kind::Timed => "payment_gateway_duration_seconds",
            Kind::Counted => "payment_attempts_total",
            Kind::InFlight => "payments_in_flight",
        }
    }
}

/// What the expansion needs to know about the function.
pub(crate) struct FnShape {
    /// The `function` label: the function's name as written (`r#` removed).
    pub(crate) name: String,
    pub(crate) is_async: bool,
    /// A function that is not `async` but returns a future (`impl Future<Output = T>`,
    /// `Pin<Box<dyn Future<Output = T>>>`): its call lasts until that future completes.
    pub(crate) returned_future: Option<ReturnedFuture>,
    /// Returns a `Result` (any path ending in `Result`; for a future, its `Output`):
    /// renders `result="error"`.
    pub(crate) fallible: bool,
    /// The return type with every `impl Trait` replaced by `_`, to annotate the body's
    /// closure or future (`()` without a return type).
    pub(crate) output: syn::Type,
    /// Arguments bound to a plain name (`x: T`, `mut x: T`), which labels can use.
    args: Vec<(syn::Ident, syn::Type)>,
}

impl FnShape {
    /// `None` (with an error) for a function that cannot be instrumented.
    pub(crate) fn of(
        sig: &syn::Signature,
        stack: &[FnArgs],
        impl_context: Option<&str>,
        errors: &mut Errors,
    ) -> Option<FnShape> {
        let name = sig.ident.to_string().trim_start_matches("r#").to_owned();
        if let Some(constness) = &sig.constness {
            let attributes: Vec<String> =
                stack.iter().map(|args| format!("`#[{}]`", args.kind.attribute())).collect();
            let way_out = match impl_context {
                Some(_) => "mark the method `#[metricsmith(skip)]`".to_owned(),
                None => format!("remove {}", attributes.join(" and ")),
            };
            errors.error(
                constness,
                format!("`{name}` cannot be instrumented: a const fn cannot read the clock or touch metrics at compile time; remove `const`, or {way_out}"),
            );
            return None;
        }
        let (fallible, output, returned_future) = match &sig.output {
            syn::ReturnType::Default => (false, syn::parse_quote!(()), None),
            syn::ReturnType::Type(_, ty) => {
                let mut output = (**ty).clone();
                infer_impl_trait(&mut output);
                let returned_future = if sig.asyncness.is_none() { returned_future(ty) } else { None };
                let fallible = match &returned_future {
                    Some(future) => future.output.as_ref().is_some_and(is_result),
                    None => is_result(ty),
                };
                (fallible, output, returned_future)
            }
        };
        let args = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => match &*typed.pat {
                    syn::Pat::Ident(pat) => Some((pat.ident.clone(), (*typed.ty).clone())),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        Some(FnShape { name, is_async: sig.asyncness.is_some(), returned_future, fallible, output, args })
    }

    /// Whether the call ends when a future completes (and can be cancelled).
    pub(crate) fn ends_with_a_future(&self) -> bool {
        self.is_async || self.returned_future.is_some()
    }
}

/// The future a function that is not `async` returns.
pub(crate) struct ReturnedFuture {
    /// `Pin<Box<dyn Future ..>>`, rather than `impl Future ..`: the timed future is
    /// boxed again.
    pub(crate) boxed: bool,
    /// Its `Output = T`, when written.
    output: Option<syn::Type>,
}

/// `impl Future<Output = T> + ..` or `Pin<Box<dyn Future<Output = T> + ..>>` (any paths
/// ending in `Future`, `Pin` and `Box`); `None` for any other type.
fn returned_future(ty: &syn::Type) -> Option<ReturnedFuture> {
    match ty {
        syn::Type::ImplTrait(impl_trait) => {
            Some(ReturnedFuture { boxed: false, output: future_output(&impl_trait.bounds)? })
        }
        syn::Type::Paren(paren) => returned_future(&paren.elem),
        syn::Type::Group(group) => returned_future(&group.elem),
        syn::Type::Path(path) => {
            let boxed = single_type_argument(&path.path, "Pin").and_then(|inner| match inner {
                syn::Type::Path(inner) => single_type_argument(&inner.path, "Box"),
                _ => None,
            })?;
            let syn::Type::TraitObject(object) = boxed else { return None };
            Some(ReturnedFuture { boxed: true, output: future_output(&object.bounds)? })
        }
        _ => None,
    }
}

/// The only type argument of a path whose last segment is `name`: `T` of `Pin<T>`.
fn single_type_argument<'a>(path: &'a syn::Path, name: &str) -> Option<&'a syn::Type> {
    let last = path.segments.last().filter(|last| last.ident == name)?;
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else { return None };
    match arguments.args.iter().collect::<Vec<_>>().as_slice() {
        [syn::GenericArgument::Type(ty)] => Some(ty),
        _ => None,
    }
}

/// `Some(output)` when a bound is a `Future` (`Some(None)` when it names no `Output`).
fn future_output(
    bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>,
) -> Option<Option<syn::Type>> {
    bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(bound) = bound else { return None };
        let last = bound.path.segments.last().filter(|last| last.ident == "Future")?;
        let output = match &last.arguments {
            syn::PathArguments::AngleBracketed(arguments) => {
                arguments.args.iter().find_map(|argument| match argument {
                    syn::GenericArgument::AssocType(assoc) if assoc.ident == "Output" => {
                        Some(assoc.ty.clone())
                    }
                    _ => None,
                })
            }
            _ => None,
        };
        Some(output)
    })
}

/// `impl Trait` → `_`: a closure's return type or a turbofish may not name an opaque
/// type, but may leave it to inference. Returns whether anything was replaced.
///
/// Walks the types `impl Trait` may stand in within a return type: references,
/// pointers, tuples, arrays, slices, parentheses and generic arguments, also of a
/// trait object's traits (`Box<dyn Iterator<Item = impl Debug>>`). Function pointer
/// types cannot hold one, so they are left alone.
pub(super) fn infer_impl_trait(ty: &mut syn::Type) -> bool {
    match ty {
        syn::Type::ImplTrait(impl_trait) => {
            let underscore_token = syn::Token![_](impl_trait.span());
            *ty = syn::Type::Infer(syn::TypeInfer { attrs: Vec::new(), underscore_token });
            true
        }
        syn::Type::Array(array) => infer_impl_trait(&mut array.elem),
        syn::Type::Group(group) => infer_impl_trait(&mut group.elem),
        syn::Type::Paren(paren) => infer_impl_trait(&mut paren.elem),
        syn::Type::Ptr(pointer) => infer_impl_trait(&mut pointer.elem),
        syn::Type::Reference(reference) => infer_impl_trait(&mut reference.elem),
        syn::Type::Slice(slice) => infer_impl_trait(&mut slice.elem),
        syn::Type::Tuple(tuple) => {
            tuple.elems.iter_mut().fold(false, |found, elem| infer_impl_trait(elem) | found)
        }
        syn::Type::Path(path) => {
            let in_qself = path.qself.as_mut().is_some_and(|qself| infer_impl_trait(&mut qself.ty));
            infer_in_path(&mut path.path) | in_qself
        }
        syn::Type::TraitObject(object) => object.bounds.iter_mut().fold(false, |found, bound| match bound {
            syn::TypeParamBound::Trait(bound) => infer_in_path(&mut bound.path) | found,
            _ => found,
        }),
        _ => false,
    }
}

/// [`infer_impl_trait`] in a path's generic arguments: `Result<impl Display, E>`,
/// `Iterator<Item = impl Debug>`.
fn infer_in_path(path: &mut syn::Path) -> bool {
    path.segments.iter_mut().fold(false, |found, segment| {
        let syn::PathArguments::AngleBracketed(arguments) = &mut segment.arguments else { return found };
        arguments.args.iter_mut().fold(found, |found, argument| {
            let replaced = match argument {
                syn::GenericArgument::Type(ty) => infer_impl_trait(ty),
                syn::GenericArgument::AssocType(assoc) => infer_impl_trait(&mut assoc.ty),
                _ => false,
            };
            replaced | found
        })
    })
}

/// `Result<..>`, `io::Result<T>`, `anyhow::Result<T>`, and aliases such as
/// `IoResult<T>`: any path whose last segment ends in `Result`. (A type so named that is
/// not `core::result::Result` compiles too; its calls are all `ok`.)
pub(crate) fn is_result(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(path) => {
            path.path.segments.last().is_some_and(|segment| segment.ident.to_string().ends_with("Result"))
        }
        syn::Type::Paren(paren) => is_result(&paren.elem),
        syn::Type::Group(group) => is_result(&group.elem),
        _ => false,
    }
}

fn contains_impl_trait(ty: &syn::Type) -> bool {
    infer_impl_trait(&mut ty.clone())
}

/// `&T`, `&mut T` and `(T)` → `T`, with the number of `*` that reach it from the argument.
fn referent(ty: &syn::Type) -> (&syn::Type, usize) {
    match ty {
        syn::Type::Reference(reference) => {
            let (inner, derefs) = referent(&reference.elem);
            (inner, derefs + 1)
        }
        syn::Type::Paren(paren) => referent(&paren.elem),
        syn::Type::Group(group) => referent(&group.elem),
        _ => (ty, 0),
    }
}

/// `str`, `[T]` and `dyn Trait`: types that cannot even be a label set's field.
fn is_unsized(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Slice(_) | syn::Type::TraitObject(_) => true,
        syn::Type::Path(path) => path.qself.is_none() && path.path.is_ident("str"),
        _ => false,
    }
}

/// A label bound to an argument.
pub(crate) struct Bound {
    pub(crate) key: syn::Ident,
    /// The label name (`key` without `r#`).
    pub(crate) label: String,
    pub(crate) arg: syn::Ident,
    /// The argument's type without references: the label value type.
    pub(crate) ty: syn::Type,
    /// How many `*` turn the argument into a `ty` place.
    pub(crate) derefs: usize,
}

/// A metric of the function's own.
pub(crate) struct Dedicated {
    pub(crate) name: syn::LitStr,
    pub(crate) help: String,
    pub(crate) buckets: Option<Vec<f64>>,
    /// `native` or `native(...)`, as written: handed on to the metric's `#[metric]`.
    pub(crate) native: Option<Box<crate::instrument::NativeOptions>>,
    pub(crate) max_series: Option<syn::LitInt>,
    pub(crate) labels: Vec<Bound>,
}

/// Where one attribute records.
pub(crate) enum Target {
    /// `function_calls_*`, labelled by function and module.
    Shared,
    /// `name = "..."`: a metric declared in the function's body.
    Dedicated(Dedicated),
    /// `metric = PATH`: a metric declared with `#[metric]`.
    Static { path: syn::Path, labels: Vec<Bound> },
}

/// One attribute, validated.
pub(crate) struct Plan {
    pub(crate) kind: Kind,
    pub(crate) target: Target,
}

/// Errors of one attribute, remembering whether there were any.
struct Checks<'a> {
    errors: &'a mut Errors,
    failed: bool,
}

impl Checks<'_> {
    fn error(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.failed = true;
        self.errors.error(tokens, message);
    }

    fn error_at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.failed = true;
        self.errors.error_at(span, message);
    }

    fn push(&mut self, error: syn::Error) {
        self.failed = true;
        self.errors.push(error);
    }
}

impl Plan {
    /// `None` when an option is wrong (every problem is reported).
    pub(crate) fn new(args: &FnArgs, shape: &FnShape, errors: &mut Errors) -> Option<Plan> {
        let mut checks = Checks { errors, failed: false };
        let kind = args.kind;
        let attribute = kind.attribute();
        let function = &shape.name;
        let shared = kind.shared_family();

        if let (Some(_), Some((key, _))) = (&args.name, &args.metric) {
            checks.error(
                key,
                format!("`#[{attribute}]` takes `name = \"...\"` for a metric of its own or `metric = STATIC` for one declared with `#[metric]`, not both: remove one"),
            );
        }
        let metric_text = match (&args.name, &args.metric) {
            (Some(name), _) => name.value(),
            (None, Some((_, path))) => tokens_text(path),
            (None, None) => shared.to_owned(),
        };

        if let Some(buckets) = &args.buckets {
            let key = &buckets.key;
            if kind != Kind::Timed {
                let what = if kind == Kind::Counted { "a counter" } else { "a gauge" };
                checks.error(key, format!("`#[{attribute}]` records into {what}, which has no buckets: remove `buckets` (only `#[timed]` takes them)"));
            } else if args.metric.is_some() {
                checks.error(key, "the buckets of a `metric = STATIC` histogram are set where it is declared: write `#[metric(buckets = [...])]` on the static, and remove `buckets` here");
            } else if args.name.is_none() {
                checks.error(key, format!("`buckets` need a histogram of `{function}`'s own: the shared `{shared}` uses the default buckets; add `name = \"{}\"`, or remove `buckets`", kind.example_name()));
            } else {
                let native = args.native.is_some();
                buckets.problems(&metric_text, native).into_iter().for_each(|error| checks.push(error));
            }
        }
        if let Some(native) = &args.native {
            let key = &native.key;
            if kind != Kind::Timed {
                let what = if kind == Kind::Counted { "a counter" } else { "a gauge" };
                checks.error(key, format!("`#[{attribute}]` records into {what}, which has no buckets: remove `native` (only `#[timed]` takes it)"));
            } else if args.metric.is_some() {
                checks.error(key, "the native buckets of a `metric = STATIC` histogram are set where it is declared: write `#[metric(native)]` on the static, and remove `native` here");
            } else if args.name.is_none() {
                checks.error(key, format!("`native` needs a histogram of `{function}`'s own: the shared `{shared}` has classic buckets only; add `name = \"{}\"`, or remove `native`", kind.example_name()));
            } else {
                native.problems(&metric_text).into_iter().for_each(|problem| checks.push(problem));
            }
        }
        for (option, span) in [
            ("help", args.help.as_ref().map(Spanned::span)),
            ("max_series", args.max_series.as_ref().map(Spanned::span)),
        ] {
            let Some(span) = span else { continue };
            if args.metric.is_some() {
                checks.error_at(span, format!("`{option}` of a `metric = STATIC` metric is set where it is declared, with `#[metric]`: remove `{option}` here"));
            } else if args.name.is_none() {
                checks.error_at(span, format!("`{option}` is for a metric of `{function}`'s own: add `name = \"{}\"`, or remove `{option}`", kind.example_name()));
            }
        }
        if let (Some((key, _)), None, None) = (&args.labels, &args.name, &args.metric) {
            let fixed = match kind {
                Kind::Counted => "`function`, `module` and `result`",
                _ => "`function` and `module`",
            };
            checks.error(
                key,
                format!("`labels(...)` need a metric of `{function}`'s own: the shared `{shared}` has the fixed labels {fixed}; add `name = \"{}\"`, or `metric = STATIC` for a metric declared with `#[metric]`", kind.example_name()),
            );
        }
        if let Some(name) = &args.name {
            check_name(kind, name, &mut checks);
        }
        let labels = match (&args.labels, args.name.is_some() || args.metric.is_some()) {
            (Some((_, pairs)), true) => bind_labels(pairs, shape, kind, &metric_text, &mut checks),
            _ => Vec::new(),
        };
        if checks.failed {
            return None;
        }

        let target = match (&args.name, &args.metric) {
            (Some(name), _) => Target::Dedicated(Dedicated {
                name: name.clone(),
                help: match &args.help {
                    Some(help) => help.value(),
                    None => default_help(kind, function, &labels),
                },
                // Usable: `problems` found nothing, or `checks` failed.
                buckets: args.buckets.as_ref().and_then(|buckets| buckets.usable(args.native.is_some())),
                native: args.native.clone().map(Box::new),
                max_series: args.max_series.clone(),
                labels,
            }),
            (None, Some((_, path))) => Target::Static { path: path.clone(), labels },
            (None, None) => Target::Shared,
        };
        Some(Plan { kind, target })
    }
}

fn default_help(kind: Kind, function: &str, labels: &[Bound]) -> String {
    let by: Vec<String> = labels.iter().map(|bound| bound.label.clone()).collect();
    let by = by.join(", ");
    match (kind, by.is_empty()) {
        (Kind::Timed, true) => format!("Duration of `{function}` calls, in seconds."),
        (Kind::Timed, false) => format!("Duration of `{function}` calls, in seconds, by {by}."),
        (Kind::Counted, true) => format!("Calls of `{function}`, by result."),
        (Kind::Counted, false) => format!("Calls of `{function}`, by {by} and result."),
        (Kind::InFlight, true) => format!("Calls of `{function}` in progress."),
        (Kind::InFlight, false) => format!("Calls of `{function}` in progress, by {by}."),
    }
}

/// The naming rules for the metric type the attribute records into; a `#[timed]`
/// name must also end in `_seconds`, and every message then suggests a name that does.
fn check_name(kind: Kind, literal: &syn::LitStr, checks: &mut Checks) {
    let name = literal.value();
    let problems = match kind {
        Kind::Timed => check_duration_histogram_name(&name),
        _ => check_metric_name(&name, kind.instrument()),
    };
    for problem in problems {
        checks.error(literal, problem.render(RenameAs::Name));
    }
    if let Some((_, owner)) = SHARED_FAMILIES.iter().find(|(shared, _)| *shared == name) {
        let message = if *owner == kind {
            format!("`{name}` is the shared family `#[{}]` records into without `name`: remove `name = ...` to record there, or choose a name of the function's own", kind.attribute())
        } else {
            format!("`{name}` is the shared family of `#[{}]`: choose another name", owner.attribute())
        };
        checks.error(literal, message);
    }
}

fn bind_labels(
    pairs: &[LabelArg],
    shape: &FnShape,
    kind: Kind,
    metric: &str,
    checks: &mut Checks,
) -> Vec<Bound> {
    let function = &shape.name;
    let mut bound: Vec<Bound> = Vec::new();
    for LabelArg { key, value } in pairs {
        let label = key.to_string().trim_start_matches("r#").to_owned();
        let mut ok = true;
        if let Some(problem) = check_label_name(&label, metric) {
            checks.error(key, problem.render(RenameAs::Name));
            ok = false;
        } else if kind == Kind::Counted && label == "result" {
            checks.error(key, format!("label `result` of `{metric}` is added by `#[counted]` itself (ok, error, panic, cancelled): give this label another name"));
            ok = false;
        } else if bound.iter().any(|earlier| earlier.label == label) {
            checks.error(key, format!("label `{label}` is bound twice in `labels(...)` of `{metric}`: each label name must be unique"));
            ok = false;
        }
        let arg = match value {
            syn::Expr::Path(path) if path.qself.is_none() && path.attrs.is_empty() => path.path.get_ident(),
            _ => None,
        };
        let Some(arg) = arg else {
            checks.error(value, format!("label `{label}` must be bound to an argument of `{function}` by its name, e.g. `labels({label} = {label})`: `{}` is not an argument name", tokens_text(value)));
            continue;
        };
        if arg == "self" {
            checks.error(value, format!("label `{label}` cannot be bound to `self`: bind it to an argument of `{function}` whose type is a `LabelValue`"));
            continue;
        }
        let Some((_, ty)) = shape.args.iter().find(|(name, _)| name == arg) else {
            let names: Vec<String> = shape.args.iter().map(|(name, _)| format!("`{name}`")).collect();
            let known = if names.is_empty() {
                format!("`{function}` has no arguments to bind")
            } else {
                format!("its arguments are {}", names.join(", "))
            };
            checks.error(
                value,
                format!(
                    "label `{label}` is bound to `{arg}`, which is not an argument of `{function}`: {known}"
                ),
            );
            continue;
        };
        let (referent, derefs) = referent(ty);
        if is_unsized(referent) {
            checks.error(ty, format!("label `{label}` is bound to `{arg}: {}`, and `{}` is not a bounded label value: labels take values from a closed set known at compile time, so derive `LabelValue` on a fieldless enum (or use `bool`) and take that; free-form values (strings, ids, numbers) belong in logs or traces, not labels", tokens_text(ty), tokens_text(referent)));
            continue;
        }
        if contains_impl_trait(referent) {
            checks.error(ty, format!("label `{label}` is bound to `{arg}`, whose type `{}` has no name: the metric's label type must be named, e.g. `{arg}: PaymentMethod`", tokens_text(ty)));
            continue;
        }
        if ok {
            bound.push(Bound { key: key.clone(), label, arg: arg.clone(), ty: referent.clone(), derefs });
        }
    }
    bound
}
