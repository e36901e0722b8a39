use metricsmith::{metric, Counter};

/// Order lines picked.
#[metric(native)]
static PICKED_LINES_TOTAL: Counter;

fn main() {}
