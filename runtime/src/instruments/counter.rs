use core::marker::PhantomData;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::series_index;
use crate::exemplars;
use crate::family::{CellKind, Family, MetricType, Number, Sample, Storage};
use crate::labels::LabelSet;
use crate::rejections::{self, Rejection};
#[cfg(feature = "testing")]
use crate::storage::capture;
use crate::storage::shard::{self, Layout, SeriesCells};
use crate::storage::{created, float_cell};

/// Where increments go when a hand-written `LabelSet` reports an index out of range.
static DISCARDED: [AtomicU64; 1] = [AtomicU64::new(0)];

/// A counter series is one cell.
pub(crate) const COUNTER_CELLS: SeriesCells = SeriesCells { fixed: 1, per_bucket: false, shardable: true };

/// One series' cell in every shard: `cells[0]` in the shared shard, `cells[k * stride]`
/// in shard `k`.
#[derive(Clone, Copy, Debug)]
struct ShardedCell {
    cells: &'static [AtomicU64],
    stride: usize,
}

impl ShardedCell {
    const DISCARDED: ShardedCell = ShardedCell { cells: &DISCARDED, stride: 0 };

    fn of(cells: &'static [AtomicU64], layout: Layout, index: usize) -> ShardedCell {
        match cells.get(index..) {
            Some(cells) if !cells.is_empty() => ShardedCell { cells, stride: layout.stride },
            _ => ShardedCell::DISCARDED,
        }
    }

    /// The cell `offset` series further on (a run of adjacent series).
    fn offset(self, offset: usize) -> ShardedCell {
        match self.cells.get(offset..) {
            Some(cells) if !cells.is_empty() => ShardedCell { cells, stride: self.stride },
            _ => ShardedCell::DISCARDED,
        }
    }

    /// Adds to this thread's own cell with `owned` (a plain load and store: only this
    /// thread writes it), or to the shared cell with `shared` (a read-modify-write). A
    /// signal handler that interrupts `owned` and adds to this series goes to the shared
    /// cell (see `shard::with_current`), so neither update overwrites the other.
    #[inline]
    fn update(self, owned: impl FnOnce(&AtomicU64), shared: impl FnOnce(&AtomicU64)) {
        let Some(first) = self.cells.first() else { return };
        if self.stride == 0 {
            return shared(first);
        }
        shard::with_current(|shard| match self.cells.get(shard * self.stride) {
            Some(cell) if shard != 0 => owned(cell),
            _ => shared(first),
        });
    }

    #[inline]
    fn add(self, amount: u64) {
        self.update(
            |cell| cell.store(cell.load(Relaxed).wrapping_add(amount), Relaxed),
            |cell| {
                cell.fetch_add(amount, Relaxed);
            },
        );
        #[cfg(feature = "testing")]
        capture::add(self.cells.as_ptr(), amount);
    }

    #[inline]
    fn add_float(self, amount: f64) {
        self.update(
            |cell| float_cell::store(cell, float_cell::load(cell) + amount),
            |cell| float_cell::add(cell, amount),
        );
        #[cfg(feature = "testing")]
        capture::add_float(self.cells.as_ptr(), amount);
    }

    /// Where this series' exemplars are filed: the address of its shared-shard cell;
    /// `None` for the discarding series.
    fn exemplar_key(self) -> Option<usize> {
        (self.cells.as_ptr() != DISCARDED.as_ptr()).then_some(self.cells.as_ptr() as usize)
    }

    fn shards(self) -> impl Iterator<Item = &'static AtomicU64> {
        shard::offsets(self.stride).filter_map(move |offset| self.cells.get(offset))
    }

    /// The total over shards (wrapping, like each cell).
    fn total(self) -> u64 {
        self.shards().fold(0u64, |total, cell| total.wrapping_add(cell.load(Relaxed)))
    }

    fn total_float(self) -> f64 {
        self.shards().map(float_cell::load).sum()
    }
}

/// The cells of a counter family (integer or float): one sharded cell per series.
struct CounterCells<L> {
    cells: &'static [AtomicU64],
    layout: Layout,
    labels: PhantomData<fn(L)>,
}

impl<L: LabelSet> CounterCells<L> {
    const fn new(cells: &'static [AtomicU64]) -> Self {
        let layout = Layout::new(L::COMBINATIONS, COUNTER_CELLS, 0);
        assert!(cells.len() == layout.total, "counter storage does not match its label set");
        CounterCells { cells, layout, labels: PhantomData }
    }

