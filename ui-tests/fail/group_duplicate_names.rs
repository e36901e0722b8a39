use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
struct ShopMetrics {
    /// Orders processed.
    orders_processed_total: Counter,
    /// Orders processed at checkout.
    #[metric(name = "orders_processed_total")]
    checkout_orders: Counter,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {}
