//! The dedicated metrics an instrumented function records into: `name = "..."` (a
//! `#[metric]` static the macro declares) and `metric = STATIC` (the user's), checked to
//! be of the right instrument type and labels at compile time.

use super::RESULT_COUNT;
use crate::instruments::{Counter, CounterSeries, Gauge, GaugeSeries, Histogram, HistogramSeries};
use crate::labels::LabelSet;

/// A metric `#[timed]` can record into.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[timed(metric = ...)]` records into a `Histogram<{L}>`, but this metric is a `{Self}`",
    label = "expected a `Histogram<{L}>`",
    note = "the histogram's labels are the bound arguments' types in `labels(...)` order: `Histogram` for none, `Histogram<T>` for one, `Histogram<(T1, T2, ..)>` for more"
)]
pub trait TimedMetric<L> {
    /// The series at a label-set index.
    fn __metricsmith_series(&'static self, index: usize) -> HistogramSeries;
}

impl<L: LabelSet> TimedMetric<L> for Histogram<L> {
    #[inline]
    fn __metricsmith_series(&'static self, index: usize) -> HistogramSeries {
        self.series_at(index)
    }
}

/// A metric `#[counted]` can record into.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[counted(metric = ...)]` records into a `Counter<{L}>`, but this metric is a `{Self}`",
    label = "expected a `Counter<{L}>`",
    note = "the counter's labels are the bound arguments' types in `labels(...)` order, then `metricsmith::CallResult`: `Counter<CallResult>` for none, `Counter<(T, CallResult)>` for one, and so on"
)]
pub trait CountedMetric<L> {
    /// The first series of one label combination's `result` values.
    fn __metricsmith_results(&'static self, index: usize) -> CounterSeries;
}

impl<L: LabelSet> CountedMetric<L> for Counter<L> {
    #[inline]
    fn __metricsmith_results(&'static self, index: usize) -> CounterSeries {
        // `result` is the last label, so its values are adjacent series.
        self.run_at(index.wrapping_mul(RESULT_COUNT), RESULT_COUNT)
    }
}

/// A metric `#[in_flight]` can record into.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[in_flight(metric = ...)]` records into a `Gauge<{L}>`, but this metric is a `{Self}`",
    label = "expected a `Gauge<{L}>`",
    note = "the gauge's labels are the bound arguments' types in `labels(...)` order: `Gauge` for none, `Gauge<T>` for one, `Gauge<(T1, T2, ..)>` for more"
)]
pub trait InFlightMetric<L> {
    /// The series at a label-set index.
    fn __metricsmith_series(&'static self, index: usize) -> GaugeSeries;
}

impl<L: LabelSet> InFlightMetric<L> for Gauge<L> {
    #[inline]
    fn __metricsmith_series(&'static self, index: usize) -> GaugeSeries {
        self.series_at(index)
    }
}

/// The series of `metric` at label-set `index`, checking it is a `Histogram<L>`.
#[doc(hidden)]
#[inline]
pub fn timed_series<L, M: TimedMetric<L> + 'static>(metric: &'static M, index: usize) -> HistogramSeries {
    metric.__metricsmith_series(index)
}

/// The `result` series of `metric` at label-set `index`, checking it is a `Counter<L>`.
#[doc(hidden)]
#[inline]
pub fn counted_cells<L, M: CountedMetric<L> + 'static>(metric: &'static M, index: usize) -> CounterSeries {
    metric.__metricsmith_results(index)
}

/// The series of `metric` at label-set `index`, checking it is a `Gauge<L>`.
#[doc(hidden)]
#[inline]
pub fn in_flight_series<L, M: InFlightMetric<L> + 'static>(metric: &'static M, index: usize) -> GaugeSeries {
    metric.__metricsmith_series(index)
}

/// Whether a `#[timed(metric = ...)]` target records seconds: a histogram whose name
/// ends in `_seconds`. `None` (not a histogram) passes here: the type check reports that.
#[doc(hidden)]
pub const fn records_seconds(histogram_name: Option<&str>) -> bool {
    let Some(name) = histogram_name else { return true };
    let (name, suffix) = (name.as_bytes(), b"_seconds".as_slice());
    if name.len() < suffix.len() {
        return false;
    }
    let start = name.len() - suffix.len();
    let mut position = 0;
    while position < suffix.len() {
        if name[start + position] != suffix[position] {
            return false;
        }
        position += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_seconds_reads_the_unit_suffix() {
        assert!(records_seconds(Some("payment_gateway_duration_seconds")));
        assert!(!records_seconds(Some("payment_gateway_duration_ms")));
        assert!(!records_seconds(Some("seconds")));
        assert!(records_seconds(None), "not a histogram: the type check reports it");
    }
}
