use core::marker::PhantomData;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use super::{float_cell, series_index};
use crate::family::{Family, MetricType, Sample};
use crate::labels::LabelSet;
use crate::rejected::{self, Rejection};

static DISCARDED: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

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
    /// Per series: count, then the sum's bits.
    cells: &'static [AtomicU64],
    labels: PhantomData<fn(L)>,
}

impl<L: LabelSet> Summary<L> {
    #[doc(hidden)]
    pub const fn __new(cells: &'static [AtomicU64]) -> Self {
        assert!(cells.len() == L::CARDINALITY * 2, "summary storage does not match its label set");
        Summary { cells, labels: PhantomData }
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> SummarySeries {
        let cells = match series_index(labels, L::CARDINALITY) {
            Some(index) => &self.cells[index * 2..index * 2 + 2],
            None => &DISCARDED[..],
        };
        SummarySeries { cells }
    }
}

impl Summary<()> {
    /// Records one observation.
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
    cells: &'static [AtomicU64],
}

impl SummarySeries {
    /// Records one observation.
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
        self.cells[0].fetch_add(1, Relaxed);
        float_cell::add(&self.cells[1], value);
    }
    /// Records a duration, in seconds.
    pub fn observe_duration(self, duration: Duration) {
        self.observe(duration.as_secs_f64());
    }
    /// Number of observations.
    pub fn count(self) -> u64 {
        self.cells[0].load(Relaxed)
    }
    /// Sum of observations.
    pub fn sum(self) -> f64 {
        float_cell::load(&self.cells[1])
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
        if let Some(cells) = self.cells.get(series * 2..series * 2 + 2) {
            let series = SummarySeries { cells };
            out.count = series.count();
            out.sum = series.sum();
        }
    }
}
