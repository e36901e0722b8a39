use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
struct ShopMetrics {
    /// Orders processed.
    orders_processed_total: Counter,
}

/// The shop's metrics.
#[metric(name = "shop")]
static SHOP: ShopMetrics;

fn main() {}
