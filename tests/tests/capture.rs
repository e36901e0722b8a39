//! `metricsmith::testing::Capture` under the condition it exists for: every test of this
//! binary records into the SAME statics at the same time, and each asserts exact values
//! through its capture. `.ci/run` runs this target repeatedly with `--test-threads=16`
//! (there are more than 16 tests) while the machine is busy; so that a test proves its
//! isolation even when it runs alone, each also starts [`Noise`]: threads that record into
//! every static, outside any capture, for as long as the test runs.
//!
//! What a test asserts is a function of its own number (`seed`), so a value leaking from
//! one test into another's capture shows as a wrong number, not as the same one.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;
use std::thread::JoinHandle;

use metricsmith::testing::{check_scrape, function, Capture};
use metricsmith::{
    counted, in_flight, metric, timed, CallResult, Counter, FloatCounter, Format, Gauge, Histogram, LabelSet,
    LabelValue, RuntimeLabel, RuntimeValue, StateSet, Summary,
};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Placed,
    Declined,
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
enum Door {
    Closed,
    Open,
}

#[derive(LabelValue, Clone, Copy)]
#[label(name = "warehouse", capacity = 4)]
struct Warehouse(RuntimeValue);

#[derive(LabelSet, Clone, Copy)]
struct Shipment {
    warehouse: Warehouse,
    outcome: Outcome,
}

/// Orders, by outcome.
#[metric]
static CAPTURE_ORDERS_TOTAL: Counter<Outcome>;

/// Revenue in euros.
#[metric]
static CAPTURE_REVENUE_EUROS_TOTAL: FloatCounter;

/// Orders waiting to be packed.
#[metric]
static CAPTURE_QUEUE_DEPTH: Gauge;

/// Time to pack an order.
#[metric(buckets = [0.1, 1.0, 10.0])]
static CAPTURE_PACKING_DURATION_SECONDS: Histogram;

/// Parcel weights.
#[metric]
static CAPTURE_PARCEL_WEIGHT_GRAMS: Summary;

/// The loading bay door.
#[metric]
static CAPTURE_LOADING_BAY_DOOR: StateSet<Door>;

/// Shipments, by warehouse (known at run time) and outcome.
#[metric(max_series = 10)]
static CAPTURE_SHIPMENTS_TOTAL: Counter<Shipment>;

/// Places an order: counted, timed and in flight in the shared `function_calls_*` families.
#[counted]
#[timed]
#[in_flight]
fn place_order(amount: u32) -> Result<u32, String> {
    if amount == 0 {
        return Err("empty order".into());
    }
    CAPTURE_ORDERS_TOTAL.labels(Outcome::Placed).inc();
    CAPTURE_REVENUE_EUROS_TOTAL.inc_by(f64::from(amount) * 0.5);
    Ok(amount)
}

/// An async handler, counted like a sync one.
#[counted]
async fn ship_order(warehouse: &str) {
    let labels = Shipment { warehouse: Warehouse::get(warehouse), outcome: Outcome::Placed };
    CAPTURE_SHIPMENTS_TOTAL.labels(labels).inc();
}

/// Threads that record into every static, outside any capture, until dropped: what the
/// other tests of the binary do, made certain.
struct Noise {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Noise {
    fn start() -> Noise {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..2)
            .map(|_| {
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || {
                    // At least one round, however soon the test ends.
                    loop {
                        record_everything();
                        if stop.load(Relaxed) {
                            break;
                        }
                        std::thread::yield_now();
                    }
                })
            })
            .collect();
        Noise { stop, threads }
    }
}

impl Drop for Noise {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        for thread in self.threads.drain(..) {
            // A noise thread that panicked is a failure of the test that started it.
            thread.join().expect("a noise thread panicked");
        }
    }
}

/// One of every recording, into every static.
fn record_everything() {
    CAPTURE_ORDERS_TOTAL.labels(Outcome::Placed).inc();
    CAPTURE_ORDERS_TOTAL.labels(Outcome::Declined).inc_with_exemplar(&[("trace_id", "noise")]);
    CAPTURE_REVENUE_EUROS_TOTAL.inc_by(1000.0);
    CAPTURE_QUEUE_DEPTH.set(1e6);
    CAPTURE_QUEUE_DEPTH.inc();
    CAPTURE_PACKING_DURATION_SECONDS.observe_with_exemplar(0.05, &[("trace_id", "noise")]);
    CAPTURE_PARCEL_WEIGHT_GRAMS.observe(1e5);
    CAPTURE_LOADING_BAY_DOOR.set(Door::Closed);
    let _ = place_order(7);
    let _ = place_order(0);
    let labels = Shipment { warehouse: Warehouse::get("noise-hall"), outcome: Outcome::Declined };
    CAPTURE_SHIPMENTS_TOTAL.labels(labels).inc();
}

