use core::marker::PhantomData;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::{float_cell, series_index};
use crate::family::{Family, MetricType, Number, Sample};
use crate::labels::LabelSet;
use crate::rejected::{self, Rejection};

static DISCARDED: AtomicU64 = AtomicU64::new(0);

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
    cells: &'static [AtomicU64],
    labels: PhantomData<fn(L)>,
}

impl<L: LabelSet> Counter<L> {
    #[doc(hidden)]
    pub const fn __new(cells: &'static [AtomicU64]) -> Self {
        assert!(cells.len() == L::CARDINALITY, "counter storage does not match its label set");
        Counter { cells, labels: PhantomData }
    }

    /// The cells of series `start..start + len` (`#[counted]` takes the run of `result`
    /// values of one label combination); empty when out of range.
    #[inline]
    pub(crate) fn cells_at(&self, start: usize, len: usize) -> &'static [AtomicU64] {
        let cells: &'static [AtomicU64] = self.cells;
        start.checked_add(len).and_then(|end| cells.get(start..end)).unwrap_or(&[])
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> CounterSeries {
        let cell = match series_index(labels, self.cells.len()) {
            Some(index) => &self.cells[index],
            None => &DISCARDED,
        };
        CounterSeries { cell }
    }
}

impl Counter<()> {
    /// Adds one.
    #[inline]
    pub fn inc(&self) {
        self.labels(()).inc();
    }
    /// Adds `amount`.
    #[inline]
    pub fn inc_by(&self, amount: u64) {
        self.labels(()).inc_by(amount);
    }
    /// The current total.
    pub fn get(&self) -> u64 {
        self.labels(()).get()
    }
}

/// One series of a [`Counter`].
#[derive(Clone, Copy, Debug)]
pub struct CounterSeries {
    cell: &'static AtomicU64,
}

impl CounterSeries {
    /// Adds one.
    #[inline]
    pub fn inc(self) {
        self.cell.fetch_add(1, Relaxed);
    }
    /// Adds `amount`. The total wraps at 2^64, which a scraper reads as a counter reset.
    #[inline]
    pub fn inc_by(self, amount: u64) {
        self.cell.fetch_add(amount, Relaxed);
    }
    /// The current total.
    pub fn get(self) -> u64 {
        self.cell.load(Relaxed)
    }
}

impl<L: LabelSet> Family for Counter<L> {
    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        L::label_names(out);
    }
    fn series_count(&self) -> usize {
        self.cells.len()
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        L::label_values(series, out);
    }
    fn read(&self, series: usize, out: &mut Sample) {
        if let Some(cell) = self.cells.get(series) {
            out.value = Some(Number::Int(cell.load(Relaxed)));
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
    cells: &'static [AtomicU64],
    labels: PhantomData<fn(L)>,
}

impl<L: LabelSet> FloatCounter<L> {
    #[doc(hidden)]
    pub const fn __new(cells: &'static [AtomicU64]) -> Self {
        assert!(cells.len() == L::CARDINALITY, "counter storage does not match its label set");
        FloatCounter { cells, labels: PhantomData }
    }

    /// The series for one label combination.
    #[inline]
    pub fn labels(&self, labels: L) -> FloatCounterSeries {
        let cell = match series_index(labels, self.cells.len()) {
            Some(index) => &self.cells[index],
            None => &DISCARDED,
        };
        FloatCounterSeries { cell }
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
    cell: &'static AtomicU64,
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
        // NaN and ±Inf are not finite.
        if !amount.is_finite() || amount < 0.0 {
            rejected::record(Rejection::InvalidCounterIncrement);
            return;
        }
        float_cell::add(self.cell, amount);
    }
    /// The current total.
    pub fn get(self) -> f64 {
        float_cell::load(self.cell)
    }
}

impl<L: LabelSet> Family for FloatCounter<L> {
    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        L::label_names(out);
    }
    fn series_count(&self) -> usize {
        self.cells.len()
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        L::label_values(series, out);
    }
    fn read(&self, series: usize, out: &mut Sample) {
        if let Some(cell) = self.cells.get(series) {
            out.value = Some(Number::Float(float_cell::load(cell)));
        }
    }
}
