use metricsmith::{metric, Counter};

/// Order amounts added up.
#[metric]
static ORDER_AMOUNT_SUM_TOTAL: Counter;

fn main() {}
