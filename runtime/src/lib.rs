//! # metricsmith
//!
//! Prometheus instrumentation checked at compile time. Declare instruments as statics,
//! label them with enums, and the macros reject bad names, unbounded labels and
//! oversized series budgets before the program runs. Every instrument lands in one
//! registry at link time, renders in Prometheus text 0.0.4, OpenMetrics 1.0 and
//! Prometheus' protobuf format, and every series is present at 0 from the first scrape.
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
mod checks;
mod collect;
mod exemplars;
mod exposition;
mod family;
mod functions;
mod instruments;
mod integrations;
mod labels;
#[cfg(feature = "multiprocess")]
pub mod multiprocess;
mod registry;
mod rejections;
#[cfg(feature = "hyper")]
mod serving;
mod storage;
#[cfg(feature = "testing")]
pub mod testing;

#[cfg(feature = "http")]
pub use integrations::http;
#[cfg(feature = "push")]
pub use integrations::push;

/// The HTTP metrics layer for any tower HTTP service (feature `tower`).
///
/// [`layer()`](tower::layer) records every request into OpenTelemetry's HTTP server
/// families, `http_server_request_duration_seconds{http_request_method, http_route,
/// http_response_status_code}` and `http_server_active_requests{http_request_method,
/// http_route}` (see [`HttpMetricsLayer`](tower::HttpMetricsLayer)). Each request's route is
/// the [`HttpRoute`](http::HttpRoute) in its extensions, which the service's router puts
/// there, or the unmatched route; [`with_route`](tower::HttpMetricsLayer::with_route) finds
/// it otherwise. For axum, [`axum::layer()`](crate::axum::layer) reads axum's own match.
#[cfg(feature = "tower")]
pub mod tower {
    pub use crate::integrations::http::layer::{HttpMetrics, HttpMetricsLayer, ResponseFuture, RouteOf};

    /// The layer: every request recorded, its route taken from the
    /// [`HttpRoute`](crate::http::HttpRoute) in its extensions (the unmatched route when
    /// there is none).
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use std::future::{ready, Ready};
    /// use std::task::{Context, Poll};
    ///
    /// use metricsmith::http::HttpRoute;
    /// use metricsmith::RuntimeLabel; // HttpRoute::get
    /// use tower_layer::Layer;
    /// use tower_service::Service;
    ///
    /// /// Any tower HTTP service: here one that answers every request with 200.
    /// struct Reports;
    ///
    /// impl Service<http::Request<()>> for Reports {
    ///     type Response = http::Response<()>;
    ///     type Error = Infallible;
    ///     type Future = Ready<Result<http::Response<()>, Infallible>>;
    ///     fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
    ///         Poll::Ready(Ok(()))
    ///     }
    ///     fn call(&mut self, _: http::Request<()>) -> Self::Future {
    ///         ready(Ok(http::Response::new(())))
    ///     }
    /// }
    ///
    /// let mut service = metricsmith::tower::layer().layer(Reports);
    /// let mut request = http::Request::get("/reports/monday").body(()).unwrap();
    /// request.extensions_mut().insert(HttpRoute::get("/reports/{day}")); // what a router would do
    /// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(runtime.block_on(service.call(request)).unwrap().status(), 200);
    ///
    /// let text = String::from_utf8(metricsmith::render_for_accept("text/plain").1).unwrap();
    /// assert!(text.contains(r#"http_server_request_duration_seconds_count{http_request_method="GET",http_route="/reports/{day}",http_response_status_code="200"} 1"#));
    /// ```
    pub fn layer() -> HttpMetricsLayer {
        crate::integrations::http::tower_layer()
    }
}

/// axum 0.8 integration (feature `axum`): the HTTP metrics [`layer()`](axum::layer) and
/// `/metrics` on the app's own port ([`router()`](axum::router), [`handler`](axum::handler)).
///
/// ```
/// use axum::{routing::{get, post}, Router};
///
/// let app: Router = Router::new()
///     .route("/orders", post(|| async { "queued" }))
///     .route("/orders/{id}", get(|| async { "an order" }))
///     .merge(metricsmith::axum::router()) // GET /metrics
///     .layer(metricsmith::axum::layer()); // last: every request, by route template
/// # let _ = app;
/// ```
///
/// `router()` and `handler` serve the exposition in the format negotiated from the
/// `Accept` header (OpenMetrics 1.0 or text 0.0.4, as
/// [`render_for_accept`] decides); `HEAD` gets the headers,
/// other methods `405 Method Not Allowed`. For other stacks built on tower, and for hyper
/// itself, use [`MetricsService`] and [`tower::layer()`](crate::tower::layer).
#[cfg(feature = "axum")]
pub mod axum {
    pub use crate::integrations::http::axum::layer;
    pub use crate::serving::axum::{handler, router};
}

