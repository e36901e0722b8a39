use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(max_series = "100")]
static ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
