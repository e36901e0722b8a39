//! The instrument types. Each stores its series in a dense `'static` array of cells
//! (see [`storage`](crate::storage)) indexed by the label set's index: no hashing, no
//! locks and no allocation when recording. Each implements [`Family`](crate::Family), the
//! registry's view of it.

mod counter;
mod gauge;
mod histogram;
mod info;
pub(crate) mod native;
mod state_set;
mod summary;
#[cfg(test)]
mod tests;

pub(crate) use counter::COUNTER_CELLS;
pub use counter::{Counter, CounterSeries, FloatCounter, FloatCounterSeries};
pub use gauge::{gauge_cells, Gauge, GaugeSeries, InProgress};
pub(crate) use histogram::HISTOGRAM_CELLS;
pub use histogram::{Histogram, HistogramSeries, HistogramTimer, DEFAULT_BUCKETS};
pub use info::Info;
pub use native::NativeConfig;
pub use state_set::StateSet;
pub use summary::{Summary, SummarySeries};

use crate::family::MetricType;
use crate::labels::LabelSet;
use crate::rejections::{self, Rejection};
use crate::storage::{Layout, SeriesCells};

/// The series index of `labels`, as every instrument's `labels()` looks it up: an index
/// a hand-written `LabelSet` reports out of range is counted and returned as it is, and
/// the instrument's `series_at` turns it into a discarding series (never a panic).
#[inline]
fn series_index<L: LabelSet>(labels: L) -> usize {
    let index = labels.combination_index();
    if index >= L::COMBINATIONS {
        rejections::record(Rejection::LabelIndexOutOfRange);
    }
    index
}

/// How many series an instrument type has and how it stores one, so generated code
/// can size its storage without naming the label type:
/// `Cells<{ storage_cells::<Counter<L>>(0) }>`.
#[doc(hidden)]
pub trait Instrument {
    /// Number of series (the label set's cardinality).
    const SERIES: usize;
    /// The cells of one series.
    const CELLS: SeriesCells;
    /// How the family renders.
    const TYPE: MetricType;
    /// The names of its labels (for an info metric or a state set, none the type knows).
    const LABEL_NAMES: &'static [&'static str];
}

/// The samples a text-format scrape shows for one label combination of a family of
/// `metric_type`: one value, or for a histogram with `buckets` bounds one per bound,
/// `+Inf`, `_count` and `_sum` (and, with native buckets, up to `native_buckets` more in
/// the protobuf format), or for a summary `_count` and `_sum`. The one formula behind
/// the series budget (checked at compile time) and the catalog's series counts.
#[doc(hidden)]
pub const fn series_per_label_set(metric_type: MetricType, buckets: usize, native_buckets: usize) -> usize {
    match metric_type {
        MetricType::Histogram => buckets + 3 + native_buckets,
        MetricType::Summary => 2,
        _ => 1,
    }
}

/// The number of cells a `static` must hold for instrument type `T` with `buckets`
/// histogram buckets (ignored by other types).
#[doc(hidden)]
pub const fn storage_cells<T: Instrument>(buckets: usize) -> usize {
    Layout::new(T::SERIES, T::CELLS, buckets).total
}

/// Gauges are set, not added to, so they cannot be summed over shards.
const GAUGE_CELLS: SeriesCells = SeriesCells { fixed: 1, per_bucket: false, shardable: false };
/// Info and state sets have no cells of their own.
const NO_CELLS: SeriesCells = SeriesCells { fixed: 0, per_bucket: false, shardable: false };

macro_rules! labelled_instrument {
    ($($ty:ident: $cells:expr, $metric_type:ident);*) => {$(
        impl<L: LabelSet> Instrument for $ty<L> {
            const SERIES: usize = L::COMBINATIONS;
            const CELLS: SeriesCells = $cells;
            const TYPE: MetricType = MetricType::$metric_type;
            const LABEL_NAMES: &'static [&'static str] = L::LABEL_NAMES;
        }
    )*};
}
labelled_instrument!(
    Counter: counter::COUNTER_CELLS, Counter;
    FloatCounter: counter::COUNTER_CELLS, Counter;
    Gauge: GAUGE_CELLS, Gauge;
    Histogram: histogram::HISTOGRAM_CELLS, Histogram;
    Summary: histogram::HISTOGRAM_CELLS, Summary
);

/// `__histogram_name` on the other instrument types, so the `_seconds` check of
/// `#[timed(metric = ...)]` adds no second error to a metric of the wrong type.
macro_rules! not_a_histogram {
    ($($ty:ty, [$($generics:tt)*]);*) => {$(
        impl<$($generics)*> $ty {
            #[doc(hidden)]
            pub const fn __histogram_name(&self) -> Option<&'static str> {
                None
            }
        }
    )*};
}
not_a_histogram!(
    Counter<L>, [L: LabelSet];
    FloatCounter<L>, [L: LabelSet];
    Gauge<L>, [L: LabelSet];
    Summary<L>, [L: LabelSet];
    Info, [];
    StateSet<E>, [E: crate::labels::LabelValue]
);

impl Instrument for Info {
    const SERIES: usize = 1;
    const CELLS: SeriesCells = NO_CELLS;
    const TYPE: MetricType = MetricType::Info;
    const LABEL_NAMES: &'static [&'static str] = &[];
}

impl<E: crate::labels::LabelValue> Instrument for StateSet<E> {
    const SERIES: usize = E::CARDINALITY;
    const CELLS: SeriesCells = NO_CELLS;
    const TYPE: MetricType = MetricType::StateSet;
    const LABEL_NAMES: &'static [&'static str] = &[];
}

/// Implemented by `#[metric] static GROUP: Group;` for `Group`, with a marker type of
/// that static's: two statics of one group type give two impls, and
/// [`each_metric_group_type_has_one_static`] cannot pick one (a compile error that lists
/// both statics). Two statics of one type would register the same metrics twice.
#[doc(hidden)]
pub trait DeclaredAsStatic<Static> {}

/// See [`DeclaredAsStatic`].
#[doc(hidden)]
pub const fn each_metric_group_type_has_one_static<Group: DeclaredAsStatic<Static>, Static>() {}

/// Storage of a `#[derive(Metrics)]` group, so `#[metric] static GROUP: Group;` can
/// build it in a static initializer.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither an instrument nor a metric group, so `#[metric]` cannot declare it",
    label = "not an instrument",
    note = "`#[metric]` declares a `Counter`, `FloatCounter`, `Gauge`, `Histogram`, `Summary`, `Info` or `StateSet`, or a struct with `#[derive(Metrics)]` whose fields are instruments"
)]
pub trait GroupStorage {
    /// One cell array per member.
    type Storage: Sync + 'static;
    /// Every cell at zero.
    const STORAGE: Self::Storage;
}
