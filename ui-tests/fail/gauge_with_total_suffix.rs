use metricsmith::{metric, Gauge};

/// Orders waiting in the queue.
#[metric]
static ORDER_QUEUE_TOTAL: Gauge;

fn main() {}
