//! Prometheus' protobuf exposition format: one `io.prometheus.client.MetricFamily`
//! message (`metrics.proto` of `prometheus/client_model`) per family, each preceded by
//! its length as a varint (`encoding=delimited`). Written by hand, field by field, into
//! the caller's buffer: nothing is allocated once the first scrape has encoded each
//! family's label pairs (cached in [`FamilyText`]) and grown the buffer.
//!
//! How metricsmith's types map, as Prometheus' own clients map them:
//! - counters (integer and float) are `COUNTER` with a `Counter` value, the exemplar and
//!   the created timestamp; the family name keeps its `_total` (as `client_golang` does);
//! - gauges are `GAUGE`; so are info metrics (one series, value 1, the name keeps its
//!   `_info`) and state sets (one series per state, labelled with the metric's own name,
//!   value 1 for the current state, 0 for the others): the protobuf format has no info or
//!   state-set type, and this is how the Java client writes them and what a Prometheus
//!   reading our text 0.0.4 stores;
//! - histograms are `HISTOGRAM` with cumulative buckets in increasing order of their
//!   upper bound. The `+Inf` bucket is left implied by `sample_count` (as the format
//!   allows and `client_golang` does), except when it holds an exemplar. A histogram
//!   with native buckets (`#[metric(native)]`) also has its schema, zero threshold and
//!   count, and spans and deltas of each sign; a native-only one (`buckets = []`) has no
//!   classic bucket, and its exemplar goes in `exemplars` (as `client_golang` does);
//! - summaries are `SUMMARY` with count and sum, no quantiles;
//! - a family's unit (from its name) goes in `unit`; label names and values, HELP and
//!   names are raw UTF-8: nothing is escaped.
//!
//! Every value field is written even when zero, as proto2 clients do, so a decoder sees
//! an explicit 0 rather than a missing field.

use std::time::{Duration, SystemTime};

use super::family_text::FamilyText;
use super::number::since_epoch;
use crate::exemplars::{self, Exemplar};
use crate::family::{MetricType, NativeBuckets, Number, Sample};
use crate::registry::Registered;

/// The field numbers of `metrics.proto`, message by message.
mod field {
    pub(super) mod family {
        pub(crate) const NAME: u32 = 1;
        pub(crate) const HELP: u32 = 2;
        pub(crate) const TYPE: u32 = 3;
        pub(crate) const METRIC: u32 = 4;
        pub(crate) const UNIT: u32 = 5;
    }
    pub(super) mod metric {
        pub(crate) const LABEL: u32 = 1;
        pub(crate) const GAUGE: u32 = 2;
        pub(crate) const COUNTER: u32 = 3;
        pub(crate) const SUMMARY: u32 = 4;
        pub(crate) const HISTOGRAM: u32 = 7;
    }
    pub(super) mod label_pair {
        pub(crate) const NAME: u32 = 1;
        pub(crate) const VALUE: u32 = 2;
    }
    /// `Gauge`, and `Counter`'s value too.
    pub(super) const VALUE: u32 = 1;
    pub(super) mod counter {
        pub(crate) const EXEMPLAR: u32 = 2;
        pub(crate) const CREATED: u32 = 3;
    }
    /// `Summary` and `Histogram` share their first two fields.
    pub(super) mod distribution {
        pub(crate) const SAMPLE_COUNT: u32 = 1;
        pub(crate) const SAMPLE_SUM: u32 = 2;
    }
    pub(super) mod summary {
        pub(crate) const CREATED: u32 = 4;
    }
    pub(super) mod histogram {
        pub(crate) const BUCKET: u32 = 3;
        pub(crate) const SCHEMA: u32 = 5;
        pub(crate) const ZERO_THRESHOLD: u32 = 6;
        pub(crate) const ZERO_COUNT: u32 = 7;
        pub(crate) const NEGATIVE_SPAN: u32 = 9;
        pub(crate) const NEGATIVE_DELTA: u32 = 10;
        pub(crate) const POSITIVE_SPAN: u32 = 12;
        pub(crate) const POSITIVE_DELTA: u32 = 13;
        pub(crate) const CREATED: u32 = 15;
        pub(crate) const EXEMPLARS: u32 = 16;
    }
    pub(super) mod span {
        pub(crate) const OFFSET: u32 = 1;
        pub(crate) const LENGTH: u32 = 2;
    }
    pub(super) mod bucket {
        pub(crate) const CUMULATIVE_COUNT: u32 = 1;
        pub(crate) const UPPER_BOUND: u32 = 2;
        pub(crate) const EXEMPLAR: u32 = 3;
    }
    pub(super) mod exemplar {
        pub(crate) const LABEL: u32 = 1;
        pub(crate) const VALUE: u32 = 2;
        pub(crate) const TIMESTAMP: u32 = 3;
    }
    /// `google.protobuf.Timestamp`.
    pub(super) mod timestamp {
        pub(crate) const SECONDS: u32 = 1;
        pub(crate) const NANOS: u32 = 2;
    }
}

