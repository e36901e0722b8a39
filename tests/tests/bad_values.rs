//! Bad values through the public API: NaN and infinite observations, negative, NaN or
//! infinite float-counter increments, NaN gauge deltas, integer counter overflow, and a
//! hand-written `LabelSet` whose index is out of range. Each has the behaviour its
//! documentation states, never panics (these tests run with overflow checks on, which
//! release builds do not even have), and every rejected value shows in the scrape as
//! `metricsmith_rejected_values_total{kind}`.
//!
//! The rejection counter is process-wide, so everything that is rejected happens in one
//! test, which checks the exact increase of every kind.

use std::collections::BTreeMap;
use std::time::Duration;

use metricsmith::{metric, Counter, FloatCounter, Format, Gauge, Histogram, LabelSet, LabelValue, Summary};
use metricsmith_tests::reader;
use metricsmith_tests::render_text;

/// Every sample of `name` in a strictly read scrape, by its labels.
fn scraped(name: &str) -> BTreeMap<Vec<(String, String)>, f64> {
    let text = render_text(Format::Prometheus);
    let families = reader::read(Format::Prometheus, &text).unwrap_or_else(|error| panic!("{error}"));
    let samples = families.into_iter().flat_map(|family| family.samples);
    samples.filter(|sample| sample.name == name).map(|sample| (sample.labels, sample.value)).collect()
}

/// `metricsmith_rejected_values_total` by `kind`.
fn rejected() -> BTreeMap<String, f64> {
    scraped("metricsmith_rejected_values_total")
        .into_iter()
        .map(|(labels, value)| (labels[0].1.clone(), value))
        .collect()
}

/// The increase of each kind since `before` (kinds that did not move are left out).
fn rejected_since(before: &BTreeMap<String, f64>) -> BTreeMap<String, f64> {
    let now = rejected();
    assert_eq!(now.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>(), "the kinds are fixed");
    now.into_iter()
        .map(|(kind, value)| {
            let increase = value - before[&kind];
            (kind, increase)
        })
        .filter(|(_, increase)| *increase != 0.0)
        .collect()
}

fn kinds(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
    pairs.iter().map(|(kind, count)| (kind.to_string(), *count)).collect()
}

/// A label set written by hand that reports an index past its cardinality: the kind of
/// bug the derives rule out, which must still cost nothing but the value.
struct Broken;

impl LabelSet for Broken {
    const COMBINATIONS: usize = 2;
    const LABEL_NAMES: &'static [&'static str] = &["broken"];
    fn combination_index(&self) -> usize {
        7
    }
    fn from_combination_index(_: usize) -> Option<Self> {
        None
    }
    fn label_values(index: usize, out: &mut Vec<&'static str>) {
        out.extend(["a", "b"].get(index));
    }
}

/// Observations of a quantity that cannot be negative.
#[metric(buckets = [1.0, 2.0])]
static BAD_VALUE_LATENCY_SECONDS: Histogram;
/// Observations of a quantity that can be negative.
#[metric(buckets = [-1.0, 1.0])]
static BAD_VALUE_DRIFT_CELSIUS: Histogram;
/// Sizes.
#[metric]
static BAD_VALUE_PAYLOAD_BYTES: Summary;
/// Work done.
#[metric]
static BAD_VALUE_WORK_SECONDS_TOTAL: FloatCounter;
/// A level.
#[metric]
static BAD_VALUE_LEVEL: Gauge;
/// Counted with a broken label set.
#[metric]
static BAD_VALUE_BROKEN_TOTAL: Counter<Broken>;
/// Floats with a broken label set.
#[metric]
static BAD_VALUE_BROKEN_WORK_SECONDS_TOTAL: FloatCounter<Broken>;
/// A level with a broken label set.
#[metric]
static BAD_VALUE_BROKEN_LEVEL: Gauge<Broken>;
/// Observations with a broken label set.
#[metric(buckets = [1.0])]
static BAD_VALUE_BROKEN_LATENCY_SECONDS: Histogram<Broken>;
/// Sizes with a broken label set.
#[metric]
static BAD_VALUE_BROKEN_PAYLOAD_BYTES: Summary<Broken>;