    /// The first of the series `start..start + len`; the discarding cell when out of range.
    #[inline]
    fn run_at(&self, start: usize, len: usize) -> ShardedCell {
        match start.checked_add(len) {
            Some(end) if end <= L::COMBINATIONS => ShardedCell::of(self.cells, self.layout, start),
            _ => ShardedCell::DISCARDED,
        }
    }

    /// The cell of one label combination.
    #[inline]
    fn labels(&self, labels: L) -> ShardedCell {
        self.run_at(series_index(labels), 1)
    }

    fn storage(&self, kind: CellKind) -> Storage {
        Storage { stride: self.layout.stride, ..Storage::new(self.cells, kind, L::COMBINATIONS) }
    }
}

/// A monotonically increasing integer total, one series per label combination.
///
/// Declare it with `#[metric]`; the name must end in `_total`.
///
/// ```
/// use metricsmith::{metric, Counter, LabelValue};
///
/// #[derive(LabelValue)]
/// enum Outcome { Success, Declined }
///
/// /// Orders processed, by outcome.
/// #[metric]
/// static ORDERS_PROCESSED_TOTAL: Counter<Outcome>;
///
/// /// Retries of failed payments.
/// #[metric]
/// static PAYMENT_RETRIES_TOTAL: Counter;
///
/// ORDERS_PROCESSED_TOTAL.labels(Outcome::Success).inc();
/// PAYMENT_RETRIES_TOTAL.inc_by(2);
/// assert_eq!(ORDERS_PROCESSED_TOTAL.labels(Outcome::Success).get(), 1);
/// assert_eq!(PAYMENT_RETRIES_TOTAL.get(), 2);
/// ```
pub struct Counter<L: LabelSet = ()> {
    cells: CounterCells<L>,
}

impl<L: LabelSet> Counter<L> {
    #[doc(hidden)]
    pub const fn __new(cells: &'static [AtomicU64]) -> Self {
        Counter { cells: CounterCells::new(cells) }
    }

    /// The first of the series `start..start + len` (`#[counted]` takes the run of
    /// `result` values of one label combination); a discarding series when out of range.
    #[inline]
    pub(crate) fn run_at(&self, start: usize, len: usize) -> CounterSeries {
        CounterSeries { cell: self.cells.run_at(start, len) }
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> CounterSeries {
        CounterSeries { cell: self.cells.labels(labels) }
    }
}

impl Counter<()> {
    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.labels(()).inc();
    }
    /// Adds `amount`. The total wraps at 2^64, which a scraper reads as a counter reset.
    #[inline]
    pub fn inc_by(&self, amount: u64) {
        self.labels(()).inc_by(amount);
    }
    /// Adds one and keeps `labels` as the series' exemplar (see
    /// [`CounterSeries::inc_by_with_exemplar`]).
    ///
    /// ```
    /// use metricsmith::{metric, Counter};
    ///
    /// /// Checkouts completed.
    /// #[metric]
    /// static CHECKOUTS_TOTAL: Counter;
    ///
    /// CHECKOUTS_TOTAL.inc_with_exemplar(&[("trace_id", "4bf92f3577b34da6")]);
    /// assert_eq!(CHECKOUTS_TOTAL.get(), 1);
    /// ```
    pub fn inc_with_exemplar(&self, labels: &[(&str, &str)]) {
        self.labels(()).inc_with_exemplar(labels);
    }
    /// Adds `amount` and keeps `labels` as the series' exemplar (see
    /// [`CounterSeries::inc_by_with_exemplar`]).
    pub fn inc_by_with_exemplar(&self, amount: u64, labels: &[(&str, &str)]) {
        self.labels(()).inc_by_with_exemplar(amount, labels);
    }
    /// The current total.
    pub fn get(&self) -> u64 {
        self.labels(()).get()
    }
}

/// One series of a [`Counter`].
#[derive(Clone, Copy, Debug)]
pub struct CounterSeries {
    cell: ShardedCell,
}

