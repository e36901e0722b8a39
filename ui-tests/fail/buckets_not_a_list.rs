use metricsmith::{metric, Histogram};

/// Payment gateway round-trip latency.
#[metric(buckets = 0.5)]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram;

fn main() {}
