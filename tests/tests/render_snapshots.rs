//! Snapshots (`insta`) of the exact rendered output of a fixed set of instruments, in
//! text 0.0.4 and OpenMetrics 1.0: every metric type, labels, custom buckets, float
//! formatting and escaping. Review a change with `cargo insta review`.
//!
//! `render` renders this binary's whole registry: what this file and `escaping/mod.rs`
//! declare, plus the runtime's `metricsmith_rejected_values_total`. (This file does not
//! use the `metricsmith_tests` library, which would register the shop's instruments
//! too.) The values are fixed and no timer is involved, so the output is deterministic.

use std::sync::Once;

#[allow(dead_code)] // The expected strings serve the Python tests; here the snapshot holds them.
mod escaping;

use escaping::{Tricky, ESCAPING_PROBES_TOTAL};
use metricsmith::{
    metric, Counter, FloatCounter, Format, Gauge, Histogram, Info, LabelSet, LabelValue, StateSet, Summary,
};

#[derive(LabelValue, Clone, Copy)]
enum Outcome {
    Success,
    Declined,
}

#[derive(LabelValue, Clone, Copy)]
#[label(name = "method")]
enum Method {
    Card,
    #[label(rename = "bank_transfer")]
    Transfer,
}

#[derive(LabelSet, Clone, Copy)]
struct CheckoutLabels {
    outcome: Outcome,
    method: Method,
}

/// Checkouts completed, by outcome and payment method.
#[metric]
static CHECKOUTS_TOTAL: Counter<CheckoutLabels>;

/// Items waiting in carts.
#[metric]
static CART_ITEMS: Gauge;

/// Time to render the checkout page.
#[metric(buckets = [0.1, 0.5, 1.0, 2.5])]
static CHECKOUT_RENDER_SECONDS: Histogram<Method>;

/// Size of uploaded receipts.
#[metric]
static RECEIPT_UPLOAD_BYTES: Summary;

/// Build of the shop.
#[metric(labels(version = "1.2.3", commit = "abc123"))]
static SHOP_BUILD_INFO: Info;

#[derive(LabelValue, Clone, Copy)]
enum WorkerState {
    Idle,
    Busy,
    Draining,
}

/// What the order worker is doing.
#[metric]
static ORDER_WORKER_STATE: StateSet<WorkerState>;

/// Money refunded to customers, in euros.
#[metric]
static REFUNDED_EUROS_TOTAL: FloatCounter;

#[derive(LabelValue, Clone, Copy)]
#[label(name = "case")]
enum FloatCase {
    Million,
    TenMicro,
    TenThousandth,
    NegativeHalf,
    PositiveInfinity,
    NotANumber,
}

/// Float formatting cases, one series each.
#[metric]
static FLOAT_FORMATTING_PROBE: Gauge<FloatCase>;

/// Sets the fixed values, once per process, before any test renders.
fn record_fixed_values() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        CHECKOUTS_TOTAL.labels(CheckoutLabels { outcome: Outcome::Success, method: Method::Card }).inc_by(42);
        CHECKOUTS_TOTAL.labels(CheckoutLabels { outcome: Outcome::Declined, method: Method::Transfer }).inc();
        CART_ITEMS.set(17.0);
        for seconds in [0.05, 0.3, 0.3, 2.0, 7.0] {
            CHECKOUT_RENDER_SECONDS.labels(Method::Card).observe(seconds);
        }
        CHECKOUT_RENDER_SECONDS.labels(Method::Transfer).observe(1.0);
        RECEIPT_UPLOAD_BYTES.observe(512.0);
        RECEIPT_UPLOAD_BYTES.observe(1536.0);
        ORDER_WORKER_STATE.set(WorkerState::Busy);
        REFUNDED_EUROS_TOTAL.inc_by(12.5);
        REFUNDED_EUROS_TOTAL.inc_by(0.25);
        ESCAPING_PROBES_TOTAL.labels(Tricky::Nasty).inc_by(3);
        for (case, value) in [
            (FloatCase::Million, 1e6),
            (FloatCase::TenMicro, 1e-5),
            (FloatCase::TenThousandth, 0.0001),
            (FloatCase::NegativeHalf, -0.5),
            (FloatCase::PositiveInfinity, f64::INFINITY),
            (FloatCase::NotANumber, f64::NAN),
        ] {
            FLOAT_FORMATTING_PROBE.labels(case).set(value);
        }
    });
}

/// The rendered registry, without the process collector's families, whose values
/// (CPU time, memory, start time) differ from run to run.
fn rendered(format: Format) -> String {
    record_fixed_values();
    let mut out = Vec::new();
    metricsmith::render(format, &mut out);
    let text = String::from_utf8(out).expect("the exposition is UTF-8");
    let mut kept = String::new();
    let mut in_process_family = false;
    for line in text.split_inclusive('\n') {
        if let Some(family) = line.strip_prefix("# HELP ") {
            in_process_family = family.starts_with("process_");
        }
        if !in_process_family || line == "# EOF\n" {
            kept.push_str(line);
        }
    }
    kept
}

#[test]
fn prometheus_text_rendering() {
    insta::assert_snapshot!("prometheus", rendered(Format::Prometheus));
}

#[test]
fn openmetrics_rendering() {
    insta::assert_snapshot!("openmetrics", rendered(Format::OpenMetrics));
}
