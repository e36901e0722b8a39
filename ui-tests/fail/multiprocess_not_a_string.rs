use metricsmith::{metric, Gauge};

/// Orders waiting.
#[metric(multiprocess = livesum)]
static ORDER_QUEUE_DEPTH: Gauge;

fn main() {}