#[test]
fn bad_values_are_rejected_counted_and_never_panic() {
    let start = rejected();
    assert!(start.values().all(|count| *count == 0.0), "this binary rejects nothing elsewhere: {start:?}");

    // Histogram without negative buckets: NaN and anything below zero (even -Inf and the
    // smallest subnormal) are rejected; -0, +Inf and huge values are recorded.
    let before = rejected();
    let histogram = &BAD_VALUE_LATENCY_SECONDS;
    histogram.observe(0.5);
    for bad in [f64::NAN, -f64::NAN, -1.0, f64::NEG_INFINITY, -5e-324, f64::MIN] {
        histogram.observe(bad);
    }
    assert_eq!(histogram.bucket_counts(), [1, 1, 1]);
    assert_eq!(histogram.sum(), 0.5);
    assert_eq!(rejected_since(&before), kinds(&[("nan_observation", 2.0), ("negative_observation", 4.0)]));
    histogram.observe(-0.0);
    histogram.observe(f64::MAX);
    histogram.observe_duration(Duration::MAX);
    histogram.observe(f64::INFINITY);
    // -0 counts in le="1"; MAX, Duration::MAX (~1.8e19 s) and +Inf in +Inf.
    assert_eq!(histogram.bucket_counts(), [2, 2, 5]);
    assert_eq!(histogram.count(), 5);
    assert_eq!(histogram.sum(), f64::INFINITY);

    // Negative buckets accept any value but NaN, -Inf included.
    let before = rejected();
    let drift = &BAD_VALUE_DRIFT_CELSIUS;
    for value in [f64::NEG_INFINITY, -2.0, -0.5, f64::NAN, 3.0] {
        drift.observe(value);
    }
    assert_eq!(drift.bucket_counts(), [2, 3, 4]);
    assert_eq!(rejected_since(&before), kinds(&[("nan_observation", 1.0)]));

    // Summary: like a histogram without negative buckets.
    let before = rejected();
    let summary = &BAD_VALUE_PAYLOAD_BYTES;
    for value in [2.0, f64::NAN, -2.0, f64::NEG_INFINITY] {
        summary.observe(value);
    }
    assert_eq!((summary.count(), summary.sum()), (1, 2.0));
    summary.observe(f64::INFINITY);
    assert_eq!((summary.count(), summary.sum()), (2, f64::INFINITY));
    assert_eq!(rejected_since(&before), kinds(&[("nan_observation", 1.0), ("negative_observation", 2.0)]));

    // FloatCounter: negative, NaN and infinite increments are rejected; the total never
    // goes down, and an overflowing total stops at +Inf rather than turning NaN.
    let before = rejected();
    let work = &BAD_VALUE_WORK_SECONDS_TOTAL;
    work.inc_by(1.5);
    for bad in [-1.0, -5e-324, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MIN] {
        work.inc_by(bad);
    }
    work.inc_by(-0.0);
    assert_eq!(work.get(), 1.5);
    assert_eq!(rejected_since(&before), kinds(&[("invalid_counter_increment", 6.0)]));
    let mut last = work.get();
    for _ in 0..3 {
        work.inc_by(f64::MAX);
        let now = work.get();
        assert!(now >= last, "a counter went from {last} to {now}");
        last = now;
    }
    assert_eq!(work.get(), f64::INFINITY);
    work.inc();
    assert_eq!(work.get(), f64::INFINITY);

    // Gauge: a NaN delta is rejected; NaN set on purpose is kept and scraped as NaN.
    let before = rejected();
    let level = &BAD_VALUE_LEVEL;
    level.set(2.0);
    level.add(f64::NAN);
    level.sub(f64::NAN);
    assert_eq!(level.get(), 2.0);
    assert_eq!(rejected_since(&before), kinds(&[("nan_gauge_delta", 2.0)]));
    level.set(f64::NAN);
    assert!(level.get().is_nan());
    assert!(scraped("bad_value_level")[&Vec::new()].is_nan());
    for value in [f64::INFINITY, f64::NEG_INFINITY, f64::MAX, -0.0] {
        level.set(value);
        assert_eq!(level.get().to_bits(), value.to_bits());
    }

    // A label index out of range records nothing, anywhere, and is counted once per call.
    let before = rejected();
    BAD_VALUE_BROKEN_TOTAL.labels(Broken).inc();
    BAD_VALUE_BROKEN_TOTAL.labels(Broken).inc_by(5);
    BAD_VALUE_BROKEN_WORK_SECONDS_TOTAL.labels(Broken).inc_by(1.0);
    BAD_VALUE_BROKEN_LEVEL.labels(Broken).set(3.0);
    BAD_VALUE_BROKEN_LATENCY_SECONDS.labels(Broken).observe(0.5);
    BAD_VALUE_BROKEN_PAYLOAD_BYTES.labels(Broken).observe(0.5);
    assert_eq!(rejected_since(&before), kinds(&[("label_index_out_of_range", 6.0)]));
    for name in [
        "bad_value_broken_total",
        "bad_value_broken_work_seconds_total",
        "bad_value_broken_level",
        "bad_value_broken_latency_seconds_count",
        "bad_value_broken_payload_bytes_count",
    ] {
        let series = scraped(name);
        assert_eq!(series.len(), 2, "{name}: {series:?}");
        assert!(series.values().all(|value| *value == 0.0), "{name}: {series:?}");
    }

    // Rejections from many threads are all counted.
    let before = rejected();
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..1_000 {
                    BAD_VALUE_LATENCY_SECONDS.observe(f64::NAN);
                    BAD_VALUE_WORK_SECONDS_TOTAL.inc_by(-1.0);
                }
            });
        }
    });
    assert_eq!(
        rejected_since(&before),
        kinds(&[("nan_observation", 8_000.0), ("invalid_counter_increment", 8_000.0)])
    );
}

/// Wrapped by `inc_by`.
#[metric]
static WRAPPING_EVENTS_TOTAL: Counter;
/// A label for the labelled counter.
#[derive(LabelValue, Clone, Copy)]
enum Lane {
    Left,
    Right,
}

/// Wrapped by `inc_by`, labelled.
#[metric]
static WRAPPING_LABELLED_EVENTS_TOTAL: Counter<Lane>;

#[test]
fn integer_counters_wrap_at_two_to_the_sixty_four() {
    // Documented: the total wraps, which a scraper reads as a counter reset. With
    // overflow checks on (as here), a plain `+` would panic instead.
    WRAPPING_EVENTS_TOTAL.inc_by(5);
    WRAPPING_EVENTS_TOTAL.inc_by(u64::MAX);
    assert_eq!(WRAPPING_EVENTS_TOTAL.get(), 4);
    WRAPPING_LABELLED_EVENTS_TOTAL.labels(Lane::Left).inc_by(u64::MAX);
    assert_eq!(WRAPPING_LABELLED_EVENTS_TOTAL.labels(Lane::Left).get(), u64::MAX);
    WRAPPING_LABELLED_EVENTS_TOTAL.labels(Lane::Left).inc();
    assert_eq!(WRAPPING_LABELLED_EVENTS_TOTAL.labels(Lane::Left).get(), 0);
    assert_eq!(WRAPPING_LABELLED_EVENTS_TOTAL.labels(Lane::Right).get(), 0);
    assert_eq!(scraped("wrapping_events_total")[&Vec::new()], 4.0);
}
