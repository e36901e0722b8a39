use core::marker::PhantomData;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use super::native::{self, NativeConfig};
use super::series_index;
use crate::exemplars;
use crate::family::{CellKind, Family, MetricType, NativeBuckets, Number, Sample, Storage};
use crate::labels::LabelSet;
use crate::rejections::{self, Rejection};
#[cfg(feature = "testing")]
use crate::storage::capture;
use crate::storage::native::{Owned, Shared};
use crate::storage::patience::Patience;
use crate::storage::shard::{self, Layout, SeriesCells};
use crate::storage::{created, float_cell, seqlock};

/// How long a scrape retries a series whose observations stay in flight (their thread
/// stopped mid-write) before it renders the values as read and counts
/// `metricsmith_rejected_values_total{kind="inconsistent_snapshot"}`. Generous: a thread
/// preempted mid-write runs again long before.
const READ_PATIENCE: Duration = Duration::from_millis(200);

/// Prometheus' default buckets, in seconds: `.005 .01 .025 .05 .1 .25 .5 1 2.5 5 10`.
pub const DEFAULT_BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Where observations go when a hand-written `LabelSet` reports an index out of range:
/// a series without bounds (sequence, overflow bucket, sum), never rendered.
static DISCARDED: [AtomicU64; HISTOGRAM_CELLS.fixed] = [const { AtomicU64::new(0) }; HISTOGRAM_CELLS.fixed];

/// A histogram series: the sequence, one cell per bound plus the overflow bucket, the sum.
pub(crate) const HISTOGRAM_CELLS: SeriesCells =
    SeriesCells { fixed: seqlock::FIXED_CELLS + 1, per_bucket: true, shardable: true };

/// A distribution of observations in cumulative buckets, with their count and sum.
///
/// Buckets are fixed at declaration (`#[metric(buckets = [...])]`, default
/// [`DEFAULT_BUCKETS`]). Each series stores one counter per bucket (not cumulative),
/// an overflow bucket and the sum; the scrape accumulates them, so the `+Inf` bucket
/// always equals `_count`. A scrape reads each series as one consistent snapshot: its
/// `_sum` is exactly the sum of the observations its buckets count, even while other
/// threads observe. Small families are sharded per thread (see the crate's README,
/// "Performance"), so an observation is a few plain stores to memory no other thread
/// writes.
///
/// A histogram measures a quantity that cannot be negative (a duration, a size) unless
/// its buckets say otherwise:
/// - NaN observations are rejected and counted in
///   `metricsmith_rejected_values_total{kind="nan_observation"}`;
/// - negative observations (including `-Inf`) are rejected and counted as
///   `kind="negative_observation"`, unless the lowest bucket bound is negative;
/// - a histogram with a negative bucket bound accepts any non-NaN value, and its
///   OpenMetrics output has no `_sum` (nor `_count`, which may only stand beside it), as that
///   format requires of such histograms;
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
    /// The metric's name, for the compile-time check that `#[timed(metric = ...)]`
    /// records into a `_seconds` histogram.
    name: &'static str,
    bounds: &'static [f64],
    native: Option<NativeConfig>,
    cells: &'static [AtomicU64],
    layout: Layout,
    labels: PhantomData<fn(L)>,
}

impl<L: LabelSet> Histogram<L> {
    #[doc(hidden)]
    pub const fn __new(name: &'static str, bounds: &'static [f64], cells: &'static [AtomicU64]) -> Self {
        Self::__with_native(name, bounds, None, cells)
    }

    /// A histogram with native buckets too (`#[metric(native)]`); `cells` holds each
    /// series' classic cells, then its native cells (`NativeConfig::cells`).
    #[doc(hidden)]
    pub const fn __new_native(
        name: &'static str,
        bounds: &'static [f64],
        native: NativeConfig,
        cells: &'static [AtomicU64],
    ) -> Self {
        Self::__with_native(name, bounds, Some(native), cells)
    }

    const fn __with_native(
        name: &'static str,
        bounds: &'static [f64],
        native: Option<NativeConfig>,
        cells: &'static [AtomicU64],
    ) -> Self {
        let layout = Layout::new(L::COMBINATIONS, HISTOGRAM_CELLS, cells_beyond_fixed(bounds, native));
        assert!(cells.len() == layout.total, "histogram storage does not match its label set and buckets");
        Histogram { name, bounds, native, cells, layout, labels: PhantomData }
    }

