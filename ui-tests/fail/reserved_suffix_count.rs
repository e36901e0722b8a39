use metricsmith::{metric, Gauge};

/// Open connections.
#[metric]
static CONNECTION_COUNT: Gauge;

fn main() {}
