use metricsmith::{metric, Gauge};

/// Tokens left in the rate limiter.
#[metric]
static RATE_LIMITER_BUCKET: Gauge;

fn main() {}
