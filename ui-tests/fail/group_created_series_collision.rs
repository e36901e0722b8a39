use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
#[metrics(prefix = "business")]
struct BusinessMetrics {
    /// Orders processed.
    orders_total: Counter,
    /// Orders created.
    orders_created_total: Counter,
}

/// The business metrics.
#[metric]
static BUSINESS: BusinessMetrics;

fn main() {}
