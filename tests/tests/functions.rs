//! `#[timed]`, `#[counted]` and `#[in_flight]`: call instrumented functions and read the
//! series back from the Prometheus text exposition, as a scrape would.
//!
//! Tests run in parallel in one process, so each test calls functions of its own and
//! asserts on their series only.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use metricsmith::{
    counted, in_flight, metric, timed, CallResult, Counter, Format, Gauge, Histogram, LabelValue,
    DEFAULT_BUCKETS,
};

const MODULE: &str = module_path!();

// ---------------------------------------------------------------------------
// Reading series back
// ---------------------------------------------------------------------------

fn scrape() -> String {
    let mut out = Vec::new();
    metricsmith::render(Format::Prometheus, &mut out);
    String::from_utf8(out).expect("the exposition is UTF-8")
}

/// The value of the sample `name{labels}` (labels in exposition order), if present.
fn sample(name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let labels: Vec<String> = labels.iter().map(|(key, value)| format!("{key}=\"{value}\"")).collect();
    let series = if labels.is_empty() { name.to_owned() } else { format!("{name}{{{}}}", labels.join(",")) };
    let text = scrape();
    let value = text.lines().find_map(|line| line.strip_prefix(&series)?.strip_prefix(' '))?;
    Some(value.parse().unwrap_or_else(|_| panic!("`{series}` has value `{value}`, not a number")))
}

/// `function_calls_total{function,module,result}`.
fn calls(function: &str, result: &str) -> Option<f64> {
    calls_in(MODULE, function, result)
}

fn calls_in(module: &str, function: &str, result: &str) -> Option<f64> {
    sample("function_calls_total", &[("function", function), ("module", module), ("result", result)])
}

/// `function_calls_duration_seconds_count{function,module}`.
fn timed_count(function: &str) -> Option<f64> {
    timed_count_in(MODULE, function)
}

fn timed_count_in(module: &str, function: &str) -> Option<f64> {
    sample("function_calls_duration_seconds_count", &[("function", function), ("module", module)])
}

/// `function_calls_duration_seconds_bucket{function,module,le}`.
fn timed_bucket(function: &str, le: &str) -> Option<f64> {
    sample(
        "function_calls_duration_seconds_bucket",
        &[("function", function), ("module", MODULE), ("le", le)],
    )
}

/// `function_calls_concurrent{function,module}`.
fn concurrent(function: &str) -> Option<f64> {
    sample("function_calls_concurrent", &[("function", function), ("module", MODULE)])
}

/// Polls a future to completion on this thread (the futures here never wait on I/O).
fn block_on<F: Future>(future: F) -> F::Output {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

struct NoopWaker;

impl Wake for NoopWaker {
    fn wake(self: Arc<Self>) {}
}

fn noop_waker() -> Waker {
    Waker::from(Arc::new(NoopWaker))
}

/// Pending on the first poll, ready on the second.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn yield_once() -> YieldOnce {
    YieldOnce(false)
}

// ---------------------------------------------------------------------------
// Series at 0 from start-up
// ---------------------------------------------------------------------------

#[allow(dead_code)] // never called, on purpose
#[timed]
#[counted]
#[in_flight]
fn never_called_fallible() -> Result<(), String> {
    Ok(())
}

#[allow(dead_code)]
#[counted]
fn never_called_infallible() -> u8 {
    1
}

#[allow(dead_code)]
#[counted]
async fn never_called_async() {}

