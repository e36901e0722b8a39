use metricsmith::{metric, FloatCounter};

/// Revenue collected, in euros.
#[metric(name = "revenue_euros")]
static REVENUE: FloatCounter;

fn main() {}
