use metricsmith::{metric, Histogram};

/// Payment gateway round-trip latency.
#[metric]
static PAYMENT_GATEWAY_LATENCY_MILLISECONDS: Histogram;

fn main() {}