pub use catalog::{catalog, Catalog, CatalogLabel, CatalogMetric};
pub use collect::{CallbackValue, CollectedValues, Collector};
pub use exposition::{render, render_for_accept, render_with, Format, RenderOptions};
pub use family::{BucketSpan, CollectError, Family, Group, Meta, MetricType, NativeBuckets, Number, Sample};
pub use functions::CallResult;
pub use instruments::{
    Counter, CounterSeries, FloatCounter, FloatCounterSeries, Gauge, GaugeSeries, Histogram, HistogramSeries,
    HistogramTimer, InProgress, Info, StateSet, Summary, SummarySeries, DEFAULT_BUCKETS,
};
pub use labels::{LabelSet, LabelValue, NamedLabelValue, RuntimeLabel, RuntimeValue, RuntimeValueError};

/// Declares an instrument, or registers a metric group, on a `static` without a value.
///
/// ```text
/// /// HELP text (required).
/// #[metric(options...)]
/// static NAME: Type;
/// ```
///
/// The macro builds the instrument in a `const` initializer (its cells are a static
/// array, every series at 0) and adds it to the registry at link time: no start-up code,
/// nothing to call. The metric is named after the static, in lower case
/// (`ORDERS_PROCESSED_TOTAL` is `orders_processed_total`); its doc comment is the
/// `# HELP` text. The static may be `pub`, in any module or function body; it cannot be
/// `mut`.
///
/// **Types**: [`Counter<L>`](Counter), [`FloatCounter<L>`](FloatCounter),
/// [`Gauge<L>`](Gauge), [`Histogram<L>`](Histogram), [`Summary<L>`](Summary) — each
/// labelled by a [`LabelSet`] `L` (default `()`: no labels) —, [`Info`] and
/// [`StateSet<E>`](StateSet); or a struct with [`derive(Metrics)`](derive@Metrics), a
/// group whose fields are instruments (then only `crate` applies, and a group type has
/// one static).
///
/// **Options**:
///
/// | option | for | meaning |
/// | --- | --- | --- |
/// | `name = "..."` | all | the metric's name, instead of the static's |
/// | `buckets = [0.1, 0.5, 1.0]` | `Histogram` | bucket upper bounds, finite and increasing (default [`DEFAULT_BUCKETS`]) |
/// | `max_series = N` | all | the series budget (default 10 000) |
/// | `callback = path` | `Gauge`, `FloatCounter` | a function read at every scrape: `fn() -> T` or, labelled, `fn(L) -> T`, where `T` is a number, an `Option` or a `Result` ([`CallbackValue`]) |
/// | `collector = STATIC` | `Gauge`, `FloatCounter` | a static implementing [`Collector`]`<Labels = L>`, which fills every series in one call |
/// | `labels(key = "value", ..)` | `Info` | its constant labels (required, at least one) |
/// | `crate = path` | all | where generated code finds `metricsmith`, when it is renamed or re-exported |
///
/// **Checked at compile time**, each error spanned where it belongs and saying what to
/// write instead:
/// - the name, by the naming rules (lowercase snake_case; `_total` exactly for counters;
///   base units only, and `_seconds` after a word of time; no derived or type suffix: the
///   README's table lists them all);
/// - the labels: a bounded [`LabelSet`] (a `String` or a number is refused), each label
///   name once (`Counter<(Region, Region)>` is refused);
/// - the series budget: label combinations × series per combination (a histogram's
///   buckets, `+Inf`, `_count` and `_sum`) at most `max_series`;
/// - the buckets; the options against the type;
/// - one name, one metric: another metric of the same name in the crate is an error, one
///   in another crate of the program fails to link, and so do two metrics a scrape would
///   show under one name (a counter `orders_created_total` beside a counter `orders_total`,
///   whose `_created` series is `orders_created`).
///
/// ```
/// use metricsmith::{metric, Counter, Format, Gauge, Histogram, Info, LabelValue};
///
/// #[derive(LabelValue, Clone, Copy)]
/// enum Outcome { Success, Declined }
///
/// #[derive(LabelValue, Clone, Copy)]
/// #[label(name = "queue")]
/// enum Queue { Orders, Refunds }
///
/// /// Orders processed, by outcome.
/// #[metric]
/// static ORDERS_PROCESSED_TOTAL: Counter<Outcome>;
///
/// /// Payment gateway round-trip latency.
/// #[metric(buckets = [0.05, 0.25, 1.0], max_series = 100)]
/// static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram;
///
/// fn queue_depth(queue: Queue) -> usize {
///     match queue { Queue::Orders => 4, Queue::Refunds => 1 }
/// }
///
/// /// Messages waiting, read from the queue at every scrape.
/// #[metric(name = "shop_queue_depth", callback = queue_depth)]
/// static QUEUE_DEPTH: Gauge<Queue>;
///
/// /// The shop's version.
/// #[metric(labels(version = "1.4.2"))]
/// static SHOP_INFO: Info;
///
/// ORDERS_PROCESSED_TOTAL.labels(Outcome::Success).inc();
/// PAYMENT_GATEWAY_DURATION_SECONDS.observe(0.2);
///
/// let mut out = Vec::new();
/// metricsmith::render(Format::Prometheus, &mut out);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains("orders_processed_total{outcome=\"success\"} 1\n"));
/// assert!(text.contains("orders_processed_total{outcome=\"declined\"} 0\n"));
/// assert!(text.contains("payment_gateway_duration_seconds_bucket{le=\"0.25\"} 1\n"));
/// assert!(text.contains("shop_queue_depth{queue=\"orders\"} 4\n"));
/// assert!(text.contains("shop_info{version=\"1.4.2\"} 1\n"));
/// ```
pub use metricsmith_macros::metric;

