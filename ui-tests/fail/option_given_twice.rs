use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(name = "orders_processed_total", name = "orders_total")]
static ORDERS: Counter;

fn main() {}
