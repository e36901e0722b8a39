use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
struct ShopMetrics {
    /// Orders processed.
    orders_processed_total: Counter,
    /// Name of the shop.
    shop_name: &'static str,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {}
