//! Native histograms as a scrape sees them: buckets, zero bucket, negative values, the
//! bucket limit, sharding and the text formats.

use super::index::key8;
use crate::family::{BucketSpan, NativeBuckets};
use crate::rejections::{Counting, Rejection};
use crate::storage::native::reduce;
use crate::{metric, render, Format, Histogram, LabelValue};

/// The bucket of `value` at `schema`, as Prometheus numbers them: `ceil(log2(v) · 2^schema)`.
fn key(value: f64, schema: i32) -> i32 {
    reduce(key8(value.abs()), (8 - schema) as u32)
}

/// Spans and deltas decoded, for comparisons.
fn positive(buckets: &NativeBuckets) -> Vec<(i32, u64)> {
    buckets.positive().filter(|(_, count)| *count > 0).collect()
}

fn negative(buckets: &NativeBuckets) -> Vec<(i32, u64)> {
    buckets.negative().filter(|(_, count)| *count > 0).collect()
}

/// Native and classic buckets, the defaults.
#[metric(native)]
static PICKING_DURATION_SECONDS: Histogram;

#[test]
fn observations_land_in_the_bucket_prometheus_computes_for_them() {
    // Within the 160 buckets of the window placed around the first (keys -159 to 0).
    let values = [0.0011, 0.0012, 0.02, 0.3, 0.3, 0.7, 0.9];
    for value in values {
        PICKING_DURATION_SECONDS.observe(value);
    }
    let native = PICKING_DURATION_SECONDS.native_buckets().unwrap();
    assert_eq!((native.schema, native.zero_count, native.zero_threshold), (3, 0, 2f64.powi(-128)));
    let mut expected: Vec<(i32, u64)> = Vec::new();
    for value in values {
        match expected.last_mut() {
            Some((last, count)) if *last == key(value, 3) => *count += 1,
            _ => expected.push((key(value, 3), 1)),
        }
    }
    assert_eq!(positive(&native), expected);
    // 0.3 is in (2^(-14/8), 2^(-13/8)] = (0.2973, 0.3242]: key -13.
    assert!(expected.contains(&(-13, 2)));
    assert!(negative(&native).is_empty());
    // The classic buckets are still there, and count the same observations.
    assert_eq!(PICKING_DURATION_SECONDS.count(), 7);
    assert_eq!(PICKING_DURATION_SECONDS.bucket_counts().last(), Some(&7));
}

#[test]
fn spans_and_deltas_decode_to_the_buckets_they_encode() {
    let buckets = [(-3, 5), (-2, 1), (0, 4), (2, 2), (6, 1), (7, 9)];
    let mut native = NativeBuckets::default();
    NativeBuckets::encode(buckets.into_iter(), &mut native.positive_spans, &mut native.positive_deltas);
    // Gaps of one or two buckets are zeros inside a span; a gap of three starts a new one.
    assert_eq!(
        native.positive_spans,
        [BucketSpan { offset: -3, length: 6 }, BucketSpan { offset: 3, length: 2 }]
    );
    assert_eq!(native.positive_deltas, [5, -4, -1, 4, -4, 2, -1, 8]);
    assert_eq!(positive(&native), buckets);
    assert_eq!(native.positive().count(), 8, "with the empty buckets -1 and 1");
}

/// Native buckets only, every observation near zero or negative.
#[metric(native(schema = 0, zero_threshold = 0.001), buckets = [])]
static SHELF_TILT_DEGREES: Histogram;

#[test]
fn zero_and_negative_observations_and_the_text_of_a_native_only_histogram() {
    for value in [0.0, -0.0005, 0.001, -3.0, -3.5, -100.0, 2.0] {
        SHELF_TILT_DEGREES.observe(value);
    }
    let native = SHELF_TILT_DEGREES.native_buckets().unwrap();
    assert_eq!((native.schema, native.zero_count), (0, 3), "|v| <= 0.001 is zero");
    // Schema 0: powers of two; 3 and 3.5 are in (2, 4], 100 in (64, 128].
    assert_eq!(negative(&native), [(2, 2), (7, 1)]);
    assert_eq!(positive(&native), [(1, 1)]);
    assert_eq!(SHELF_TILT_DEGREES.buckets(), &[] as &[f64]);
    let mut text = Vec::new();
    render(Format::Prometheus, &mut text);
    let text = String::from_utf8(text).unwrap();
    let lines: Vec<&str> = text.lines().filter(|line| line.starts_with("shelf_tilt_degrees")).collect();
    assert_eq!(
        lines,
        [
            "shelf_tilt_degrees_bucket{le=\"+Inf\"} 7",
            "shelf_tilt_degrees_count 7",
            "shelf_tilt_degrees_sum -104.4995"
        ]
    );
}

/// A series keeps `max_buckets` consecutive buckets per sign, placed around its first
/// observation: one further away halves the resolution until they hold it, even where
/// fewer than `max_buckets` buckets are in use (`client_golang` counts the buckets in use).
#[metric(native, buckets = [])]
static RESTOCK_DURATION_SECONDS: Histogram;

#[test]
fn a_range_wider_than_the_window_halves_the_resolution() {
    // 0.0011 places keys -159 to 0 at schema 3; 75 has key 50 there, and at schema 2 the
    // window is -60 to 99 (-80 to 79 and 25 both fit).
    for value in [0.0011, 0.3, 75.0] {
        RESTOCK_DURATION_SECONDS.observe(value);
    }
    let native = RESTOCK_DURATION_SECONDS.native_buckets().unwrap();
    assert_eq!(native.schema, 2);
    assert_eq!(positive(&native), [(key(0.0011, 2), 1), (key(0.3, 2), 1), (key(75.0, 2), 1)]);
}