/// `MetricType` of `metrics.proto`.
fn type_number(metric_type: MetricType) -> u64 {
    match metric_type {
        MetricType::Counter => 0,
        MetricType::Gauge | MetricType::Info | MetricType::StateSet => 1,
        MetricType::Summary => 2,
        MetricType::Histogram => 4,
    }
}

const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const LENGTH_DELIMITED: u32 = 2;

/// Appends one family as a length-prefixed `MetricFamily` message.
pub(super) fn render_family(metric: &Registered, text: &FamilyText, sample: &mut Sample, out: &mut Vec<u8>) {
    let labels = text.protobuf_labels(metric);
    if labels.none_exist() {
        // No series yet (labels registered at run time, none so far): no message at all.
        return;
    }
    let family = Open::framing(out, varint_len(text.protobuf_length() as u64));
    write_bytes(out, field::family::NAME, metric.meta.name.as_bytes());
    write_bytes(out, field::family::HELP, metric.meta.help.as_bytes());
    write_uint(out, field::family::TYPE, type_number(metric.metric_type));
    let with_exemplars =
        matches!(metric.metric_type, MetricType::Counter | MetricType::Histogram) && exemplars::any();
    let bounds = metric.family.bucket_bounds();
    let mut created = CreatedField::default();
    // The length bytes the previous series' messages needed: the next ones are usually
    // the same size, so their content is seldom moved.
    let mut reserve = Reserve { metric: 1, value: 1 };
    labels.read_each(metric, sample, with_exemplars, |labels, sample, exemplar_key| {
        if exemplar_key.is_some() || sample.native().is_some() {
            reserve =
                write_with_exemplars(out, metric.metric_type, bounds, labels, sample, exemplar_key, reserve);
        } else {
            write_sized(out, metric.metric_type, bounds, labels, sample, &mut created);
        }
    });
    if let Some(unit) = metric.unit {
        write_bytes(out, field::family::UNIT, unit.as_bytes());
    }
    text.set_protobuf_length(family.close(out));
}

/// Writes one series' `Metric` message without exemplars, every length computed from
/// the sample before writing (the fast path: no content is ever moved). Writes what
/// the other writers do, field for field.
fn write_sized(
    out: &mut Vec<u8>,
    metric_type: MetricType,
    bounds: &[f64],
    labels: &[u8],
    sample: &Sample,
    created: &mut CreatedField,
) {
    const DOUBLE: usize = 9;
    let uint = |value: u64| 1 + varint_len(value);
    let bucket = |count: u64| uint(count) + DOUBLE;
    let buckets = || bounds.iter().zip(&sample.cumulative_buckets).map(|(bound, count)| (*bound, *count));
    let (value_field, created_field) = match metric_type {
        MetricType::Counter => (field::metric::COUNTER, Some(field::counter::CREATED)),
        MetricType::Summary => (field::metric::SUMMARY, Some(field::summary::CREATED)),
        MetricType::Histogram => (field::metric::HISTOGRAM, Some(field::histogram::CREATED)),
        MetricType::Gauge | MetricType::Info | MetricType::StateSet => (field::metric::GAUGE, None),
    };
    let created = created_field.map_or(&[][..], |field| created.encoded(field, sample.created));
    let value_length = match metric_type {
        MetricType::Counter => DOUBLE + created.len(),
        MetricType::Summary => uint(sample.count) + DOUBLE + created.len(),
        MetricType::Histogram => {
            let buckets: usize =
                buckets().map(|(_, count)| 1 + varint_len(bucket(count) as u64) + bucket(count)).sum();
            uint(sample.count) + DOUBLE + buckets + created.len()
        }
        MetricType::Gauge | MetricType::Info | MetricType::StateSet => DOUBLE,
    };
    write_key(out, field::family::METRIC, LENGTH_DELIMITED);
    write_varint(out, (labels.len() + 1 + varint_len(value_length as u64) + value_length) as u64);
    out.extend_from_slice(labels);
    write_key(out, value_field, LENGTH_DELIMITED);
    write_varint(out, value_length as u64);
    match metric_type {
        MetricType::Summary | MetricType::Histogram => {
            write_uint(out, field::distribution::SAMPLE_COUNT, sample.count);
            write_double(out, field::distribution::SAMPLE_SUM, sample.sum);
            for (bound, count) in buckets().filter(|_| metric_type == MetricType::Histogram) {
                write_key(out, field::histogram::BUCKET, LENGTH_DELIMITED);
                write_varint(out, bucket(count) as u64);
                write_bucket_values(out, count, bound);
            }
        }
        _ => write_double(out, field::VALUE, number(sample.value)),
    }
    out.extend_from_slice(created);
}

