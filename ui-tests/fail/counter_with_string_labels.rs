use metricsmith::{metric, Counter};

/// Orders processed, by customer.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter<String>;

fn main() {}
