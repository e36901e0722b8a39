//! The instrument types. Each stores its series in a dense `'static` array of cells
//! (see [`storage`](crate::storage)) indexed by the label set's index: no hashing, no
//! locks and no allocation when recording. Each implements [`Family`](crate::Family), the
//! registry's view of it.

mod counter;
mod gauge;
mod histogram;
mod info;
mod native;
mod state_set;
mod summary;
#[cfg(test)]
mod tests;

pub(crate) use counter::COUNTER_CELLS;
pub use counter::{Counter, CounterSeries, FloatCounter, FloatCounterSeries};
pub use gauge::{Gauge, GaugeSeries, InProgress};
pub(crate) use histogram::HISTOGRAM_CELLS;
pub use histogram::{Histogram, HistogramSeries, HistogramTimer, DEFAULT_BUCKETS};
pub use info::Info;
pub use native::NativeConfig;
pub use state_set::StateSet;
pub use summary::{Summary, SummarySeries};

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
}

/// The series a scrape shows per label combination of a histogram with `buckets`
/// bounds and native buckets, at most `native_max_buckets` of them: one per bound,
/// `+Inf`, `_count` and `_sum` in the text formats, and each native bucket in the
/// protobuf one. The one formula of the series budget (checked at compile time) and the
/// catalog's counts of native histograms.
#[doc(hidden)]
pub const fn native_series_per_label_set(buckets: usize, native_max_buckets: usize) -> usize {
    buckets + 3 + native_max_buckets
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
    ($($ty:ident: $cells:expr),*) => {$(
        impl<L: LabelSet> Instrument for $ty<L> {
            const SERIES: usize = L::COMBINATIONS;
            const CELLS: SeriesCells = $cells;
        }
    )*};
}
labelled_instrument!(
    Counter: counter::COUNTER_CELLS,
    FloatCounter: counter::COUNTER_CELLS,
    Gauge: GAUGE_CELLS,
    Histogram: histogram::HISTOGRAM_CELLS,
    Summary: histogram::HISTOGRAM_CELLS
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
}

impl<E: crate::labels::LabelValue> Instrument for StateSet<E> {
    const SERIES: usize = E::CARDINALITY;
    const CELLS: SeriesCells = NO_CELLS;
}

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

/// The message of a failed series-budget assertion, built at compile time so it can
/// state the actual series count, which the macro cannot know. Generated code panics
/// with it in a `const _: () = …;` item: `parts[0] numbers[0] parts[1] numbers[1] …`.
#[doc(hidden)]
pub struct SeriesBudgetMessage {
    bytes: [u8; 1024],
    len: usize,
}

impl SeriesBudgetMessage {
    #[doc(hidden)]
    pub const fn new(parts: &[&str], numbers: &[usize]) -> Self {
        let mut message = SeriesBudgetMessage { bytes: [0; 1024], len: 0 };
        let mut part = 0;
        while part < parts.len() {
            message.push(parts[part].as_bytes());
            if part < numbers.len() {
                let mut digits = [0u8; 20];
                let mut start = digits.len();
                let mut rest = numbers[part];
                loop {
                    start -= 1;
                    digits[start] = b'0' + (rest % 10) as u8;
                    rest /= 10;
                    if rest == 0 {
                        break;
                    }
                }
                message.push(digits.split_at(start).1);
            }
            part += 1;
        }
        message
    }

    /// Appends `bytes` as far as they fit.
    const fn push(&mut self, bytes: &[u8]) {
        let mut index = 0;
        while index < bytes.len() && self.len < self.bytes.len() {
            self.bytes[self.len] = bytes[index];
            self.len += 1;
            index += 1;
        }
    }

    #[doc(hidden)]
    pub const fn as_str(&self) -> &str {
        match core::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => text,
            Err(_) => "an instrument exceeds its series budget",
        }
    }
}