/// Rounds per test: each a fresh capture, so a test interleaves with the others many times.
const ROUNDS: u64 = 200;

/// The body of the counter tests: `seed` orders placed and `seed + 1` declined per round,
/// some on the test's thread, some on threads entered by `spawn`, `bind` and `enter`.
fn counts_exactly(seed: u64) {
    let _noise = Noise::start();
    for _ in 0..ROUNDS {
        let capture = Capture::new();
        CAPTURE_ORDERS_TOTAL.labels(Outcome::Placed).inc_by(100); // before: not captured
        capture.run(|| CAPTURE_ORDERS_TOTAL.labels(Outcome::Placed).inc_by(seed));
        let spawned = capture.spawn(move || CAPTURE_ORDERS_TOTAL.labels(Outcome::Declined).inc_by(seed));
        std::thread::scope(|scope| {
            scope.spawn(capture.bind(|| CAPTURE_ORDERS_TOTAL.labels(Outcome::Declined).inc()));
            // Spawned inside the scope, not entered: not captured.
            scope.spawn(|| CAPTURE_ORDERS_TOTAL.labels(Outcome::Declined).inc_by(1000));
        });
        spawned.join().unwrap();
        assert_eq!(capture.counter(&CAPTURE_ORDERS_TOTAL).labels(Outcome::Placed).get(), seed);
        assert_eq!(capture.counter(&CAPTURE_ORDERS_TOTAL).labels(Outcome::Declined).get(), seed + 1);
        assert_eq!(capture.counter(&CAPTURE_ORDERS_TOTAL).labels(Outcome::Declined).exemplar(), None);
    }
    assert!(
        CAPTURE_ORDERS_TOTAL.labels(Outcome::Placed).get() >= ROUNDS * (100 + seed),
        "the static recorded all"
    );
}