/// The encoded created-timestamp field of the series just written, kept for the next:
/// in a family every series has the same one.
#[derive(Default)]
struct CreatedField {
    of: Option<(u32, SystemTime)>,
    encoded: Encoded,
}

impl CreatedField {
    /// `field` holding `created`; nothing for `None`.
    fn encoded(&mut self, field: u32, created: Option<SystemTime>) -> &[u8] {
        let Some(created) = created else { return &[] };
        if self.of != Some((field, created)) {
            self.encoded = timestamp_field(field, since_epoch(created));
            self.of = Some((field, created));
        }
        self.encoded.as_slice()
    }
}

/// How many bytes to hold for the length of a series' `Metric` message and of the
/// value message inside it.
#[derive(Clone, Copy)]
struct Reserve {
    metric: usize,
    value: usize,
}

/// Writes one series' `Metric` message with its exemplars (filed under `key`, if any),
/// which are read under the exemplar table's lock as they are written, and any native
/// buckets: their lengths are only known afterwards, so each message's length is
/// written when it is closed. Returns the length bytes this series needed, the guess
/// for the next one.
fn write_with_exemplars(
    out: &mut Vec<u8>,
    metric_type: MetricType,
    bounds: &[f64],
    labels: &[u8],
    sample: &Sample,
    key: Option<usize>,
    reserve: Reserve,
) -> Reserve {
    let message = Open::field(out, field::family::METRIC, reserve.metric);
    out.extend_from_slice(labels);
    let value = match metric_type {
        MetricType::Histogram => write_histogram(out, bounds, sample, key, reserve.value),
        // Only counters and histograms have exemplars.
        _ => write_counter(out, sample, key.unwrap_or(usize::MAX), reserve.value),
    };
    Reserve { metric: varint_len(message.close(out) as u64), value: varint_len(value as u64) }
}

/// Writes `Metric.counter` with the exemplar filed under `key`; returns its length.
fn write_counter(out: &mut Vec<u8>, sample: &Sample, key: usize, reserve: usize) -> usize {
    let counter = Open::field(out, field::metric::COUNTER, reserve);
    write_double(out, field::VALUE, number(sample.value));
    exemplars::with((key, 0), |exemplar| write_exemplar(out, field::counter::EXEMPLAR, &exemplar));
    write_created(out, field::counter::CREATED, sample);
    counter.close(out)
}

