use std::time::Duration;

use metricsmith::{
    metric, Counter, FloatCounter, Format, Gauge, Histogram, Info, LabelValue, StateSet, Summary,
};

#[derive(Clone, Copy, Debug, PartialEq, LabelValue)]
enum WorkerState {
    Idle,
    Busy,
    Draining,
}

/// Orders processed.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter;

/// Revenue collected, in euros.
#[metric]
static REVENUE_EUROS_TOTAL: FloatCounter;

/// Orders waiting in the queue.
#[metric]
static ORDER_QUEUE_DEPTH: Gauge;

/// Payment gateway round-trip latency.
#[metric]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram;

/// Size of uploaded receipts.
#[metric]
static RECEIPT_SIZE_BYTES: Summary;

/// Version of the shop service.
#[metric(labels(version = "1.2.3", edition = "2021"))]
static SHOP_BUILD_INFO: Info;

/// What the order worker is doing.
#[metric]
static ORDER_WORKER_STATE: StateSet<WorkerState>;

fn main() {
    ORDERS_PROCESSED_TOTAL.inc();
    REVENUE_EUROS_TOTAL.inc_by(9.5);
    ORDER_QUEUE_DEPTH.set(4.0);
    ORDER_QUEUE_DEPTH.dec();
    {
        let _in_progress = ORDER_QUEUE_DEPTH.track_inprogress();
        assert_eq!(ORDER_QUEUE_DEPTH.get(), 4.0);
    }
    PAYMENT_GATEWAY_DURATION_SECONDS.observe(0.2);
    PAYMENT_GATEWAY_DURATION_SECONDS.observe_duration(Duration::from_millis(300));
    RECEIPT_SIZE_BYTES.observe(2048.0);
    ORDER_WORKER_STATE.set(WorkerState::Busy);

    assert_eq!(ORDERS_PROCESSED_TOTAL.get(), 1);
    assert_eq!(REVENUE_EUROS_TOTAL.get(), 9.5);
    assert_eq!(ORDER_QUEUE_DEPTH.get(), 3.0);
    assert_eq!(PAYMENT_GATEWAY_DURATION_SECONDS.count(), 2);
    assert!((PAYMENT_GATEWAY_DURATION_SECONDS.sum() - 0.5).abs() < 1e-9);
    assert_eq!(PAYMENT_GATEWAY_DURATION_SECONDS.buckets(), metricsmith::DEFAULT_BUCKETS);
    assert_eq!(RECEIPT_SIZE_BYTES.count(), 1);
    assert_eq!(RECEIPT_SIZE_BYTES.sum(), 2048.0);
    assert_eq!(SHOP_BUILD_INFO.pairs(), &[("version", "1.2.3"), ("edition", "2021")]);
    assert_eq!(ORDER_WORKER_STATE.get(), WorkerState::Busy);

    metricsmith_ui_tests::assert_scrape_contains(
        Format::OpenMetrics,
        &[
            "orders_processed_total 1\n",
            "revenue_euros_total 9.5\n",
            "order_queue_depth 3\n",
            "payment_gateway_duration_seconds_count 2\n",
            "receipt_size_bytes_count 1\n",
            "shop_build_info{version=\"1.2.3\",edition=\"2021\"} 1\n",
            "order_worker_state{order_worker_state=\"busy\"} 1\n",
            "order_worker_state{order_worker_state=\"idle\"} 0\n",
        ],
    );
}
