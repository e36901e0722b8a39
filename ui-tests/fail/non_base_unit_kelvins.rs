use metricsmith::{metric, Gauge};

/// Temperature of the oven.
#[metric]
static OVEN_TEMPERATURE_KELVINS: Gauge;

fn main() {}