#[test]
fn every_series_exists_at_zero_before_any_call() {
    assert_eq!(calls("never_called_fallible", "ok"), Some(0.0));
    assert_eq!(calls("never_called_fallible", "error"), Some(0.0));
    assert_eq!(calls("never_called_fallible", "panic"), Some(0.0));
    assert_eq!(calls("never_called_fallible", "cancelled"), None, "a sync function is never cancelled");
    assert_eq!(timed_count("never_called_fallible"), Some(0.0));
    assert_eq!(timed_bucket("never_called_fallible", "+Inf"), Some(0.0));
    assert_eq!(timed_bucket("never_called_fallible", "0.005"), Some(0.0), "the default buckets");
    assert_eq!(concurrent("never_called_fallible"), Some(0.0));

    assert_eq!(calls("never_called_infallible", "ok"), Some(0.0));
    assert_eq!(calls("never_called_infallible", "panic"), Some(0.0));
    assert_eq!(calls("never_called_infallible", "error"), None, "only a `Result` can be an error");
    assert_eq!(timed_count("never_called_infallible"), None, "not #[timed]");
    assert_eq!(concurrent("never_called_infallible"), None, "not #[in_flight]");

    assert_eq!(calls("never_called_async", "ok"), Some(0.0));
    assert_eq!(calls("never_called_async", "cancelled"), Some(0.0));
    assert_eq!(calls("never_called_async", "error"), None);

    let text = scrape();
    assert!(text.contains("# TYPE function_calls_total counter\n"));
    assert!(text.contains("# TYPE function_calls_duration_seconds histogram\n"));
    assert!(text.contains("# TYPE function_calls_concurrent gauge\n"));
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

#[counted]
#[timed]
fn parse_quantity(input: &str) -> Result<u32, std::num::ParseIntError> {
    input.trim().parse()
}

#[test]
fn results_are_counted_as_ok_and_error() {
    assert_eq!(parse_quantity(" 3 "), Ok(3));
    assert_eq!(parse_quantity("7"), Ok(7));
    assert!(parse_quantity("seven").is_err());
    assert_eq!(calls("parse_quantity", "ok"), Some(2.0));
    assert_eq!(calls("parse_quantity", "error"), Some(1.0));
    assert_eq!(calls("parse_quantity", "panic"), Some(0.0));
    assert_eq!(timed_count("parse_quantity"), Some(3.0));
}

/// Only `#[timed]`: the lean guard, which must still observe on every way out.
#[timed]
fn parse_weight(input: &str) -> Result<u32, std::num::ParseIntError> {
    if input.is_empty() {
        return Ok(0);
    }
    let grams: u32 = input.trim().parse()?;
    if grams == u32::MAX {
        panic!("no parcel weighs that much");
    }
    Ok(grams)
}

#[test]
fn a_function_only_timed_observes_once_on_every_exit_path() {
    assert_eq!(parse_weight(""), Ok(0), "early return");
    assert_eq!(parse_weight("250"), Ok(250), "tail expression");
    assert!(parse_weight("heavy").is_err(), "`?`");
    let max = u32::MAX.to_string();
    assert!(catch_unwind(|| parse_weight(&max)).is_err(), "panic");
    assert_eq!(timed_count("parse_weight"), Some(4.0));
    assert_eq!(calls("parse_weight", "ok"), None, "not #[counted]");
}

#[derive(Debug, PartialEq)]
enum CheckoutError {
    EmptyCart,
    Parse(std::num::ParseIntError),
}

impl From<std::num::ParseIntError> for CheckoutError {
    fn from(error: std::num::ParseIntError) -> Self {
        CheckoutError::Parse(error)
    }
}

/// `?`, an early `return Err`, an early `return Ok` and the tail expression.
#[counted]
#[timed]
fn checkout(cart: &[&str]) -> Result<u32, CheckoutError> {
    if cart.is_empty() {
        return Err(CheckoutError::EmptyCart);
    }
    let mut total = 0;
    for item in cart {
        if *item == "free" {
            return Ok(0);
        }
        total += item.parse::<u32>()?;
    }
    Ok(total)
}

#[test]
fn question_mark_and_early_returns_are_classified_and_timed() {
    assert_eq!(checkout(&[]), Err(CheckoutError::EmptyCart));
    assert!(matches!(checkout(&["1", "x"]), Err(CheckoutError::Parse(_))));
    assert_eq!(checkout(&["free", "x"]), Ok(0));
    assert_eq!(checkout(&["1", "2"]), Ok(3));
    assert_eq!(calls("checkout", "ok"), Some(2.0));
    assert_eq!(calls("checkout", "error"), Some(2.0));
    assert_eq!(timed_count("checkout"), Some(4.0), "every exit path is timed");
}

/// Not a `Result`: an early `return` is still `ok`.
#[counted]
fn clamp_discount(percent: u32) -> u32 {
    if percent > 90 {
        return 90;
    }
    percent
}

#[test]
fn functions_without_result_count_every_return_as_ok() {
    assert_eq!(clamp_discount(95), 90);
    assert_eq!(clamp_discount(10), 10);
    assert_eq!(calls("clamp_discount", "ok"), Some(2.0));
    assert_eq!(calls("clamp_discount", "error"), None);
}

// ---------------------------------------------------------------------------
// Durations and concurrency
// ---------------------------------------------------------------------------

#[timed]
fn wait_for_gateway(millis: u64) {
    std::thread::sleep(Duration::from_millis(millis));
}

#[test]
fn the_histogram_counts_every_call_in_its_buckets() {
    // A call's duration is known only between bounds: at least its sleep, at most what
    // this test's own clock read around the call (plus 1% for the calibrated counter
    // `#[timed]` reads). On a busy machine a call that sleeps 0 ms can take milliseconds,
    // so each bucket is checked against those bounds, not against a guess (it was
    // `le="0.005"` == 3). On an idle machine the bounds coincide and fix every count.
    let calls: Vec<(f64, f64)> = [0, 0, 0, 30]
        .into_iter()
        .map(|millis| {
            let started = Instant::now();
            wait_for_gateway(millis);
            (millis as f64 / 1000.0, started.elapsed().as_secs_f64() * 1.01)
        })
        .collect();
    assert_eq!(timed_count("wait_for_gateway"), Some(4.0));
    assert_eq!(timed_bucket("wait_for_gateway", "+Inf"), Some(4.0));
    for bound in DEFAULT_BUCKETS {
        let surely_below = calls.iter().filter(|(_, longest)| *longest <= bound).count() as f64;
        let maybe_below = calls.iter().filter(|(shortest, _)| *shortest <= bound).count() as f64;
        let counted = timed_bucket("wait_for_gateway", &bound.to_string()).expect("every bucket is rendered");
        assert!(
            (surely_below..=maybe_below).contains(&counted),
            "le=\"{bound}\" counts {counted} of the calls {calls:?} (seconds at least, at most)"
        );
    }
    let sum = sample(
        "function_calls_duration_seconds_sum",
        &[("function", "wait_for_gateway"), ("module", MODULE)],
    )
    .expect("a sum");
    let longest: f64 = calls.iter().map(|(_, longest)| longest).sum();
    assert!((0.03 * 0.99..=longest).contains(&sum), "sum {sum} includes the 30 ms call, within {longest}");
}

#[in_flight]
fn observe_own_concurrency() -> Option<f64> {
    concurrent("observe_own_concurrency")
}

#[test]
fn in_flight_is_one_during_the_call_and_zero_after() {
    assert_eq!(concurrent("observe_own_concurrency"), Some(0.0));
    assert_eq!(observe_own_concurrency(), Some(1.0));
    assert_eq!(concurrent("observe_own_concurrency"), Some(0.0));
}

#[in_flight]
async fn observe_own_concurrency_async() -> Option<f64> {
    yield_once().await;
    concurrent("observe_own_concurrency_async")
}

#[test]
fn in_flight_counts_an_async_call_from_first_poll_to_completion() {
    let future = observe_own_concurrency_async();
    assert_eq!(concurrent("observe_own_concurrency_async"), Some(0.0), "nothing runs before the first poll");
    assert_eq!(block_on(future), Some(1.0));
    assert_eq!(concurrent("observe_own_concurrency_async"), Some(0.0));
}

// ---------------------------------------------------------------------------
// Panics and cancellation
// ---------------------------------------------------------------------------

#[counted]
#[timed]
#[in_flight]
fn reserve_stock(quantity: u32) -> Result<u32, String> {
    if quantity == 0 {
        panic!("cannot reserve zero items");
    }
    Ok(quantity)
}

#[test]
fn a_panic_is_recorded_and_keeps_unwinding() {
    let caught = catch_unwind(|| reserve_stock(0)).expect_err("the panic propagates");
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"cannot reserve zero items"), "the payload is unchanged");
    assert_eq!(reserve_stock(2), Ok(2));
    assert_eq!(calls("reserve_stock", "panic"), Some(1.0));
    assert_eq!(calls("reserve_stock", "ok"), Some(1.0));
    assert_eq!(calls("reserve_stock", "error"), Some(0.0));
    assert_eq!(timed_count("reserve_stock"), Some(2.0), "the panicking call is timed too");
    assert_eq!(concurrent("reserve_stock"), Some(0.0), "the panicking call left the gauge");
}

