use metricsmith::{metric, Counter};

/// Orders processed.
#[metric]
static mut ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