/// Writes `Metric.histogram` with the exemplars filed under `key` (if any) and its
/// native buckets (if it has them); returns its length.
fn write_histogram(
    out: &mut Vec<u8>,
    bounds: &[f64],
    sample: &Sample,
    key: Option<usize>,
    reserve: usize,
) -> usize {
    let exemplar = |position: usize, write: &mut dyn FnMut(&Exemplar<'_>)| {
        if let Some(key) = key {
            exemplars::with((key, position), |exemplar| write(&exemplar));
        }
    };
    let histogram = Open::field(out, field::metric::HISTOGRAM, reserve);
    write_uint(out, field::distribution::SAMPLE_COUNT, sample.count);
    write_double(out, field::distribution::SAMPLE_SUM, sample.sum);
    for (position, (bound, count)) in bounds.iter().zip(&sample.cumulative_buckets).enumerate() {
        let bucket = Open::field(out, field::histogram::BUCKET, 1);
        write_bucket_values(out, *count, *bound);
        exemplar(position, &mut |exemplar| write_exemplar(out, field::bucket::EXEMPLAR, exemplar));
        bucket.close(out);
    }
    let native_only = bounds.is_empty() && sample.native().is_some();
    if native_only {
        // A classic `+Inf` bucket would make the histogram look classic to a scraper.
        exemplar(0, &mut |exemplar| write_exemplar(out, field::histogram::EXEMPLARS, exemplar));
    } else {
        // The `+Inf` bucket is implied by the count; written only to carry its exemplar.
        exemplar(bounds.len(), &mut |exemplar| {
            let bucket = Open::field(out, field::histogram::BUCKET, 1);
            write_bucket_values(out, sample.count, f64::INFINITY);
            write_exemplar(out, field::bucket::EXEMPLAR, exemplar);
            bucket.close(out);
        });
    }
    if let Some(native) = sample.native() {
        write_native(out, native);
    }
    write_created(out, field::histogram::CREATED, sample);
    histogram.close(out)
}

/// Writes a histogram's native fields: schema, zero bucket, spans and deltas.
fn write_native(out: &mut Vec<u8>, native: &NativeBuckets) {
    write_key(out, field::histogram::SCHEMA, VARINT);
    write_varint(out, zigzag(i64::from(native.schema)));
    write_double(out, field::histogram::ZERO_THRESHOLD, native.zero_threshold);
    write_uint(out, field::histogram::ZERO_COUNT, native.zero_count);
    for (spans, deltas, span_field, delta_field) in [
        (
            &native.negative_spans,
            &native.negative_deltas,
            field::histogram::NEGATIVE_SPAN,
            field::histogram::NEGATIVE_DELTA,
        ),
        (
            &native.positive_spans,
            &native.positive_deltas,
            field::histogram::POSITIVE_SPAN,
            field::histogram::POSITIVE_DELTA,
        ),
    ] {
        for span in spans {
            let message = Open::field(out, span_field, 1);
            write_key(out, field::span::OFFSET, VARINT);
            write_varint(out, zigzag(i64::from(span.offset)));
            write_uint(out, field::span::LENGTH, u64::from(span.length));
            message.close(out);
        }
        for delta in deltas {
            write_key(out, delta_field, VARINT);
            write_varint(out, zigzag(*delta));
        }
    }
}

/// A signed integer as `sint32`/`sint64` carry it.
fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn write_bucket_values(out: &mut Vec<u8>, cumulative_count: u64, upper_bound: f64) {
    write_uint(out, field::bucket::CUMULATIVE_COUNT, cumulative_count);
    write_double(out, field::bucket::UPPER_BOUND, upper_bound);
}

fn write_exemplar(out: &mut Vec<u8>, field: u32, exemplar: &Exemplar<'_>) {
    let message = Open::field(out, field, 1);
    for (name, value) in exemplar.labels() {
        write_label_pair(out, field::exemplar::LABEL, name, value);
    }
    write_double(out, field::exemplar::VALUE, exemplar.value().as_f64());
    if let Some(timestamp) = exemplar.timestamp() {
        write_timestamp(out, field::exemplar::TIMESTAMP, timestamp);
    }
    message.close(out);
}

fn write_created(out: &mut Vec<u8>, field: u32, sample: &Sample) {
    if let Some(created) = sample.created {
        write_timestamp(out, field, since_epoch(created));
    }
}

/// Writes a `google.protobuf.Timestamp` field.
fn write_timestamp(out: &mut Vec<u8>, field: u32, since_epoch: Duration) {
    out.extend_from_slice(timestamp_field(field, since_epoch).as_slice());
}

/// A `google.protobuf.Timestamp` field, encoded (proto3: zero fields are left out).
fn timestamp_field(field: u32, since_epoch: Duration) -> Encoded {
    let seconds = since_epoch.as_secs();
    let nanos = u64::from(since_epoch.subsec_nanos());
    let part = |value: u64| if value == 0 { 0 } else { 1 + varint_len(value) };
    let mut encoded = Encoded::default();
    encoded.varint(u64::from(field << 3 | LENGTH_DELIMITED));
    encoded.varint((part(seconds) + part(nanos)) as u64);
    for (number, value) in [(field::timestamp::SECONDS, seconds), (field::timestamp::NANOS, nanos)] {
        if value != 0 {
            encoded.varint(u64::from(number << 3 | VARINT));
            encoded.varint(value);
        }
    }
    encoded
}