#[counted]
fn panics_without_result() {
    panic!("boom");
}

#[test]
fn a_panic_in_a_function_without_result_is_recorded() {
    assert!(catch_unwind(panics_without_result).is_err());
    assert_eq!(calls("panics_without_result", "panic"), Some(1.0));
    assert_eq!(calls("panics_without_result", "ok"), Some(0.0));
}

#[counted]
fn called_while_unwinding() -> u8 {
    7
}

struct CallsOnDrop;

impl Drop for CallsOnDrop {
    fn drop(&mut self) {
        called_while_unwinding();
    }
}

#[test]
fn a_call_made_during_another_panic_is_ok() {
    let result = catch_unwind(|| {
        let _calls_on_drop = CallsOnDrop;
        panic!("unrelated");
    });
    assert!(result.is_err());
    assert_eq!(calls("called_while_unwinding", "ok"), Some(1.0));
    assert_eq!(calls("called_while_unwinding", "panic"), Some(0.0));
}

#[counted]
#[timed]
#[in_flight]
async fn call_gateway(fail: bool) -> Result<u32, String> {
    yield_once().await;
    if fail {
        return Err("declined".into());
    }
    Ok(200)
}

#[test]
fn async_results_are_counted_when_the_future_completes() {
    assert_eq!(block_on(call_gateway(false)), Ok(200));
    assert_eq!(block_on(call_gateway(true)), Err("declined".into()));
    assert_eq!(calls("call_gateway", "ok"), Some(1.0));
    assert_eq!(calls("call_gateway", "error"), Some(1.0));
    assert_eq!(calls("call_gateway", "cancelled"), Some(0.0));
    assert_eq!(timed_count("call_gateway"), Some(2.0));
}

