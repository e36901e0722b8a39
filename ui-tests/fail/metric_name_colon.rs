use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(name = "shop:orders_processed_total")]
static ORDERS: Counter;

fn main() {}