/// Derives [`LabelValue`](trait@LabelValue) and [`NamedLabelValue`] for a fieldless
/// enum: a label whose values are its variants.
///
/// - A variant's value is its name in snake_case (`BankTransfer` is `bank_transfer`), or
///   `#[label(rename = "...")]` on the variant.
/// - The label's name is the enum's name in snake_case (`PaymentMethod` is
///   `payment_method`), or `#[label(name = "...")]` on the enum; it follows Prometheus'
///   label-name rules and is not `le`, `quantile` or `__…`.
/// - `#[label(crate = path)]` on the enum: where generated code finds `metricsmith`.
///
/// Values are numbered in declaration order, so the enum is a dense index: a series of a
/// metric labelled by it is an array slot. A variant with fields, an empty or generic
/// enum, an empty value and two variants of one value are compile errors.
///
/// The enum alone is a [`LabelSet`](trait@LabelSet) (`Counter<PaymentMethod>`), and so is a
/// tuple of such enums (`Counter<(Outcome, PaymentMethod)>`), each label once.
///
/// ```
/// use metricsmith::{metric, Counter, LabelValue, NamedLabelValue};
///
/// #[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
/// #[label(name = "method")]
/// enum PaymentMethod {
///     Card,
///     Wallet,
///     #[label(rename = "bank_transfer")]
///     Transfer,
/// }
///
/// assert_eq!(PaymentMethod::LABEL_NAME, "method");
/// assert_eq!(PaymentMethod::CARDINALITY, 3);
/// assert_eq!(PaymentMethod::Transfer.as_str(), "bank_transfer");
/// assert_eq!(PaymentMethod::from_index(1), Some(PaymentMethod::Wallet));
///
/// /// Payments, by method.
/// #[metric]
/// static PAYMENTS_TOTAL: Counter<PaymentMethod>;
///
/// PAYMENTS_TOTAL.labels(PaymentMethod::Transfer).inc();
/// assert_eq!(PAYMENTS_TOTAL.labels(PaymentMethod::Transfer).get(), 1);
/// ```
pub use metricsmith_macros::LabelValue;

