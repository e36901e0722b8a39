use metricsmith::{metric, Counter};

/// Orders processed.
#[metric]
static ORDERS__PROCESSED_TOTAL: Counter;

fn main() {}
