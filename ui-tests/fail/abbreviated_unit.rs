use metricsmith::{metric, Histogram};

/// Payment latency.
#[metric(name = "payment_latency_ms")]
static PAYMENT_LATENCY: Histogram;

fn main() {}
