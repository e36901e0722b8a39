use metricsmith::{metric, Histogram};

/// Time to pick one order line.
#[metric(native(scheme = 3))]
static PICK_LINE_DURATION_SECONDS: Histogram;

fn main() {}
