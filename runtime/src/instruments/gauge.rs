use core::marker::PhantomData;
use core::sync::atomic::AtomicU64;

use super::series_index;
use crate::family::{CellKind, Family, MetricType, MultiprocessMode, Number, Sample, Storage};
use crate::labels::LabelSet;
use crate::rejections::{self, Rejection};
#[cfg(feature = "testing")]
use crate::storage::capture;
use crate::storage::float_cell;

static DISCARDED: AtomicU64 = AtomicU64::new(0);

/// A value that goes up and down (queue depth, temperature, in-flight requests).
///
/// `set` accepts any `f64`, NaN included (it renders as `NaN`, meaning "unknown").
/// `add`/`sub`/`inc`/`dec` with a NaN delta are rejected and counted in
/// `metricsmith_rejected_values_total{kind="nan_gauge_delta"}`, so one bad delta cannot
/// poison the gauge for good.
///
/// ```
/// use metricsmith::{metric, Gauge};
///
/// /// Orders currently waiting in the processing queue.
/// #[metric]
/// static ORDER_QUEUE_DEPTH: Gauge;
///
/// ORDER_QUEUE_DEPTH.set(3.0);
/// ORDER_QUEUE_DEPTH.dec();
/// {
///     let _in_progress = ORDER_QUEUE_DEPTH.track_inprogress(); // +1 until dropped
///     assert_eq!(ORDER_QUEUE_DEPTH.get(), 3.0);
/// }
/// assert_eq!(ORDER_QUEUE_DEPTH.get(), 2.0);
/// ```
pub struct Gauge<L: LabelSet = ()> {
    /// One value per series.
    cells: &'static [AtomicU64],
    /// All its cells: `cells`, then `stamps`.
    storage: &'static [AtomicU64],
    /// The `mostrecent` modes with the `multiprocess` feature: when each series was last
    /// written; otherwise empty.
    stamps: &'static [AtomicU64],
    mode: MultiprocessMode,
    labels: PhantomData<fn(L)>,
}

/// The cells a gauge of `series` series needs in `mode`: one per series, and one more per
/// series for the write times of the `mostrecent` modes (with the `multiprocess` feature;
/// without it they are never read, so never stored).
#[doc(hidden)]
pub const fn gauge_cells(series: usize, mode: MultiprocessMode) -> usize {
    if cfg!(feature = "multiprocess") && mode.stamps_writes() {
        2 * series
    } else {
        series
    }
}

impl<L: LabelSet> Gauge<L> {
    #[doc(hidden)]
    pub const fn __new(cells: &'static [AtomicU64]) -> Self {
        Self::__new_in_mode(cells, MultiprocessMode::All)
    }

    /// A gauge whose processes' values merge by `mode` (`#[metric(multiprocess = "...")]`).
    #[doc(hidden)]
    pub const fn __new_in_mode(cells: &'static [AtomicU64], mode: MultiprocessMode) -> Self {
        assert!(
            cells.len() == gauge_cells(L::COMBINATIONS, mode),
            "gauge storage does not match its label set"
        );
        let storage = cells;
        let (cells, stamps) = cells.split_at(L::COMBINATIONS);
        Gauge { cells, storage, stamps, mode, labels: PhantomData }
    }

    /// The series at a label-set index (`#[in_flight]` computes it from borrowed
    /// arguments); an index out of range records into a discarded cell.
    #[inline]
    pub(crate) fn series_at(&self, index: usize) -> GaugeSeries {
        // `stamps` is empty but for `mostrecent` gauges, and a gauge is a constant
        // static: the compiler drops the stamp of every other gauge.
        GaugeSeries::stamped(self.cells.get(index).unwrap_or(&DISCARDED), self.stamps.get(index))
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> GaugeSeries {
        self.series_at(series_index(labels))
    }
}

impl Gauge<()> {
    /// Sets the value (any `f64`, NaN included: it means "unknown").
    #[inline]
    pub fn set(&self, value: f64) {
        self.labels(()).set(value);
    }
    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.labels(()).inc();
    }
    /// Subtracts one.
    #[inline]
    pub fn dec(&self) {
        self.labels(()).dec();
    }
    /// Adds `delta`; a NaN delta is rejected and counted.
    #[inline]
    pub fn add(&self, delta: f64) {
        self.labels(()).add(delta);
    }
    /// Subtracts `delta`; a NaN delta is rejected and counted.
    #[inline]
    pub fn sub(&self, delta: f64) {
        self.labels(()).sub(delta);
    }
    /// Adds one now and subtracts it when the returned guard drops.
    #[must_use = "the gauge goes back down as soon as the guard is dropped"]
    pub fn track_inprogress(&self) -> InProgress {
        self.labels(()).track_inprogress()
    }
    /// The current value.
    pub fn get(&self) -> f64 {
        self.labels(()).get()
    }
}

