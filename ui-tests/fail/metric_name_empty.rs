use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(name = "")]
static ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