    /// The metric's name, readable in constants: `#[timed(metric = ...)]` checks it
    /// ends in `_seconds`. Every instrument type has this method; only a histogram
    /// returns a name.
    #[doc(hidden)]
    pub const fn __histogram_name(&self) -> Option<&'static str> {
        Some(self.name)
    }

    /// The bucket upper bounds, without `+Inf`.
    pub fn buckets(&self) -> &'static [f64] {
        self.bounds
    }

    /// The most native buckets a series shows, if the histogram has native buckets.
    pub fn native_max_buckets(&self) -> Option<usize> {
        self.native.map(NativeConfig::max_buckets)
    }

    /// The series at a label-set index (`#[timed]` computes it from borrowed arguments);
    /// an index out of range records into a discarded series.
    #[inline]
    pub(crate) fn series_at(&self, index: usize) -> HistogramSeries {
        match index.checked_mul(self.layout.per_series).and_then(|start| self.cells.get(start..)) {
            Some(cells) if index < L::COMBINATIONS => HistogramSeries {
                bounds: self.bounds,
                native: self.native,
                cells,
                stride: self.layout.stride,
            },
            _ => HistogramSeries::DISCARDED,
        }
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> HistogramSeries {
        self.series_at(series_index(labels))
    }

    /// Its cells, as the multiprocess mode maps and merges them.
    pub(crate) fn storage(&self, kind: CellKind) -> Storage {
        Storage {
            per_series: self.layout.per_series,
            stride: self.layout.stride,
            bounds: self.bounds,
            native: self.native.map(NativeConfig::shape),
            ..Storage::new(self.cells, kind, L::COMBINATIONS)
        }
    }
}

impl Histogram<()> {
    /// Records one observation. NaN is rejected and counted, and so is a negative value
    /// unless the buckets go negative; `+Inf` lands in the `+Inf` bucket.
    #[inline]
    pub fn observe(&self, value: f64) {
        self.labels(()).observe(value);
    }
    /// Records a duration, in seconds.
    #[inline]
    pub fn observe_duration(&self, duration: Duration) {
        self.labels(()).observe_duration(duration);
    }
    /// Records one observation and keeps `labels` as the exemplar of its bucket (see
    /// [`HistogramSeries::observe_with_exemplar`]).
    ///
    /// ```
    /// use metricsmith::{metric, Histogram};
    ///
    /// /// Checkout latency.
    /// #[metric(buckets = [0.1, 0.5])]
    /// static CHECKOUT_DURATION_SECONDS: Histogram;
    ///
    /// CHECKOUT_DURATION_SECONDS.observe_with_exemplar(0.3, &[("trace_id", "4bf92f3577b34da6")]);
    /// assert_eq!(CHECKOUT_DURATION_SECONDS.bucket_counts(), [0, 1, 1]);
    /// ```
    pub fn observe_with_exemplar(&self, value: f64, labels: &[(&str, &str)]) {
        self.labels(()).observe_with_exemplar(value, labels);
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
    /// The native buckets, as a scrape shows them; `None` without `#[metric(native)]`.
    ///
    /// ```
    /// use metricsmith::{metric, Histogram};
    ///
    /// /// Time to label a parcel.
    /// #[metric(native)]
    /// static PARCEL_LABEL_DURATION_SECONDS: Histogram;
    ///
    /// PARCEL_LABEL_DURATION_SECONDS.observe(0.3); // (2^(-14/8), 2^(-13/8)]: key -13
    /// let native = PARCEL_LABEL_DURATION_SECONDS.native_buckets().unwrap();
    /// assert_eq!((native.schema, native.zero_count), (3, 0));
    /// assert_eq!(native.positive().collect::<Vec<_>>(), [(-13, 1)]);
    /// ```
    pub fn native_buckets(&self) -> Option<NativeBuckets> {
        self.labels(()).native_buckets()
    }
}

/// A series' cells besides `started` and the sum: one per bucket and the overflow one
/// (the `+1` of `HISTOGRAM_CELLS.fixed`), then the native ones.
const fn cells_beyond_fixed(bounds: &[f64], native: Option<NativeConfig>) -> usize {
    bounds.len()
        + match native {
            Some(native) => native.cells(),
            None => 0,
        }
}

/// One series of a [`Histogram`].
#[derive(Clone, Copy, Debug)]
pub struct HistogramSeries {
    bounds: &'static [f64],
    native: Option<NativeConfig>,
    /// The family's cells from this series' first cell in shard 0 on.
    cells: &'static [AtomicU64],
    /// Cells between shards; 0 when the family is not sharded.
    stride: usize,
}

impl HistogramSeries {
    const DISCARDED: HistogramSeries =
        HistogramSeries { bounds: &[], native: None, cells: &DISCARDED, stride: 0 };

