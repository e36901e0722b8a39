use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(labels(shop = "berlin"))]
static ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
