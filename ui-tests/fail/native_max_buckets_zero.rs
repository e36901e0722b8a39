use metricsmith::{metric, Histogram};

/// Time to pick one order line.
#[metric(native(max_buckets = 0))]
static PICK_LINE_DURATION_SECONDS: Histogram;

fn main() {}