    /// The series of a one-series histogram stored in `cells` (laid out by
    /// `Layout::new(1, HISTOGRAM_CELLS, bounds.len())`, plus the native cells if any).
    pub(crate) const fn from_cells(
        bounds: &'static [f64],
        native: Option<NativeConfig>,
        cells: &'static [AtomicU64],
    ) -> Self {
        let layout = Layout::new(1, HISTOGRAM_CELLS, cells_beyond_fixed(bounds, native));
        assert!(cells.len() == layout.total, "histogram series storage does not match its buckets");
        HistogramSeries { bounds, native, cells, stride: layout.stride }
    }

    /// The cells of the classic part, `[started, buckets…, overflow, sum]`.
    #[inline]
    fn classic_cells(self) -> usize {
        self.bounds.len() + HISTOGRAM_CELLS.fixed
    }

    #[inline]
    fn per_series(self) -> usize {
        self.classic_cells() + self.native.map_or(0, NativeConfig::cells)
    }

    /// This series in every shard: its classic part, and its native part if it has one.
    fn shards(self) -> impl Iterator<Item = (&'static [AtomicU64], &'static [AtomicU64])> {
        let per_series = self.per_series();
        let classic = self.classic_cells();
        shard::offsets(self.stride)
            .filter_map(move |offset| self.cells.get(offset..offset + per_series))
            .map(move |series| series.split_at(classic))
    }

    /// Records one observation. NaN is rejected and counted, and so is a negative value
    /// unless the buckets go negative; `+Inf` lands in the `+Inf` bucket.
    #[inline]
    pub fn observe(self, value: f64) {
        if self.accepts(value) {
            self.record(value);
        }
    }

    /// Records one observation and keeps an exemplar of it in the bucket it falls into:
    /// `labels` (typically a trace id), the value and the current time. OpenMetrics
    /// output shows each bucket's latest exemplar after its `_bucket` line; text 0.0.4
    /// has no exemplars.
    ///
    /// Label names must match `[a-zA-Z_][a-zA-Z0-9_]*` and be distinct, and names and
    /// values together may have at most 128 characters (the OpenMetrics limit).
    /// Otherwise the value is still observed, but the exemplar is dropped and counted in
    /// `metricsmith_rejected_values_total{kind="invalid_exemplar"}`. A value `observe`
    /// rejects (NaN, or negative) is rejected here too, with its exemplar.
    ///
    /// Slower than [`observe`](Self::observe) (a clock read and a lock): for the
    /// sampled or traced requests, not for every event. `observe` costs nothing more for
    /// it.
    ///
    /// ```
    /// use metricsmith::{metric, render, Format, Histogram, LabelValue};
    ///
    /// #[derive(LabelValue)]
    /// #[label(name = "method")]
    /// enum PaymentMethod { Card, Wallet }
    ///
    /// /// Payment gateway round-trip latency.
    /// #[metric(buckets = [0.1, 0.5, 1.0])]
    /// static GATEWAY_DURATION_SECONDS: Histogram<PaymentMethod>;
    ///
    /// GATEWAY_DURATION_SECONDS.labels(PaymentMethod::Card).observe_with_exemplar(0.25, &[("trace_id", "4bf92f35")]);
    ///
    /// let mut out = Vec::new();
    /// render(Format::OpenMetrics, &mut out);
    /// let text = String::from_utf8(out).unwrap();
    /// assert!(text.contains(
    ///     "gateway_duration_seconds_bucket{method=\"card\",le=\"0.5\"} 1 # {trace_id=\"4bf92f35\"} 0.25 "
    /// ));
    /// ```
    pub fn observe_with_exemplar(self, value: f64, labels: &[(&str, &str)]) {
        if !self.accepts(value) {
            return;
        }
        self.record(value);
        let bucket = self.bucket(value);
        if self.cells.as_ptr() != DISCARDED.as_ptr() {
            exemplars::record((self.cells.as_ptr() as usize, bucket), labels, Number::Float(value));
        }
    }

    /// Whether `value` may be observed; a rejected one is counted.
    #[inline]
    fn accepts(self, value: f64) -> bool {
        if value.is_nan() {
            rejections::record(Rejection::NanObservation);
            return false;
        }
        if value < 0.0 && self.native.is_none() && !self.bounds.first().is_some_and(|lowest| *lowest < 0.0) {
            rejections::record(Rejection::NegativeObservation);
            return false;
        }
        true
    }