#[counted]
#[timed]
#[in_flight]
async fn slow_refund() -> Result<(), String> {
    yield_once().await;
    Ok(())
}

#[test]
fn a_future_dropped_before_completion_is_cancelled() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    {
        let mut future = Box::pin(slow_refund());
        assert!(future.as_mut().poll(&mut cx).is_pending());
        assert_eq!(concurrent("slow_refund"), Some(1.0), "in flight while pending");
        assert_eq!(calls("slow_refund", "cancelled"), Some(0.0));
    }
    assert_eq!(calls("slow_refund", "cancelled"), Some(1.0));
    assert_eq!(calls("slow_refund", "ok"), Some(0.0));
    assert_eq!(concurrent("slow_refund"), Some(0.0));
    assert_eq!(timed_count("slow_refund"), Some(1.0), "the cancelled call is timed up to the drop");
    // A future that is never polled never started: nothing is recorded.
    drop(slow_refund());
    assert_eq!(calls("slow_refund", "cancelled"), Some(1.0));
}

#[counted]
#[in_flight]
async fn panics_after_yield() -> Result<(), String> {
    yield_once().await;
    panic!("gateway state corrupted");
}

#[test]
fn a_panic_inside_a_poll_is_recorded_as_panic_not_cancelled() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = Box::pin(panics_after_yield());
    assert!(future.as_mut().poll(&mut cx).is_pending());
    let caught = catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
    assert!(caught.is_err(), "the panic propagates out of poll");
    assert_eq!(calls("panics_after_yield", "panic"), Some(1.0), "recorded while unwinding");
    assert_eq!(concurrent("panics_after_yield"), Some(0.0));
    drop(future);
    assert_eq!(calls("panics_after_yield", "cancelled"), Some(0.0), "dropping it afterwards is no cancel");
}

// ---------------------------------------------------------------------------
// Functions returning a future
// ---------------------------------------------------------------------------

/// Pending on its first `polls` polls (waking itself each time), then ready.
struct PendingFor(u32);

impl Future for PendingFor {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Polls `future` to completion, pausing `pause` after every pending poll; returns its
/// output, the polls it took, and the time from its first poll to its completion.
fn block_on_pausing<F: Future>(future: F, pause: Duration) -> (F::Output, u32, Duration) {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    let first_poll = Instant::now();
    let mut polls = 1;
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls, first_poll.elapsed());
        }
        std::thread::sleep(pause);
        polls += 1;
    }
}

