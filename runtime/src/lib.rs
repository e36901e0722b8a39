//! # metricsmith
//!
//! Prometheus instrumentation checked at compile time. Declare instruments as statics,
//! label them with enums, and the macros reject bad names, unbounded labels and
//! oversized series budgets before the program runs. Every instrument lands in one
//! registry at link time, renders in Prometheus text 0.0.4 and OpenMetrics 1.0, and
//! every series is present at 0 from the first scrape.
//!
//! ```
//! use metricsmith::{metric, Counter, Format, LabelSet, LabelValue};
//!
//! #[derive(LabelValue)]
//! enum Outcome { Success, Declined }
//!
//! #[derive(LabelValue)]
//! #[label(name = "method")]
//! enum PaymentMethod { Card, Wallet }
//!
//! #[derive(LabelSet)]
//! struct OrderLabels { outcome: Outcome, payment_method: PaymentMethod }
//!
//! /// Orders processed, by outcome and payment method.
//! #[metric]
//! static ORDERS_PROCESSED_TOTAL: Counter<OrderLabels>;
//!
//! ORDERS_PROCESSED_TOTAL
//!     .labels(OrderLabels { outcome: Outcome::Success, payment_method: PaymentMethod::Card })
//!     .inc();
//!
//! let mut out = Vec::new();
//! metricsmith::render(Format::Prometheus, &mut out);
//! let text = String::from_utf8(out).unwrap();
//! assert!(text.contains(r#"orders_processed_total{outcome="success",payment_method="card"} 1"#));
//! assert!(text.contains(r#"orders_processed_total{outcome="declined",payment_method="wallet"} 0"#));
//! ```
//!
//! Registration uses link sections, which the `unsafe_code` lint flags; generated code
//! allows it locally, so `#![deny(unsafe_code)]` works, but `#![forbid(unsafe_code)]`
//! cannot (nothing can override `forbid`): use `deny` in crates that declare metrics.
#![deny(unsafe_code)]
#![deny(missing_docs)]

// Lets this crate use its own macros, whose expansions name `::metricsmith`.
extern crate self as metricsmith;

// The layers, bottom to top (ARCHITECTURE.md): each module imports only from those
// above it in this list.
mod builtin;
mod catalog;
mod collect;
mod exemplars;
mod exposition;
mod family;
mod functions;
mod instruments;
mod integrations;
mod labels;
mod registry;
mod rejections;
#[cfg(feature = "hyper")]
mod serving;
mod storage;

#[cfg(feature = "push")]
pub use integrations::push;
#[cfg(feature = "axum")]
pub use serving::axum;

pub use catalog::{catalog, Catalog, CatalogLabel, CatalogMetric};
pub use collect::{CallbackValue, CollectedValues, Collector};
pub use exposition::{render, render_for_accept, Format};
pub use family::{BucketSpan, CollectError, Family, Group, Meta, MetricType, NativeBuckets, Number, Sample};
pub use functions::CallResult;
pub use instruments::{
    Counter, CounterSeries, FloatCounter, FloatCounterSeries, Gauge, GaugeSeries, Histogram, HistogramSeries,
    HistogramTimer, InProgress, Info, StateSet, Summary, SummarySeries, DEFAULT_BUCKETS,
};
pub use labels::{LabelSet, LabelValue, NamedLabelValue};
pub use metricsmith_macros::{metric, LabelSet, LabelValue, Metrics};

