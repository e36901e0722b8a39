use metricsmith::{metric, Gauge};

/// Orders waiting in the queue.
#[metric]
static ORDER_QUEUE_GAUGE: Gauge;

fn main() {}