macro_rules! counter_tests {
    ($($name:ident = $seed:expr;)*) => {
        $( #[test] fn $name() { counts_exactly($seed); } )*
    };
}

counter_tests! {
    counter_counts_exactly_1 = 1;
    counter_counts_exactly_2 = 2;
    counter_counts_exactly_3 = 3;
    counter_counts_exactly_5 = 5;
    counter_counts_exactly_8 = 8;
    counter_counts_exactly_13 = 13;
}

#[test]
fn float_counter_and_gauge_read_what_this_code_did() {
    let _noise = Noise::start();
    for round in 0..ROUNDS {
        let capture = Capture::new();
        let _entered = capture.enter();
        CAPTURE_REVENUE_EUROS_TOTAL.inc_by(2.5);
        CAPTURE_REVENUE_EUROS_TOTAL.inc_by(0.25);
        CAPTURE_QUEUE_DEPTH.inc();
        CAPTURE_QUEUE_DEPTH.inc();
        CAPTURE_QUEUE_DEPTH.dec();
        assert_eq!(capture.float_counter(&CAPTURE_REVENUE_EUROS_TOTAL).get(), 2.75);
        assert_eq!(capture.gauge(&CAPTURE_QUEUE_DEPTH).get(), 1.0, "moves from 0 as this code moved it");
        CAPTURE_QUEUE_DEPTH.set(round as f64);
        CAPTURE_QUEUE_DEPTH.add(0.5);
        assert_eq!(capture.gauge(&CAPTURE_QUEUE_DEPTH).get(), round as f64 + 0.5, "from the last set on");
    }
}

#[test]
fn histogram_buckets_sum_and_exemplars_are_this_tests() {
    let _noise = Noise::start();
    for _ in 0..ROUNDS {
        let capture = Capture::new();
        capture.run(|| {
            CAPTURE_PACKING_DURATION_SECONDS.observe(0.5);
            CAPTURE_PACKING_DURATION_SECONDS.observe(5.0);
            CAPTURE_PACKING_DURATION_SECONDS.observe_with_exemplar(50.0, &[("trace_id", "mine")]);
        });
        let packing = capture.histogram(&CAPTURE_PACKING_DURATION_SECONDS);
        assert_eq!(packing.count(), 3);
        assert_eq!(packing.sum(), 55.5);
        assert_eq!(packing.bucket_counts(), [0, 1, 2, 3]);
        let exemplar = packing.exemplar(3).expect("the +Inf bucket's exemplar");
        assert_eq!(
            (exemplar.labels, exemplar.value),
            (vec![("trace_id".to_owned(), "mine".to_owned())], 50.0)
        );
        assert_eq!(packing.exemplar(0), None, "the noise's exemplar is in bucket 0, not in this capture");
    }
}

#[test]
fn summary_counts_and_sums_what_this_test_observed() {
    let _noise = Noise::start();
    for _ in 0..ROUNDS {
        let capture = Capture::new();
        capture.run(|| {
            [120.0, 80.0, 1.5].into_iter().for_each(|grams| CAPTURE_PARCEL_WEIGHT_GRAMS.observe(grams))
        });
        assert_eq!(capture.summary(&CAPTURE_PARCEL_WEIGHT_GRAMS).count(), 3);
        assert_eq!(capture.summary(&CAPTURE_PARCEL_WEIGHT_GRAMS).sum(), 201.5);
    }
}

#[test]
fn state_set_shows_the_state_this_test_set() {
    let _noise = Noise::start();
    for _ in 0..ROUNDS {
        let capture = Capture::new();
        assert_eq!(capture.state_set(&CAPTURE_LOADING_BAY_DOOR), None);
        capture.run(|| {
            CAPTURE_LOADING_BAY_DOOR.set(Door::Closed);
            CAPTURE_LOADING_BAY_DOOR.set(Door::Open);
        });
        assert_eq!(capture.state_set(&CAPTURE_LOADING_BAY_DOOR), Some(Door::Open));
    }
}

#[test]
fn counter_exemplar_is_the_latest_this_test_attached() {
    let _noise = Noise::start();
    for round in 0..ROUNDS {
        let capture = Capture::new();
        let trace = format!("trace-{round}");
        capture.run(|| {
            CAPTURE_ORDERS_TOTAL.labels(Outcome::Declined).inc_with_exemplar(&[("trace_id", "first")]);
            CAPTURE_ORDERS_TOTAL.labels(Outcome::Declined).inc_by_with_exemplar(2, &[("trace_id", &trace)]);
        });
        let declined = capture.counter(&CAPTURE_ORDERS_TOTAL).labels(Outcome::Declined);
        assert_eq!(declined.get(), 3);
        let exemplar = declined.exemplar().expect("an exemplar");
        assert_eq!((exemplar.labels, exemplar.value), (vec![("trace_id".to_owned(), trace)], 2.0));
    }
}

#[test]
fn function_calls_results_durations_and_in_flight_of_one_function() {
    let _noise = Noise::start();
    for _ in 0..ROUNDS {
        let capture = Capture::new();
        capture.run(|| {
            place_order(4).unwrap();
            place_order(6).unwrap();
            place_order(0).unwrap_err();
        });
        let calls = capture.function(place_order);
        assert_eq!(calls.calls(CallResult::Ok), 2);
        assert_eq!(calls.calls(CallResult::Error), 1);
        assert_eq!(calls.calls(CallResult::Cancelled), 0);
        assert_eq!(calls.total_calls(), 3);
        assert_eq!(calls.durations().count, 3);
        assert_eq!(calls.durations().bucket_counts.last(), Some(&3));
        assert_eq!(calls.in_flight(), 0.0);
        // What the body recorded, in the same capture.
        assert_eq!(capture.counter(&CAPTURE_ORDERS_TOTAL).labels(Outcome::Placed).get(), 2);
        assert_eq!(capture.float_counter(&CAPTURE_REVENUE_EUROS_TOTAL).get(), 5.0);
        // By labels: the same series.
        assert_eq!(capture.function_named(module_path!(), "place_order").total_calls(), 3);
    }
    assert!(function(place_order).total_calls() >= 3 * ROUNDS, "live: every call anywhere");
}

#[test]
fn in_flight_counts_the_calls_this_test_has_open() {
    let _noise = Noise::start();
    let capture = Capture::new();
    let (entered, release) = (Arc::new(std::sync::Barrier::new(2)), Arc::new(std::sync::Barrier::new(2)));
    /// Waits inside the call, so a test can look at it in flight.
    #[in_flight]
    fn hold(entered: &std::sync::Barrier, release: &std::sync::Barrier) {
        entered.wait();
        release.wait();
    }
    let (in_call, to_release) = (Arc::clone(&entered), Arc::clone(&release));
    let held = capture.spawn(move || hold(&in_call, &to_release));
    entered.wait();
    assert_eq!(capture.function(hold).in_flight(), 1.0);
    release.wait();
    held.join().unwrap();
    assert_eq!(capture.function(hold).in_flight(), 0.0);
}

#[test]
fn async_tasks_on_a_multi_threaded_runtime_are_captured_when_wrapped() {
    let _noise = Noise::start();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    for _ in 0..ROUNDS {
        let capture = Capture::new();
        let tasks: Vec<_> = (0..4).map(|_| runtime.spawn(capture.wrap(ship_order("north")))).collect();
        // Not wrapped: runs on a worker that did not enter the capture.
        let unwrapped = runtime.spawn(ship_order("north"));
        runtime.block_on(async {
            for task in tasks {
                task.await.unwrap();
            }
            unwrapped.await.unwrap();
        });
        let north = Shipment { warehouse: Warehouse::get("north"), outcome: Outcome::Placed };
        assert_eq!(capture.counter(&CAPTURE_SHIPMENTS_TOTAL).labels(north).get(), 4);
        assert_eq!(capture.function(ship_order).calls(CallResult::Ok), 4);
    }
}

/// Waits forever: a call that only ends by being dropped.
#[counted]
async fn wait_for_stock() {
    std::future::pending::<()>().await;
}

#[test]
fn a_future_dropped_unfinished_is_cancelled_in_the_capture() {
    let _noise = Noise::start();
    for _ in 0..ROUNDS {
        let capture = Capture::new();
        let mut waiting = Box::pin(capture.wrap(wait_for_stock()));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(waiting.as_mut().poll(&mut context).is_pending());
        drop(waiting);
        // Started and dropped elsewhere, uncaptured.
        let mut elsewhere = Box::pin(wait_for_stock());
        assert!(elsewhere.as_mut().poll(&mut context).is_pending());
        drop(elsewhere);
        assert_eq!(capture.function(wait_for_stock).calls(CallResult::Cancelled), 1);
        assert_eq!(capture.function(wait_for_stock).total_calls(), 1);
    }
}

#[test]
fn nested_captures_record_into_the_innermost() {
    let _noise = Noise::start();
    for _ in 0..ROUNDS {
        let (outer, inner) = (Capture::new(), Capture::new());
        outer.run(|| {
            CAPTURE_ORDERS_TOTAL.labels(Outcome::Placed).inc();
            inner.run(|| CAPTURE_ORDERS_TOTAL.labels(Outcome::Placed).inc_by(10));
            CAPTURE_ORDERS_TOTAL.labels(Outcome::Placed).inc();
        });
        assert_eq!(outer.counter(&CAPTURE_ORDERS_TOTAL).labels(Outcome::Placed).get(), 2);
        assert_eq!(inner.counter(&CAPTURE_ORDERS_TOTAL).labels(Outcome::Placed).get(), 10);
    }
}

#[test]
fn render_shows_only_what_this_test_recorded() {
    let _noise = Noise::start();
    for _ in 0..ROUNDS {
        let capture = Capture::new();
        capture.run(|| {
            CAPTURE_ORDERS_TOTAL.labels(Outcome::Declined).inc_by(2);
            CAPTURE_PACKING_DURATION_SECONDS.observe(0.5);
        });
        assert_eq!(
            capture.render(),
            "# HELP capture_orders_total Orders, by outcome.\n\
             # TYPE capture_orders_total counter\n\
             capture_orders_total{outcome=\"declined\"} 2\n\
             # HELP capture_packing_duration_seconds Time to pack an order.\n\
             # TYPE capture_packing_duration_seconds histogram\n\
             capture_packing_duration_seconds_bucket{le=\"0.1\"} 0\n\
             capture_packing_duration_seconds_bucket{le=\"1\"} 1\n\
             capture_packing_duration_seconds_bucket{le=\"10\"} 1\n\
             capture_packing_duration_seconds_bucket{le=\"+Inf\"} 1\n\
             capture_packing_duration_seconds_count 1\n\
             capture_packing_duration_seconds_sum 0.5\n"
        );
        assert_eq!(
            capture.render_family(&CAPTURE_ORDERS_TOTAL),
            "# HELP capture_orders_total Orders, by outcome.\n\
             # TYPE capture_orders_total counter\n\
             capture_orders_total{outcome=\"placed\"} 0\n\
             capture_orders_total{outcome=\"declined\"} 2\n"
        );
        insta::assert_snapshot!("capture_render", capture.render());
    }
}

#[test]
fn the_whole_scrape_is_valid_while_every_test_records() {
    let _noise = Noise::start();
    for _ in 0..ROUNDS / 4 {
        for format in [Format::Prometheus, Format::OpenMetrics] {
            let mut scrape = Vec::new();
            metricsmith::render(format, &mut scrape);
            let families =
                check_scrape(format, &scrape).unwrap_or_else(|error| panic!("{format:?}: {error}"));
            assert!(families
                .iter()
                .any(|family| family.name == "capture_orders_total" || family.name == "capture_orders"));
        }
    }
    let error = check_scrape(Format::OpenMetrics, "# HELP a A.\n# TYPE a counter\na_total 1\n").unwrap_err();
    assert!(error.to_string().contains("EOF"), "{error}");
}
