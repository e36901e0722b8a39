use metricsmith::{metric, Counter, LabelValue};

#[derive(LabelValue)]
enum Outcome {
    Success,
    Declined,
}

/// Orders processed, by outcome and whether they were paid.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter<(Outcome, bool)>;

fn main() {}
