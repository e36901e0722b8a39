use metricsmith::{metric, timed, Counter};

/// Charges.
#[metric]
static CHARGES_TOTAL: Counter;

#[timed(metric = CHARGES_TOTAL)]
fn charge() {}

fn main() {}
