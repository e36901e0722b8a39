//! `callback` on plain and labelled gauges and on a float counter, with every kind of
//! return value, and `collector`.
#![deny(unsafe_code)]

use metricsmith::{metric, CollectError, CollectedValues, Collector, FloatCounter, Format, Gauge, LabelValue};

#[derive(LabelValue, Clone, Copy)]
enum Queue {
    Orders,
    Refunds,
}

fn queue_length(queue: Queue) -> u64 {
    match queue {
        Queue::Orders => 4,
        Queue::Refunds => 1,
    }
}

fn open_carts() -> Option<f64> {
    Some(2.0)
}

fn received_bytes() -> Result<f64, std::io::Error> {
    Ok(512.0)
}

struct Broker;

impl Collector for Broker {
    type Labels = Queue;
    fn collect(&self, values: &mut CollectedValues<Queue>) -> Result<(), CollectError> {
        let lengths: Result<[f64; 2], std::num::ParseFloatError> = Ok(["9".parse()?, "0.5".parse()?]);
        let [orders, refunds] = lengths?;
        values.set(Queue::Orders, orders);
        values.set(Queue::Refunds, refunds);
        Ok(())
    }
}

static BROKER: Broker = Broker;

/// Items waiting in each in-process queue.
#[metric(callback = queue_length)]
static SHOP_QUEUE_LENGTH: Gauge<Queue>;

/// Carts open right now.
#[metric(callback = open_carts)]
static OPEN_CARTS: Gauge<()>;

/// Bytes received, as the kernel counts them.
#[metric(callback = received_bytes)]
static RECEIVED_BYTES_TOTAL: FloatCounter;

/// Messages waiting in each broker queue.
#[metric(collector = BROKER)]
pub static BROKER_QUEUE_MESSAGES: Gauge<Queue>;

fn main() {
    metricsmith_ui_tests::assert_scrape_contains(
        Format::Prometheus,
        &[
            "shop_queue_length{queue=\"orders\"} 4\n".to_owned(),
            "shop_queue_length{queue=\"refunds\"} 1\n".to_owned(),
            "open_carts 2\n".to_owned(),
            "# TYPE received_bytes_total counter\nreceived_bytes_total 512\n".to_owned(),
            "broker_queue_messages{queue=\"orders\"} 9\n".to_owned(),
            "broker_queue_messages{queue=\"refunds\"} 0.5\n".to_owned(),
        ],
    );
}
