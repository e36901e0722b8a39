// A name whose last word is a time (`time`, `duration`, `latency`, `elapsed`, `delay`,
// `age`, `uptime`, `wait`; before `_total` for a counter) ends in `_seconds`; these
// names, with the unit or with the word elsewhere, are valid.
use metricsmith::{metric, Counter, Format, Gauge, Histogram};

/// Time to answer a request.
#[metric]
static RESPONSE_TIME_SECONDS: Histogram;

/// CPU time used by the order workers.
#[metric]
static CPU_TIME_SECONDS_TOTAL: Counter;

/// Age of the oldest order waiting.
#[metric]
static OLDEST_ORDER_AGE_SECONDS: Gauge;

/// Orders waiting for a courier.
#[metric]
static ORDERS_WAITING: Gauge;

/// Depth of the wait queue.
#[metric]
static WAIT_QUEUE_DEPTH: Gauge;

/// Transmissions that had to wait, as node_exporter counts them: events, not time.
#[metric]
static PORT_TRANSMIT_WAIT_TOTAL: Counter;

/// Times the server asked to retry later.
#[metric]
static RETRY_DELAY_TOTAL: Counter;

fn main() {
    RESPONSE_TIME_SECONDS.observe(0.2);
    CPU_TIME_SECONDS_TOTAL.inc_by(3);
    OLDEST_ORDER_AGE_SECONDS.set(42.0);
    ORDERS_WAITING.set(2.0);
    WAIT_QUEUE_DEPTH.set(1.0);
    PORT_TRANSMIT_WAIT_TOTAL.inc();
    RETRY_DELAY_TOTAL.inc();
    metricsmith_ui_tests::assert_scrape_contains(
        Format::Prometheus,
        &[
            "response_time_seconds_count 1\n",
            "cpu_time_seconds_total 3\n",
            "oldest_order_age_seconds 42\n",
            "orders_waiting 2\n",
            "wait_queue_depth 1\n",
            "port_transmit_wait_total 1\n",
            "retry_delay_total 1\n",
        ],
    );
}
