use metricsmith::{metric, Counter};

/// Data uploaded.
#[metric]
static UPLOADED_BITS_TOTAL: Counter;

fn main() {}
