use metricsmith::{metric, Histogram};

fn latency() -> f64 {
    0.2
}

/// Payment gateway latency.
#[metric(callback = latency)]
static PAYMENT_LATENCY_SECONDS: Histogram;

fn main() {}
