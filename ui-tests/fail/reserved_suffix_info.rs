use metricsmith::{metric, Gauge};

/// Build information.
#[metric]
static BUILD_INFO: Gauge;

fn main() {}
