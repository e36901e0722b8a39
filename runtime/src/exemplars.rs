//! Exemplars: the latest traced example of a counter increment or histogram observation,
//! shown in OpenMetrics output after the series' `_total` or `_bucket` line.
//!
//! This module is the store; the exposition layer renders what it holds. Exemplars are
//! rare and carry text, so they stay off the instruments' cells: one side table, keyed by the address of the series' first cell in the shared shard (unique in
//! the program, known both to a series handle and to its family) and the bucket. Each
//! key keeps only its latest exemplar, so the table holds at most one entry per counter
//! series and histogram bucket, each at most 128 characters of label text.
//!
//! The table's lock is a [`ForkSafeLock`]: taken around a `fork` so a child finds the
//! table whole, and given up on instead of waited for when its own thread holds it (a
//! signal handler that interrupted an exemplar) or another thread holds it too long —
//! the exemplar is then dropped and counted, its value still recorded.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use crate::family::Number;
use crate::rejections::{self, Rejection};
use crate::storage::fork::{self, ForkHook, ForkSafeLock, Stage, FORK_HOOKS};

/// OpenMetrics' limit on the combined length of an exemplar's label names and values,
/// in UTF-8 characters (code points).
pub(crate) const MAX_LABEL_CHARS: usize = 128;

/// Where an exemplar is filed: a series' key and, for histograms, the bucket.
type Key = (usize, usize);

struct Stored {
    /// The label names and values, one after the other, unescaped.
    text: String,
    /// Where each name and each value ends in `text`.
    ends: Vec<(usize, usize)>,
    value: Number,
    /// Since the epoch; `None` when the clock reads before it.
    timestamp: Option<Duration>,
}

/// A stored exemplar, as the encoders read it.
pub(crate) struct Exemplar<'a> {
    stored: &'a Stored,
}

impl<'a> Exemplar<'a> {
    /// The label pairs, in the order they were given.
    pub(crate) fn labels(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let stored = self.stored;
        let mut start = 0;
        stored.ends.iter().map(move |&(name_end, value_end)| {
            let pair = (&stored.text[start..name_end], &stored.text[name_end..value_end]);
            start = value_end;
            pair
        })
    }

    /// The observed value or increment.
    pub(crate) fn value(&self) -> Number {
        self.stored.value
    }

    /// When it was recorded, since the epoch; `None` when the clock read before it.
    pub(crate) fn timestamp(&self) -> Option<Duration> {
        self.stored.timestamp
    }
}

static TABLE: ForkSafeLock<BTreeMap<Key, Stored>> = ForkSafeLock::new(BTreeMap::new());

#[allow(unsafe_code)] // linkme places the hook in a link section.
#[linkme::distributed_slice(FORK_HOOKS)]
static TABLE_AROUND_FORK: ForkHook = ForkHook::new(
    Stage::Repair,
    || TABLE.hold_for_fork(),
    || TABLE.release_in_parent(),
    // A table its vanished holder left half-changed is abandoned whole (leaked, not
    // freed: its nodes may not be consistent); the child starts with none.
    || TABLE.release_in_child(|table| core::mem::forget(core::mem::take(table))),
);
/// Whether any exemplar was ever recorded: a scrape without exemplars never locks.
static RECORDED: AtomicBool = AtomicBool::new(false);

/// Whether `labels` make a valid exemplar label set: names match
/// `[a-zA-Z_][a-zA-Z0-9_]*` and are distinct, and names and values together have at most
/// [`MAX_LABEL_CHARS`] characters.
pub(crate) fn valid(labels: &[(&str, &str)]) -> bool {
    let mut chars = 0usize;
    for (position, (name, value)) in labels.iter().enumerate() {
        if !metricsmith_naming::is_label_name(name) {
            return false;
        }
        if labels[..position].iter().any(|(earlier, _)| earlier == name) {
            return false;
        }
        chars = chars.saturating_add(name.len()).saturating_add(value.chars().count());
    }
    chars <= MAX_LABEL_CHARS
}

