use metricsmith::{metric, Gauge, LabelValue};

#[derive(LabelValue)]
enum Queue {
    Orders,
    Refunds,
}

fn queue_depth() -> f64 {
    0.0
}

/// Items waiting, by queue.
#[metric(callback = queue_depth)]
static QUEUE_DEPTH: Gauge<Queue>;

fn main() {}
