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

mod encode;
mod family;
mod labels;
mod metrics;
mod registry;
mod rejected;
mod serve;

pub use encode::{render, render_for_accept, Format};
pub use family::{Family, Group, Meta, MetricType, Number, Sample};
pub use labels::{LabelSet, LabelValue, NamedLabelValue};
pub use metrics::{
    Counter, CounterSeries, FloatCounter, FloatCounterSeries, Gauge, GaugeSeries, Histogram, HistogramSeries,
    HistogramTimer, InProgress, Info, StateSet, Summary, SummarySeries, DEFAULT_BUCKETS,
};
pub use metricsmith_macros::{metric, LabelSet, LabelValue, Metrics};
pub use registry::{check_registry, DuplicateMetric};
pub use serve::{serve, serve_with, ServeError, ServeOptions, Server};

/// The README's examples, compiled as doctests so they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// What generated code uses. Not a public API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::family::{Group, Meta};
    pub use crate::labels::__split_index;
    pub use crate::metrics::{CallbackGauge, GroupStorage, Instrument};
    pub use crate::registry::{Registration, REGISTRY};
    pub use ::core;
    pub use ::linkme;
    pub use ::std::vec::Vec;
    pub use core::sync::atomic::{AtomicU64, AtomicUsize};
}
