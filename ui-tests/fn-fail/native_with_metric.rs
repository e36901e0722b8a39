use metricsmith::{metric, timed, Histogram};

/// Time to charge a card.
#[metric(native)]
static CHARGE_DURATION_SECONDS: Histogram;

#[timed(metric = CHARGE_DURATION_SECONDS, native)]
fn charge() {}

fn main() {}
