//! The text of a family that never changes: its series' label pairs and its histogram
//! `le` labels, rendered and escaped (or, for protobuf, encoded) on the first scrape and
//! reused by every later one.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use super::{escape, number, protobuf, Format};
use crate::registry::Registered;
use crate::storage::race_once::RaceOnce;

/// One family's rendered label text, filled on first use.
#[derive(Default)]
pub(super) struct FamilyText {
    /// `name="value",...` of every series.
    series_labels: RaceOnce<SeriesBytes>,
    /// Histograms: `le="…"} ` of every bucket (`+Inf` last), per text format.
    bucket_labels: [RaceOnce<Vec<Box<[u8]>>>; 2],
    /// Protobuf: the encoded `label` fields of every series' `Metric` message.
    protobuf_labels: RaceOnce<SeriesBytes>,
    /// Protobuf: the length of the family's last `MetricFamily` message, so the next
    /// scrape holds the right number of bytes for its length prefix.
    protobuf_length: AtomicUsize,
}

/// Bytes for every series, one after the other.
struct SeriesBytes {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl SeriesBytes {
    /// Calls `write` for every series of `metric` with its label pairs.
    fn collect(metric: &Registered, mut write: impl FnMut(&mut Vec<u8>, &[(&str, &str)])) -> SeriesBytes {
        let count = metric.family.series_count();
        let mut bytes = Vec::new();
        let mut ends = Vec::with_capacity(count);
        let mut values = Vec::with_capacity(metric.label_names.len());
        let mut pairs = Vec::with_capacity(metric.label_names.len());
        for series in 0..count {
            values.clear();
            metric.family.label_values(series, &mut values);
            pairs.clear();
            pairs.extend(metric.label_names.iter().copied().zip(values.iter().copied()));
            write(&mut bytes, &pairs);
            ends.push(bytes.len());
        }
        SeriesBytes { bytes, ends }
    }

    fn of(&self, series: usize) -> &[u8] {
        let start = if series == 0 { 0 } else { self.ends[series - 1] };
        self.bytes.get(start..self.ends.get(series).copied().unwrap_or(start)).unwrap_or(&[])
    }
}

impl FamilyText {
    /// A histogram's `le="…"} ` text of every bucket, `+Inf` last, in `format`'s
    /// number style.
    pub(super) fn bucket_labels(&self, metric: &Registered, format: Format) -> &[Box<[u8]>] {
        let cell = &self.bucket_labels[usize::from(format == Format::OpenMetrics)];
        cell.get_or_init(|| {
            let bounds = metric.family.bucket_bounds();
            let mut labels: Vec<Box<[u8]>> = Vec::with_capacity(bounds.len() + 1);
            for bound in bounds.iter().map(Some).chain([None]) {
                let mut text = b"le=\"".to_vec();
                match (bound, format) {
                    (None, _) => text.extend_from_slice(b"+Inf"),
                    (Some(bound), Format::OpenMetrics) => number::write_canonical_float(&mut text, *bound),
                    (Some(bound), _) => number::write_go_float(&mut text, *bound),
                }
                text.extend_from_slice(b"\"} ");
                labels.push(text.into_boxed_slice());
            }
            labels
        })
    }

    /// The rendered `name="value",...` pairs of `series` (empty without labels); only
    /// valid UTF-8 goes in (names and values are `&str`, escapes are ASCII).
    pub(super) fn series_labels(&self, metric: &Registered, series: usize) -> &[u8] {
        let labels = self.series_labels.get_or_init(|| {
            SeriesBytes::collect(metric, |out, pairs| escape::write_label_pairs(out, pairs.iter().copied()))
        });
        labels.of(series)
    }

    /// The encoded protobuf `label` fields of `series`.
    pub(super) fn protobuf_labels(&self, metric: &Registered, series: usize) -> &[u8] {
        let labels =
            self.protobuf_labels.get_or_init(|| SeriesBytes::collect(metric, protobuf::write_label_pairs));
        labels.of(series)
    }

    /// The length of this family's last protobuf message (0 before the first).
    pub(super) fn protobuf_length(&self) -> usize {
        self.protobuf_length.load(Relaxed)
    }

    pub(super) fn set_protobuf_length(&self, length: usize) {
        self.protobuf_length.store(length, Relaxed);
    }
}
