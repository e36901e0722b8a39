use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(name = "orders-processed_total")]
static ORDERS: Counter;

fn main() {}