/// Asserts that the durations `function`'s calls recorded add up to a time between
/// `shortest` and `longest` as this test's clock read them (with 1% for the calibrated
/// counter `#[timed]` reads).
fn assert_timed_between(function: &str, shortest: Duration, longest: Duration) {
    let recorded =
        sample("function_calls_duration_seconds_sum", &[("function", function), ("module", MODULE)])
            .expect("a sum");
    let (shortest, longest) = (shortest.as_secs_f64() * 0.99, longest.as_secs_f64() * 1.01);
    assert!(
        (shortest..=longest).contains(&recorded),
        "`{function}` recorded {recorded} s, its calls took {shortest} s to {longest} s"
    );
}

#[timed]
#[counted]
#[in_flight]
fn deliver(stops: u32) -> impl Future<Output = Result<u32, String>> + Send {
    let route = stops * 10; // built at the call
    async move {
        PendingFor(stops).await;
        if route == 0 {
            return Err("no stops".to_owned());
        }
        Ok(route)
    }
}

#[test]
fn a_function_returning_impl_future_is_timed_until_its_future_completes() {
    // The call is known only between bounds: at least what this test's clock read from
    // the future's first poll to its completion (its pauses included), at most what it
    // read from the call to the completion (plus 1% for the calibrated counter
    // `#[timed]` reads). Building the future alone takes microseconds.
    let called = Instant::now();
    let future = assert_send(deliver(3));
    assert_eq!(concurrent("deliver"), Some(1.0), "in flight from the call");
    let (output, polls, polled_for) = block_on_pausing(future, Duration::from_millis(5));
    let whole_call = called.elapsed();
    assert_eq!((output, polls), (Ok(30), 4));
    assert_timed_between("deliver", polled_for, whole_call);
    assert_eq!(timed_count("deliver"), Some(1.0));
    assert_eq!(calls("deliver", "ok"), Some(1.0));
    assert_eq!(concurrent("deliver"), Some(0.0));

    assert_eq!(block_on(deliver(0)), Err("no stops".to_owned()));
    assert_eq!(calls("deliver", "error"), Some(1.0), "the future's `Output` is the result");
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[counted]
#[timed]
fn restock(fail: bool) -> impl Future<Output = u32> {
    if fail {
        panic!("no supplier");
    }
    async { 7 }
}

#[test]
fn a_returned_future_dropped_before_completion_is_cancelled_and_a_panic_building_it_is_a_panic() {
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    drop(restock(false));
    assert_eq!(calls("restock", "cancelled"), Some(1.0), "dropped before it completed");
    assert_eq!(calls("restock", "ok"), Some(0.0));

    let caught = catch_unwind(|| restock(true));
    assert!(caught.is_err(), "the panic propagates");
    assert_eq!(calls("restock", "panic"), Some(1.0));

    let mut future = Box::pin(restock(false));
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(7));
    drop(future);
    assert_eq!(calls("restock", "ok"), Some(1.0));
    assert_eq!(calls("restock", "cancelled"), Some(1.0));
    assert_eq!(timed_count("restock"), Some(3.0));
}

trait Courier {
    fn pick_up(&self, parcels: u32) -> Pin<Box<dyn Future<Output = Result<u32, String>> + Send + '_>>;
}

struct Van {
    capacity: u32,
}

impl Courier for Van {
    #[timed]
    #[counted]
    fn pick_up(&self, parcels: u32) -> Pin<Box<dyn Future<Output = Result<u32, String>> + Send + '_>> {
        Box::pin(async move {
            PendingFor(2).await;
            if parcels > self.capacity {
                return Err(format!("{parcels} parcels do not fit"));
            }
            Ok(parcels)
        })
    }
}

#[test]
fn a_boxed_future_is_timed_until_it_completes() {
    let van = Van { capacity: 5 };
    let called = Instant::now();
    let (output, polls, polled_for) = block_on_pausing(van.pick_up(3), Duration::from_millis(5));
    let whole_call = called.elapsed();
    assert_eq!((output, polls), (Ok(3), 3));
    assert_timed_between("pick_up", polled_for, whole_call);
    assert!(block_on(van.pick_up(9)).is_err());
    assert_eq!(calls("pick_up", "ok"), Some(1.0));
    assert_eq!(calls("pick_up", "error"), Some(1.0));
}

