use metricsmith::{metric, Gauge};

/// How long the oldest order has waited.
#[metric]
static OLDEST_ORDER_AGE_MINUTES: Gauge;

fn main() {}