/// One series of a [`Gauge`].
#[derive(Clone, Copy, Debug)]
pub struct GaugeSeries {
    cell: &'static AtomicU64,
    /// Where a `mostrecent` gauge notes when it was written (multiprocess mode).
    #[cfg(feature = "multiprocess")]
    stamp: Option<&'static AtomicU64>,
}

impl GaugeSeries {
    /// A series over one cell holding an `f64`'s bits.
    pub(crate) const fn from_cell(cell: &'static AtomicU64) -> Self {
        Self::stamped(cell, None)
    }

    /// A series over `cell`, noting the time of each write in `stamp` if given.
    #[inline]
    const fn stamped(cell: &'static AtomicU64, stamp: Option<&'static AtomicU64>) -> Self {
        #[cfg(not(feature = "multiprocess"))]
        let _ = stamp;
        GaugeSeries {
            cell,
            #[cfg(feature = "multiprocess")]
            stamp,
        }
    }

    /// After a write: a `mostrecent` gauge notes when, so a scrape can tell which
    /// process wrote last.
    #[inline]
    fn written(self) {
        #[cfg(feature = "multiprocess")]
        if let Some(stamp) = self.stamp {
            stamp_now(stamp);
        }
    }

    /// Sets the value (any `f64`, NaN included).
    #[inline]
    pub fn set(self, value: f64) {
        float_cell::store(self.cell, value);
        self.written();
        #[cfg(feature = "testing")]
        capture::set_float(self.cell, value);
    }
    /// Adds one.
    #[inline]
    pub fn inc(self) {
        self.add_accepted(1.0);
    }
    /// Subtracts one.
    #[inline]
    pub fn dec(self) {
        self.add_accepted(-1.0);
    }
    /// Adds `delta`; a NaN delta is rejected and counted.
    #[inline]
    pub fn add(self, delta: f64) {
        if delta.is_nan() {
            rejections::record(Rejection::NanGaugeDelta);
            return;
        }
        self.add_accepted(delta);
    }
    #[inline]
    fn add_accepted(self, delta: f64) {
        float_cell::add(self.cell, delta);
        self.written();
        #[cfg(feature = "testing")]
        capture::add_float(self.cell, delta);
    }
    /// Subtracts `delta`; a NaN delta is rejected and counted.
    #[inline]
    pub fn sub(self, delta: f64) {
        self.add(-delta);
    }
    /// Adds one now and subtracts it when the returned guard drops.
    #[must_use = "the gauge goes back down as soon as the guard is dropped"]
    pub fn track_inprogress(self) -> InProgress {
        self.inc();
        InProgress { series: self }
    }
    /// The current value.
    pub fn get(self) -> f64 {
        float_cell::load(self.cell)
    }
    /// Where a `testing::Capture` files this series' recordings.
    #[cfg(feature = "testing")]
    pub(crate) fn capture_key(self) -> usize {
        self.cell as *const AtomicU64 as usize
    }
}

/// Guard from [`Gauge::track_inprogress`]: decrements the gauge when dropped, on every
/// exit path including unwinding.
#[derive(Debug)]
pub struct InProgress {
    series: GaugeSeries,
}

impl Drop for InProgress {
    fn drop(&mut self) {
        self.series.dec();
    }
}

/// Notes the time of a write in `stamp`: nanoseconds since the epoch, which every
/// process of a machine reads from the same clock. Out of line: only `mostrecent` gauges
/// take it, and the clock read dwarfs the call.
#[cfg(feature = "multiprocess")]
#[inline(never)]
fn stamp_now(stamp: &AtomicU64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64);
    // Release: a scrape that sees the time also sees the value written before it.
    stamp.store(now, core::sync::atomic::Ordering::Release);
}

impl<L: LabelSet> Family for Gauge<L> {
    fn metric_type(&self) -> MetricType {
        MetricType::Gauge
    }
    crate::labels::label_set_family_methods!(L);
    fn read(&self, series: usize, out: &mut Sample) {
        if let Some(cell) = self.cells.get(series) {
            out.value = Some(Number::Float(float_cell::load(cell)));
        }
    }
    fn storage(&self, visit: &mut dyn FnMut(Storage)) {
        visit(Storage::new(self.storage, CellKind::Gauge(self.mode), L::COMBINATIONS));
    }
    #[cfg(feature = "testing")]
    fn capture_keys(&self, series: usize, key: &mut dyn FnMut(usize)) {
        if series < L::COMBINATIONS {
            key(self.series_at(series).capture_key());
        }
    }
}
