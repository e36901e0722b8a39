use metricsmith::{metric, Counter, Format, Gauge, Histogram, Info, LabelValue};

#[derive(LabelValue)]
enum Outcome {
    Success,
    Declined,
}

fn queue_depth() -> f64 {
    7.0
}

/// Orders processed, by outcome.
#[metric(name = "shop_orders_processed_total", max_series = 2)]
static ORDERS: Counter<Outcome>;

/// Temperature of the cold store: negative and integer bucket bounds.
#[metric(buckets = [-20, -10.5, 0, 4, 8.0])]
static COLD_STORE_TEMPERATURE_CELSIUS: Histogram;

/// Orders waiting in the queue, read when scraped.
#[metric(callback = queue_depth)]
static ORDER_QUEUE_DEPTH: Gauge;

/// Version of the shop service.
#[metric(labels(version = env!("CARGO_PKG_VERSION")))]
static SHOP_BUILD_INFO: Info;

fn main() {
    ORDERS.labels(Outcome::Declined).inc();
    assert_eq!(ORDERS.labels(Outcome::Declined).get(), 1);
    assert_eq!(ORDERS.labels(Outcome::Success).get(), 0);
    assert_eq!(COLD_STORE_TEMPERATURE_CELSIUS.buckets(), &[-20.0, -10.5, 0.0, 4.0, 8.0]);
    COLD_STORE_TEMPERATURE_CELSIUS.observe(-12.0);
    assert_eq!(SHOP_BUILD_INFO.pairs(), &[("version", env!("CARGO_PKG_VERSION"))]);

    metricsmith_ui_tests::assert_scrape_contains(
        Format::Prometheus,
        &[
            "shop_orders_processed_total{outcome=\"declined\"} 1\n".to_owned(),
            "shop_orders_processed_total{outcome=\"success\"} 0\n".to_owned(),
            "cold_store_temperature_celsius_bucket{le=\"-20\"} 0\n".to_owned(),
            "cold_store_temperature_celsius_bucket{le=\"-10.5\"} 1\n".to_owned(),
            "order_queue_depth 7\n".to_owned(),
            format!("shop_build_info{{version=\"{}\"}} 1\n", env!("CARGO_PKG_VERSION")),
        ],
    );
}