/// Records how long every call of a function takes, in seconds.
///
/// Goes on a function, a method, or an `impl` block (every method with a body;
/// `#[metricsmith(skip)]` on a method leaves it out). The signature and body stay as
/// written: `async fn`, `unsafe fn`, generics, `impl Trait` arguments and returns and
/// every receiver work. Every exit is timed: a return, `?`, an early `return`, a panic
/// (which then continues unchanged) and, for an `async fn`, a future dropped before it
/// completes (timed from its first poll). A `const fn` cannot be instrumented.
///
/// Without options, calls land in the shared histogram
/// `function_calls_duration_seconds{function, module}` with [`DEFAULT_BUCKETS`] — the
/// name and labels autometrics uses, so its dashboards and alerts work. `function` is the
/// function's name as written (`charge`, also for a method), `module` its
/// `module_path!()`. Its series exist at 0 from start-up.
///
/// Options:
/// - `name = "..._seconds"`: a histogram of the function's own, checked by the naming
///   rules; with `buckets = [...]`, `help = "..."` (default: "Duration of `f` calls, in
///   seconds.") and `max_series = N`.
/// - `labels(label = argument, ...)`: labels of that histogram, each taken from an
///   argument whose type is a [`LabelValue`] (by reference: `&T` arguments work too).
/// - `metric = STATIC`: record into a `#[metric] static STATIC: Histogram<L>`, where `L`
///   is the bound arguments' types in `labels(...)` order (`()` for none, `T` for one,
///   `(T1, T2, ..)` for more) and the keys of `labels(...)` are those types' label names.
/// - `crate = path`: where generated code finds `metricsmith`, when renamed.
///
/// `#[timed]`, [`#[counted]`](counted) and [`#[in_flight]`](in_flight) stack in any
/// order and share one guard per call. On an `impl` block they take only `crate`; a
/// method's own attribute replaces the block's of the same kind.
///
/// ```
/// use metricsmith::{metric, timed, Format, Histogram, LabelValue};
///
/// #[derive(LabelValue, Clone, Copy)]
/// #[label(name = "method")]
/// enum PaymentMethod { Card, Wallet }
///
/// /// Payment gateway round-trip latency, by payment method.
/// #[metric(buckets = [0.05, 0.1, 0.5, 1.0])]
/// static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram<PaymentMethod>;
///
/// #[timed]
/// fn resize(width: u32) -> u32 { width / 2 }
///
/// #[timed(name = "thumbnail_duration_seconds", labels(method = method), buckets = [0.01, 0.1])]
/// fn thumbnail(method: &PaymentMethod) {}
///
/// #[timed(metric = PAYMENT_GATEWAY_DURATION_SECONDS, labels(method = method))]
/// fn retry_gateway(method: PaymentMethod) {}
///
/// resize(640);
/// thumbnail(&PaymentMethod::Card);
/// retry_gateway(PaymentMethod::Wallet);
/// assert_eq!(PAYMENT_GATEWAY_DURATION_SECONDS.labels(PaymentMethod::Wallet).count(), 1);
///
/// let mut out = Vec::new();
/// metricsmith::render(Format::Prometheus, &mut out);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.lines().any(|line| line.starts_with(
///     r#"function_calls_duration_seconds_count{function="resize","#) && line.ends_with(" 1")));
/// assert!(text.contains("thumbnail_duration_seconds_bucket{method=\"card\",le=\"+Inf\"} 1\n"));
/// ```
pub use metricsmith_macros::timed;

