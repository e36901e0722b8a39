//! Exemplars: the latest traced example of a counter increment or histogram observation,
//! shown in OpenMetrics output after the series' `_total` or `_bucket` line.
//!
//! Exemplars are rare and carry text, so they stay off the instruments' cells: one side
//! table, keyed by the address of the series' first cell in the shared shard (unique in
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

use crate::encode::{escape, number};
use crate::family::Number;
use crate::metrics::fork::{self, ForkHook, ForkSafeLock, Stage, FORK_HOOKS};
use crate::rejected::{self, Rejection};

/// OpenMetrics' limit on the combined length of an exemplar's label names and values,
/// in UTF-8 characters (code points).
pub(crate) const MAX_LABEL_CHARS: usize = 128;

/// Where an exemplar is filed: a series' key and, for histograms, the bucket.
type Key = (usize, usize);

struct Stored {
    /// `name="value",...`, escaped as label values are.
    labels: Vec<u8>,
    value: Number,
    /// Since the epoch; `None` when the clock reads before it.
    timestamp: Option<Duration>,
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
        let mut bytes = name.bytes();
        let starts_well = bytes.next().is_some_and(|first| first.is_ascii_alphabetic() || first == b'_');
        if !starts_well || !bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_') {
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
        rejected::record(Rejection::InvalidExemplar);
        return;
    }
    fork::install();
    let timestamp = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).ok();
    let Some(mut table) = TABLE.lock() else {
        rejected::record(Rejection::DroppedExemplar);
        return;
    };
    let stored = table.entry(key).or_insert_with(|| Stored { labels: Vec::new(), value, timestamp });
    // Reuses the previous exemplar's buffer.
    stored.labels.clear();
    for (position, (name, value)) in labels.iter().enumerate() {
        if position > 0 {
            stored.labels.push(b',');
        }
        stored.labels.extend_from_slice(name.as_bytes());
        stored.labels.extend_from_slice(b"=\"");
        escape::write_escaped_quoted(&mut stored.labels, value);
        stored.labels.push(b'"');
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

/// Appends ` # {labels} value timestamp` when `key` has an exemplar.
pub(crate) fn write(out: &mut Vec<u8>, key: Key) {
    // A table busy for too long leaves this scrape without the exemplar.
    let Some(table) = TABLE.lock() else { return };
    let Some(stored) = table.get(&key) else { return };
    out.extend_from_slice(b" # {");
    out.extend_from_slice(&stored.labels);
    out.extend_from_slice(b"} ");
    match stored.value {
        Number::Int(value) => number::write_u64(out, value),
        Number::Float(value) => number::write_go_float(out, value),
    }
    if let Some(timestamp) = stored.timestamp {
        // Seconds with millisecond precision, as Prometheus stores timestamps.
        out.push(b' ');
        number::write_u64(out, timestamp.as_secs());
        out.push(b'.');
        let millis = timestamp.subsec_millis();
        out.extend_from_slice(&[b'0' + (millis / 100) as u8, b'0' + (millis / 10 % 10) as u8]);
        out.push(b'0' + (millis % 10) as u8);
    }
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

    #[test]
    fn the_latest_exemplar_replaces_the_previous_one_escaped() {
        static CELL: u64 = 0;
        let key = (&CELL as *const u64 as usize, 3);
        record(key, &[("trace_id", "first")], Number::Int(1));
        record(key, &[("trace_id", "a\"b\\c\nd"), ("span", "é")], Number::Float(0.25));
        let mut out = Vec::new();
        write(&mut out, key);
        let text = String::from_utf8(out).unwrap();
        let (head, timestamp) = text.rsplit_once(' ').unwrap();
        assert_eq!(head, r#" # {trace_id="a\"b\\c\nd",span="é"} 0.25"#);
        let (seconds, millis) = timestamp.split_once('.').unwrap();
        assert_eq!(millis.len(), 3);
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        assert!(seconds.parse::<u64>().unwrap().abs_diff(now) < 3600, "timestamp {timestamp} is not now");
        let mut other = Vec::new();
        write(&mut other, (key.0, 2));
        assert!(other.is_empty(), "another bucket has no exemplar");
    }

    #[test]
    fn an_invalid_exemplar_is_counted_and_not_filed() {
        static CELL: u64 = 0;
        let key = (&CELL as *const u64 as usize, 0);
        let rejections = rejected::Counting::start();
        let before = rejections.count(Rejection::InvalidExemplar);
        record(key, &[("trace_id", &"x".repeat(121))], Number::Int(1));
        assert_eq!(rejections.count(Rejection::InvalidExemplar) - before, 1);
        let mut out = Vec::new();
        write(&mut out, key);
        assert!(out.is_empty());
    }
}
