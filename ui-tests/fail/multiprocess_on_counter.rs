use metricsmith::{metric, Counter};

/// Orders processed.
#[metric(multiprocess = "livesum")]
static ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
