use std::time::Duration;

use super::histogram::{Histogram, HistogramSeries};
use crate::family::{CellKind, Family, MetricType, Sample, Storage};
use crate::labels::LabelSet;
use crate::storage::created;

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
    /// A summary is a histogram without bounds: its one (`+Inf`) bucket is the count.
    /// Sharding, the seqlock and the rejection of NaN and negative values are the
    /// histogram's.
    inner: Histogram<L>,
}

impl<L: LabelSet> Summary<L> {
    #[doc(hidden)]
    pub const fn __new(cells: &'static [core::sync::atomic::AtomicU64]) -> Self {
        // The name only serves `#[timed(metric = ...)]`'s check, which takes histograms.
        Summary { inner: Histogram::__new("", &[], cells) }
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> SummarySeries {
        SummarySeries { inner: self.inner.labels(labels) }
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
    inner: HistogramSeries,
}

impl SummarySeries {
    /// Records one observation; a NaN or negative value is rejected and counted.
    #[inline]
    pub fn observe(self, value: f64) {
        self.inner.observe(value);
    }
    /// Records a duration, in seconds.
    pub fn observe_duration(self, duration: Duration) {
        self.observe(duration.as_secs_f64());
    }
    /// Number of observations.
    pub fn count(self) -> u64 {
        self.inner.count()
    }
    /// Sum of observations.
    pub fn sum(self) -> f64 {
        self.inner.sum()
    }
}

impl<L: LabelSet> Family for Summary<L> {
    fn metric_type(&self) -> MetricType {
        MetricType::Summary
    }
    crate::labels::label_set_family_methods!(L);
    fn read(&self, series: usize, out: &mut Sample) {
        if series < L::COMBINATIONS {
            // One consistent snapshot of count and sum; the single bucket is not shown.
            (out.count, out.sum) = self.inner.series_at(series).read_cumulative(&mut out.cumulative_buckets);
            out.cumulative_buckets.clear();
            out.created = created::counting_since();
        }
    }
    fn repair_after_fork(&self) {
        self.inner.repair_after_fork();
    }
    fn storage(&self, visit: &mut dyn FnMut(Storage)) {
        visit(self.inner.storage(CellKind::Summary));
    }
    #[cfg(feature = "testing")]
    fn capture_keys(&self, series: usize, key: &mut dyn FnMut(usize)) {
        self.inner.capture_keys(series, key);
    }
}