    /// Branch-free bucket search: the number of bounds below `value` is its bucket.
    #[inline]
    fn bucket(self, value: f64) -> usize {
        self.bounds.iter().map(|bound| usize::from(value > *bound)).sum::<usize>()
    }

    /// Adds `value` (already accepted) to its bucket in this thread's shard.
    #[inline]
    fn record(self, value: f64) {
        if self.stride == 0 {
            self.record_in(0, value);
        } else {
            shard::with_current(|shard| self.record_in(shard, value));
        }
        #[cfg(feature = "testing")]
        capture::observe(self.cells.as_ptr(), self.bounds.len() + 1, value, || self.bucket(value));
    }

    #[inline]
    fn record_in(self, shard: usize, value: f64) {
        let per_series = self.per_series();
        let start = shard * self.stride;
        let Some(series) = self.cells.get(start..start + per_series) else { return };
        // The bucket search comes after the shard lookup, right before the write, so its
        // results stay in registers: ~1.7 ns less per observation than searching first
        // (`perf stat` on a 200 M-observation loop).
        let bucket = self.bucket(value);
        match self.native {
            None if shard != 0 => seqlock::record_owned(series, bucket, value),
            None => seqlock::record_shared(series, bucket, value),
            Some(native) => {
                Self::record_native(native, series.split_at(self.classic_cells()), shard, bucket, value)
            }
        }
    }

    /// Counts `value` in classic bucket `bucket` and in its native bucket, in one write
    /// of the series (see `seqlock::record_owned_then`).
    #[inline]
    fn record_native(
        native: NativeConfig,
        (classic, native_cells): (&[AtomicU64], &[AtomicU64]),
        shard: usize,
        bucket: usize,
        value: f64,
    ) {
        let Some(part) = native.part(native_cells) else { return };
        if shard != 0 {
            seqlock::record_owned_then(classic, bucket, value, || native.record::<Owned>(part, value));
        } else {
            seqlock::record_shared_then(classic, bucket, value, || native.record::<Shared>(part, value));
        }
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
        let buckets = 1..=self.bounds.len() + 1;
        self.shards()
            .flat_map(|(series, _)| &series[buckets.clone()])
            .fold(0u64, |total, cell| total.wrapping_add(cell.load(Relaxed)))
    }
    /// Sum of observations.
    pub fn sum(self) -> f64 {
        self.shards().filter_map(|(series, _)| series.last()).map(float_cell::load).sum()
    }
    /// Cumulative count per bucket, `+Inf` last.
    pub fn bucket_counts(self) -> Vec<u64> {
        let mut out = Vec::with_capacity(2 * (self.bounds.len() + 1));
        self.read_cumulative(&mut out);
        out
    }
    /// The native buckets, as a scrape shows them; `None` without `#[metric(native)]`.
    pub fn native_buckets(self) -> Option<NativeBuckets> {
        let mut sample = Sample::default();
        Self::read_all(core::iter::once(self), &mut sample);
        sample.native().cloned()
    }

    /// Its cells, as the multiprocess mode maps and merges them (a function's site).
    pub(crate) fn storage(self) -> Storage {
        Storage {
            per_series: self.per_series(),
            stride: self.stride,
            bounds: self.bounds,
            native: self.native.map(NativeConfig::shape),
            ..Storage::new(self.cells, CellKind::Histogram, 1)
        }
    }

    /// Where a `testing::Capture` files this series' recordings.
    #[cfg(feature = "testing")]
    pub(crate) fn capture_key(self) -> usize {
        self.cells.as_ptr() as usize
    }

    /// In a forked child: repairs this series in every shard (see `seqlock::repair`). A
    /// native part may then count fewer observations than the classic one: what a
    /// vanished thread was counting, or moving between windows (see `storage::native`).
    /// Without classic buckets, those are left out (as `seqlock::repair` leaves out what
    /// the buckets do not count); beside classic buckets, which count them, they go to
    /// the zero bucket, so that both count the same observations.
    pub(crate) fn repair_after_fork(self) {
        for (classic, native_cells) in self.shards() {
            seqlock::repair(classic);
            let Some(part) = self.native.and_then(|native| native.part(native_cells)) else { continue };
            let (counted, native_total) = (self.count_in(classic), part.total());
            if native_total >= counted {
                continue;
            }
            if self.bounds.is_empty() {
                // The overflow bucket is the only one, and `started` equals it.
                classic.iter().take(2).for_each(|cell| cell.store(native_total, Relaxed));
            } else {
                part.add_to_zero(counted - native_total);
            }
        }
    }

