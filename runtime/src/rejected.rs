//! `metricsmith_rejected_values_total{kind}`: values the instruments refused, so that a
//! loss is visible on the dashboard instead of silent.

use crate::family::Meta;
use crate::labels::{LabelValue, NamedLabelValue};
use crate::metrics::{storage_cells, Cells, Counter};
use crate::registry::{Registration, REGISTRY};

/// Why a value was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rejection {
    /// A NaN passed to `observe`.
    NanObservation,
    /// A negative value observed by a summary, or by a histogram without negative buckets.
    NegativeObservation,
    /// A negative, NaN or infinite `FloatCounter` increment.
    InvalidCounterIncrement,
    /// A NaN passed to a gauge's `add`/`sub`.
    NanGaugeDelta,
    /// A hand-written `LabelSet` returned an index outside its cardinality.
    LabelIndexOutOfRange,
    /// An exemplar whose labels are invalid or longer than 128 characters (the value it
    /// came with is still recorded).
    InvalidExemplar,
    /// An exemplar dropped because the exemplar table was busy: held by the thread a
    /// signal handler interrupted, or by another thread for longer than 200 ms (the value
    /// it came with is still recorded).
    DroppedExemplar,
    /// A histogram or summary series a scrape could not read as one consistent snapshot
    /// within 200 ms (a thread stopped in the middle of an observation): that scrape
    /// rendered it as read, its `_sum` possibly holding a value its counts do not.
    InconsistentSnapshot,
}

impl LabelValue for Rejection {
    const CARDINALITY: usize = 8;
    const VALUES: &'static [&'static str] = &[
        "nan_observation",
        "negative_observation",
        "invalid_counter_increment",
        "nan_gauge_delta",
        "label_index_out_of_range",
        "invalid_exemplar",
        "dropped_exemplar",
        "inconsistent_snapshot",
    ];
    fn index(&self) -> usize {
        *self as usize
    }
    fn from_index(index: usize) -> Option<Self> {
        [
            Self::NanObservation,
            Self::NegativeObservation,
            Self::InvalidCounterIncrement,
            Self::NanGaugeDelta,
            Self::LabelIndexOutOfRange,
            Self::InvalidExemplar,
            Self::DroppedExemplar,
            Self::InconsistentSnapshot,
        ]
        .get(index)
        .copied()
    }
}

impl NamedLabelValue for Rejection {
    const LABEL_NAME: &'static str = "kind";
}

static CELLS: Cells<{ storage_cells::<Counter<Rejection>>(0) }> = Cells::new();
static REJECTED: Counter<Rejection> = Counter::__new(&CELLS.0);

static META: Meta = Meta {
    name: "metricsmith_rejected_values_total",
    help: "Values metricsmith instruments refused to record (NaN observations, negative counter increments, ...) or a scrape could not read consistently, by kind.",
    file: file!(),
    line: line!(),
    module: module_path!(),
};

#[allow(unsafe_code)] // linkme places the entry in a link section.
#[linkme::distributed_slice(REGISTRY)]
static ENTRY: Registration = Registration::Metric { meta: &META, family: &REJECTED };

#[cold]
pub(crate) fn record(rejection: Rejection) {
    // Not `REJECTED.labels(..)`: that path reports out-of-range indexes here.
    REJECTED.run_at(rejection as usize, 1).inc();
}

/// Exclusive use of the rejection counter by one unit test.
///
/// The counter is process-wide and the unit tests run in parallel: an exact delta taken
/// while another test rejects a value of the same kind counts that value too (seen with
/// `--test-threads=16`: a NaN delta of 2 where 1 was rejected). Every test that rejects a
/// value holds one of these while it does, and reads the counter through it.
#[cfg(test)]
pub(crate) struct Counting(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

#[cfg(test)]
impl Counting {
    /// Waits until no other test rejects values or reads the counter.
    pub(crate) fn start() -> Self {
        static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
        // A test that failed while holding it leaves the counter as usable as before.
        Counting(LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// How many values of `rejection`'s kind were rejected so far.
    pub(crate) fn count(&self, rejection: Rejection) -> u64 {
        REJECTED.labels(rejection).get()
    }
}
