//! The protobuf exposition decoded against `metrics.proto` (the harness's prost
//! messages): every instrument type with its exact values, labels, exemplars, created
//! timestamps and bucket bounds, raw UTF-8 text, family order and the delimited framing
//! of the whole registry. Each test records into statics of its own.

#[allow(dead_code)] // Only some of the probes and strings are needed here.
mod escaping;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use escaping::{Tricky, ESCAPED_HELP, ESCAPING_PROBES_TOTAL, NASTY_VALUE, NASTY_VERSION};
use metricsmith::{
    metric, Counter, FloatCounter, Format, Gauge, Histogram, Info, LabelValue, StateSet, Summary,
};
use metricsmith_tests::protobuf::model::{Metric, MetricFamily, MetricType, Timestamp};
use metricsmith_tests::protobuf::{decode, family, rendered};
use metricsmith_tests::wide::{every_cell, Column, Row, WIDE};

#[derive(LabelValue, Clone, Copy)]
#[label(name = "aisle")]
enum Aisle {
    Fresh,
    Frozen,
}

/// Deliveries received, by aisle.
#[metric]
static DEPOT_DELIVERIES_TOTAL: Counter<Aisle>;

/// Flour delivered.
#[metric]
static DEPOT_FLOUR_DELIVERED_GRAMS_TOTAL: FloatCounter;

/// Cooler temperature, by aisle.
#[metric]
static DEPOT_COOLER_TEMPERATURE_CELSIUS: Gauge<Aisle>;

/// Time to unload a delivery, by aisle.
#[metric(buckets = [0.25, 0.5, 1.0])]
static DEPOT_UNLOAD_DURATION_SECONDS: Histogram<Aisle>;

/// Size of delivery notes.
#[metric]
static DEPOT_DELIVERY_NOTE_BYTES: Summary;

/// The depot's software.
#[metric(labels(version = "1.2.3", commit = "abc123"))]
static DEPOT_SOFTWARE_INFO: Info;

#[derive(LabelValue, Clone, Copy)]
enum DockState {
    Closed,
    Loading,
    Unloading,
}

/// What the loading dock is doing.
#[metric]
static DEPOT_DOCK_STATE: StateSet<DockState>;

/// A family of 1 600 series, whose message needs a three-byte length.
#[metric]
static DEPOT_WIDE_PROBES_TOTAL: Counter<(Row, Column)>;

fn labels(metric: &Metric) -> Vec<(String, String)> {
    metric.label.iter().map(|pair| pair.pair()).collect()
}

fn pairs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
}

fn time(timestamp: Timestamp) -> SystemTime {
    UNIX_EPOCH + Duration::new(timestamp.seconds as u64, timestamp.nanos as u32)
}

/// The metric of `family` whose labels are exactly `expected`.
fn series<'a>(family: &'a MetricFamily, expected: &[(&str, &str)]) -> &'a Metric {
    let expected = pairs(expected);
    family
        .metric
        .iter()
        .find(|metric| labels(metric) == expected)
        .unwrap_or_else(|| panic!("no series {expected:?} in {family:?}"))
}

/// Every created timestamp is this process's start, as the process collector reads it
/// from the kernel (on Linux; elsewhere, in the past).
fn assert_process_start(created: Timestamp) {
    let created = created.as_secs_f64();
    assert!(time_of(created) <= SystemTime::now(), "created in the future: {created}");
    if cfg!(target_os = "linux") {
        let families = rendered();
        let start = family(&families, "process_start_time_seconds").metric[0].gauge.as_ref();
        let start = start.and_then(|gauge| gauge.value).expect("a start time");
        // Both from the kernel's start ticks and boot time; the collector's as an f64.
        assert!((created - start).abs() < 0.011, "created {created}, process started {start}");
    }
}

fn time_of(seconds: f64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs_f64(seconds)
}

