use metricsmith::{metric, Gauge};

/// Energy in the meal being prepared.
#[metric]
static MEAL_ENERGY_CALORIES: Gauge;

fn main() {}
