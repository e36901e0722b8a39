//! The instrument types. Each stores its series in a dense `'static` array indexed by the
//! label set's index: no hashing, no locks and no allocation when recording.

mod callback;
mod counter;
mod float_cell;
mod gauge;
mod histogram;
mod info;
mod state_set;
mod summary;
#[cfg(test)]
mod tests;

pub use callback::CallbackGauge;
pub use counter::{Counter, CounterSeries, FloatCounter, FloatCounterSeries};
pub use gauge::{Gauge, GaugeSeries, InProgress};
pub use histogram::{Histogram, HistogramSeries, HistogramTimer, DEFAULT_BUCKETS};
pub use info::Info;
pub use state_set::StateSet;
pub use summary::{Summary, SummarySeries};

use crate::labels::LabelSet;

/// The cell of `labels` in a per-series array, or `None` for an index a hand-written
/// `LabelSet` reported out of range (counted, never a panic).
#[inline]
fn series_index<L: LabelSet>(labels: L, len: usize) -> Option<usize> {
    let index = labels.index();
    if index < len {
        Some(index)
    } else {
        crate::rejected::record(crate::rejected::Rejection::LabelIndexOutOfRange);
        None
    }
}

/// How many series an instrument type has, so generated code can size its storage
/// without naming the label type: `[AtomicU64; <Counter<L> as Instrument>::SERIES]`.
#[doc(hidden)]
pub trait Instrument {
    /// Number of series (the label set's cardinality).
    const SERIES: usize;
}

macro_rules! labelled_instrument {
    ($($ty:ident),*) => {$(
        impl<L: LabelSet> Instrument for $ty<L> {
            const SERIES: usize = L::CARDINALITY;
        }
    )*};
}
labelled_instrument!(Counter, FloatCounter, Gauge, Histogram, Summary);

impl Instrument for Info {
    const SERIES: usize = 1;
}

impl<E: crate::labels::LabelValue> Instrument for StateSet<E> {
    const SERIES: usize = E::CARDINALITY;
}

/// Storage of a `#[derive(Metrics)]` group, so `#[metric] static GROUP: Group;` can
/// build it in a static initializer.
#[doc(hidden)]
pub trait GroupStorage {
    /// One cell array per member.
    type Storage: Sync + 'static;
    /// Every cell at zero.
    const STORAGE: Self::Storage;
}
