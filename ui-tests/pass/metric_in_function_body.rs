use metricsmith::{metric, Counter, Format};

fn record_order() -> u64 {
    /// Orders recorded by `record_order`.
    #[metric]
    static RECORDED_ORDERS_TOTAL: Counter;

    RECORDED_ORDERS_TOTAL.inc();
    RECORDED_ORDERS_TOTAL.get()
}

fn main() {
    // Registered at link time: present at 0 before the function first runs.
    metricsmith_ui_tests::assert_scrape_contains(Format::Prometheus, &["recorded_orders_total 0\n"]);

    record_order();
    assert_eq!(record_order(), 2);
}
