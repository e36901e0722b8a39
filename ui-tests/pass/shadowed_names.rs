// Generated code names only `::core::…` and the runtime path, so it builds when the
// user's crate shadows prelude names, primitive type names and `std`, and when
// `metricsmith` names something else (`crate = real` re-points it).
#![allow(non_camel_case_types, non_upper_case_globals, dead_code)]

extern crate metricsmith as real;

use real::{metric, Counter, Format, Histogram, LabelSet, LabelValue, Metrics};

mod metricsmith {}
mod std {}

struct Result;
struct Option;
struct Vec;
struct usize;
struct str;
struct u8;
struct f64;
const Ok: () = ();
const Some: () = ();
const None: () = ();

#[derive(LabelValue)]
#[label(crate = real)]
enum Outcome {
    Success,
    Declined,
}

#[derive(LabelSet)]
#[label(crate = real)]
struct OrderLabels {
    outcome: Outcome,
    express: bool,
}

/// Orders processed, by outcome.
#[metric(crate = real)]
static ORDERS_PROCESSED_TOTAL: Counter<OrderLabels>;

/// Payment gateway round-trip latency.
#[metric(crate = real, buckets = [0.1, 1])]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram<Outcome>;

#[derive(Metrics)]
#[metrics(crate = real, prefix = "refund")]
struct RefundMetrics {
    /// Refunds issued.
    issued_total: Counter<Outcome>,
    /// Time taken to issue a refund (default buckets, reached through `crate`).
    duration_seconds: Histogram,
}

/// Refund metrics.
#[metric(crate = real)]
static REFUNDS: RefundMetrics;

fn main() {
    ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome: Outcome::Success, express: false }).inc();
    PAYMENT_GATEWAY_DURATION_SECONDS.labels(Outcome::Declined).observe(0.5);
    REFUNDS.issued_total.labels(Outcome::Success).inc();
    REFUNDS.duration_seconds.observe(0.2);
    assert_eq!(REFUNDS.duration_seconds.buckets(), &real::DEFAULT_BUCKETS);
    assert_eq!(
        ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome: Outcome::Success, express: false }).get(),
        1
    );
    assert_eq!(PAYMENT_GATEWAY_DURATION_SECONDS.labels(Outcome::Declined).count(), 1);

    let mut out = ::std::vec::Vec::new();
    real::render(Format::Prometheus, &mut out);
    let text = ::std::string::String::from_utf8(out).unwrap();
    assert!(text.contains("refund_issued_total{outcome=\"success\"} 1\n"), "{text}");
}