#[test]
fn counters_carry_their_value_exemplar_and_created_timestamp() {
    DEPOT_DELIVERIES_TOTAL.labels(Aisle::Fresh).inc_by(41);
    let before = SystemTime::now();
    DEPOT_DELIVERIES_TOTAL
        .labels(Aisle::Fresh)
        .inc_with_exemplar(&[("trace_id", "4bf92f35"), ("note", NASTY_VALUE)]);
    let after = SystemTime::now();

    let families = rendered();
    let deliveries = family(&families, "depot_deliveries_total");
    assert_eq!(deliveries.r#type, Some(MetricType::Counter as i32), "written even though it is 0");
    assert_eq!(deliveries.help.as_deref(), Some("Deliveries received, by aisle."));
    assert_eq!(deliveries.unit, None);
    assert_eq!(deliveries.metric.len(), 2);

    let fresh = series(deliveries, &[("aisle", "fresh")]);
    let counter = fresh.counter.as_ref().expect("a counter message");
    assert_eq!(counter.value, Some(42.0));
    let exemplar = counter.exemplar.as_ref().expect("the exemplar");
    assert_eq!(
        exemplar.label.iter().map(|pair| pair.pair()).collect::<Vec<_>>(),
        pairs(&[("trace_id", "4bf92f35"), ("note", NASTY_VALUE)])
    );
    assert_eq!(exemplar.value, Some(1.0));
    let recorded = time(exemplar.timestamp.expect("a timestamp"));
    assert!(before <= recorded && recorded <= after, "{recorded:?} outside {before:?}..{after:?}");
    assert!(
        fresh.gauge.is_none()
            && fresh.histogram.is_none()
            && fresh.summary.is_none()
            && fresh.untyped.is_none()
    );
    assert_eq!(fresh.timestamp_ms, None, "no sample timestamps");

    let frozen = series(deliveries, &[("aisle", "frozen")]);
    let counter = frozen.counter.as_ref().expect("a counter message");
    assert_eq!(counter.value, Some(0.0), "a zero is written, not left out");
    assert_eq!(counter.exemplar, None);

    let created = fresh.counter.as_ref().unwrap().created_timestamp.expect("a created timestamp");
    assert_eq!(counter.created_timestamp, Some(created), "every series started with the process");
    assert_process_start(created);
}

#[test]
fn float_counters_keep_fractions_and_their_unit() {
    DEPOT_FLOUR_DELIVERED_GRAMS_TOTAL.inc_by(12.5);
    DEPOT_FLOUR_DELIVERED_GRAMS_TOTAL.inc_by(0.25);
    let families = rendered();
    let flour = family(&families, "depot_flour_delivered_grams_total");
    assert_eq!(flour.r#type, Some(MetricType::Counter as i32));
    assert_eq!(flour.unit.as_deref(), Some("grams"));
    let counter = flour.metric[0].counter.as_ref().unwrap();
    assert_eq!(counter.value, Some(12.75));
    assert!(counter.created_timestamp.is_some());
    assert!(flour.metric[0].label.is_empty());
}

#[test]
fn gauges_are_exact_down_to_nan_and_have_no_created_timestamp() {
    DEPOT_COOLER_TEMPERATURE_CELSIUS.labels(Aisle::Fresh).set(-3.5);
    DEPOT_COOLER_TEMPERATURE_CELSIUS.labels(Aisle::Frozen).set(f64::NAN);
    let families = rendered();
    let cooler = family(&families, "depot_cooler_temperature_celsius");
    assert_eq!(cooler.r#type, Some(MetricType::Gauge as i32));
    assert_eq!(cooler.unit.as_deref(), Some("celsius"));
    let value = |aisle| series(cooler, &[("aisle", aisle)]).gauge.as_ref().and_then(|gauge| gauge.value);
    assert_eq!(value("fresh"), Some(-3.5));
    assert!(value("frozen").expect("written").is_nan());
    assert!(cooler.metric.iter().all(|metric| metric.counter.is_none()));
}

#[test]
fn histograms_have_cumulative_buckets_and_imply_inf_unless_it_holds_an_exemplar() {
    let fresh = DEPOT_UNLOAD_DURATION_SECONDS.labels(Aisle::Fresh);
    for seconds in [0.1, 0.3, 0.3, 0.9] {
        fresh.observe(seconds);
    }
    let frozen = DEPOT_UNLOAD_DURATION_SECONDS.labels(Aisle::Frozen);
    frozen.observe_with_exemplar(0.2, &[("trace_id", "quick")]);
    frozen.observe_with_exemplar(5.0, &[("trace_id", "stuck")]);

    let families = rendered();
    let unload = family(&families, "depot_unload_duration_seconds");
    assert_eq!(unload.r#type, Some(MetricType::Histogram as i32));
    assert_eq!(unload.unit.as_deref(), Some("seconds"));
    let buckets = |metric: &Metric| {
        let histogram = metric.histogram.as_ref().unwrap();
        let buckets = histogram.bucket.iter();
        buckets
            .map(|bucket| (bucket.upper_bound.unwrap(), bucket.cumulative_count.unwrap()))
            .collect::<Vec<_>>()
    };

    let fresh_metric = series(unload, &[("aisle", "fresh")]);
    let histogram = fresh_metric.histogram.as_ref().unwrap();
    assert_eq!(buckets(fresh_metric), [(0.25, 1), (0.5, 3), (1.0, 4)], "+Inf is implied by the count");
    assert_eq!(histogram.sample_count, Some(4));
    assert_eq!(histogram.sample_sum, Some(fresh.sum()), "the sum exactly as the program holds it");
    assert!(histogram
        .bucket
        .iter()
        .all(|bucket| bucket.exemplar.is_none() && bucket.cumulative_count_float.is_none()));
    // Classic only: none of the native fields, so Prometheus reads the buckets.
    assert_eq!((histogram.schema, histogram.zero_threshold, histogram.zero_count), (None, None, None));
    assert!(histogram.positive_span.is_empty() && histogram.negative_span.is_empty());
    assert!(histogram.positive_delta.is_empty() && histogram.negative_delta.is_empty());
    assert_eq!(histogram.sample_count_float, None);

    let frozen_metric = series(unload, &[("aisle", "frozen")]);
    let histogram = frozen_metric.histogram.as_ref().unwrap();
    assert_eq!(buckets(frozen_metric), [(0.25, 1), (0.5, 1), (1.0, 1), (f64::INFINITY, 2)]);
    assert_eq!((histogram.sample_count, histogram.sample_sum), (Some(2), Some(5.2)));
    let exemplar = |position: usize| {
        let exemplar = histogram.bucket[position].exemplar.as_ref()?;
        Some((exemplar.label[0].pair(), exemplar.value?, exemplar.timestamp.is_some()))
    };
    assert_eq!(exemplar(0), Some((("trace_id".into(), "quick".into()), 0.2, true)));
    assert_eq!((exemplar(1), exemplar(2)), (None, None));
    assert_eq!(exemplar(3), Some((("trace_id".into(), "stuck".into()), 5.0, true)));

    let created = histogram.created_timestamp.expect("a created timestamp");
    assert_eq!(fresh_metric.histogram.as_ref().unwrap().created_timestamp, Some(created));
    assert_process_start(created);
}

#[test]
fn summaries_have_count_and_sum_but_no_quantiles() {
    DEPOT_DELIVERY_NOTE_BYTES.observe(512.0);
    DEPOT_DELIVERY_NOTE_BYTES.observe(1536.0);
    let families = rendered();
    let notes = family(&families, "depot_delivery_note_bytes");
    assert_eq!(notes.r#type, Some(MetricType::Summary as i32));
    assert_eq!(notes.unit.as_deref(), Some("bytes"));
    let summary = notes.metric[0].summary.as_ref().unwrap();
    assert_eq!((summary.sample_count, summary.sample_sum), (Some(2), Some(2048.0)));
    assert!(summary.quantile.is_empty());
    assert_process_start(summary.created_timestamp.expect("a created timestamp"));
}

#[test]
fn info_and_state_sets_are_gauges_as_other_clients_write_them() {
    DEPOT_DOCK_STATE.set(DockState::Loading);
    let families = rendered();
    let info = family(&families, "depot_software_info");
    assert_eq!(info.r#type, Some(MetricType::Gauge as i32));
    assert_eq!(info.metric.len(), 1);
    assert_eq!(labels(&info.metric[0]), pairs(&[("version", "1.2.3"), ("commit", "abc123")]));
    assert_eq!(info.metric[0].gauge.as_ref().unwrap().value, Some(1.0));

    let dock = family(&families, "depot_dock_state");
    assert_eq!(dock.r#type, Some(MetricType::Gauge as i32));
    let states: Vec<_> = dock
        .metric
        .iter()
        .map(|metric| (labels(metric), metric.gauge.as_ref().unwrap().value.unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            (pairs(&[("depot_dock_state", "closed")]), 0.0),
            (pairs(&[("depot_dock_state", "loading")]), 1.0),
            (pairs(&[("depot_dock_state", "unloading")]), 0.0)
        ]
    );
}

#[test]
fn names_help_and_label_values_are_raw_utf8() {
    ESCAPING_PROBES_TOTAL.labels(Tricky::Nasty).inc_by(3);
    let families = rendered();
    let probes = family(&families, "escaping_probes_total");
    assert_eq!(probes.help.as_deref(), Some(ESCAPED_HELP));
    let nasty = series(probes, &[("tricky", NASTY_VALUE)]);
    assert_eq!(nasty.counter.as_ref().unwrap().value, Some(3.0));
    let info = family(&families, "escaping_probe_info");
    assert_eq!(labels(&info.metric[0]), pairs(&[("version", NASTY_VERSION), ("edition", "2021")]));
}

/// The length prefix at the start of `bytes`: its value and how many bytes it took.
fn varint(bytes: &[u8]) -> (u64, usize) {
    let mut value = 0u64;
    for (index, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            return (value, index + 1);
        }
    }
    panic!("an unterminated varint");
}

#[test]
fn the_registry_is_one_delimited_family_after_another_in_name_order() {
    for (index, cell) in every_cell().enumerate() {
        DEPOT_WIDE_PROBES_TOTAL.labels(cell).inc_by(index as u64);
    }
    let mut body = Vec::new();
    metricsmith::render(Format::Protobuf, &mut body);

    // The framing by hand: minimal varint lengths that end exactly at the last byte.
    let mut rest = &body[..];
    let mut lengths = Vec::new();
    while !rest.is_empty() {
        let (length, prefix) = varint(rest);
        let minimal = prefix == 1 || rest[prefix - 1] != 0;
        assert!(minimal, "a padded length prefix: {:?}", &rest[..prefix]);
        rest = rest.get(prefix + length as usize..).expect("a length within the body");
        lengths.push(length);
    }
    assert!(lengths.len() > 15, "the whole registry: {} families", lengths.len());
    assert!(lengths.iter().any(|length| *length >= 1 << 14), "the wide family needs a three-byte length");

    let families = decode(&body).expect("decodes");
    assert_eq!(families.len(), lengths.len());
    let names: Vec<&str> = families.iter().map(|family| family.name.as_deref().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "families in name order, as in the text formats");
    assert!(families.iter().all(|family| !family.metric.is_empty()), "no family without series");

    let wide = family(&families, "depot_wide_probes_total");
    assert_eq!(wide.metric.len(), WIDE);
    for (index, (metric, (row, column))) in wide.metric.iter().zip(every_cell()).enumerate() {
        assert_eq!(labels(metric), pairs(&[("row", row.as_str()), ("column", column.as_str())]));
        assert_eq!(metric.counter.as_ref().unwrap().value, Some(index as f64));
    }
}
