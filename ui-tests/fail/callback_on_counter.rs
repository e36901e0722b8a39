use metricsmith::{metric, Counter};

fn orders_processed() -> f64 {
    0.0
}

/// Orders processed.
#[metric(callback = orders_processed)]
static ORDERS_PROCESSED_TOTAL: Counter;

fn main() {}
