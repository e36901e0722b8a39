//! Each instrumented function's own cells in the shared families: a static per function
//! and attribute, listed in a link-time slice per family.

use super::{CallResult, RESULT_COUNT};
use crate::family::{CellKind, MultiprocessMode, Storage};
use crate::instruments::{
    CounterSeries, GaugeSeries, HistogramSeries, COUNTER_CELLS, DEFAULT_BUCKETS, HISTOGRAM_CELLS,
};
use crate::storage::{Cells, Layout};

/// A `#[counted]` site: one counter series per result, sharded like any small counter.
const COUNTED_LAYOUT: Layout = Layout::new(RESULT_COUNT, COUNTER_CELLS, 0);
const COUNTED_CELLS: usize = COUNTED_LAYOUT.total;
/// A `#[timed]` site: one histogram series with the default buckets.
const TIMED_CELLS: usize = Layout::new(1, HISTOGRAM_CELLS, DEFAULT_BUCKETS.len()).total;

/// A `#[counted]` function's cells in `function_calls_total`.
#[doc(hidden)]
#[derive(Debug)]
pub struct CountedSite {
    pub(super) function: &'static str,
    pub(super) module: &'static str,
    fallible: bool,
    future: bool,
    cells: Cells<COUNTED_CELLS>,
}

impl CountedSite {
    /// `fallible`: returns a `Result` (renders `error`); `future`: an `async fn`
    /// (renders `cancelled`).
    pub const fn new(function: &'static str, module: &'static str, fallible: bool, future: bool) -> Self {
        CountedSite { function, module, fallible, future, cells: Cells::new() }
    }

    /// The series of the first [`CallResult`]; the others follow in index order.
    #[inline]
    pub fn cells(&'static self) -> CounterSeries {
        CounterSeries::first_of(&self.cells.0, COUNTED_LAYOUT)
    }

    /// Its cells, as the multiprocess mode maps and merges them.
    pub(super) fn storage(&'static self) -> Storage {
        Storage {
            stride: COUNTED_LAYOUT.stride,
            site: Some((self.module, self.function)),
            ..Storage::new(&self.cells.0, CellKind::Counter, RESULT_COUNT)
        }
    }

    pub(super) fn renders(&self, result: CallResult) -> bool {
        match result {
            CallResult::Ok | CallResult::Panic => true,
            CallResult::Error => self.fallible,
            CallResult::Cancelled => self.future,
        }
    }
}

/// A `#[timed]` function's histogram in `function_calls_duration_seconds`.
#[doc(hidden)]
#[derive(Debug)]
pub struct TimedSite {
    pub(super) function: &'static str,
    pub(super) module: &'static str,
    cells: Cells<TIMED_CELLS>,
}

impl TimedSite {
    /// A site with every bucket at 0.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        TimedSite { function, module, cells: Cells::new() }
    }

    /// The histogram series, with [`DEFAULT_BUCKETS`].
    #[inline]
    pub fn series(&'static self) -> HistogramSeries {
        HistogramSeries::from_cells(&DEFAULT_BUCKETS, None, &self.cells.0)
    }

    /// Its cells, as the multiprocess mode maps and merges them.
    pub(super) fn storage(&'static self) -> Storage {
        Storage { site: Some((self.module, self.function)), ..self.series().storage() }
    }
}

/// An `#[in_flight]` function's gauge in `function_calls_concurrent`.
#[doc(hidden)]
#[derive(Debug)]
pub struct InFlightSite {
    pub(super) function: &'static str,
    pub(super) module: &'static str,
    /// One cell of its own (never sharing a cache line, or with the `multiprocess`
    /// feature a page, with another function's), mapped like any family's.
    cell: Cells<1>,
}

/// How `function_calls_concurrent` merges over processes: the calls in progress in the
/// running ones.
pub(super) const IN_FLIGHT_MODE: MultiprocessMode = MultiprocessMode::LiveSum;

impl InFlightSite {
    /// A site at 0 calls in progress.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        // 0.0 is all zero bits.
        InFlightSite { function, module, cell: Cells::new() }
    }

    /// The gauge series.
    #[inline]
    pub fn series(&'static self) -> GaugeSeries {
        GaugeSeries::from_cell(&self.cell.0[0])
    }

    /// Its cell, as the multiprocess mode maps and merges it.
    pub(super) fn storage(&'static self) -> Storage {
        Storage {
            site: Some((self.module, self.function)),
            ..Storage::new(&self.cell.0, CellKind::Gauge(IN_FLIGHT_MODE), 1)
        }
    }
}

#[allow(unsafe_code)] // linkme places the slices in link sections.
mod slices {
    /// Every `#[counted]` function without `name`/`metric`.
    #[linkme::distributed_slice]
    pub static COUNTED_SITES: [&'static super::CountedSite];

    /// Every `#[timed]` function without `name`/`metric`.
    #[linkme::distributed_slice]
    pub static TIMED_SITES: [&'static super::TimedSite];

    /// Every `#[in_flight]` function without `name`/`metric`.
    #[linkme::distributed_slice]
    pub static IN_FLIGHT_SITES: [&'static super::InFlightSite];
}
#[doc(hidden)]
pub use slices::{COUNTED_SITES, IN_FLIGHT_SITES, TIMED_SITES};
