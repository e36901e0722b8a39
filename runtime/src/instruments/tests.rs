//! Behaviour of the instruments at their edges: rejected values, overflow, guards.

use crate::rejections::{Counting, Rejection};
use crate::{metric, Counter, FloatCounter, Gauge, Histogram, LabelValue, Summary};

#[derive(LabelValue, Debug, PartialEq)]
enum Shelf {
    Top,
    Bottom,
}

/// Counter under test.
#[metric]
static SHELF_PICKS_TOTAL: Counter<Shelf>;
/// Float counter under test.
#[metric]
static SHELF_ENERGY_JOULES_TOTAL: FloatCounter;
/// Gauge under test.
#[metric]
static SHELF_TEMPERATURE_CELSIUS: Gauge;
/// Histogram under test.
#[metric(buckets = [1.0, 2.0])]
static SHELF_RESTOCK_DURATION_SECONDS: Histogram<Shelf>;
/// Histogram whose buckets admit negative values.
#[metric(buckets = [-1.0, 1.0])]
static SHELF_TEMPERATURE_DELTA_CELSIUS: Histogram;
/// Summary under test.
#[metric]
static SHELF_LABEL_PRINT_BYTES: Summary;

#[test]
fn labelled_counter_series_are_independent() {
    SHELF_PICKS_TOTAL.labels(Shelf::Top).inc_by(3);
    SHELF_PICKS_TOTAL.labels(Shelf::Bottom).inc();
    assert_eq!(SHELF_PICKS_TOTAL.labels(Shelf::Top).get(), 3);
    assert_eq!(SHELF_PICKS_TOTAL.labels(Shelf::Bottom).get(), 1);
}

#[test]
fn float_counter_rejects_negative_nan_and_infinite_increments() {
    let rejections = Counting::start();
    let before = rejections.count(Rejection::InvalidCounterIncrement);
    SHELF_ENERGY_JOULES_TOTAL.inc_by(0.5);
    for bad in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        SHELF_ENERGY_JOULES_TOTAL.inc_by(bad);
    }
    assert_eq!(SHELF_ENERGY_JOULES_TOTAL.get(), 0.5);
    assert_eq!(rejections.count(Rejection::InvalidCounterIncrement) - before, 4);
}

#[test]
fn gauge_rejects_nan_deltas_but_accepts_nan_set() {
    let rejections = Counting::start();
    let before = rejections.count(Rejection::NanGaugeDelta);
    SHELF_TEMPERATURE_CELSIUS.set(2.0);
    SHELF_TEMPERATURE_CELSIUS.add(f64::NAN);
    SHELF_TEMPERATURE_CELSIUS.sub(f64::NAN);
    assert_eq!(SHELF_TEMPERATURE_CELSIUS.get(), 2.0);
    assert_eq!(rejections.count(Rejection::NanGaugeDelta) - before, 2);
    SHELF_TEMPERATURE_CELSIUS.set(f64::NAN);
    assert!(SHELF_TEMPERATURE_CELSIUS.get().is_nan());
    SHELF_TEMPERATURE_CELSIUS.set(0.0);
}

#[test]
fn histogram_buckets_are_cumulative_and_inf_equals_count() {
    let series = SHELF_RESTOCK_DURATION_SECONDS.labels(Shelf::Top);
    for value in [0.0, 0.5, 1.0, 1.5, 3.0, f64::INFINITY] {
        series.observe(value);
    }
    // le=1 holds 0, 0.5 and 1.0 (bounds are inclusive); le=2 adds 1.5; +Inf adds 3 and +Inf.
    assert_eq!(series.bucket_counts(), [3, 4, 6]);
    assert_eq!(series.count(), 6);
    assert_eq!(series.sum(), f64::INFINITY);
    assert_eq!(SHELF_RESTOCK_DURATION_SECONDS.labels(Shelf::Bottom).count(), 0);
}