/// Files an exemplar for `key`, replacing the previous one; an invalid label set is
/// dropped and counted in `metricsmith_rejected_values_total{kind="invalid_exemplar"}`.
#[cold]
pub(crate) fn record(key: Key, labels: &[(&str, &str)], value: Number) {
    if !valid(labels) {
        rejections::record(Rejection::InvalidExemplar);
        return;
    }
    #[cfg(feature = "testing")]
    crate::storage::capture::exemplar(key, labels, value);
    fork::install();
    let timestamp = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).ok();
    let Some(mut table) = TABLE.lock() else {
        rejections::record(Rejection::DroppedExemplar);
        return;
    };
    let stored = table.entry(key).or_insert_with(|| Stored {
        text: String::new(),
        ends: Vec::new(),
        value,
        timestamp,
    });
    // Reuses the previous exemplar's buffers.
    stored.text.clear();
    stored.ends.clear();
    for (name, value) in labels {
        stored.text.push_str(name);
        let name_end = stored.text.len();
        stored.text.push_str(value);
        stored.ends.push((name_end, stored.text.len()));
    }
    stored.value = value;
    stored.timestamp = timestamp;
    RECORDED.store(true, Ordering::Relaxed);
}

/// Whether a scrape needs to look for exemplars at all.
#[inline]
pub(crate) fn any() -> bool {
    RECORDED.load(Ordering::Relaxed)
}

/// Calls `read` with the exemplar of `key`, if it has one. A table busy for too long
/// leaves this scrape without the exemplar.
pub(crate) fn with<R>(key: Key, read: impl FnOnce(Exemplar<'_>) -> R) -> Option<R> {
    let table = TABLE.lock()?;
    table.get(&key).map(|stored| read(Exemplar { stored }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_names_must_be_identifiers_and_distinct() {
        assert!(valid(&[]));
        assert!(valid(&[("trace_id", "abc"), ("_span", "1"), ("Span2", "")]));
        for bad in ["", "1trace", "trace-id", "trace id", "träce"] {
            assert!(!valid(&[(bad, "x")]), "{bad:?} accepted");
        }
        assert!(!valid(&[("trace_id", "a"), ("trace_id", "b")]));
    }

    #[test]
    fn combined_length_is_at_most_128_characters() {
        let value = "x".repeat(MAX_LABEL_CHARS - "trace_id".len());
        assert!(valid(&[("trace_id", &value)]));
        assert!(!valid(&[("trace_id", &format!("{value}x"))]));
        // Characters, not bytes: 120 two-byte characters fit.
        let wide = "é".repeat(MAX_LABEL_CHARS - "trace_id".len());
        assert!(valid(&[("trace_id", &wide)]));
        // The names count too.
        assert!(!valid(&[("a", &"x".repeat(64)), ("b", &"y".repeat(63))]));
        assert!(valid(&[("a", &"x".repeat(63)), ("b", &"y".repeat(63))]));
    }

    /// Label pairs, owned.
    type Labels = Vec<(String, String)>;

    /// The labels of `key`'s exemplar, its value, and whether its timestamp is now.
    fn read(key: Key) -> Option<(Labels, Number, bool)> {
        with(key, |exemplar| {
            let labels = exemplar.labels().map(|(name, value)| (name.to_owned(), value.to_owned())).collect();
            let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap();
            let recent = exemplar.timestamp().is_some_and(|at| now.abs_diff(at) < Duration::from_secs(3600));
            (labels, exemplar.value(), recent)
        })
    }

    #[test]
    fn the_latest_exemplar_replaces_the_previous_one_as_given() {
        static CELL: u64 = 0;
        let key = (&CELL as *const u64 as usize, 3);
        record(key, &[("trace_id", "first"), ("span", "1")], Number::Int(1));
        record(key, &[("trace_id", "a\"b\\c\nd")], Number::Float(0.25));
        let (labels, value, recent) = read(key).expect("filed");
        assert_eq!(labels, [("trace_id".to_owned(), "a\"b\\c\nd".to_owned())], "stored unescaped");
        assert_eq!(value, Number::Float(0.25));
        assert!(recent, "timestamped now");
        assert!(read((key.0, 2)).is_none(), "another bucket has no exemplar");
    }

    #[test]
    fn an_invalid_exemplar_is_counted_and_not_filed() {
        static CELL: u64 = 0;
        let key = (&CELL as *const u64 as usize, 0);
        let rejections = rejections::Counting::start();
        let before = rejections.count(Rejection::InvalidExemplar);
        record(key, &[("trace_id", &"x".repeat(121))], Number::Int(1));
        assert_eq!(rejections.count(Rejection::InvalidExemplar) - before, 1);
        assert!(read(key).is_none());
    }
}
