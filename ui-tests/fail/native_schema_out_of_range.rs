use metricsmith::{metric, Histogram};

/// Time to pick one order line.
#[metric(native(schema = 9))]
static PICK_LINE_DURATION_SECONDS: Histogram;

fn main() {}
