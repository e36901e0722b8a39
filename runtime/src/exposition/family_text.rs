//! The text of a family that never changes: its series' label pairs and its histogram
//! `le` labels, rendered and escaped on the first scrape and reused by every later one.

use super::{escape, number, Format};
use crate::registry::Registered;
use crate::storage::race_once::RaceOnce;

/// One family's rendered label text, filled on first use.
#[derive(Default)]
pub(super) struct FamilyText {
    /// `name="value",...` of every series.
    series_labels: RaceOnce<SeriesLabels>,
    /// Histograms: `le="…"} ` of every bucket (`+Inf` last), per text format.
    bucket_labels: [RaceOnce<Vec<Box<[u8]>>>; 2],
}

struct SeriesLabels {
    text: String,
    ends: Vec<usize>,
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

    /// The rendered `name="value",...` pairs of `series` (empty without labels).
    pub(super) fn series_labels(&self, metric: &Registered, series: usize) -> &str {
        let labels = self.series_labels.get_or_init(|| render_series_labels(metric));
        let start = if series == 0 { 0 } else { labels.ends[series - 1] };
        labels.text.get(start..labels.ends.get(series).copied().unwrap_or(start)).unwrap_or("")
    }
}

fn render_series_labels(metric: &Registered) -> SeriesLabels {
    let count = metric.family.series_count();
    let mut text = Vec::new();
    let mut ends = Vec::with_capacity(count);
    let mut values = Vec::with_capacity(metric.label_names.len());
    for series in 0..count {
        values.clear();
        metric.family.label_values(series, &mut values);
        escape::write_label_pairs(&mut text, metric.label_names.iter().copied().zip(values.iter().copied()));
        ends.push(text.len());
    }
    // Only valid UTF-8 went in: names and values are `&str`, escapes are ASCII.
    let text = String::from_utf8(text).unwrap_or_default();
    SeriesLabels { text, ends }
}
