//! A decoder of Prometheus' protobuf exposition format for tests: the
//! `io.prometheus.client` messages of `metrics.proto` (prometheus/client_model, the
//! version with created timestamps, units and native-histogram fields), declared here
//! field number by field number for `prost` to decode.
//!
//! No maintained crate ships these types in a usable form: the `prometheus` crate's
//! generated model predates exemplars and created timestamps, and
//! `metrics-exporter-prometheus` keeps its generated ones private (and needs `protoc`
//! to build them). `prost`'s derive needs neither a build script nor `protoc`.
//!
//! [`text_families`] turns decoded families into the samples a text 0.0.4 scrape of
//! the same registry shows, the way Prometheus reads protobuf (`_bucket` with `le`,
//! `_count`, `_sum`, an implied `+Inf` bucket), so a test can hold one format against
//! the other.

use prost::Message;

use crate::reader;

/// `io.prometheus.client` messages. proto2 `optional` fields are `Option`s, so a test
/// sees whether a field was written at all.
pub mod model {
    /// `MetricType`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
    #[repr(i32)]
    pub enum MetricType {
        /// `COUNTER`.
        Counter = 0,
        /// `GAUGE`.
        Gauge = 1,
        /// `SUMMARY`.
        Summary = 2,
        /// `UNTYPED`.
        Untyped = 3,
        /// `HISTOGRAM`.
        Histogram = 4,
        /// `GAUGE_HISTOGRAM`.
        GaugeHistogram = 5,
    }

    /// `MetricFamily`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MetricFamily {
        /// 1
        #[prost(string, optional, tag = "1")]
        pub name: Option<String>,
        /// 2
        #[prost(string, optional, tag = "2")]
        pub help: Option<String>,
        /// 3
        #[prost(enumeration = "MetricType", optional, tag = "3")]
        pub r#type: Option<i32>,
        /// 4
        #[prost(message, repeated, tag = "4")]
        pub metric: Vec<Metric>,
        /// 5
        #[prost(string, optional, tag = "5")]
        pub unit: Option<String>,
    }

    /// `Metric`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Metric {
        /// 1
        #[prost(message, repeated, tag = "1")]
        pub label: Vec<LabelPair>,
        /// 2
        #[prost(message, optional, tag = "2")]
        pub gauge: Option<Gauge>,
        /// 3
        #[prost(message, optional, tag = "3")]
        pub counter: Option<Counter>,
        /// 4
        #[prost(message, optional, tag = "4")]
        pub summary: Option<Summary>,
        /// 5
        #[prost(message, optional, tag = "5")]
        pub untyped: Option<Untyped>,
        /// 7
        #[prost(message, optional, tag = "7")]
        pub histogram: Option<Histogram>,
        /// 6
        #[prost(int64, optional, tag = "6")]
        pub timestamp_ms: Option<i64>,
    }

    /// `LabelPair`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct LabelPair {
        /// 1
        #[prost(string, optional, tag = "1")]
        pub name: Option<String>,
        /// 2
        #[prost(string, optional, tag = "2")]
        pub value: Option<String>,
    }

    /// `Gauge`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Gauge {
        /// 1
        #[prost(double, optional, tag = "1")]
        pub value: Option<f64>,
    }

    /// `Untyped`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Untyped {
        /// 1
        #[prost(double, optional, tag = "1")]
        pub value: Option<f64>,
    }

    /// `Counter`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Counter {
        /// 1
        #[prost(double, optional, tag = "1")]
        pub value: Option<f64>,
        /// 2
        #[prost(message, optional, tag = "2")]
        pub exemplar: Option<Exemplar>,
        /// 3
        #[prost(message, optional, tag = "3")]
        pub created_timestamp: Option<Timestamp>,
    }

    /// `Quantile`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Quantile {
        /// 1
        #[prost(double, optional, tag = "1")]
        pub quantile: Option<f64>,
        /// 2
        #[prost(double, optional, tag = "2")]
        pub value: Option<f64>,
    }

    /// `Summary`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Summary {
        /// 1
        #[prost(uint64, optional, tag = "1")]
        pub sample_count: Option<u64>,
        /// 2
        #[prost(double, optional, tag = "2")]
        pub sample_sum: Option<f64>,
        /// 3
        #[prost(message, repeated, tag = "3")]
        pub quantile: Vec<Quantile>,
        /// 4
        #[prost(message, optional, tag = "4")]
        pub created_timestamp: Option<Timestamp>,
    }

    /// `Histogram`, classic and native parts.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Histogram {
        /// 1
        #[prost(uint64, optional, tag = "1")]
        pub sample_count: Option<u64>,
        /// 4
        #[prost(double, optional, tag = "4")]
        pub sample_count_float: Option<f64>,
        /// 2
        #[prost(double, optional, tag = "2")]
        pub sample_sum: Option<f64>,
        /// 3
        #[prost(message, repeated, tag = "3")]
        pub bucket: Vec<Bucket>,
        /// 15
        #[prost(message, optional, tag = "15")]
        pub created_timestamp: Option<Timestamp>,
        /// 5
        #[prost(sint32, optional, tag = "5")]
        pub schema: Option<i32>,
        /// 6
        #[prost(double, optional, tag = "6")]
        pub zero_threshold: Option<f64>,
        /// 7
        #[prost(uint64, optional, tag = "7")]
        pub zero_count: Option<u64>,
        /// 8
        #[prost(double, optional, tag = "8")]
        pub zero_count_float: Option<f64>,
        /// 9
        #[prost(message, repeated, tag = "9")]
        pub negative_span: Vec<BucketSpan>,
        /// 10
        #[prost(sint64, repeated, packed = "false", tag = "10")]
        pub negative_delta: Vec<i64>,
        /// 11
        #[prost(double, repeated, packed = "false", tag = "11")]
        pub negative_count: Vec<f64>,
        /// 12
        #[prost(message, repeated, tag = "12")]
        pub positive_span: Vec<BucketSpan>,
        /// 13
        #[prost(sint64, repeated, packed = "false", tag = "13")]
        pub positive_delta: Vec<i64>,
        /// 14
        #[prost(double, repeated, packed = "false", tag = "14")]
        pub positive_count: Vec<f64>,
        /// 16
        #[prost(message, repeated, tag = "16")]
        pub exemplars: Vec<Exemplar>,
    }

    /// `Bucket` of a classic histogram.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Bucket {
        /// 1
        #[prost(uint64, optional, tag = "1")]
        pub cumulative_count: Option<u64>,
        /// 4
        #[prost(double, optional, tag = "4")]
        pub cumulative_count_float: Option<f64>,
        /// 2
        #[prost(double, optional, tag = "2")]
        pub upper_bound: Option<f64>,
        /// 3
        #[prost(message, optional, tag = "3")]
        pub exemplar: Option<Exemplar>,
    }

    /// `BucketSpan` of a native histogram.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct BucketSpan {
        /// 1
        #[prost(sint32, optional, tag = "1")]
        pub offset: Option<i32>,
        /// 2
        #[prost(uint32, optional, tag = "2")]
        pub length: Option<u32>,
    }

    /// `Exemplar`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Exemplar {
        /// 1
        #[prost(message, repeated, tag = "1")]
        pub label: Vec<LabelPair>,
        /// 2
        #[prost(double, optional, tag = "2")]
        pub value: Option<f64>,
        /// 3
        #[prost(message, optional, tag = "3")]
        pub timestamp: Option<Timestamp>,
    }

    /// `google.protobuf.Timestamp` (proto3).
    #[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
    pub struct Timestamp {
        /// 1
        #[prost(int64, tag = "1")]
        pub seconds: i64,
        /// 2
        #[prost(int32, tag = "2")]
        pub nanos: i32,
    }

    impl Timestamp {
        /// The time as seconds since the epoch.
        pub fn as_secs_f64(self) -> f64 {
            self.seconds as f64 + f64::from(self.nanos) / 1e9
        }
    }

    impl LabelPair {
        /// `(name, value)`, empty strings for missing fields.
        pub fn pair(&self) -> (String, String) {
            (self.name.clone().unwrap_or_default(), self.value.clone().unwrap_or_default())
        }
    }
}

