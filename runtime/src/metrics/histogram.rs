use core::marker::PhantomData;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use super::{float_cell, series_index};
use crate::family::{Family, MetricType, Sample};
use crate::labels::LabelSet;
use crate::rejected::{self, Rejection};

/// Prometheus' default buckets, in seconds: `.005 .01 .025 .05 .1 .25 .5 1 2.5 5 10`.
pub const DEFAULT_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Where observations go when a hand-written `LabelSet` reports an index out of range:
/// one overflow bucket and a sum, never rendered.
static DISCARDED: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

/// A distribution of observations in cumulative buckets, with their count and sum.
///
/// Buckets are fixed at declaration (`#[metric(buckets = [...])]`, default
/// [`DEFAULT_BUCKETS`]). Each series stores one counter per bucket (not cumulative),
/// an overflow bucket and the sum; the scrape accumulates them, so the `+Inf` bucket
/// always equals `_count`.
///
/// A histogram measures a quantity that cannot be negative (a duration, a size) unless
/// its buckets say otherwise:
/// - NaN observations are rejected and counted in
///   `metricsmith_rejected_values_total{kind="nan_observation"}`;
/// - negative observations (including `-Inf`) are rejected and counted as
///   `kind="negative_observation"`, unless the lowest bucket bound is negative;
/// - a histogram with a negative bucket bound accepts any non-NaN value, and its
///   OpenMetrics output has no `_sum`, as that format requires of such histograms;
/// - `+Inf` lands in the `+Inf` bucket and makes the sum infinite.
///
/// ```
/// use metricsmith::{metric, Histogram};
/// use std::time::Duration;
///
/// /// Payment gateway round-trip latency.
/// #[metric(buckets = [0.05, 0.1, 0.25, 0.5, 1.0])]
/// static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram;
///
/// PAYMENT_GATEWAY_DURATION_SECONDS.observe(0.2);
/// PAYMENT_GATEWAY_DURATION_SECONDS.observe_duration(Duration::from_millis(70));
/// {
///     let _timer = PAYMENT_GATEWAY_DURATION_SECONDS.start_timer(); // observes on drop
/// }
/// assert_eq!(PAYMENT_GATEWAY_DURATION_SECONDS.count(), 3);
/// // Cumulative: le="0.05" holds the timer's ~0 s, le="0.1" adds 0.07, le="0.25" adds 0.2.
/// assert_eq!(PAYMENT_GATEWAY_DURATION_SECONDS.bucket_counts(), [1, 2, 3, 3, 3, 3]);
/// ```
pub struct Histogram<L: LabelSet = ()> {
    bounds: &'static [f64],
    cells: &'static [AtomicU64],
    labels: PhantomData<fn(L)>,
}

impl<L: LabelSet> Histogram<L> {
    #[doc(hidden)]
    pub const fn __new(bounds: &'static [f64], cells: &'static [AtomicU64]) -> Self {
        assert!(
            cells.len() == L::CARDINALITY * (bounds.len() + 2),
            "histogram storage does not match its label set and buckets"
        );
        Histogram { bounds, cells, labels: PhantomData }
    }

    /// The bucket upper bounds, without `+Inf`.
    pub fn buckets(&self) -> &'static [f64] {
        self.bounds
    }

    /// The series at a label-set index (`#[timed]` computes it from borrowed arguments);
    /// an index out of range records into a discarded series.
    #[inline]
    pub(crate) fn series_at(&self, index: usize) -> HistogramSeries {
        let stride = self.bounds.len() + 2;
        match self.cells.get(index * stride..(index + 1) * stride) {
            Some(cells) => HistogramSeries { bounds: self.bounds, cells },
            None => HistogramSeries { bounds: &[], cells: &DISCARDED },
        }
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> HistogramSeries {
        let stride = self.bounds.len() + 2;
        match series_index(labels, L::CARDINALITY) {
            Some(index) => HistogramSeries {
                bounds: self.bounds,
                cells: &self.cells[index * stride..(index + 1) * stride],
            },
            None => HistogramSeries { bounds: &[], cells: &DISCARDED },
        }
    }
}

