use metricsmith::{metric, Histogram};

const LIMIT: f64 = 1.0;

/// Payment gateway round-trip latency.
#[metric(buckets = [0.1, LIMIT])]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram;

fn main() {}
