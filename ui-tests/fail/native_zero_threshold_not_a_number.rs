use metricsmith::{metric, Histogram};

const THRESHOLD: f64 = 1e-9;

/// Time to pick one order line.
#[metric(native(zero_threshold = THRESHOLD))]
static PICK_LINE_DURATION_SECONDS: Histogram;

fn main() {}
