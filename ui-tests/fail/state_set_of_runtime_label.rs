use metricsmith::{metric, LabelValue, RuntimeValue, StateSet};

#[derive(LabelValue)]
#[label(capacity = 4)]
struct Phase(RuntimeValue);

/// The worker's phase.
#[metric]
static WORKER_PHASE: StateSet<Phase>;

fn main() {}
