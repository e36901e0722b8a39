use metricsmith::{metric, Counter};

/// Orders processed.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter = Counter::new();

fn main() {}