use model::{MetricFamily, MetricType};

/// Decodes a whole `encoding=delimited` body: varint length, message, and again, until
/// the last byte.
///
/// # Errors
///
/// A length that runs past the end, or a message that does not decode.
pub fn decode(mut body: &[u8]) -> Result<Vec<MetricFamily>, String> {
    let mut families = Vec::new();
    while !body.is_empty() {
        let family = MetricFamily::decode_length_delimited(&mut body)
            .map_err(|error| format!("family {} does not decode: {error}", families.len()))?;
        families.push(family);
    }
    Ok(families)
}

/// Renders the registry as protobuf and decodes it.
///
/// # Panics
///
/// When the body does not decode.
pub fn rendered() -> Vec<MetricFamily> {
    let mut out = Vec::new();
    metricsmith::render(metricsmith::Format::Protobuf, &mut out);
    decode(&out).unwrap_or_else(|error| panic!("{error}"))
}

/// The family named `name`.
///
/// # Panics
///
/// When there is none.
pub fn family<'a>(families: &'a [MetricFamily], name: &str) -> &'a MetricFamily {
    families
        .iter()
        .find(|family| family.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no family {name}"))
}

/// The bucket Prometheus puts `value` in at `schema`: `ceil(log2(|value|) · 2^schema)`
/// (for values away from bucket bounds).
pub fn native_key(value: f64, schema: i32) -> i32 {
    (value.abs().log2() * 2f64.powi(schema)).ceil() as i32
}

