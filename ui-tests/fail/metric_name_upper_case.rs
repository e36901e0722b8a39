use metricsmith::{metric, Gauge};

/// Orders waiting in the queue.
#[metric(name = "orderQueueDepth")]
static ORDER_QUEUE: Gauge;

fn main() {}
