//! The shop service of the seed guides (orders by outcome and payment method, the order
//! queue's depth read at scrape time, payment gateway latency by payment method), built
//! as a service with its instruments on methods: `#[timed]`, `#[counted]` and
//! `#[in_flight]` stacked on inherent, trait and async methods, under
//! `#![deny(warnings)]`.
#![deny(warnings)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use metricsmith::{counted, in_flight, metric, timed, Counter, Format, Gauge, Histogram, LabelSet, LabelValue};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Success,
    Declined,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
#[label(name = "payment_method")]
enum PaymentMethod {
    Card,
    Wallet,
    #[label(rename = "bank_transfer")]
    Transfer,
}

#[derive(LabelSet)]
struct OrderLabels {
    outcome: Outcome,
    payment_method: PaymentMethod,
}

/// Orders processed, by outcome and payment method.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter<OrderLabels>;

/// Orders currently waiting in the processing queue.
#[metric(callback = queue_depth)]
static ORDER_QUEUE_DEPTH: Gauge;

/// Payment gateway round-trip latency.
#[metric(buckets = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram<PaymentMethod>;

static QUEUE: Mutex<VecDeque<Order>> = Mutex::new(VecDeque::new());

fn queue_depth() -> usize {
    QUEUE.lock().unwrap_or_else(PoisonError::into_inner).len()
}

#[derive(Clone, Copy, Debug)]
struct Order {
    cents: u64,
    method: PaymentMethod,
}

#[derive(Debug, PartialEq)]
struct Declined;

/// The payment gateway: a card over 100 € is declined.
trait Gateway {
    fn charge(&self, order: &Order) -> Result<(), Declined>;

    #[timed]
    #[counted]
    #[in_flight]
    fn refund(&self, order: &Order) -> Result<u64, Declined> {
        Ok(order.cents)
    }
}

struct TestGateway;

impl Gateway for TestGateway {
    #[in_flight]
    #[timed]
    #[counted]
    fn charge(&self, order: &Order) -> Result<(), Declined> {
        let _timer = PAYMENT_GATEWAY_DURATION_SECONDS.labels(order.method).start_timer();
        if order.method == PaymentMethod::Card && order.cents > 10_000 { Err(Declined) } else { Ok(()) }
    }
}

struct Shop {
    gateway: Arc<dyn Gateway + Send + Sync>,
}

impl Shop {
    #[timed]
    #[counted]
    #[in_flight]
    fn place(&self, order: Order) {
        QUEUE.lock().unwrap_or_else(PoisonError::into_inner).push_back(order);
    }

    #[counted]
    #[timed]
    #[in_flight]
    fn process_next(&self) -> Option<Outcome> {
        let order = QUEUE.lock().unwrap_or_else(PoisonError::into_inner).pop_front()?;
        let outcome = match self.gateway.charge(&order) {
            Ok(()) => Outcome::Success,
            Err(Declined) => Outcome::Declined,
        };
        ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome, payment_method: order.method }).inc();
        Some(outcome)
    }

    #[in_flight]
    #[counted]
    #[timed]
    async fn drain(self: Arc<Self>) -> Result<usize, String> {
        let mut processed = 0;
        while self.process_next().is_some() {
            processed += 1;
        }
        Ok(processed)
    }
}

struct Noop;

impl Wake for Noop {
    fn wake(self: Arc<Self>) {}
}

fn block_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

fn main() {
    let shop = Arc::new(Shop { gateway: Arc::new(TestGateway) });
    shop.place(Order { cents: 2_500, method: PaymentMethod::Card });
    shop.place(Order { cents: 25_000, method: PaymentMethod::Card });
    shop.place(Order { cents: 900, method: PaymentMethod::Transfer });
    let text = metricsmith_ui_tests::scrape(Format::Prometheus);
    assert!(text.contains("order_queue_depth 3\n"), "{text}");

    assert_eq!(shop.process_next(), Some(Outcome::Success));
    assert_eq!(block_on(shop.clone().drain()), Ok(2));
    assert_eq!(TestGateway.refund(&Order { cents: 900, method: PaymentMethod::Wallet }), Ok(900));

    let module = module_path!();
    let calls = |function: &str, result: &str| {
        format!("function_calls_total{{function=\"{function}\",module=\"{module}\",result=\"{result}\"}}")
    };
    metricsmith_ui_tests::assert_scrape_contains(
        Format::Prometheus,
        &[
            "order_queue_depth 0\n".to_owned(),
            "orders_processed_total{outcome=\"success\",payment_method=\"card\"} 1\n".to_owned(),
            "orders_processed_total{outcome=\"declined\",payment_method=\"card\"} 1\n".to_owned(),
            "orders_processed_total{outcome=\"success\",payment_method=\"bank_transfer\"} 1\n".to_owned(),
            "payment_gateway_duration_seconds_count{payment_method=\"card\"} 2\n".to_owned(),
            format!("{} 3\n", calls("place", "ok")),
            format!("{} 4\n", calls("process_next", "ok")),
            format!("{} 2\n", calls("charge", "ok")),
            format!("{} 1\n", calls("charge", "error")),
            format!("{} 1\n", calls("drain", "ok")),
            format!("{} 1\n", calls("refund", "ok")),
            format!("function_calls_concurrent{{function=\"drain\",module=\"{module}\"}} 0\n"),
            format!("function_calls_duration_seconds_count{{function=\"process_next\",module=\"{module}\"}} 4\n"),
        ],
    );
}
