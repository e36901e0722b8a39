use metricsmith::{metric, Gauge};

/// Orders waiting.
#[metric(multiprocess = "average")]
static ORDER_QUEUE_DEPTH: Gauge;

fn main() {}
