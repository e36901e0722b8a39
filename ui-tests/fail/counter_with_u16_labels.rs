use metricsmith::{metric, Counter};

/// Responses, by status code.
#[metric]
static HTTP_RESPONSES_TOTAL: Counter<u16>;

fn main() {}