// ---------------------------------------------------------------------------
// Shapes: generics, impl Trait, unsafe, methods, impl blocks
// ---------------------------------------------------------------------------

#[counted]
#[timed]
fn largest<T>(items: &[T]) -> Option<T>
where
    T: PartialOrd + Copy,
{
    let mut items = items.iter().copied();
    let first = items.next()?;
    Some(items.fold(first, |best, item| if item > best { item } else { best }))
}

#[test]
fn a_generic_function_has_one_series_for_every_instantiation() {
    assert_eq!(largest(&[3, 9, 2]), Some(9));
    assert_eq!(largest(&[0.5, -1.0]), Some(0.5));
    assert_eq!(largest::<u8>(&[]), None);
    assert_eq!(calls("largest", "ok"), Some(3.0));
    assert_eq!(timed_count("largest"), Some(3.0));
}

#[counted]
fn even_numbers(limit: u32) -> impl Iterator<Item = u32> {
    (0..limit).filter(|n| n % 2 == 0)
}

#[counted]
fn parse_all(
    inputs: impl IntoIterator<Item = impl AsRef<str>>,
) -> Result<impl std::fmt::Debug, std::num::ParseIntError> {
    inputs.into_iter().map(|input| input.as_ref().parse::<u32>()).collect::<Result<Vec<_>, _>>()
}

#[test]
fn impl_trait_arguments_and_returns() {
    assert_eq!(even_numbers(5).collect::<Vec<_>>(), [0, 2, 4]);
    assert_eq!(format!("{:?}", parse_all(["1", "2"]).unwrap()), "[1, 2]");
    assert!(parse_all(vec![String::from("x")]).is_err());
    assert_eq!(calls("even_numbers", "ok"), Some(1.0));
    assert_eq!(calls("parse_all", "ok"), Some(1.0));
    assert_eq!(calls("parse_all", "error"), Some(1.0));
}

/// # Safety
/// `index` must be in bounds.
#[counted]
unsafe fn unchecked_price(prices: &[u32], index: usize) -> Result<u32, ()> {
    Ok(*prices.get_unchecked(index))
}

#[test]
fn unsafe_functions_keep_their_unsafe_body() {
    // SAFETY: index 1 is in bounds.
    assert_eq!(unsafe { unchecked_price(&[5, 6], 1) }, Ok(6));
    assert_eq!(calls("unchecked_price", "ok"), Some(1.0));
}

struct Basket {
    items: Vec<u32>,
}

impl Basket {
    #[counted]
    fn total(&self) -> u32 {
        self.items.iter().sum()
    }

    #[counted]
    fn add(&mut self, price: u32) -> Result<usize, String> {
        if price == 0 {
            return Err("free items are not sold".into());
        }
        self.items.push(price);
        Ok(self.items.len())
    }

    #[counted]
    fn into_items(self) -> Vec<u32> {
        self.items
    }

    #[counted]
    #[allow(clippy::boxed_local)] // the receiver form under test
    fn boxed_len(self: Box<Self>) -> usize {
        self.items.len()
    }

    #[counted]
    fn first_mut(&mut self) -> Result<&mut u32, String> {
        self.items.first_mut().ok_or_else(|| "empty".to_owned())
    }
}

#[test]
fn methods_with_every_receiver() {
    let mut basket = Basket { items: vec![] };
    assert_eq!(basket.add(3), Ok(1));
    assert!(basket.add(0).is_err());
    *basket.first_mut().unwrap() = 4;
    assert_eq!(basket.total(), 4);
    assert_eq!(Box::new(Basket { items: vec![1, 2] }).boxed_len(), 2);
    assert_eq!(basket.into_items(), [4]);
    assert_eq!(calls("add", "ok"), Some(1.0));
    assert_eq!(calls("add", "error"), Some(1.0));
    assert_eq!(calls("first_mut", "ok"), Some(1.0));
    assert_eq!(calls("total", "ok"), Some(1.0));
    assert_eq!(calls("boxed_len", "ok"), Some(1.0));
    assert_eq!(calls("into_items", "ok"), Some(1.0));
}

