use metricsmith::metric;

/// Orders waiting in the queue.
#[metric]
static ORDER_QUEUE_DEPTH: u64;

fn main() {}
