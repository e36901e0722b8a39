//! Every gauge merge mode, on statics and on group fields, with and without labels:
//! the gauges record as any other.

use metricsmith::{metric, Gauge, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy)]
enum Queue {
    Orders,
    Refunds,
}

/// Default mode.
#[metric]
static DEPTH_ALL: Gauge;
/// `liveall`.
#[metric(multiprocess = "liveall")]
static DEPTH_LIVEALL: Gauge<Queue>;
/// `min`.
#[metric(multiprocess = "min")]
static DEPTH_MIN: Gauge;
/// `livemin`.
#[metric(multiprocess = "livemin")]
static DEPTH_LIVEMIN: Gauge;
/// `max`.
#[metric(multiprocess = "max")]
static DEPTH_MAX: Gauge;
/// `livemax`.
#[metric(multiprocess = "livemax")]
static DEPTH_LIVEMAX: Gauge;
/// `sum`.
#[metric(multiprocess = "sum")]
static DEPTH_SUM_OF_ALL: Gauge;
/// `livesum`.
#[metric(multiprocess = "livesum")]
static DEPTH_LIVESUM: Gauge;
/// `mostrecent`.
#[metric(multiprocess = "mostrecent")]
static DEPTH_MOSTRECENT: Gauge<Queue>;
/// `livemostrecent`.
#[metric(multiprocess = "livemostrecent")]
static DEPTH_LIVEMOSTRECENT: Gauge;

#[derive(Metrics)]
#[metrics(prefix = "shop")]
struct Shop {
    /// Requests being served, over all workers.
    #[metric(multiprocess = "livesum")]
    requests_in_progress: Gauge,
    /// The newest price list's version.
    #[metric(multiprocess = "mostrecent")]
    price_list_version: Gauge<Queue>,
}

#[metric]
static SHOP: Shop;

fn main() {
    for gauge in [&DEPTH_ALL, &DEPTH_MIN, &DEPTH_LIVEMIN, &DEPTH_MAX, &DEPTH_LIVEMAX, &DEPTH_SUM_OF_ALL, &DEPTH_LIVESUM, &DEPTH_LIVEMOSTRECENT] {
        gauge.set(2.0);
        gauge.inc();
        assert_eq!(gauge.get(), 3.0);
    }
    DEPTH_LIVEALL.labels(Queue::Refunds).set(1.0);
    DEPTH_MOSTRECENT.labels(Queue::Orders).add(5.0);
    assert_eq!(DEPTH_MOSTRECENT.labels(Queue::Orders).get(), 5.0);
    SHOP.requests_in_progress.inc();
    SHOP.price_list_version.labels(Queue::Refunds).set(7.0);
    assert_eq!(SHOP.price_list_version.labels(Queue::Refunds).get(), 7.0);
    assert_eq!(SHOP.requests_in_progress.get(), 1.0);
}