struct Ledger {
    balance: i64,
}

#[counted]
#[timed]
impl Ledger {
    fn deposit(&mut self, amount: i64) -> Result<i64, String> {
        if amount <= 0 {
            return Err("deposits are positive".into());
        }
        self.balance += amount;
        Ok(self.balance)
    }

    async fn audit(&self) -> bool {
        yield_once().await;
        self.balance >= 0
    }

    #[metricsmith(skip)]
    fn balance_unmetered(&self) -> i64 {
        self.balance
    }

    /// A method-level attribute replaces the block's of the same kind.
    #[counted(name = "ledger_resets_total")]
    fn reset(&mut self) {
        self.balance = 0;
    }

    const OVERDRAFT: i64 = -100;
}

#[test]
fn an_impl_block_instruments_every_method_but_skipped_ones() {
    let mut ledger = Ledger { balance: 0 };
    assert_eq!(ledger.deposit(10), Ok(10));
    assert!(ledger.deposit(-1).is_err());
    assert!(block_on(ledger.audit()));
    assert_eq!(ledger.balance_unmetered(), 10);
    ledger.reset();
    assert!(ledger.balance > Ledger::OVERDRAFT);
    assert_eq!(calls("deposit", "ok"), Some(1.0));
    assert_eq!(calls("deposit", "error"), Some(1.0));
    assert_eq!(timed_count("deposit"), Some(2.0));
    assert_eq!(calls("audit", "ok"), Some(1.0));
    assert_eq!(calls("audit", "cancelled"), Some(0.0));
    assert_eq!(timed_count("audit"), Some(1.0));
    assert_eq!(calls("balance_unmetered", "ok"), None, "skipped");
    assert_eq!(timed_count("balance_unmetered"), None, "skipped");
    assert_eq!(calls("reset", "ok"), None, "the method's own #[counted] replaced the block's");
    assert_eq!(sample("ledger_resets_total", &[("result", "ok")]), Some(1.0));
    assert_eq!(timed_count("reset"), Some(1.0), "the block's #[timed] still applies");
}

trait Greeter {
    fn greet(&self, name: &str) -> String;
    fn farewell(&self) -> &'static str {
        "bye"
    }
}

struct English;

#[counted]
impl Greeter for English {
    fn greet(&self, name: &str) -> String {
        format!("hello {name}")
    }
}

#[test]
fn a_trait_impl_block_is_instrumented() {
    assert_eq!(English.greet("ada"), "hello ada");
    assert_eq!(English.farewell(), "bye");
    assert_eq!(calls("greet", "ok"), Some(1.0));
    assert_eq!(calls("farewell", "ok"), None, "default methods are not in the block");
}

/// Two `new` methods in one module share `function="new"`: their series add up, so the
/// exposition never holds two series with the same labels.
mod same_names {
    pub struct Cart;
    pub struct Wishlist;

    #[metricsmith::counted]
    impl Cart {
        pub fn new() -> Self {
            Cart
        }
    }

    #[metricsmith::counted]
    impl Wishlist {
        pub fn new() -> Self {
            Wishlist
        }
    }
}

#[test]
fn same_named_functions_in_one_module_share_one_series() {
    let module = format!("{MODULE}::same_names");
    let _ = same_names::Cart::new();
    let _ = same_names::Wishlist::new();
    let _ = same_names::Wishlist::new();
    assert_eq!(calls_in(&module, "new", "ok"), Some(3.0));
    let series = format!("function_calls_total{{function=\"new\",module=\"{module}\",result=\"ok\"}}");
    assert_eq!(scrape().matches(&series).count(), 1);
}

