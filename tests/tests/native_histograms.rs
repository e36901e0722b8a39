//! Native histograms in the protobuf format, decoded against `metrics.proto` (the
//! harness's prost messages): schema, zero bucket, both signs' spans and deltas decoded
//! to the buckets Prometheus computes for each value, the classic buckets beside them,
//! exemplars; and in the text formats, the classic buckets only. Each test has statics
//! of its own.

use metricsmith::{metric, render, Format, Histogram, LabelValue};
use metricsmith_tests::protobuf::model::{Histogram as Proto, MetricType};
use metricsmith_tests::protobuf::{
    decoded_buckets as decoded, expected_buckets as expected, native_key as key,
};
use metricsmith_tests::protobuf::{family, rendered};

fn histogram(name: &str, position: usize) -> Proto {
    let families = rendered();
    let family = family(&families, name);
    assert_eq!(family.r#type, Some(MetricType::Histogram as i32));
    family.metric[position].histogram.clone().expect("a histogram value")
}

/// Classic and native buckets, schema 3.
#[metric(native, buckets = [0.01, 0.1, 1.0])]
static SORTER_SCAN_DURATION_SECONDS: Histogram;

#[test]
fn a_native_histogram_carries_schema_zero_bucket_spans_deltas_and_its_classic_buckets() {
    let values = [0.0013, 0.004, 0.004, 0.03, 0.2, 0.2, 0.2, 0.7];
    for value in values {
        SORTER_SCAN_DURATION_SECONDS.observe(value);
    }
    SORTER_SCAN_DURATION_SECONDS.observe(0.0);
    let histogram = histogram("sorter_scan_duration_seconds", 0);
    assert_eq!(histogram.sample_count, Some(9));
    assert!((histogram.sample_sum.unwrap() - values.iter().sum::<f64>()).abs() < 1e-12);
    assert_eq!(histogram.schema, Some(3));
    assert_eq!(histogram.zero_threshold, Some(2f64.powi(-128)));
    assert_eq!(histogram.zero_count, Some(1));
    assert_eq!(decoded(&histogram.positive_span, &histogram.positive_delta), expected(values, 3));
    assert!(histogram.negative_span.is_empty() && histogram.negative_delta.is_empty());
    // The classic buckets, cumulative, `+Inf` implied.
    let classic: Vec<(f64, u64)> = histogram
        .bucket
        .iter()
        .map(|bucket| (bucket.upper_bound.unwrap(), bucket.cumulative_count.unwrap()))
        .collect();
    assert_eq!(classic, [(0.01, 4), (0.1, 5), (1.0, 9)]);
}

#[derive(LabelValue, Clone, Copy)]
enum Chute {
    Left,
    Right,
}

/// Native buckets only, labelled: negative values too.
#[metric(native(schema = 1, zero_threshold = 0.01), buckets = [])]
static SORTER_BELT_DRIFT_METERS: Histogram<Chute>;

#[test]
fn a_native_only_histogram_has_negative_buckets_and_no_classic_one() {
    let values = [-0.005, 0.009, -0.5, -0.6, -3.0, 1.5, 40.0];
    for value in values {
        SORTER_BELT_DRIFT_METERS.labels(Chute::Right).observe(value);
    }
    let histogram = histogram("sorter_belt_drift_meters", Chute::Right as usize);
    assert_eq!(histogram.sample_count, Some(7));
    assert_eq!(
        (histogram.schema, histogram.zero_threshold, histogram.zero_count),
        (Some(1), Some(0.01), Some(2))
    );
    let outside = |negative: bool| {
        values.into_iter().filter(move |value| value.abs() > 0.01 && (*value < 0.0) == negative)
    };
    assert_eq!(decoded(&histogram.negative_span, &histogram.negative_delta), expected(outside(true), 1));
    assert_eq!(decoded(&histogram.positive_span, &histogram.positive_delta), expected(outside(false), 1));
    assert!(histogram.bucket.is_empty(), "native-only: no classic bucket, not even +Inf");
    // The other series is empty, and still native (a zero threshold above 0 says so).
    let left = histogram_of_left();
    assert_eq!((left.sample_count, left.zero_count, left.schema), (Some(0), Some(0), Some(1)));
    assert!(left.positive_span.is_empty());
    // The text formats show what a classic scraper can read: `+Inf`, `_count`, `_sum`.
    let mut text = Vec::new();
    render(Format::Prometheus, &mut text);
    let text = String::from_utf8(text).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("sorter_belt_drift_meters") && line.contains("right"))
        .collect();
    assert_eq!(
        lines,
        [
            "sorter_belt_drift_meters_bucket{chute=\"right\",le=\"+Inf\"} 7",
            "sorter_belt_drift_meters_count{chute=\"right\"} 7",
            &format!("sorter_belt_drift_meters_sum{{chute=\"right\"}} {}", values.iter().sum::<f64>()),
        ]
    );
}