/// Counts every call of a function by how it ended: the `result` label.
///
/// `result` is a [`CallResult`]: `ok`; `error` when the function returns a `Result`
/// (any type path ending in `Result`: `io::Result<T>`, `anyhow::Result<T>`, aliases) and
/// it returned `Err` — through `?`, an early `return` or the tail; `panic` when the body
/// unwinds (the panic continues unchanged); and for an `async fn`, `cancelled` when its
/// future is dropped after its first poll but before it completes.
///
/// Without options, calls land in the shared counter
/// `function_calls_total{function, module, result}` (autometrics' name and labels); each
/// function shows the results it can have (`ok` and `panic`, `error` for a `Result`,
/// `cancelled` for an `async fn`), at 0 from start-up.
///
/// Takes the options of [`#[timed]`](timed) but `buckets`: `name` must end in `_total`,
/// and the function's counter gets the label `result` after those of `labels(...)`
/// (with every result value). `metric = STATIC` needs a `Counter<L>` whose label set `L`
/// ends in [`CallResult`]: `Counter<CallResult>`, `Counter<(T, CallResult)>`, ...
///
/// ```
/// use metricsmith::{counted, Format};
///
/// #[derive(Debug)]
/// struct OutOfStock;
///
/// #[counted]
/// fn reserve(quantity: u32) -> Result<u32, OutOfStock> {
///     if quantity > 10 {
///         return Err(OutOfStock);
///     }
///     Ok(quantity)
/// }
///
/// reserve(1).unwrap();
/// reserve(50).unwrap_err();
///
/// let mut out = Vec::new();
/// metricsmith::render(Format::Prometheus, &mut out);
/// let text = String::from_utf8(out).unwrap();
/// let count = |result: &str| text.lines().find(|line| {
///     line.starts_with(r#"function_calls_total{function="reserve","#)
///         && line.contains(&format!(r#"result="{result}"}}"#))
/// }).map(|line| line.rsplit(' ').next().unwrap().to_owned());
/// assert_eq!(count("ok").as_deref(), Some("1"));
/// assert_eq!(count("error").as_deref(), Some("1"));
/// assert_eq!(count("panic").as_deref(), Some("0"));
/// ```
pub use metricsmith_macros::counted;

pub use catalog::RuleOptions;
/// Tracks how many calls of a function are in progress: a gauge that goes up when a
/// call starts (an `async fn`'s at its first poll) and down when it ends, on every exit
/// path.
///
/// Without options, calls land in the shared gauge `function_calls_concurrent{function,
/// module}` (autometrics' name and labels). Takes the options of [`#[timed]`](timed) but
/// `buckets`: `name` is a gauge name (no `_total`), and `metric = STATIC` needs a
/// `Gauge<L>`.
///
/// ```
/// use metricsmith::{in_flight, metric, Gauge};
///
/// /// Uploads in progress.
/// #[metric]
/// static UPLOADS_IN_PROGRESS: Gauge;
///
/// #[in_flight(metric = UPLOADS_IN_PROGRESS)]
/// fn upload() -> f64 {
///     UPLOADS_IN_PROGRESS.get()
/// }
///
/// assert_eq!(upload(), 1.0);
/// assert_eq!(UPLOADS_IN_PROGRESS.get(), 0.0);
/// ```
pub use metricsmith_macros::in_flight;
pub use registry::{check_registry, DuplicateMetric, InvalidFamily, RegistryProblem};
#[cfg(feature = "hyper")]
pub use serving::MetricsService;
#[cfg(feature = "server")]
pub use serving::{serve, serve_with, Credentials, ServeError, ServeOptions, Server};

/// The README's examples, compiled as doctests so they cannot go stale. Some use the
/// `axum` and `push` features, which `cargo test --workspace` turns on (the tests crate
/// enables them).
#[cfg(all(doctest, feature = "server", feature = "axum", feature = "push"))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// What generated code uses. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::collect::{CallbackCollector, CallbackValue, Collected, ScrapeTimeInstrument};
    pub use crate::exposition::{
        render_one_family as render_family, render_recorded_families, FamilyRenderer,
    };
    pub use crate::family::{CollectError, Group, Meta, MetricType};
    pub use crate::functions::{
        call, counted_cells, in_flight_series, records_seconds, str_eq, timed_series, Call, CountedMetric,
        CountedSite, InFlightMetric, InFlightSite, OtherOutcome, Outcome, ResultOutcome, TimedMetric,
        TimedSite, COUNTED_SITES, IN_FLIGHT_SITES, TIMED_SITES,
    };
    pub use crate::instruments::{
        native_series_per_label_set, storage_cells, GroupStorage, Instrument, NativeConfig,
        SeriesBudgetMessage,
    };
    pub use crate::labels::__split_index;
    pub use crate::registry::{Registration, REGISTRY};
    pub use crate::storage::Cells;
    pub use ::core;
    pub use ::linkme;
    pub use ::std::vec::Vec;
    pub use core::sync::atomic::{AtomicU64, AtomicUsize};
}
