use metricsmith::{metric, FloatCounter};

/// Distance driven by delivery vans.
#[metric]
static DELIVERY_DISTANCE_MILES_TOTAL: FloatCounter;

fn main() {}
