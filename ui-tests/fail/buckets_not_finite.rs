use metricsmith::{metric, Histogram};

/// Payment gateway round-trip latency.
#[metric(buckets = [0.1, 1.0, 1e400])]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram;

fn main() {}
