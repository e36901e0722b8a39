use metricsmith::{metric, Histogram};

/// Payment gateway round-trip latency.
#[metric(buckets = [])]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram;

fn main() {}
