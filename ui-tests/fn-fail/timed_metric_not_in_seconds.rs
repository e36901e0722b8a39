use metricsmith::{metric, timed, Histogram};

/// Payment gateway round trips, without a unit in the name.
#[metric]
static PAYMENT_GATEWAY_LATENCY: Histogram;

#[timed(metric = PAYMENT_GATEWAY_LATENCY)]
fn call_gateway() {}

fn main() {}