fn histogram_of_left() -> Proto {
    histogram("sorter_belt_drift_meters", Chute::Left as usize)
}

/// Native buckets only, with an exemplar.
#[metric(native, buckets = [])]
static SORTER_JAM_CLEAR_SECONDS: Histogram;

/// Classic and native buckets, with an exemplar.
#[metric(native, buckets = [1.0])]
static SORTER_RESTART_SECONDS: Histogram;

#[test]
fn exemplars_go_in_the_classic_bucket_or_with_native_buckets_only_in_exemplars() {
    SORTER_JAM_CLEAR_SECONDS.observe_with_exemplar(3.5, &[("trace_id", "jam-1")]);
    let native_only = histogram("sorter_jam_clear_seconds", 0);
    assert!(native_only.bucket.is_empty());
    let exemplar = native_only.exemplars.first().expect("the exemplar in `exemplars`");
    assert_eq!(exemplar.value, Some(3.5));
    assert_eq!(exemplar.label[0].pair(), ("trace_id".to_owned(), "jam-1".to_owned()));
    assert_eq!(decoded(&native_only.positive_span, &native_only.positive_delta), [(key(3.5, 3), 1)]);

    SORTER_RESTART_SECONDS.observe_with_exemplar(0.5, &[("trace_id", "restart-1")]);
    let both = histogram("sorter_restart_seconds", 0);
    assert!(both.exemplars.is_empty());
    let exemplar = both.bucket[0].exemplar.as_ref().expect("the exemplar on bucket 1.0");
    assert_eq!(exemplar.value, Some(0.5));
    assert_eq!(decoded(&both.positive_span, &both.positive_delta), [(key(0.5, 3), 1)]);
}

/// At most three buckets: values wider apart lower the resolution until they fit.
#[metric(native(schema = 4, max_buckets = 3), buckets = [])]
static SORTER_BIN_FILL_RATIO: Histogram;

#[test]
fn past_max_buckets_the_scrape_shows_a_lower_resolution_holding_every_observation() {
    let values = [0.11, 0.3, 0.5, 0.9, 2.0, 7.0];
    for value in values {
        SORTER_BIN_FILL_RATIO.observe(value);
    }
    let histogram = histogram("sorter_bin_fill_ratio", 0);
    let schema = histogram.schema.unwrap();
    assert!(schema < 4, "schema {schema}");
    let buckets = decoded(&histogram.positive_span, &histogram.positive_delta);
    assert!(buckets.len() <= 3, "{buckets:?}");
    assert_eq!(buckets, expected(values, schema), "every value in its bucket at schema {schema}");
}

/// A timed function with a histogram of its own, native buckets beside the defaults.
#[metricsmith::timed(name = "sorter_divert_duration_seconds", native(schema = 2))]
fn divert() {
    std::thread::sleep(std::time::Duration::from_millis(2));
}

/// A native static a timed function records into, and `observe_duration` too.
#[metric(native, buckets = [])]
static SORTER_WEIGH_DURATION_SECONDS: Histogram;

#[metricsmith::timed(metric = SORTER_WEIGH_DURATION_SECONDS)]
fn weigh() {}

#[test]
fn timed_functions_and_observe_duration_record_native_buckets() {
    divert();
    divert();
    let timed = histogram("sorter_divert_duration_seconds", 0);
    assert_eq!((timed.sample_count, timed.schema), (Some(2), Some(2)));
    let buckets = decoded(&timed.positive_span, &timed.positive_delta);
    assert_eq!(buckets.iter().map(|(_, count)| count).sum::<u64>(), 2);
    // At least 2 ms each: keys of 2^-9 and above at schema 2 are -35 and higher.
    assert!(buckets.iter().all(|(key, _)| *key > key_of_two_ms()), "{buckets:?}");
    assert!(!timed.bucket.is_empty(), "the default classic buckets stay");

    weigh();
    SORTER_WEIGH_DURATION_SECONDS.observe_duration(std::time::Duration::from_millis(1500));
    let weighed = histogram("sorter_weigh_duration_seconds", 0);
    assert_eq!(weighed.sample_count, Some(2));
    let buckets = decoded(&weighed.positive_span, &weighed.positive_delta);
    // A nanosecond-scale call and 1.5 s are further apart than 160 buckets at schema 3.
    let schema = weighed.schema.unwrap();
    assert!(buckets.contains(&(key(1.5, schema), 1)), "1.5 s in its bucket at schema {schema}: {buckets:?}");
    assert_eq!(buckets.iter().map(|(_, count)| count).sum::<u64>() + weighed.zero_count.unwrap(), 2);
}

fn key_of_two_ms() -> i32 {
    key(0.002, 2) - 1
}
