// Registration uses link sections and an exported symbol, which the `unsafe_code` lint
// flags; the generated code allows it locally, so a crate that denies it still builds.
#![deny(unsafe_code)]

use metricsmith::{metric, Counter, LabelSet, LabelValue, Metrics};

#[derive(Clone, Copy, LabelValue)]
enum Outcome {
    Success,
    Declined,
}

#[derive(LabelSet)]
struct OrderLabels {
    outcome: Outcome,
}

/// Orders processed, by outcome.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter<OrderLabels>;

#[derive(Metrics)]
struct RefundMetrics {
    /// Refunds issued.
    refunds_total: Counter,
}

/// Refund metrics.
#[metric]
static REFUNDS: RefundMetrics;

fn main() {
    ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome: Outcome::Declined }).inc();
    REFUNDS.refunds_total.inc();
    assert_eq!(ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome: Outcome::Declined }).get(), 1);
    assert_eq!(REFUNDS.refunds_total.get(), 1);
}