// ---------------------------------------------------------------------------
// Dedicated metrics: name, labels, buckets, metric = STATIC
// ---------------------------------------------------------------------------

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
#[label(name = "method")]
enum PaymentMethod {
    Card,
    Wallet,
    #[label(rename = "bank_transfer")]
    Transfer,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
enum Region {
    Eu,
    Us,
}

#[counted(name = "test_payments_total", labels(method = method, region = region))]
#[timed(name = "test_payment_duration_seconds", labels(method = method), buckets = [0.001, 1.0])]
#[in_flight(name = "test_payments_in_flight", labels(region = region), help = "Payments being charged, by region.")]
fn pay(method: PaymentMethod, region: &Region, cents: u64) -> Result<u64, String> {
    if cents == 0 {
        return Err("nothing to pay".into());
    }
    Ok(cents)
}

#[test]
fn labels_come_from_arguments_including_renamed_values() {
    assert_eq!(pay(PaymentMethod::Transfer, &Region::Eu, 100), Ok(100));
    assert!(pay(PaymentMethod::Transfer, &Region::Eu, 0).is_err());
    assert_eq!(pay(PaymentMethod::Card, &Region::Us, 5), Ok(5));
    let payments = |method, region, result| {
        sample("test_payments_total", &[("method", method), ("region", region), ("result", result)])
    };
    assert_eq!(payments("bank_transfer", "eu", "ok"), Some(1.0));
    assert_eq!(payments("bank_transfer", "eu", "error"), Some(1.0));
    assert_eq!(payments("card", "us", "ok"), Some(1.0));
    assert_eq!(payments("wallet", "us", "ok"), Some(0.0), "every combination exists");
    assert_eq!(payments("wallet", "us", "cancelled"), Some(0.0), "a dedicated counter renders every result");
    assert_eq!(
        sample("test_payment_duration_seconds_bucket", &[("method", "bank_transfer"), ("le", "+Inf")]),
        Some(2.0)
    );
    assert_eq!(
        sample("test_payment_duration_seconds_bucket", &[("method", "card"), ("le", "0.001")]),
        Some(1.0)
    );
    assert_eq!(
        sample("test_payment_duration_seconds_bucket", &[("method", "wallet"), ("le", "1")]),
        Some(0.0)
    );
    assert_eq!(sample("test_payments_in_flight", &[("region", "eu")]), Some(0.0));
    let text = scrape();
    assert!(text.contains("# HELP test_payments_in_flight Payments being charged, by region.\n"));
    assert!(text.contains("# HELP test_payments_total Calls of `pay`, by method, region and result.\n"));
    assert!(text.contains("# TYPE test_payment_duration_seconds histogram\n"));
    assert_eq!(calls("pay", "ok"), None, "a dedicated metric replaces the shared family");
}

/// Refund latency, by payment method.
#[metric(buckets = [0.1, 1.0])]
static TEST_REFUND_DURATION_SECONDS: Histogram<PaymentMethod>;

/// Refunds, by payment method and result.
#[metric]
static TEST_REFUNDS_TOTAL: Counter<(PaymentMethod, CallResult)>;

/// Refunds in progress.
#[metric]
static TEST_REFUNDS_IN_PROGRESS: Gauge;

#[timed(metric = TEST_REFUND_DURATION_SECONDS, labels(method = method))]
#[counted(metric = TEST_REFUNDS_TOTAL, labels(method = method))]
#[in_flight(metric = TEST_REFUNDS_IN_PROGRESS)]
fn refund(method: &PaymentMethod, cents: u64) -> Result<u64, String> {
    assert_eq!(TEST_REFUNDS_IN_PROGRESS.get(), 1.0);
    if cents > 1000 {
        return Err("needs approval".into());
    }
    Ok(cents)
}

#[test]
fn metric_records_into_a_declared_static() {
    assert_eq!(refund(&PaymentMethod::Wallet, 10), Ok(10));
    assert!(refund(&PaymentMethod::Wallet, 5000).is_err());
    assert_eq!(TEST_REFUND_DURATION_SECONDS.labels(PaymentMethod::Wallet).count(), 2);
    assert_eq!(TEST_REFUND_DURATION_SECONDS.labels(PaymentMethod::Card).count(), 0);
    assert_eq!(TEST_REFUNDS_TOTAL.labels((PaymentMethod::Wallet, CallResult::Ok)).get(), 1);
    assert_eq!(TEST_REFUNDS_TOTAL.labels((PaymentMethod::Wallet, CallResult::Error)).get(), 1);
    assert_eq!(TEST_REFUNDS_IN_PROGRESS.get(), 0.0);
    assert_eq!(sample("test_refunds_total", &[("method", "wallet"), ("result", "error")]), Some(1.0));
}