#[test]
fn nan_observations_are_rejected_and_counted() {
    let rejections = Counting::start();
    let before = rejections.count(Rejection::NanObservation);
    let series = SHELF_RESTOCK_DURATION_SECONDS.labels(Shelf::Bottom);
    let count_before = series.count();
    series.observe(f64::NAN);
    SHELF_LABEL_PRINT_BYTES.observe(f64::NAN);
    assert_eq!(series.count(), count_before);
    assert_eq!(SHELF_LABEL_PRINT_BYTES.count(), 0);
    assert_eq!(rejections.count(Rejection::NanObservation) - before, 2);
}

#[test]
fn negative_observations_are_rejected_unless_buckets_go_negative() {
    let rejections = Counting::start();
    let before = rejections.count(Rejection::NegativeObservation);
    SHELF_LABEL_PRINT_BYTES.observe(-1.0);
    SHELF_TEMPERATURE_DELTA_CELSIUS.observe(-0.5);
    SHELF_TEMPERATURE_DELTA_CELSIUS.observe(f64::NEG_INFINITY);
    assert_eq!(rejections.count(Rejection::NegativeObservation) - before, 1);
    assert_eq!(SHELF_LABEL_PRINT_BYTES.count(), 0);
    // -Inf lands in le="-1", -0.5 in le="1".
    assert_eq!(SHELF_TEMPERATURE_DELTA_CELSIUS.bucket_counts(), [1, 2, 2]);
}

#[test]
fn in_progress_guard_decrements_when_unwinding() {
    let gauge = crate::Gauge::<()>::__new({
        static CELLS: [core::sync::atomic::AtomicU64; 1] = [core::sync::atomic::AtomicU64::new(0)];
        &CELLS
    });
    let result = std::panic::catch_unwind(|| {
        let _guard = gauge.track_inprogress();
        assert_eq!(gauge.get(), 1.0);
        panic!("request failed");
    });
    assert!(result.is_err());
    assert_eq!(gauge.get(), 0.0);
}

/// Histogram of the timer test (its own static: `histogram_buckets_are_cumulative_and_inf_equals_count`
/// asserts exact counts on `SHELF_RESTOCK_DURATION_SECONDS`, and parallel tests raced there).
#[metric(buckets = [1.0, 2.0])]
static SHELF_TIMED_RESTOCK_DURATION_SECONDS: Histogram<Shelf>;

#[test]
fn timer_can_be_discarded_or_observed_explicitly() {
    let series = SHELF_TIMED_RESTOCK_DURATION_SECONDS.labels(Shelf::Top);
    series.start_timer().discard();
    assert_eq!(series.count(), 0);
    let elapsed = series.start_timer().observe_now().as_secs_f64();
    // What was observed is what was returned, in the bucket it belongs to (however long
    // the call took on a busy machine).
    assert_eq!(series.count(), 1);
    assert_eq!(series.sum(), elapsed);
    let le_1 = u64::from(elapsed <= 1.0);
    let le_2 = u64::from(elapsed <= 2.0);
    assert_eq!(series.bucket_counts(), [le_1, le_2, 1]);
}

/// Counter recorded into by more threads than there are owned shards.
#[metric]
static SHARD_OVERFLOW_PICKS_TOTAL: Counter<Shelf>;
/// Float counter recorded into by more threads than there are owned shards.
#[metric]
static SHARD_OVERFLOW_ENERGY_JOULES_TOTAL: FloatCounter;
/// Histogram recorded into by more threads than there are owned shards.
#[metric(buckets = [1.0, 2.0])]
static SHARD_OVERFLOW_DURATION_SECONDS: Histogram<Shelf>;
/// Summary recorded into by more threads than there are owned shards.
#[metric]
static SHARD_OVERFLOW_BYTES: Summary;

