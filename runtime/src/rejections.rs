//! Values the instruments refused to record, counted by kind, so that a loss is visible
//! on the dashboard (`metricsmith_rejected_values_total{kind}`) instead of silent.
//!
//! The bottom leaf of the recording path: the instruments and the label values
//! registered at run time call [`record`], which bumps a plain atomic count. `builtin`
//! exposes the counts as a family.

use core::sync::atomic::{AtomicU64, Ordering::Relaxed};

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
    /// A family left out of every scrape because a hand-written label set or family gave
    /// names or values the formats cannot carry (counted once per family).
    InvalidFamily,
    /// A label value registered at run time past its type's capacity: recorded under the
    /// overflow value `_OTHER` instead (counted per lookup).
    LabelValueOverflow,
    /// A label value registered at run time that is empty, too long or not UTF-8:
    /// recorded under the overflow value `_OTHER` instead (counted per lookup).
    InvalidLabelValue,
}

/// The `kind` label values, in [`Rejection`] order.
pub(crate) const KINDS: [&str; 11] = [
    "nan_observation",
    "negative_observation",
    "invalid_counter_increment",
    "nan_gauge_delta",
    "label_index_out_of_range",
    "invalid_exemplar",
    "dropped_exemplar",
    "inconsistent_snapshot",
    "invalid_family",
    "label_value_overflow",
    "invalid_label_value",
];

/// Rejections so far, by kind. Rejections are rare, so one shared cell per kind is enough.
/// Aligned as a family's cells are (`storage::Cells`, which this leaf does not name), so
/// the multiprocess mode maps them and adds every process's up.
#[cfg_attr(feature = "multiprocess", repr(align(4096)))]
struct Counts([AtomicU64; KINDS.len()]);

static COUNTS: Counts = Counts([const { AtomicU64::new(0) }; KINDS.len()]);

#[cold]
pub(crate) fn record(rejection: Rejection) {
    COUNTS.0[rejection as usize].fetch_add(1, Relaxed);
}

/// How many values of the kind `KINDS[kind]` were rejected so far.
pub(crate) fn count(kind: usize) -> Option<u64> {
    COUNTS.0.get(kind).map(|count| count.load(Relaxed))
}

/// The counts' cells, one per kind, as the multiprocess mode maps and merges them.
pub(crate) fn cells() -> &'static [AtomicU64] {
    &COUNTS.0
}

/// Exclusive use of the rejection counts by one unit test.
///
/// The counts are process-wide and the unit tests run in parallel: an exact delta taken
/// while another test rejects a value of the same kind counts that value too (seen with
/// `--test-threads=16`: a NaN delta of 2 where 1 was rejected). Every test that rejects a
/// value holds one of these while it does, and reads the count through it.
#[cfg(test)]
pub(crate) struct Counting(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

#[cfg(test)]
impl Counting {
    /// Waits until no other test rejects values or reads the counts.
    pub(crate) fn start() -> Self {
        static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
        // A test that failed while holding it leaves the counts as usable as before.
        Counting(LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// How many values of `rejection`'s kind were rejected so far.
    pub(crate) fn count(&self, rejection: Rejection) -> u64 {
        COUNTS.0[rejection as usize].load(Relaxed)
    }
}
