use metricsmith::{metric, timed, Histogram};

/// Gateway latency.
#[metric]
static GATEWAY_DURATION_SECONDS: Histogram;

#[timed(name = "charge_duration_seconds", metric = GATEWAY_DURATION_SECONDS)]
fn charge() {}

fn main() {}