impl CounterSeries {
    /// The first series of a family stored in `cells` with `layout`.
    pub(crate) fn first_of(cells: &'static [AtomicU64], layout: Layout) -> CounterSeries {
        CounterSeries { cell: ShardedCell::of(cells, layout, 0) }
    }
    /// The series `offset` places further on in the family (a run of `result` values).
    #[inline]
    pub(crate) fn offset(self, offset: usize) -> CounterSeries {
        CounterSeries { cell: self.cell.offset(offset) }
    }
    /// Adds one.
    #[inline]
    pub fn inc(self) {
        self.cell.add(1);
    }
    /// Adds `amount`. The total wraps at 2^64, which a scraper reads as a counter reset.
    #[inline]
    pub fn inc_by(self, amount: u64) {
        self.cell.add(amount);
    }
    /// Adds one and keeps `labels` as the series' exemplar (see
    /// [`inc_by_with_exemplar`](Self::inc_by_with_exemplar)).
    pub fn inc_with_exemplar(self, labels: &[(&str, &str)]) {
        self.inc_by_with_exemplar(1, labels);
    }
    /// Adds `amount` and keeps an exemplar of it: `labels` (typically a trace id), the
    /// amount and the current time. OpenMetrics output shows the series' latest exemplar
    /// after its `_total` line; text 0.0.4 has no exemplars.
    ///
    /// Label names must match `[a-zA-Z_][a-zA-Z0-9_]*` and be distinct, and names and
    /// values together may have at most 128 characters (the OpenMetrics limit).
    /// Otherwise the amount is still added, but the exemplar is dropped and counted in
    /// `metricsmith_rejected_values_total{kind="invalid_exemplar"}`.
    ///
    /// Slower than [`inc_by`](Self::inc_by) (a clock read and a lock): for the sampled
    /// or traced requests, not for every event. `inc_by` costs nothing more for it.
    ///
    /// ```
    /// use metricsmith::{metric, render, Counter, Format, LabelValue};
    ///
    /// #[derive(LabelValue)]
    /// enum Outcome { Success, Declined }
    ///
    /// /// Payments, by outcome.
    /// #[metric]
    /// static PAYMENTS_TOTAL: Counter<Outcome>;
    ///
    /// PAYMENTS_TOTAL.labels(Outcome::Declined).inc_by_with_exemplar(2, &[("trace_id", "4bf92f35")]);
    ///
    /// let mut out = Vec::new();
    /// render(Format::OpenMetrics, &mut out);
    /// let text = String::from_utf8(out).unwrap();
    /// assert!(text.contains("payments_total{outcome=\"declined\"} 2 # {trace_id=\"4bf92f35\"} 2 "));
    /// ```
    pub fn inc_by_with_exemplar(self, amount: u64, labels: &[(&str, &str)]) {
        self.cell.add(amount);
        if let Some(key) = self.cell.exemplar_key() {
            exemplars::record((key, 0), labels, Number::Int(amount));
        }
    }
    /// The current total.
    pub fn get(self) -> u64 {
        self.cell.total()
    }
    /// Where a `testing::Capture` files this series' recordings.
    #[cfg(feature = "testing")]
    pub(crate) fn capture_key(self) -> usize {
        self.cell.cells.as_ptr() as usize
    }
}

impl<L: LabelSet> Family for Counter<L> {
    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }
    crate::labels::label_set_family_methods!(L);
    fn read(&self, series: usize, out: &mut Sample) {
        if series < L::COMBINATIONS {
            out.value = Some(Number::Int(self.cells.run_at(series, 1).total()));
            out.created = created::counting_since();
        }
    }
    fn storage(&self, visit: &mut dyn FnMut(Storage)) {
        visit(self.cells.storage(CellKind::Counter));
    }
    fn exemplar_key(&self, series: usize) -> Option<usize> {
        (series < L::COMBINATIONS).then(|| self.cells.run_at(series, 1).exemplar_key()).flatten()
    }
    #[cfg(feature = "testing")]
    fn capture_keys(&self, series: usize, key: &mut dyn FnMut(usize)) {
        if series < L::COMBINATIONS {
            key(self.run_at(series, 1).capture_key());
        }
    }
}

/// A monotonically increasing float total (e.g. seconds of CPU, bytes in fractions).
///
/// Increments that are negative, NaN or infinite are rejected: the total keeps its value
/// and `metricsmith_rejected_values_total{kind="invalid_counter_increment"}` counts it.
///
/// ```
/// use metricsmith::{metric, FloatCounter};
///
/// /// Energy drawn by the fryer.
/// #[metric]
/// static FRYER_ENERGY_JOULES_TOTAL: FloatCounter;
///
/// FRYER_ENERGY_JOULES_TOTAL.inc_by(1.5);
/// FRYER_ENERGY_JOULES_TOTAL.inc_by(-3.0); // rejected: counters never go down
/// assert_eq!(FRYER_ENERGY_JOULES_TOTAL.get(), 1.5);
/// ```
pub struct FloatCounter<L: LabelSet = ()> {
    cells: CounterCells<L>,
}

