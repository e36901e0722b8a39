// The derive's error is the only one: the metric using the enum reports nothing more.
use metricsmith::{metric, Counter, LabelValue};

#[derive(LabelValue)]
enum Outcome {
    Success,
    Declined { reason: String },
}

/// Orders processed, by outcome.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter<Outcome>;

fn main() {}