/// Derives [`LabelSet`](trait@LabelSet) for a struct of label values: one label per
/// field, named by the field.
///
/// - Each field's type is a [`LabelValue`](trait@LabelValue): an enum with
///   [`derive(LabelValue)`](derive@LabelValue), or `bool` (which has no label name of its
///   own, so a struct field is where it goes).
/// - The label's name is the field's name (`r#type` is `type`), or `#[label(name =
///   "...")]` on the field; each name once, by Prometheus' label-name rules, not `le`,
///   `quantile` or `__…`.
/// - `#[label(crate = path)]` on the struct: where generated code finds `metricsmith`.
///
/// The series count is the product of the fields' cardinalities, checked against the
/// metric's series budget. A struct without named fields, or a generic one, is a compile
/// error. A struct also names two labels of one type: `{ from: Region, to: Region }`.
///
/// ```
/// use metricsmith::{metric, Counter, Format, LabelSet, LabelValue};
///
/// #[derive(LabelValue, Clone, Copy)]
/// enum Outcome { Success, Declined }
///
/// #[derive(LabelValue, Clone, Copy)]
/// enum Region { Eu, Us }
///
/// #[derive(LabelSet)]
/// struct OrderLabels {
///     outcome: Outcome,
///     #[label(name = "gift_wrapped")]
///     wrapped: bool,
///     from: Region,
///     to: Region,
/// }
///
/// /// Orders shipped, by outcome, wrapping and route.
/// #[metric]
/// static ORDERS_SHIPPED_TOTAL: Counter<OrderLabels>;
///
/// assert_eq!(OrderLabels::COMBINATIONS, 2 * 2 * 2 * 2);
/// assert_eq!(OrderLabels::LABEL_NAMES, ["outcome", "gift_wrapped", "from", "to"]);
/// let labels = OrderLabels { outcome: Outcome::Success, wrapped: true, from: Region::Eu, to: Region::Us };
/// ORDERS_SHIPPED_TOTAL.labels(labels).inc();
///
/// let mut out = Vec::new();
/// metricsmith::render(Format::Prometheus, &mut out);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains(
///     "orders_shipped_total{outcome=\"success\",gift_wrapped=\"true\",from=\"eu\",to=\"us\"} 1\n"
/// ));
/// ```
pub use metricsmith_macros::LabelSet;

/// Derives a metric group for a struct whose fields are instruments, registered by one
/// `#[metric] static GROUP: Group;`.
///
/// - Each field is a [`Counter`], [`FloatCounter`], [`Gauge`], [`Histogram`],
///   [`Summary`], [`Info`] or [`StateSet`], named by the field, after the group's
///   `#[metrics(prefix = "...")]` and a `_` (`prefix = "shop"` and `orders_total` make
///   `shop_orders_total`). Its doc comment is its `# HELP` text (required).
/// - `#[metric(...)]` on a field takes an instrument's options of
///   [`#[metric]`](macro@metric): `name = "..."` (the whole name, without the prefix),
///   `buckets`, `max_series`, `callback`, `collector`, `labels(...)`.
/// - `#[metrics(crate = path)]` on the struct: where generated code finds `metricsmith`.
///
/// Every member is checked as `#[metric]` checks a static: names, labels, budgets. Two
/// fields of one metric name, or whose scrapes would show one name, are a compile error.
/// The group's cells are built in the static's initializer, with no allocation. A group
/// type has one static: a second (in this crate or one it depends on) would declare the
/// same metrics again, and is a compile error. A library's groups are a good home for its
/// metrics, its name as their prefix.
///
/// ```
/// use metricsmith::{metric, Counter, Format, Gauge, Histogram, LabelValue, Metrics};
///
/// #[derive(LabelValue, Clone, Copy)]
/// enum Outcome { Success, Declined }
///
/// fn open_carts() -> f64 {
///     3.0
/// }
///
/// #[derive(Metrics)]
/// #[metrics(prefix = "shop")]
/// struct ShopMetrics {
///     /// Orders processed, by outcome.
///     orders_processed_total: Counter<Outcome>,
///     /// Orders waiting in the processing queue.
///     order_queue_depth: Gauge,
///     /// Payment gateway round-trip latency.
///     #[metric(name = "payment_gateway_duration_seconds", buckets = [0.1, 0.5, 1.0])]
///     gateway_latency: Histogram,
///     /// Carts open right now, read at every scrape.
///     #[metric(callback = open_carts)]
///     open_carts: Gauge,
/// }
///
/// /// The shop's metrics.
/// #[metric]
/// static SHOP: ShopMetrics;
///
/// SHOP.orders_processed_total.labels(Outcome::Declined).inc();
/// SHOP.order_queue_depth.set(7.0);
/// SHOP.gateway_latency.observe(0.3);
///
/// let mut out = Vec::new();
/// metricsmith::render(Format::Prometheus, &mut out);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains("# HELP shop_orders_processed_total Orders processed, by outcome.\n"));
/// assert!(text.contains("shop_orders_processed_total{outcome=\"declined\"} 1\n"));
/// assert!(text.contains("shop_order_queue_depth 7\n"));
/// assert!(text.contains("payment_gateway_duration_seconds_bucket{le=\"0.5\"} 1\n"));
/// assert!(text.contains("shop_open_carts 3\n"));
/// ```
pub use metricsmith_macros::Metrics;

