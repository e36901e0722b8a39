use metricsmith::{metric, timed, Histogram};

/// Payment gateway round trips, without a unit in the name.
#[metric]
static PAYMENT_GATEWAY_RTT: Histogram;

#[timed(metric = PAYMENT_GATEWAY_RTT)]
fn call_gateway() {}

fn main() {}
