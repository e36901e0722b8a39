use metricsmith::{metric, Counter, Format, Gauge, Histogram, LabelValue, Metrics};

#[derive(Clone, Copy, LabelValue)]
pub enum Outcome {
    Success,
    Declined,
}

fn open_carts() -> f64 {
    2.0
}

#[derive(Metrics)]
#[metrics(prefix = "shop")]
pub struct ShopMetrics {
    /// Orders processed, by outcome.
    pub orders_processed_total: Counter<Outcome>,
    /// Orders waiting in the queue.
    pub order_queue_depth: Gauge,
    /// Payment gateway round-trip latency.
    #[metric(name = "payment_gateway_duration_seconds", buckets = [0.1, 0.5, 1])]
    pub gateway_latency: Histogram,
    /// Checkout latency, in the default buckets.
    pub checkout_duration_seconds: Histogram,
    /// Carts open right now, read when scraped.
    #[metric(callback = open_carts)]
    pub open_carts: Gauge,
}

/// The shop's metrics.
#[metric]
static SHOP: ShopMetrics;

fn main() {
    SHOP.orders_processed_total.labels(Outcome::Success).inc();
    SHOP.order_queue_depth.set(5.0);
    SHOP.gateway_latency.observe(0.3);
    assert_eq!(SHOP.orders_processed_total.labels(Outcome::Success).get(), 1);
    assert_eq!(SHOP.gateway_latency.buckets(), &[0.1, 0.5, 1.0]);
    assert_eq!(SHOP.checkout_duration_seconds.buckets(), &metricsmith::DEFAULT_BUCKETS);

    metricsmith_ui_tests::assert_scrape_contains(
        Format::Prometheus,
        &[
            "# HELP shop_orders_processed_total Orders processed, by outcome.\n",
            "shop_orders_processed_total{outcome=\"success\"} 1\n",
            "shop_orders_processed_total{outcome=\"declined\"} 0\n",
            "shop_order_queue_depth 5\n",
            "payment_gateway_duration_seconds_bucket{le=\"0.5\"} 1\n",
            "shop_checkout_duration_seconds_bucket{le=\"10\"} 0\n",
            "shop_open_carts 2\n",
        ],
    );
}
