use core::marker::PhantomData;
use core::sync::atomic::AtomicU64;
use std::time::Duration;

use super::shard::{self, Layout, SeriesCells};
use super::{seqlock, series_index};
use crate::family::{Family, MetricType, Sample};
use crate::labels::LabelSet;
use crate::rejected::{self, Rejection};

/// A summary series is a histogram series without bounds: sequence, count, sum.
pub(crate) const SUMMARY_CELLS: SeriesCells =
    SeriesCells { fixed: seqlock::FIXED_CELLS + 1, per_bucket: false, shardable: true };

static DISCARDED: [AtomicU64; SUMMARY_CELLS.fixed] = [const { AtomicU64::new(0) }; SUMMARY_CELLS.fixed];

/// Observation count and sum, without quantiles (as Python's `prometheus_client`
/// renders a `Summary`). Use a [`Histogram`](crate::Histogram) when you need
/// percentiles: histograms aggregate across instances, client-side quantiles do not.
///
/// NaN and negative observations are rejected and counted, as for a histogram without
/// negative buckets: a summary's sum is counter-like in OpenMetrics.
///
/// ```
/// use metricsmith::{metric, Summary};
///
/// /// Size of uploaded receipts.
/// #[metric]
/// static RECEIPT_UPLOAD_BYTES: Summary;
///
/// RECEIPT_UPLOAD_BYTES.observe(512.0);
/// RECEIPT_UPLOAD_BYTES.observe(1024.0);
/// assert_eq!(RECEIPT_UPLOAD_BYTES.count(), 2);
/// assert_eq!(RECEIPT_UPLOAD_BYTES.sum(), 1536.0);
/// ```
pub struct Summary<L: LabelSet = ()> {
    /// Per series and shard: sequence, count, the sum's bits.
    cells: &'static [AtomicU64],
    layout: Layout,
    labels: PhantomData<fn(L)>,
}

impl<L: LabelSet> Summary<L> {
    #[doc(hidden)]
    pub const fn __new(cells: &'static [AtomicU64]) -> Self {
        let layout = Layout::new(L::CARDINALITY, SUMMARY_CELLS, 0);
        assert!(cells.len() == layout.total, "summary storage does not match its label set");
        Summary { cells, layout, labels: PhantomData }
    }

    fn series_at(&self, index: usize) -> SummarySeries {
        match index.checked_mul(SUMMARY_CELLS.fixed).and_then(|start| self.cells.get(start..)) {
            Some(cells) if index < L::CARDINALITY => SummarySeries { cells, stride: self.layout.stride },
            _ => SummarySeries { cells: &DISCARDED, stride: 0 },
        }
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> SummarySeries {
        match series_index(labels, L::CARDINALITY) {
            Some(index) => self.series_at(index),
            None => SummarySeries { cells: &DISCARDED, stride: 0 },
        }
    }
}

impl Summary<()> {
    /// Records one observation; a NaN or negative value is rejected and counted.
    #[inline]
    pub fn observe(&self, value: f64) {
        self.labels(()).observe(value);
    }
    /// Records a duration, in seconds.
    pub fn observe_duration(&self, duration: Duration) {
        self.labels(()).observe(duration.as_secs_f64());
    }
    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.labels(()).count()
    }
    /// Sum of observations.
    pub fn sum(&self) -> f64 {
        self.labels(()).sum()
    }
}

/// One series of a [`Summary`].
#[derive(Clone, Copy, Debug)]
pub struct SummarySeries {
    /// The family's cells from this series' first cell in shard 0 on.
    cells: &'static [AtomicU64],
    /// Cells between shards; 0 when the family is not sharded.
    stride: usize,
}

impl SummarySeries {
    /// Records one observation; a NaN or negative value is rejected and counted.
    #[inline]
    pub fn observe(self, value: f64) {
        if value.is_nan() {
            rejected::record(Rejection::NanObservation);
            return;
        }
        if value < 0.0 {
            rejected::record(Rejection::NegativeObservation);
            return;
        }
        let shard = if self.stride == 0 { 0 } else { shard::current() };
        let start = shard * self.stride;
        match self.cells.get(start..start + SUMMARY_CELLS.fixed) {
            Some(series) if shard != 0 => seqlock::record_owned(series, 0, value),
            Some(series) => seqlock::record_shared(series, 0, value),
            None => {}
        }
    }

    /// This series' count and sum, read as one consistent snapshot.
    fn snapshot(self) -> (u64, f64) {
        let mut count = 0u64;
        let mut sum = 0.0;
        for offset in shard::offsets(self.stride) {
            if let Some(series) = self.cells.get(offset..offset + SUMMARY_CELLS.fixed) {
                let mut shard_count = [0u64];
                sum += seqlock::read(series, &mut shard_count);
                count = count.wrapping_add(shard_count[0]);
            }
        }
        (count, sum)
    }
    /// Records a duration, in seconds.
    pub fn observe_duration(self, duration: Duration) {
        self.observe(duration.as_secs_f64());
    }
    /// Number of observations.
    pub fn count(self) -> u64 {
        self.snapshot().0
    }
    /// Sum of observations.
    pub fn sum(self) -> f64 {
        self.snapshot().1
    }
}

impl<L: LabelSet> Family for Summary<L> {
    fn metric_type(&self) -> MetricType {
        MetricType::Summary
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        L::label_names(out);
    }
    fn series_count(&self) -> usize {
        L::CARDINALITY
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        L::label_values(series, out);
    }
    fn read(&self, series: usize, out: &mut Sample) {
        if series < L::CARDINALITY {
            (out.count, out.sum) = self.series_at(series).snapshot();
        }
    }
}
