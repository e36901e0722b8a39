use metricsmith::{metric, Gauge};

/// Memory held by the order cache.
#[metric]
static ORDER_CACHE_MEBIBYTES: Gauge;

fn main() {}
