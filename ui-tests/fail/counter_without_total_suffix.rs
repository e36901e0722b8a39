use metricsmith::{metric, Counter};

/// Orders processed.
#[metric]
static ORDERS_PROCESSED: Counter;

fn main() {}
