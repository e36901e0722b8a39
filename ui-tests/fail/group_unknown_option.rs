use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
#[metrics(namespace = "shop")]
struct ShopMetrics {
    /// Orders processed.
    orders_processed_total: Counter,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {}
