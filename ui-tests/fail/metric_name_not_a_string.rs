use metricsmith::{metric, Counter};

const ORDERS_NAME: &str = "orders_processed_total";

/// Orders processed.
#[metric(name = ORDERS_NAME)]
static ORDERS: Counter;

fn main() {}
