//! The shop from the Python `prometheus_client` guides, instrumented with metricsmith:
//! orders by outcome and payment method, the order queue's depth (read at scrape time
//! by a callback, like the guides' `set_function`), and payment gateway latency by
//! payment method. Charging is instrumented with `#[timed]`, `#[counted]`
//! and `#[in_flight]`, so its calls, declines and latency also appear in the shared
//! `function_calls_*` families (`function="charge"`).

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use metricsmith::{counted, in_flight, metric, timed, Counter, Gauge, Histogram, LabelSet, LabelValue};

/// Whether an order went through.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The payment was accepted.
    Success,
    /// The gateway declined the payment.
    Declined,
}

/// How the customer pays.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
#[label(name = "payment_method")]
pub enum PaymentMethod {
    /// Credit or debit card.
    Card,
    /// A mobile wallet.
    Wallet,
    /// A bank transfer, rendered `bank_transfer`.
    #[label(rename = "bank_transfer")]
    Transfer,
}

impl PaymentMethod {
    /// Every payment method, in label-index order.
    pub const ALL: [PaymentMethod; 3] = [PaymentMethod::Card, PaymentMethod::Wallet, PaymentMethod::Transfer];
}

/// Labels of processed orders.
#[derive(LabelSet, Clone, Copy, Debug)]
pub struct OrderLabels {
    /// Whether the order went through.
    pub outcome: Outcome,
    /// How it was paid.
    pub payment_method: PaymentMethod,
}

/// Orders processed, by outcome and payment method.
#[metric]
pub static ORDERS_PROCESSED_TOTAL: Counter<OrderLabels>;

/// Orders currently waiting in the processing queue.
#[metric(callback = queue_depth_now)]
pub static ORDER_QUEUE_DEPTH: Gauge;

/// Payment gateway round-trip latency.
#[metric(buckets = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])]
pub static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram<PaymentMethod>;

/// A small deterministic pseudo-random source (xorshift), so the example needs no
/// dependency and a test can replay it.
#[derive(Debug, Clone)]
pub struct Dice(u64);

impl Dice {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Self {
        Dice(seed.max(1))
    }

    /// A float in `[0, 1)`.
    pub fn next_unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// An order placed in the queue.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    /// How the customer pays.
    pub payment_method: PaymentMethod,
    /// Simulated gateway latency for this order.
    pub gateway_latency: Duration,
    /// Whether the gateway will decline it.
    pub declined: bool,
}

impl Order {
    /// A random order: mostly cards, about one in ten declined.
    pub fn random(dice: &mut Dice) -> Order {
        let payment_method = match dice.next_unit() {
            roll if roll < 0.6 => PaymentMethod::Card,
            roll if roll < 0.9 => PaymentMethod::Wallet,
            _ => PaymentMethod::Transfer,
        };
        // Mostly fast, with a long tail, in milliseconds.
        let millis = 20.0 + 400.0 * dice.next_unit().powi(4);
        Order {
            payment_method,
            gateway_latency: Duration::from_secs_f64(millis / 1000.0),
            declined: dice.next_unit() < 0.1,
        }
    }
}

/// The orders waiting to be processed. Nothing counts them: the queue depth gauge asks
/// the queue itself at scrape time, so the two cannot drift apart.
static ORDER_QUEUE: Mutex<VecDeque<Order>> = Mutex::new(VecDeque::new());

/// The queue, also after a panic elsewhere while it was locked (a queue of plain values
/// stays consistent).
fn order_queue() -> std::sync::MutexGuard<'static, VecDeque<Order>> {
    ORDER_QUEUE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How many orders wait in the queue.
pub fn queue_depth() -> usize {
    order_queue().len()
}

/// The `order_queue_depth` callback, run at every scrape.
fn queue_depth_now() -> f64 {
    queue_depth() as f64
}

/// Puts an order at the end of the queue.
pub fn enqueue(order: Order) {
    order_queue().push_back(order);
}

/// Takes the next order off the queue, charges it through the gateway and records the
/// outcome; `None` when the queue is empty. `simulate_latency` sleeps for the order's
/// gateway latency (the quickstart does; tests record it without waiting).
pub fn process_next(simulate_latency: bool) -> Option<(Order, Outcome)> {
    // The lock is released before charging, which may sleep.
    let order = order_queue().pop_front()?;
    Some((order, process_order(&order, simulate_latency)))
}

/// Charges an order through the gateway and records the outcome.
fn process_order(order: &Order, simulate_latency: bool) -> Outcome {
    let outcome = match charge(order, simulate_latency) {
        Ok(()) => Outcome::Success,
        Err(Declined) => Outcome::Declined,
    };
    ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome, payment_method: order.payment_method }).inc();
    outcome
}

/// The gateway refused the payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Declined;

/// Charges an order through the payment gateway. Every call lands in
/// `function_calls_total{function="charge",result="ok"|"error"|"panic"}` (a decline is an
/// `error`), `function_calls_duration_seconds` and `function_calls_concurrent`.
#[timed]
#[counted]
#[in_flight]
fn charge(order: &Order, simulate_latency: bool) -> Result<(), Declined> {
    let gateway = PAYMENT_GATEWAY_DURATION_SECONDS.labels(order.payment_method);
    if simulate_latency {
        let _timer = gateway.start_timer();
        std::thread::sleep(order.gateway_latency);
    } else {
        gateway.observe_duration(order.gateway_latency);
    }
    if order.declined {
        return Err(Declined);
    }
    Ok(())
}
