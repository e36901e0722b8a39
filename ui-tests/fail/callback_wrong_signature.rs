use metricsmith::{metric, Gauge};

fn queue_depth() -> &'static str {
    "3"
}

/// Orders waiting in the queue.
#[metric(callback = queue_depth)]
static ORDER_QUEUE_DEPTH: Gauge;

fn main() {}
