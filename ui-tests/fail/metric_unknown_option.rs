use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(help = "Orders processed.")]
static ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