impl<L: LabelSet> FloatCounter<L> {
    #[doc(hidden)]
    pub const fn __new(cells: &'static [AtomicU64]) -> Self {
        FloatCounter { cells: CounterCells::new(cells) }
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> FloatCounterSeries {
        FloatCounterSeries { cell: self.cells.labels(labels) }
    }
}

impl FloatCounter<()> {
    /// Adds `amount` (finite and not negative; otherwise rejected and counted).
    #[inline]
    pub fn inc_by(&self, amount: f64) {
        self.labels(()).inc_by(amount);
    }
    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.labels(()).inc_by(1.0);
    }
    /// The current total.
    pub fn get(&self) -> f64 {
        self.labels(()).get()
    }
}

/// One series of a [`FloatCounter`].
#[derive(Clone, Copy, Debug)]
pub struct FloatCounterSeries {
    cell: ShardedCell,
}

impl FloatCounterSeries {
    /// Adds one.
    #[inline]
    pub fn inc(self) {
        self.inc_by(1.0);
    }
    /// Adds `amount` (finite and not negative; otherwise rejected and counted).
    #[inline]
    pub fn inc_by(self, amount: f64) {
        if accepts_increment(amount) {
            self.cell.add_float(amount);
        }
    }
    /// Adds `amount` and keeps an exemplar of it, as
    /// [`CounterSeries::inc_by_with_exemplar`] does. A rejected amount (negative, NaN or
    /// infinite) is rejected with its exemplar.
    ///
    /// ```
    /// use metricsmith::{metric, render, FloatCounter, Format};
    ///
    /// /// Energy drawn by the fryer.
    /// #[metric]
    /// static FRYER_ENERGY_JOULES_TOTAL: FloatCounter;
    ///
    /// FRYER_ENERGY_JOULES_TOTAL.labels(()).inc_by_with_exemplar(1.5, &[("batch", "b7")]);
    ///
    /// let mut out = Vec::new();
    /// render(Format::OpenMetrics, &mut out);
    /// let text = String::from_utf8(out).unwrap();
    /// assert!(text.contains("fryer_energy_joules_total 1.5 # {batch=\"b7\"} 1.5 "));
    /// ```
    pub fn inc_by_with_exemplar(self, amount: f64, labels: &[(&str, &str)]) {
        if !accepts_increment(amount) {
            return;
        }
        self.cell.add_float(amount);
        if let Some(key) = self.cell.exemplar_key() {
            exemplars::record((key, 0), labels, Number::Float(amount));
        }
    }
    /// The current total.
    pub fn get(self) -> f64 {
        self.cell.total_float()
    }
}

/// Whether a float counter may add `amount`: finite and not negative (a rejected one is
/// counted), so a counter never goes down.
#[inline]
fn accepts_increment(amount: f64) -> bool {
    // NaN and ±Inf are not finite.
    let accepted = amount.is_finite() && amount >= 0.0;
    if !accepted {
        rejections::record(Rejection::InvalidCounterIncrement);
    }
    accepted
}

impl<L: LabelSet> Family for FloatCounter<L> {
    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }
    crate::labels::label_set_family_methods!(L);
    fn read(&self, series: usize, out: &mut Sample) {
        if series < L::COMBINATIONS {
            out.value = Some(Number::Float(self.cells.run_at(series, 1).total_float()));
            out.created = created::counting_since();
        }
    }
    fn storage(&self, visit: &mut dyn FnMut(Storage)) {
        visit(self.cells.storage(CellKind::FloatCounter));
    }
    fn exemplar_key(&self, series: usize) -> Option<usize> {
        (series < L::COMBINATIONS).then(|| self.cells.run_at(series, 1).exemplar_key()).flatten()
    }
    #[cfg(feature = "testing")]
    fn capture_keys(&self, series: usize, key: &mut dyn FnMut(usize)) {
        if series < L::COMBINATIONS {
            key(self.cells.run_at(series, 1).cells.as_ptr() as usize);
        }
    }
}
