use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
struct ShopMetrics {
    /// Orders processed.
    #[metric(unit = "orders")]
    orders_processed_total: Counter,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {}
