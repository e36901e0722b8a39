use metricsmith::{metric, StateSet};

/// What the order worker is doing.
#[metric]
static ORDER_WORKER_STATE: StateSet<String>;

fn main() {}
