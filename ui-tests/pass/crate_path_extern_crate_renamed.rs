// The dependency under another name: `crate = renamed` re-points the generated code.
extern crate metricsmith as renamed;

use renamed::{metric, Counter, LabelSet, LabelValue};

#[derive(LabelValue)]
#[label(crate = renamed)]
enum Outcome {
    Success,
    Declined,
}

#[derive(LabelSet)]
#[label(crate = renamed)]
struct OrderLabels {
    outcome: Outcome,
    express: bool,
}

/// Orders processed, by outcome and delivery speed.
#[metric(crate = renamed)]
static ORDERS_PROCESSED_TOTAL: Counter<OrderLabels>;

fn main() {
    ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome: Outcome::Success, express: true }).inc();
    assert_eq!(
        ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome: Outcome::Success, express: true }).get(),
        1
    );
    assert_eq!(
        ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome: Outcome::Declined, express: true }).get(),
        0
    );
}
