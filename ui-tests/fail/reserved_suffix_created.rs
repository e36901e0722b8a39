use metricsmith::{metric, Gauge};

/// Carts created and not yet checked out.
#[metric]
static CARTS_CREATED: Gauge;

fn main() {}
