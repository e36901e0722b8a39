use metricsmith::{metric, Histogram};

/// Payment gateway round-trip latency.
#[metric(buckets = [0.1, 0.5, 0.25, 1.0])]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram;

fn main() {}