/// The `(key, count)` of the non-empty native buckets that spans and deltas encode, decoded
/// here by the format's rules: the first span's offset is its first key, each later
/// one's the gap after the previous span; each delta is the count minus the previous.
pub fn decoded_buckets(spans: &[model::BucketSpan], deltas: &[i64]) -> Vec<(i32, u64)> {
    let mut buckets = Vec::new();
    let (mut key, mut count, mut deltas) = (0i32, 0i64, deltas.iter());
    for (position, span) in spans.iter().enumerate() {
        let offset = span.offset.unwrap_or(0);
        key += if position == 0 { offset } else { offset + 1 };
        for step in 0..span.length.unwrap_or(0) {
            if step > 0 {
                key += 1;
            }
            count += deltas.next().expect("a delta per bucket");
            if count > 0 {
                buckets.push((key, count as u64));
            }
        }
    }
    assert!(deltas.next().is_none(), "as many deltas as buckets in spans");
    buckets
}

/// The expected `(key, count)` of `values` at `schema`.
pub fn expected_buckets(values: impl IntoIterator<Item = f64>, schema: i32) -> Vec<(i32, u64)> {
    let mut buckets: Vec<(i32, u64)> = Vec::new();
    for value in values {
        let key = native_key(value, schema);
        match buckets.iter_mut().find(|(bucket, _)| *bucket == key) {
            Some((_, count)) => *count += 1,
            None => buckets.push((key, 1)),
        }
    }
    buckets.sort();
    buckets
}

/// The `le` label value of an upper bound: Rust's shortest round-trip digits, `+Inf`.
/// (The text formats write Go's style; compare by [`normalize_le`].)
pub fn le(bound: f64) -> String {
    if bound == f64::INFINITY {
        "+Inf".to_owned()
    } else {
        format!("{bound}")
    }
}

/// Rewrites the `le` label of text samples as [`le`] writes it.
///
/// # Panics
///
/// When an `le` value is not a number.
pub fn normalize_le(families: &mut [reader::Family]) {
    for sample in families.iter_mut().flat_map(|family| family.samples.iter_mut()) {
        for (name, value) in &mut sample.labels {
            if name == "le" {
                *value = le(value.parse().unwrap_or_else(|_| panic!("le={value}")));
            }
        }
    }
}

/// The families as text 0.0.4 shows them (kind words of text 0.0.4; `le` as [`le`]).
///
/// # Panics
///
/// When a family lacks its name, type or value messages.
pub fn text_families(families: &[MetricFamily]) -> Vec<reader::Family> {
    families.iter().map(text_family).collect()
}

fn text_family(family: &MetricFamily) -> reader::Family {
    let name = family.name.clone().expect("a family name");
    let kind = MetricType::try_from(family.r#type.expect("a family type")).expect("a known type");
    let mut samples = Vec::new();
    for metric in &family.metric {
        let labels: Vec<(String, String)> = metric.label.iter().map(|pair| pair.pair()).collect();
        let mut push = |suffix: &str, extra: Option<(&str, String)>, value: f64| {
            let mut labels = labels.clone();
            labels.extend(extra.map(|(name, value)| (name.to_owned(), value)));
            samples.push(reader::Sample { name: format!("{name}{suffix}"), labels, value, exemplar: None });
        };
        match kind {
            MetricType::Counter => push(
                "",
                None,
                metric.counter.as_ref().and_then(|counter| counter.value).expect("a counter value"),
            ),
            MetricType::Gauge => {
                push("", None, metric.gauge.as_ref().and_then(|gauge| gauge.value).expect("a gauge value"))
            }
            MetricType::Summary => {
                let summary = metric.summary.as_ref().expect("a summary");
                push("_count", None, summary.sample_count.expect("a count") as f64);
                push("_sum", None, summary.sample_sum.expect("a sum"));
            }
            MetricType::Histogram => {
                let histogram = metric.histogram.as_ref().expect("a histogram");
                let count = histogram.sample_count.expect("a count");
                for bucket in &histogram.bucket {
                    let bound = bucket.upper_bound.expect("an upper bound");
                    push(
                        "_bucket",
                        Some(("le", le(bound))),
                        bucket.cumulative_count.expect("a count") as f64,
                    );
                }
                let last = histogram.bucket.last().and_then(|bucket| bucket.upper_bound);
                if last != Some(f64::INFINITY) {
                    push("_bucket", Some(("le", le(f64::INFINITY))), count as f64);
                }
                push("_count", None, count as f64);
                push("_sum", None, histogram.sample_sum.expect("a sum"));
            }
            other => panic!("metricsmith writes no {other:?}"),
        }
    }
    let kind = match kind {
        MetricType::Counter => "counter",
        MetricType::Gauge => "gauge",
        MetricType::Summary => "summary",
        _ => "histogram",
    };
    reader::Family {
        name,
        kind: kind.to_owned(),
        help: family.help.clone().unwrap_or_default(),
        unit: None,
        samples,
    }
}

/// Whether two sample values are the same number (NaN equals NaN).
pub fn same_value(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}
