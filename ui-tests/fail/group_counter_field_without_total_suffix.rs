use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
#[metrics(prefix = "shop")]
struct ShopMetrics {
    /// Orders processed.
    orders_processed: Counter,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {}
