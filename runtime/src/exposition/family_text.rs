//! The text of a family that rarely changes: its series' label pairs and its histogram
//! `le` labels, rendered and escaped on the first scrape and reused by every later one.
//! A family whose labels have values registered at run time gains series as they
//! register; its label text is rendered anew on the first scrape after each change.

use std::ops::Deref;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::{escape, number, Format};
use crate::registry::Registered;

/// One family's rendered label text, filled on first use.
#[derive(Default)]
pub(super) struct FamilyText {
    /// `name="value",...` of every series, for a family whose series all exist from
    /// the start.
    fixed: OnceLock<SeriesLabels>,
    /// The same for a family whose series come into existence at run time, with the
    /// generation it was rendered at.
    changing: Mutex<Option<Arc<SeriesLabels>>>,
    /// Histograms: `le="…"} ` of every bucket (`+Inf` last), per text format.
    bucket_labels: [OnceLock<Vec<Box<[u8]>>>; 2],
}

/// The label text of every series of a family, as it was when rendered.
pub(super) struct SeriesLabels {
    /// The family's `series_generation` when rendered.
    generation: Option<usize>,
    text: String,
    ends: Vec<usize>,
    /// Which series existed when rendered; empty when all did.
    exists: Vec<bool>,
}

impl SeriesLabels {
    /// Whether `series` existed when the text was rendered: a series is rendered with
    /// the label text it had then, or not at all.
    pub(super) fn exists(&self, series: usize) -> bool {
        series < self.ends.len() && self.exists.get(series).copied().unwrap_or(self.exists.is_empty())
    }

    /// Whether no series existed.
    pub(super) fn none_exist(&self) -> bool {
        self.ends.is_empty() || (!self.exists.is_empty() && !self.exists.contains(&true))
    }

    /// The rendered `name="value",...` pairs of `series` (empty without labels).
    pub(super) fn of(&self, series: usize) -> &str {
        let start = if series == 0 { 0 } else { self.ends[series - 1] };
        self.text.get(start..self.ends.get(series).copied().unwrap_or(start)).unwrap_or("")
    }
}

/// A family's label text for one scrape: kept for good, or shared with the cache until
/// the family's series change.
pub(super) enum Labels<'a> {
    Fixed(&'a SeriesLabels),
    Changing(Arc<SeriesLabels>),
}

impl Deref for Labels<'_> {
    type Target = SeriesLabels;
    fn deref(&self) -> &SeriesLabels {
        match self {
            Labels::Fixed(labels) => labels,
            Labels::Changing(labels) => labels,
        }
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
                    (Some(bound), Format::Prometheus) => number::write_go_float(&mut text, *bound),
                    (Some(bound), Format::OpenMetrics) => number::write_canonical_float(&mut text, *bound),
                }
                text.extend_from_slice(b"\"} ");
                labels.push(text.into_boxed_slice());
            }
            labels
        })
    }

    /// The rendered label pairs of every series, and which series exist.
    pub(super) fn series_labels(&self, metric: &Registered) -> Labels<'_> {
        let Some(generation) = metric.family.series_generation() else {
            return Labels::Fixed(self.fixed.get_or_init(|| render_series_labels(metric, None)));
        };
        // A scrape that fails while holding the lock leaves a cache as good as before.
        let mut cached = self.changing.lock().unwrap_or_else(PoisonError::into_inner);
        match &*cached {
            Some(labels) if labels.generation == Some(generation) => Labels::Changing(Arc::clone(labels)),
            _ => {
                let labels = Arc::new(render_series_labels(metric, Some(generation)));
                *cached = Some(Arc::clone(&labels));
                Labels::Changing(labels)
            }
        }
    }
}

fn render_series_labels(metric: &Registered, generation: Option<usize>) -> SeriesLabels {
    let family = metric.family;
    let count = family.series_count();
    let mut text = Vec::new();
    let mut ends = Vec::with_capacity(count);
    let mut exists = Vec::with_capacity(count);
    let mut values = Vec::with_capacity(metric.label_names.len());
    for series in 0..count {
        // Read once: a series registered meanwhile is rendered next time, with its text.
        let existing = family.series_exists(series);
        exists.push(existing);
        if existing {
            values.clear();
            family.label_values(series, &mut values);
            escape::write_label_pairs(
                &mut text,
                metric.label_names.iter().copied().zip(values.iter().copied()),
            );
        }
        ends.push(text.len());
    }
    if !exists.contains(&false) {
        exists = Vec::new();
    }
    // Only valid UTF-8 went in: names and values are `&str`, escapes are ASCII.
    let text = String::from_utf8(text).unwrap_or_default();
    SeriesLabels { generation, text, ends, exists }
}
