use metricsmith::{metric, Gauge};

/// Temperature of the cold store.
#[metric]
static COLD_STORE_TEMPERATURE_FAHRENHEIT: Gauge;

fn main() {}