/// At most four buckets: a fifth distinct one halves the resolution.
#[metric(native(schema = 2, max_buckets = 4), buckets = [])]
static REPLENISH_WAIT_SECONDS: Histogram;

#[test]
fn past_max_buckets_the_resolution_is_halved_and_nothing_is_lost() {
    let values = [1.0, 1.1, 1.3, 1.5, 1.7, 1.9, 3.0, 10.0];
    for value in values {
        REPLENISH_WAIT_SECONDS.observe(value);
    }
    let native = REPLENISH_WAIT_SECONDS.native_buckets().unwrap();
    assert!(native.schema < 2, "schema {}", native.schema);
    let buckets = positive(&native);
    assert!(buckets.len() <= 4, "{buckets:?} at schema {}", native.schema);
    assert_eq!(buckets.iter().map(|(_, count)| count).sum::<u64>(), values.len() as u64);
    for value in values {
        let key = key(value, native.schema);
        assert!(buckets.iter().any(|(bucket, _)| *bucket == key), "{value} in bucket {key}: {buckets:?}");
    }
    assert_eq!(REPLENISH_WAIT_SECONDS.sum(), values.iter().sum::<f64>());
}

/// Zero threshold 0: an empty histogram still says it is native.
#[metric(native(zero_threshold = 0), buckets = [])]
static PACKING_IDLE_SECONDS: Histogram;

#[test]
fn an_empty_histogram_without_a_zero_bucket_has_one_empty_span() {
    let native = PACKING_IDLE_SECONDS.native_buckets().unwrap();
    assert_eq!(native.positive_spans, [BucketSpan { offset: 0, length: 0 }]);
    assert!(native.positive_deltas.is_empty());
    PACKING_IDLE_SECONDS.observe(0.0);
    let native = PACKING_IDLE_SECONDS.native_buckets().unwrap();
    assert_eq!((native.zero_count, native.positive_spans.len()), (1, 0), "only 0 is zero");
}

/// NaN is rejected; infinities have buckets.
#[metric(native, buckets = [])]
static DOCK_QUEUE_SECONDS: Histogram;

#[test]
fn nan_is_rejected_and_infinities_have_the_outermost_buckets() {
    let rejections = Counting::start();
    let before = rejections.count(Rejection::NanObservation);
    DOCK_QUEUE_SECONDS.observe(f64::NAN);
    assert_eq!(rejections.count(Rejection::NanObservation) - before, 1);
    DOCK_QUEUE_SECONDS.observe(f64::INFINITY);
    DOCK_QUEUE_SECONDS.observe(f64::NEG_INFINITY);
    assert_eq!(DOCK_QUEUE_SECONDS.count(), 2);
    let native = DOCK_QUEUE_SECONDS.native_buckets().unwrap();
    // As client_golang: the bucket after f64::MAX's, 1024·2^schema + 1 (the window
    // moved to a coarser schema to hold both ends of its range).
    let outermost = 1024 * (1 << (native.schema + 4)) / 16 + 1;
    assert_eq!(positive(&native), [(outermost, 1)]);
    assert_eq!(negative(&native), [(outermost, 1)]);
}

#[derive(LabelValue, Clone, Copy)]
enum Dock {
    North,
    South,
}

/// Labelled, so not sharded: every thread writes the shared copy.
#[metric(native(max_buckets = 8), buckets = [1.0])]
static UNLOADING_DURATION_SECONDS: Histogram<Dock>;

/// Threads observing spread-out values into one series, while windows move: every
/// observation is counted once, in a bucket that holds it, and every scrape meanwhile
/// sees as many observations in the native buckets as in the classic ones.
#[test]
fn concurrent_observations_and_scrapes_agree() {
    const THREADS: u64 = 6;
    const CALLS: u64 = 3_000;
    let value = |thread: u64, call: u64| 2f64.powi(((thread * 7 + call) % 40) as i32 - 20);
    let scrapes = std::thread::spawn(|| {
        let mut sample = crate::Sample::default();
        let mut consistent = 0;
        for _ in 0..200 {
            sample.clear();
            crate::Family::read(&UNLOADING_DURATION_SECONDS, Dock::North as usize, &mut sample);
            let native = sample.native().unwrap();
            let buckets: u64 = native.positive().map(|(_, count)| count).sum::<u64>() + native.zero_count;
            assert_eq!(buckets, sample.count, "native and classic buckets count the same");
            consistent += 1;
        }
        consistent
    });
    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            std::thread::spawn(move || {
                for call in 0..CALLS {
                    UNLOADING_DURATION_SECONDS.labels(Dock::North).observe(value(thread, call));
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|thread| thread.join().unwrap());
    assert_eq!(scrapes.join().unwrap(), 200);
    let series = UNLOADING_DURATION_SECONDS.labels(Dock::North);
    let native = series.native_buckets().unwrap();
    let buckets = positive(&native);
    assert_eq!(buckets.iter().map(|(_, count)| count).sum::<u64>(), THREADS * CALLS);
    let mut expected: Vec<(i32, u64)> = Vec::new();
    for value in (0..THREADS).flat_map(|thread| (0..CALLS).map(move |call| value(thread, call))) {
        let key = key(value, native.schema);
        match expected.iter_mut().find(|(bucket, _)| *bucket == key) {
            Some((_, count)) => *count += 1,
            None => expected.push((key, 1)),
        }
    }
    expected.sort();
    assert_eq!(buckets, expected, "at schema {}", native.schema);
    assert!(UNLOADING_DURATION_SECONDS
        .labels(Dock::South)
        .native_buckets()
        .unwrap()
        .positive_deltas
        .is_empty());
}
