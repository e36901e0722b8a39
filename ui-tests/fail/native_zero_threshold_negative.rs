use metricsmith::{metric, Histogram};

/// Time to pick one order line.
#[metric(native(zero_threshold = -0.5))]
static PICK_LINE_DURATION_SECONDS: Histogram;

fn main() {}