/// Records how long every call of a function takes, in seconds.
///
/// Goes on a function, a method, or an `impl` block (every method with a body;
/// `#[metricsmith(skip)]` on a method leaves it out). The signature and body stay as
/// written: `async fn`, `unsafe fn`, generics, `impl Trait` arguments and returns and
/// every receiver work. Every exit is timed: a return, `?`, an early `return`, a panic
/// (which then continues unchanged) and, for an `async fn`, a future dropped before it
/// completes (timed from its first poll). A function that returns a future without
/// being `async` — `impl Future<Output = T>`, or `Pin<Box<dyn Future<Output = T> + ..>>`
/// — is timed from the call, building the future included, until that future completes
/// or is dropped. A `const fn` cannot be instrumented.
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
/// future is dropped after its first poll but before it completes. A function returning
/// `impl Future<Output = T>` (or a boxed future) is counted when its future completes,
/// by that `T`, and `cancelled` when the future is dropped before.
///
/// Without options, calls land in the shared counter
/// `function_calls_total{function, module, result}` (autometrics' name and labels); each
/// function shows the results it can have (`ok` and `panic`, `error` for a `Result`,
/// `cancelled` for an `async fn`), at 0 from start-up.
///
/// Options, as for [`#[timed]`](timed) but `buckets`:
/// - `name = "..._total"`: a counter of the function's own, with `help = "..."` and
///   `max_series = N`; it gets the label `result` after those of `labels(...)` (with
///   every result value).
/// - `labels(label = argument, ...)`: labels taken from arguments.
/// - `metric = STATIC`: a `Counter<L>` declared with `#[metric]`, whose label set `L`
///   ends in [`CallResult`]: `Counter<CallResult>`, `Counter<(T, CallResult)>`, ...
/// - `crate = path`: where generated code finds `metricsmith`.
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
/// path (for a function returning `impl Future`, when its future completes or is
/// dropped).
///
/// Without options, calls land in the shared gauge `function_calls_concurrent{function,
/// module}` (autometrics' name and labels). Options, as for [`#[timed]`](timed) but
/// `buckets`:
/// - `name = "..."`: a gauge of the function's own (no `_total`), with `help = "..."`
///   and `max_series = N`.
/// - `labels(label = argument, ...)`: labels taken from arguments.
/// - `metric = STATIC`: a `Gauge<L>` declared with `#[metric]`.
/// - `crate = path`: where generated code finds `metricsmith`.
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
/// `axum`, `push`, `multiprocess` and `testing` features, which `cargo test --workspace`
/// turns on (the tests crate enables them).
#[cfg(all(
    doctest,
    feature = "server",
    feature = "axum",
    feature = "push",
    feature = "multiprocess",
    feature = "testing"
))]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// What generated code uses. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::checks::{str_eq, CompileTimeMessage};
    pub use crate::collect::{CallbackCollector, CallbackValue, Collected, ScrapeTimeInstrument};
    pub use crate::exposition::{
        render_one_family as render_family, render_recorded_families, FamilyRenderer,
    };
    pub use crate::family::{CellKind, CollectError, Group, Meta, MetricType, MultiprocessMode, Storage};
    pub use crate::functions::{
        call, counted_cells, in_flight_series, records_seconds, timed_series, Call, CountedMetric,
        CountedSite, InFlightMetric, InFlightSite, OtherOutcome, Outcome, ResultOutcome, TimedMetric,
        TimedOnly, TimedSite, COUNTED_SITES, IN_FLIGHT_SITES, TIMED_SITES,
    };
    pub use crate::instruments::{
        each_metric_group_type_has_one_static, gauge_cells, series_per_label_set, storage_cells,
        DeclaredAsStatic, GroupStorage, Instrument, NativeConfig,
    };
    pub use crate::labels::{
        __split_index, duplicate_label_message, runtime_values_placeholder, RuntimeSlot, RuntimeValues,
    };
    pub use crate::registry::{GroupStatic, Registration, REGISTRY};
    pub use crate::storage::Cells;
    pub use ::core;
    pub use ::linkme;
    pub use ::std::boxed::Box;
    pub use ::std::vec::Vec;
    pub use core::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize};
}
