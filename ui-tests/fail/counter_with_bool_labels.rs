use metricsmith::{metric, Counter};

/// Orders processed, by whether they were paid.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter<bool>;

fn main() {}