impl Histogram<()> {
    /// Records one observation.
    #[inline]
    pub fn observe(&self, value: f64) {
        self.labels(()).observe(value);
    }
    /// Records a duration, in seconds.
    #[inline]
    pub fn observe_duration(&self, duration: Duration) {
        self.labels(()).observe_duration(duration);
    }
    /// Starts a timer that observes the elapsed seconds when dropped.
    #[must_use = "the timer observes when dropped; dropping it at once records ~0"]
    pub fn start_timer(&self) -> HistogramTimer {
        self.labels(()).start_timer()
    }
    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.labels(()).count()
    }
    /// Sum of observations.
    pub fn sum(&self) -> f64 {
        self.labels(()).sum()
    }
    /// Cumulative count per bucket, `+Inf` last.
    pub fn bucket_counts(&self) -> Vec<u64> {
        self.labels(()).bucket_counts()
    }
}

/// One series of a [`Histogram`].
#[derive(Clone, Copy, Debug)]
pub struct HistogramSeries {
    bounds: &'static [f64],
    /// Per-bucket counts (bounds, then overflow), then the sum's bits.
    cells: &'static [AtomicU64],
}

impl HistogramSeries {
    /// A series over `cells`: one count per bound, the overflow count, then the sum's bits.
    pub(crate) const fn from_cells(bounds: &'static [f64], cells: &'static [AtomicU64]) -> Self {
        assert!(cells.len() == bounds.len() + 2, "histogram series storage does not match its buckets");
        HistogramSeries { bounds, cells }
    }

    /// Records one observation.
    #[inline]
    pub fn observe(self, value: f64) {
        if value.is_nan() {
            rejected::record(Rejection::NanObservation);
            return;
        }
        if value < 0.0 && !self.bounds.first().is_some_and(|lowest| *lowest < 0.0) {
            rejected::record(Rejection::NegativeObservation);
            return;
        }
        // Branch-free bucket search: the number of bounds below `value` is its bucket.
        let bucket = self.bounds.iter().map(|bound| usize::from(value > *bound)).sum::<usize>();
        let sum_cell = self.bounds.len() + 1;
        self.cells[bucket].fetch_add(1, Relaxed);
        float_cell::add(&self.cells[sum_cell], value);
    }
    /// Records a duration, in seconds.
    #[inline]
    pub fn observe_duration(self, duration: Duration) {
        self.observe(duration.as_secs_f64());
    }
    /// Starts a timer that observes the elapsed seconds when dropped.
    #[must_use = "the timer observes when dropped; dropping it at once records ~0"]
    pub fn start_timer(self) -> HistogramTimer {
        HistogramTimer { series: self, start: Instant::now(), armed: true }
    }
    /// Number of observations (the sum of all buckets).
    pub fn count(self) -> u64 {
        self.cells[..=self.bounds.len()].iter().map(|cell| cell.load(Relaxed)).sum()
    }
    /// Sum of observations.
    pub fn sum(self) -> f64 {
        float_cell::load(&self.cells[self.bounds.len() + 1])
    }
    /// Cumulative count per bucket, `+Inf` last.
    pub fn bucket_counts(self) -> Vec<u64> {
        let mut out = Vec::with_capacity(self.bounds.len() + 1);
        self.read_cumulative(&mut out);
        out
    }
    pub(crate) fn read_cumulative(self, out: &mut Vec<u64>) -> u64 {
        let mut running = 0u64;
        for cell in &self.cells[..=self.bounds.len()] {
            running = running.wrapping_add(cell.load(Relaxed));
            out.push(running);
        }
        running
    }
}

/// Guard from [`Histogram::start_timer`]: observes the elapsed seconds when dropped,
/// on every exit path including unwinding.
#[derive(Debug)]
pub struct HistogramTimer {
    series: HistogramSeries,
    start: Instant,
    armed: bool,
}

impl HistogramTimer {
    /// Observes now and returns the elapsed time.
    pub fn observe_now(mut self) -> Duration {
        self.armed = false;
        let elapsed = self.start.elapsed();
        self.series.observe_duration(elapsed);
        elapsed
    }
    /// Drops the timer without observing.
    pub fn discard(mut self) {
        self.armed = false;
    }
}

impl Drop for HistogramTimer {
    fn drop(&mut self) {
        if self.armed {
            self.series.observe_duration(self.start.elapsed());
        }
    }
}

impl<L: LabelSet> Family for Histogram<L> {
    fn metric_type(&self) -> MetricType {
        MetricType::Histogram
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
    fn bucket_bounds(&self) -> &[f64] {
        self.bounds
    }
    fn read(&self, series: usize, out: &mut Sample) {
        let stride = self.bounds.len() + 2;
        if let Some(cells) = self.cells.get(series * stride..(series + 1) * stride) {
            let series = HistogramSeries { bounds: self.bounds, cells };
            out.count = series.read_cumulative(&mut out.cumulative_buckets);
            out.sum = series.sum();
        }
    }
}
