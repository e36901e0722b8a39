use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(max_series = 0)]
static ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
