use metricsmith::{metric, Counter};

#[metric]
static ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
