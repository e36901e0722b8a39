use metricsmith::{metric, Gauge};

/// Orders waiting in the queue.
#[metric]
static _ORDER_QUEUE_DEPTH: Gauge;

fn main() {}
