use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(buckets = [1.0, 2.0])]
static ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
