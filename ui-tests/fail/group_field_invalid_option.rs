use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
struct ShopMetrics {
    /// Orders processed.
    #[metric(buckets = [1.0, 2.0])]
    orders_processed_total: Counter,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {}
