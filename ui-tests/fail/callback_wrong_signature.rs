use metricsmith::{metric, Gauge};

fn queue_depth() -> u64 {
    3
}

/// Orders waiting in the queue.
#[metric(callback = queue_depth)]
static ORDER_QUEUE_DEPTH: Gauge;

fn main() {}