/// A few encoded bytes on the stack: a varint, a timestamp field.
#[derive(Clone, Copy, Default)]
struct Encoded {
    bytes: [u8; 24],
    len: usize,
}

impl Encoded {
    fn varint(&mut self, mut value: u64) {
        loop {
            let more = value >= 0x80;
            self.bytes[self.len] = value as u8 & 0x7f | if more { 0x80 } else { 0 };
            self.len += 1;
            value >>= 7;
            if !more {
                break;
            }
        }
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Appends the `Metric.label` fields of one series: what [`FamilyText`] caches.
pub(super) fn write_label_pairs(out: &mut Vec<u8>, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        write_label_pair(out, field::metric::LABEL, name, value);
    }
}

fn write_label_pair(out: &mut Vec<u8>, field: u32, name: &str, value: &str) {
    let part = |text: &str| 1 + varint_len(text.len() as u64) + text.len();
    write_key(out, field, LENGTH_DELIMITED);
    write_varint(out, (part(name) + part(value)) as u64);
    write_bytes(out, field::label_pair::NAME, name.as_bytes());
    write_bytes(out, field::label_pair::VALUE, value.as_bytes());
}

fn number(value: Option<Number>) -> f64 {
    value.map_or(0.0, Number::as_f64)
}

fn write_key(out: &mut Vec<u8>, field: u32, wire_type: u32) {
    write_varint(out, u64::from(field << 3 | wire_type));
}

fn write_uint(out: &mut Vec<u8>, field: u32, value: u64) {
    write_key(out, field, VARINT);
    write_varint(out, value);
}

fn write_double(out: &mut Vec<u8>, field: u32, value: f64) {
    write_key(out, field, FIXED64);
    out.extend_from_slice(&value.to_le_bytes());
}

fn write_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    write_key(out, field, LENGTH_DELIMITED);
    write_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[inline]
fn write_varint(out: &mut Vec<u8>, value: u64) {
    if value < 0x80 {
        out.push(value as u8);
    } else {
        let mut encoded = Encoded::default();
        encoded.varint(value);
        out.extend_from_slice(encoded.as_slice());
    }
}

/// The bytes `write_varint` takes for `value`.
fn varint_len(value: u64) -> usize {
    (64 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

/// A message whose content is being written after its length, which is only known at
/// the end: `reserved` bytes are held for the length and [`close`](Open::close) writes
/// it there, moving the content when it needs more or fewer bytes than guessed.
#[must_use = "a message must be closed to get its length"]
struct Open {
    length_at: usize,
    reserved: usize,
}

impl Open {
    /// A length-delimited field of the enclosing message.
    fn field(out: &mut Vec<u8>, field: u32, reserved: usize) -> Open {
        write_key(out, field, LENGTH_DELIMITED);
        Open::framing(out, reserved)
    }

    /// A message preceded by its length alone (the delimited framing of a family).
    fn framing(out: &mut Vec<u8>, reserved: usize) -> Open {
        let length_at = out.len();
        out.resize(length_at + reserved, 0);
        Open { length_at, reserved }
    }

    /// Writes the length before the content; returns it.
    fn close(self, out: &mut Vec<u8>) -> usize {
        let content_at = self.length_at + self.reserved;
        let length = out.len() - content_at;
        let needed = varint_len(length as u64);
        if needed > self.reserved {
            let more = needed - self.reserved;
            out.resize(out.len() + more, 0);
            out.copy_within(content_at..content_at + length, content_at + more);
        } else if needed < self.reserved {
            let fewer = self.reserved - needed;
            out.copy_within(content_at.., content_at - fewer);
            out.truncate(out.len() - fewer);
        }
        let mut value = length as u64;
        for byte in &mut out[self.length_at..self.length_at + needed] {
            *byte = value as u8 & 0x7f | if value >= 0x80 { 0x80 } else { 0 };
            value >>= 7;
        }
        length
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_little_endian_groups_of_seven_bits() {
        for (value, expected) in [
            (0u64, &[0x00][..]),
            (1, &[0x01]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (300, &[0xac, 0x02]),
            (16_383, &[0xff, 0x7f]),
            (16_384, &[0x80, 0x80, 0x01]),
            (u64::MAX, &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        ] {
            let mut out = Vec::new();
            write_varint(&mut out, value);
            assert_eq!(out, expected, "{value}");
            assert_eq!(varint_len(value), expected.len(), "{value}");
        }
    }

    /// `content` written as one message after holding `reserved` length bytes.
    fn framed(content: &[u8], reserved: usize) -> Vec<u8> {
        let mut out = vec![0xee];
        let message = Open::framing(&mut out, reserved);
        out.extend_from_slice(content);
        assert_eq!(message.close(&mut out), content.len());
        out
    }

    #[test]
    fn a_length_is_minimal_whatever_was_reserved() {
        for length in [0usize, 1, 127, 128, 300, 16_383, 16_384, 70_000] {
            let content: Vec<u8> = (0..length).map(|index| index as u8).collect();
            let mut expected = vec![0xee];
            write_varint(&mut expected, length as u64);
            expected.extend_from_slice(&content);
            for reserved in [0, 1, 2, 3, 5] {
                assert_eq!(framed(&content, reserved), expected, "length {length}, {reserved} reserved");
            }
        }
    }

    #[test]
    fn timestamps_leave_zero_fields_out() {
        let mut out = Vec::new();
        write_timestamp(&mut out, 3, Duration::new(1, 0));
        assert_eq!(out, [3 << 3 | 2, 2, 1 << 3, 1]);
        out.clear();
        write_timestamp(&mut out, 3, Duration::new(0, 300));
        assert_eq!(out, [3 << 3 | 2, 3, 2 << 3, 0xac, 0x02]);
        out.clear();
        write_timestamp(&mut out, 15, Duration::ZERO);
        assert_eq!(out, [15 << 3 | 2, 0]);
    }

    #[test]
    fn the_sized_path_writes_what_the_exemplar_path_writes_without_an_exemplar() {
        // No exemplar is ever filed under this key.
        static UNUSED: u64 = 0;
        let key = &UNUSED as *const u64 as usize;
        let bounds = [0.25, 0.5, 1.0];
        let created = Some(SystemTime::UNIX_EPOCH + Duration::new(1_712_345_678, 123_456_789));
        let mut counter = Sample { value: Some(Number::Int(300)), created, ..Sample::default() };
        let mut histogram = Sample {
            cumulative_buckets: vec![1, 3, 300, 400],
            count: 400,
            sum: 12.5,
            created,
            ..Sample::default()
        };
        for long in [false, true] {
            // Long label values make messages of more than 127 bytes: two-byte lengths.
            let value = if long { "x".repeat(200) } else { "fresh".to_owned() };
            let mut labels = Vec::new();
            write_label_pairs(&mut labels, &[("aisle", &value)]);
            for (metric_type, sample) in
                [(MetricType::Counter, &mut counter), (MetricType::Histogram, &mut histogram)]
            {
                for created in [created, None] {
                    sample.created = created;
                    let mut sized = Vec::new();
                    write_sized(
                        &mut sized,
                        metric_type,
                        &bounds,
                        &labels,
                        sample,
                        &mut CreatedField::default(),
                    );
                    let mut opened = Vec::new();
                    let reserve = Reserve { metric: 1, value: 1 };
                    write_with_exemplars(
                        &mut opened,
                        metric_type,
                        &bounds,
                        &labels,
                        sample,
                        Some(key),
                        reserve,
                    );
                    assert_eq!(sized, opened, "{metric_type:?}, long labels: {long}, created: {created:?}");
                }
            }
        }
    }

    #[test]
    fn label_pairs_are_raw_utf8() {
        let mut out = Vec::new();
        write_label_pairs(&mut out, &[("path", "a\"b\\c\nd é")]);
        let mut expected = vec![1 << 3 | 2, 18, 1 << 3 | 2, 4];
        expected.extend_from_slice(b"path");
        expected.extend_from_slice(&[2 << 3 | 2, 10]);
        expected.extend_from_slice("a\"b\\c\nd é".as_bytes());
        assert_eq!(out, expected);
    }
}
