use metricsmith::{metric, Histogram};

/// Weight of shipped parcels.
#[metric]
static PARCEL_WEIGHT_POUNDS: Histogram;

fn main() {}
