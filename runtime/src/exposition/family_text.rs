//! What a family renders the same way at every scrape: its series' label pairs (escaped
//! text for the text formats, encoded `label` fields for protobuf) and its histogram
//! `le` labels, rendered on the first scrape and reused by every later one.
//!
//! A family whose labels have values registered at run time gains series as they
//! register: its label bytes are rendered anew on the first scrape after each change.
//! No scrape waits for another to finish rendering them: a scrape that finds the cache
//! being replaced renders its own copy (so a forked child never waits for a thread its
//! parent had).

use std::ops::Deref;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, TryLockError};

use super::{escape, number, protobuf, Format};
use crate::family::Sample;
use crate::registry::Registered;
use crate::storage::race_once::RaceOnce;

/// One family's rendered label bytes, filled on first use.
#[derive(Default)]
pub(super) struct FamilyText {
    /// `name="value",...` of every series.
    text_labels: LabelCache,
    /// Protobuf: the encoded `label` fields of every series' `Metric` message.
    protobuf_labels: LabelCache,
    /// Histograms: `le="…"} ` of every bucket (`+Inf` last), per text format.
    bucket_labels: [RaceOnce<Vec<Box<[u8]>>>; 2],
    /// Protobuf: the length of the family's last `MetricFamily` message, so the next
    /// scrape holds the right number of bytes for its length prefix.
    protobuf_length: AtomicUsize,
}

/// How one format writes a series' label pairs.
type WritePairs = fn(&mut Vec<u8>, &[(&str, &str)]);

/// The label bytes of every series of a family, as they were when rendered.
pub(super) struct SeriesBytes {
    /// The family's `series_generation` when rendered (`None`: its series never change).
    generation: Option<usize>,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// Which series existed when rendered; empty when all did.
    exists: Vec<bool>,
}

impl SeriesBytes {
    /// Calls `write` for every existing series of `metric` with its label pairs.
    fn collect(metric: &Registered, generation: Option<usize>, write: WritePairs) -> SeriesBytes {
        let family = metric.family;
        let count = family.series_count();
        let mut bytes = Vec::new();
        let mut ends = Vec::with_capacity(count);
        let mut exists = Vec::with_capacity(count);
        let mut values = Vec::with_capacity(metric.label_names.len());
        let mut pairs = Vec::with_capacity(metric.label_names.len());
        for series in 0..count {
            // Read once: a series registered meanwhile is rendered next time, with its text.
            let existing = family.series_exists(series);
            exists.push(existing);
            if existing {
                values.clear();
                family.label_values(series, &mut values);
                pairs.clear();
                pairs.extend(metric.label_names.iter().copied().zip(values.iter().copied()));
                write(&mut bytes, &pairs);
            }
            ends.push(bytes.len());
        }
        if !exists.contains(&false) {
            exists = Vec::new();
        }
        SeriesBytes { generation, bytes, ends, exists }
    }

    /// Whether `series` existed when the bytes were rendered: a series is rendered with
    /// the labels it had then, or not at all.
    pub(super) fn exists(&self, series: usize) -> bool {
        series < self.ends.len() && self.exists.get(series).copied().unwrap_or(self.exists.is_empty())
    }

    /// Whether no series existed.
    pub(super) fn none_exist(&self) -> bool {
        self.ends.is_empty() || (!self.exists.is_empty() && !self.exists.contains(&true))
    }

    /// The label bytes of `series` (empty without labels). Text: only valid UTF-8 goes in
    /// (names and values are `&str`, escapes are ASCII).
    pub(super) fn of(&self, series: usize) -> &[u8] {
        let start = if series == 0 { 0 } else { self.ends.get(series - 1).copied().unwrap_or(0) };
        self.bytes.get(start..self.ends.get(series).copied().unwrap_or(start)).unwrap_or(&[])
    }

    /// Reads each series of `metric` that existed when these bytes were rendered into
    /// `sample`, and hands `write` its label bytes, the sample and (with `with_exemplars`)
    /// the key of its exemplars: the walk every encoder makes over a family.
    #[inline]
    pub(super) fn read_each(
        &self,
        metric: &Registered,
        sample: &mut Sample,
        with_exemplars: bool,
        mut write: impl FnMut(&[u8], &Sample, Option<usize>),
    ) {
        for series in 0..metric.family.series_count() {
            if !self.exists(series) {
                continue;
            }
            sample.clear();
            metric.family.read(series, sample);
            let exemplar_key = if with_exemplars { metric.family.exemplar_key(series) } else { None };
            write(self.of(series), sample, exemplar_key);
        }
    }
}

/// A family's label bytes for one scrape: cached for good, shared with the cache until
/// the family's series change, or rendered for this scrape alone.
pub(super) enum Labels<'a> {
    Fixed(&'a SeriesBytes),
    Changing(Arc<SeriesBytes>),
}

impl Deref for Labels<'_> {
    type Target = SeriesBytes;
    fn deref(&self) -> &SeriesBytes {
        match self {
            Labels::Fixed(labels) => labels,
            Labels::Changing(labels) => labels,
        }
    }
}

/// The label bytes of one format.
#[derive(Default)]
struct LabelCache {
    /// For a family whose series all exist from the start.
    fixed: RaceOnce<SeriesBytes>,
    /// For a family whose series come into existence at run time.
    changing: Mutex<Option<Arc<SeriesBytes>>>,
}

impl LabelCache {
    fn get(&self, metric: &Registered, write: WritePairs) -> Labels<'_> {
        let Some(generation) = metric.family.series_generation() else {
            return Labels::Fixed(self.fixed.get_or_init(|| SeriesBytes::collect(metric, None, write)));
        };
        let mut cached = match self.changing.try_lock() {
            Ok(cached) => cached,
            // A scrape that failed while holding the lock leaves a cache as good as before.
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            // Another scrape is replacing it: render this scrape's own copy, not wait.
            Err(TryLockError::WouldBlock) => {
                return Labels::Changing(Arc::new(SeriesBytes::collect(metric, Some(generation), write)))
            }
        };
        match &*cached {
            Some(labels) if labels.generation == Some(generation) => Labels::Changing(Arc::clone(labels)),
            _ => {
                let labels = Arc::new(SeriesBytes::collect(metric, Some(generation), write));
                *cached = Some(Arc::clone(&labels));
                Labels::Changing(labels)
            }
        }
    }
}

fn write_text_pairs(out: &mut Vec<u8>, pairs: &[(&str, &str)]) {
    escape::write_label_pairs(out, pairs.iter().copied());
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

    /// The rendered `name="value",...` pairs of every series, and which series exist.
    pub(super) fn text_labels(&self, metric: &Registered) -> Labels<'_> {
        self.text_labels.get(metric, write_text_pairs)
    }

    /// The encoded protobuf `label` fields of every series, and which series exist.
    pub(super) fn protobuf_labels(&self, metric: &Registered) -> Labels<'_> {
        self.protobuf_labels.get(metric, protobuf::write_label_pairs)
    }

    /// The length of this family's last protobuf message (0 before the first).
    pub(super) fn protobuf_length(&self) -> usize {
        self.protobuf_length.load(Relaxed)
    }

    pub(super) fn set_protobuf_length(&self, length: usize) {
        self.protobuf_length.store(length, Relaxed);
    }
}
