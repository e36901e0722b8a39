use metricsmith::{metric, Counter};

struct ShopMetrics {
    orders_processed_total: Counter,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {}
