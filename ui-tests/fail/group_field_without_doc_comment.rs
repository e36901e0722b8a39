use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
struct ShopMetrics {
    orders_processed_total: Counter,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {}
