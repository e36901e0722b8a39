use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
#[metrics(prefix = "Shop-Berlin")]
struct ShopMetrics {
    /// Orders processed.
    orders_processed_total: Counter,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {}