/// Three waves of threads, each wave more than the owned shards, so threads record
/// into owned shards, into the shared shard, and into shards given back by exited
/// threads: every update is still counted exactly once.
#[test]
fn sharded_instruments_sum_exactly_across_owned_shared_and_reused_shards() {
    use crate::storage::shard::OWNED_SHARDS;
    const WAVES: usize = 3;
    const THREADS: usize = OWNED_SHARDS + 8;
    const CALLS: u64 = 2_000;
    for _ in 0..WAVES {
        let threads: Vec<_> = (0..THREADS)
            .map(|thread| {
                std::thread::spawn(move || {
                    let shelf = if thread % 2 == 0 { Shelf::Top } else { Shelf::Bottom };
                    let durations = SHARD_OVERFLOW_DURATION_SECONDS.labels(shelf);
                    for call in 0..CALLS {
                        SHARD_OVERFLOW_PICKS_TOTAL.labels(Shelf::Top).inc();
                        SHARD_OVERFLOW_ENERGY_JOULES_TOTAL.inc_by(0.5);
                        durations.observe((call % 3) as f64);
                        SHARD_OVERFLOW_BYTES.observe(2.0);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    }
    let calls = (WAVES * THREADS) as u64 * CALLS;
    assert_eq!(SHARD_OVERFLOW_PICKS_TOTAL.labels(Shelf::Top).get(), calls);
    assert_eq!(SHARD_OVERFLOW_PICKS_TOTAL.labels(Shelf::Bottom).get(), 0);
    assert_eq!(SHARD_OVERFLOW_ENERGY_JOULES_TOTAL.get(), calls as f64 * 0.5);
    // Each thread observes 0, 1, 2, 0, 1, …: `le="1"` gets the 0s and 1s.
    let per_thread_le_1 = (0..CALLS).filter(|call| call % 3 < 2).count() as u64;
    let per_thread_sum = (0..CALLS).map(|call| (call % 3) as f64).sum::<f64>();
    let threads_per_shelf = (WAVES * THREADS / 2) as u64;
    for shelf in [Shelf::Top, Shelf::Bottom] {
        let series = SHARD_OVERFLOW_DURATION_SECONDS.labels(shelf);
        let per_shelf = threads_per_shelf * CALLS;
        assert_eq!(series.bucket_counts(), [threads_per_shelf * per_thread_le_1, per_shelf, per_shelf]);
        assert_eq!(series.count(), per_shelf);
        assert_eq!(series.sum(), threads_per_shelf as f64 * per_thread_sum);
    }
    assert_eq!(SHARD_OVERFLOW_BYTES.count(), calls);
    assert_eq!(SHARD_OVERFLOW_BYTES.sum(), calls as f64 * 2.0);
}

#[test]
fn the_series_formula_counts_the_samples_a_scrape_shows() {
    use crate::family::MetricType;
    use crate::instruments::series_per_label_set;
    let mut out = Vec::new();
    crate::render(crate::Format::Prometheus, &mut out);
    let text = String::from_utf8(out).expect("UTF-8");
    // Sample lines of `family`: named it, or it with a histogram's or summary's suffix.
    let samples = |family: &str| {
        text.lines()
            .filter_map(|line| line.split(['{', ' ']).next())
            .filter(|name| {
                let suffix = name.strip_prefix(family);
                suffix.is_some_and(|suffix| ["", "_bucket", "_count", "_sum"].contains(&suffix))
            })
            .count()
    };
    // Two shelves × (2 buckets, `+Inf`, `_count`, `_sum`).
    assert_eq!(series_per_label_set(MetricType::Histogram, 2, 0) * 2, 10);
    assert_eq!(samples("shelf_restock_duration_seconds"), 10);
    assert_eq!(samples("shelf_label_print_bytes"), series_per_label_set(MetricType::Summary, 0, 0));
    assert_eq!(samples("shelf_picks_total"), 2 * series_per_label_set(MetricType::Counter, 0, 0));
    assert_eq!(samples("shelf_temperature_celsius"), series_per_label_set(MetricType::Gauge, 0, 0));
}