    /// The observations a shard's classic buckets count.
    fn count_in(self, classic: &[AtomicU64]) -> u64 {
        classic[1..=self.bounds.len() + 1]
            .iter()
            .fold(0u64, |total, cell| total.wrapping_add(cell.load(Relaxed)))
    }

    /// Reads a consistent snapshot: `out` becomes the cumulative bucket counts (`+Inf`
    /// last); returns the count and the sum. `out`'s capacity is reused as scratch.
    pub(crate) fn read_cumulative(self, out: &mut Vec<u64>) -> (u64, f64) {
        let mut sample = Sample { cumulative_buckets: core::mem::take(out), ..Sample::default() };
        Self::read_all(core::iter::once(self), &mut sample);
        *out = sample.cumulative_buckets;
        (sample.count, sample.sum)
    }

    /// Reads into `out` (cleared by the caller) a consistent snapshot of the total of
    /// several series with the same buckets (those with other buckets are left out):
    /// the count, the sum, the cumulative bucket counts (`+Inf` last) and, if the first
    /// series has them, the native buckets. `out`'s capacity is reused as scratch.
    pub(crate) fn read_all(all: impl Iterator<Item = HistogramSeries>, out: &mut Sample) {
        let mut all = all.peekable();
        let (buckets, native) =
            all.peek().map_or((0, None), |series| (series.bounds.len() + 1, series.native));
        let cumulative = &mut out.cumulative_buckets;
        cumulative.clear();
        // The first half accumulates; the second receives one shard's snapshot.
        cumulative.resize(2 * buckets, 0);
        let (totals, shard_counts) = cumulative.split_at_mut(buckets);
        let scratch = &mut out.native_scratch;
        native::start(scratch);
        let mut sum = 0.0;
        for series in all.filter(|series| series.bounds.len() + 1 == buckets && series.native == native) {
            for (classic, native_cells) in series.shards() {
                let mut patience = Patience::new(READ_PATIENCE);
                let part = native.and_then(|native| native.part(native_cells));
                let snapshot = match part {
                    None => seqlock::read(classic, shard_counts, || patience.wait()),
                    Some(part) => {
                        let mut reader = part.reader(&mut scratch.cells);
                        let snapshot =
                            seqlock::read_with(classic, shard_counts, &mut reader, || patience.wait());
                        native::gather(&mut scratch.buckets, &mut scratch.zero, &reader);
                        snapshot
                    }
                };
                if !snapshot.consistent {
                    rejections::record(Rejection::InconsistentSnapshot);
                }
                sum += snapshot.sum;
                for (total, count) in totals.iter_mut().zip(shard_counts.iter()) {
                    *total = total.wrapping_add(*count);
                }
            }
        }
        cumulative.truncate(buckets);
        let mut running = 0u64;
        for count in cumulative.iter_mut() {
            running = running.wrapping_add(*count);
            *count = running;
        }
        (out.count, out.sum) = (running, sum);
        if let Some(native) = native {
            let mut scratch = core::mem::take(&mut out.native_scratch);
            native::finish(&mut scratch, native, out.native_mut());
            out.native_scratch = scratch;
        }
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
    crate::labels::label_set_family_methods!(L);
    fn bucket_bounds(&self) -> &[f64] {
        self.bounds
    }
    fn read(&self, series: usize, out: &mut Sample) {
        if series < L::COMBINATIONS {
            HistogramSeries::read_all(core::iter::once(self.series_at(series)), out);
            out.created = created::counting_since();
        }
    }
    fn native_max_buckets(&self) -> Option<usize> {
        Histogram::native_max_buckets(self)
    }
    fn repair_after_fork(&self) {
        (0..L::COMBINATIONS).for_each(|series| self.series_at(series).repair_after_fork());
    }
    fn storage(&self, visit: &mut dyn FnMut(Storage)) {
        visit(Histogram::storage(self, CellKind::Histogram));
    }
    fn exemplar_key(&self, series: usize) -> Option<usize> {
        let cells = self.series_at(series).cells;
        (cells.as_ptr() != DISCARDED.as_ptr()).then_some(cells.as_ptr() as usize)
    }
    #[cfg(feature = "testing")]
    fn capture_keys(&self, series: usize, key: &mut dyn FnMut(usize)) {
        if series < L::COMBINATIONS {
            key(self.series_at(series).capture_key());
        }
    }
}
