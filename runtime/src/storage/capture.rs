//! The recording side of `metricsmith::testing::Capture` (feature `testing`): each
//! recording primitive also hands its update to the capture entered on the recording
//! thread, if any, which files it under the series' key — the address of the series'
//! first cell in the shared shard, as exemplars are filed — beside the statics, which
//! record as always.
//!
//! The hot path pays one load of a const-initialised thread-local and a branch: `CURRENT`
//! is a plain pointer without destructor. What keeps the table it points at alive is
//! `ENTERED`, the thread's stack of entered captures, touched only on entry and exit.
//!
//! Never waiting on the recording path: while a thread files an update it holds the
//! capture's lock with `CURRENT` cleared, so a recording that interrupts it (a signal
//! handler's) is not captured rather than waiting for a lock its own thread holds; and a
//! forked child captures nothing (its recordings could not reach the parent's capture
//! anyway), so it never waits for a lock held by a thread that did not survive the fork.

use core::cell::{Cell, RefCell};
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::fork::{ForkHook, Stage, FORK_HOOKS};
use crate::family::Number;

/// What a capture holds for one series.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// A counter's total.
    Int(u64),
    /// A float counter's total, or a gauge's value as this code moved it.
    Float(f64),
    /// A histogram's or summary's bucket counts (not cumulative, `+Inf` last) and sum.
    Distribution { buckets: Vec<u64>, sum: f64 },
    /// The index of the state a state set was last set to.
    State(usize),
}

/// An exemplar as a capture keeps it: the latest one per series and bucket.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Exemplar {
    pub(crate) labels: Vec<(String, String)>,
    pub(crate) value: Number,
}

/// Everything one capture saw, by series key.
#[derive(Clone, Debug, Default)]
pub(crate) struct Recorded {
    pub(crate) values: HashMap<usize, Value>,
    /// By series key and bucket (0 for counters).
    pub(crate) exemplars: HashMap<(usize, usize), Exemplar>,
}

/// A capture's table, shared by every thread that entered it.
#[derive(Debug, Default)]
pub(crate) struct Table {
    recorded: Mutex<Recorded>,
}

impl Table {
    /// The values so far. Recording threads of this capture wait while it is held.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Recorded> {
        // Nothing panics while holding it; a poisoned table is still whole.
        self.recorded.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One update, as the recording primitive made it.
enum Update<'a> {
    Add(u64),
    AddFloat(f64),
    SetFloat(f64),
    Observe { bucket: usize, buckets: usize, value: f64 },
    SetState(usize),
    Exemplar { bucket: usize, labels: &'a [(&'a str, &'a str)], value: Number },
}

impl Recorded {
    fn apply(&mut self, key: usize, update: Update<'_>) {
        let value = self.values.entry(key);
        match update {
            Update::Add(amount) => match value.or_insert(Value::Int(0)) {
                Value::Int(total) => *total = total.wrapping_add(amount),
                // Only the discarding cells are shared by instruments of different kinds.
                other => *other = Value::Int(amount),
            },
            Update::AddFloat(delta) => match value.or_insert(Value::Float(0.0)) {
                Value::Float(total) => *total += delta,
                other => *other = Value::Float(delta),
            },
            Update::SetFloat(set) => {
                value.insert_entry(Value::Float(set));
            }
            Update::Observe { bucket, buckets, value: observed } => {
                let fresh = || Value::Distribution { buckets: vec![0; buckets], sum: 0.0 };
                let entry = value.or_insert_with(fresh);
                if !matches!(entry, Value::Distribution { buckets: counts, .. } if counts.len() == buckets) {
                    *entry = fresh();
                }
                if let Value::Distribution { buckets: counts, sum } = entry {
                    if let Some(count) = counts.get_mut(bucket) {
                        *count = count.wrapping_add(1);
                        *sum += observed;
                    }
                }
            }
            Update::SetState(state) => {
                value.insert_entry(Value::State(state));
            }
            Update::Exemplar { bucket, labels, value: exemplar } => {
                let labels =
                    labels.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect();
                self.exemplars.insert((key, bucket), Exemplar { labels, value: exemplar });
            }
        }
    }
}

thread_local! {
    /// The capture this thread records into: the innermost one entered and not yet left,
    /// or null. Const-initialised and without destructor, so reading it is one load.
    static CURRENT: Cell<*const Table> = const { Cell::new(core::ptr::null()) };
    /// What keeps `CURRENT`'s table alive: every capture entered on this thread and not
    /// left yet, in entry order, with the token its guard leaves it by.
    static ENTERED: Entered = const { Entered(RefCell::new(Vec::new())) };
}

struct Entered(RefCell<Vec<(u64, Arc<Table>)>>);

impl Drop for Entered {
    fn drop(&mut self) {
        // At thread exit: destructors of other thread-locals that record after this one
        // must not reach the tables, which go now.
        CURRENT.with(|current| current.set(core::ptr::null()));
    }
}

/// Set in a forked child: nothing is captured there.
static FORKED: AtomicBool = AtomicBool::new(false);

fn stop_capturing_in_child() {
    FORKED.store(true, Relaxed);
    CURRENT.with(|current| current.set(core::ptr::null()));
}

#[allow(unsafe_code)] // linkme places the hook in a link section.
#[linkme::distributed_slice(FORK_HOOKS)]
static NO_CAPTURE_IN_CHILD: ForkHook = ForkHook::in_child(Stage::Repair, stop_capturing_in_child);

/// Makes `table` the capture of this thread until [`leave`] with the returned token.
pub(crate) fn enter(table: Arc<Table>) -> u64 {
    static TOKENS: AtomicU64 = AtomicU64::new(0);
    let token = TOKENS.fetch_add(1, Relaxed);
    let _ = ENTERED.try_with(|entered| {
        let Ok(mut entered) = entered.0.try_borrow_mut() else { return };
        let pointer = Arc::as_ptr(&table);
        entered.push((token, table));
        if !FORKED.load(Relaxed) {
            CURRENT.with(|current| current.set(pointer));
        }
    });
    token
}

/// Leaves the capture entered with `token`: this thread records into the innermost capture
/// still entered, if any. Guards may be dropped in any order.
pub(crate) fn leave(token: u64) {
    let _ = ENTERED.try_with(|entered| {
        let Ok(mut entered) = entered.0.try_borrow_mut() else { return };
        // Clear first: `CURRENT` must never point at a table no entry holds.
        CURRENT.with(|current| current.set(core::ptr::null()));
        entered.retain(|(entry, _)| *entry != token);
        if let (Some((_, table)), false) = (entered.last(), FORKED.load(Relaxed)) {
            CURRENT.with(|current| current.set(Arc::as_ptr(table)));
        }
    });
}

/// Files `update()` in this thread's capture, if it has one.
#[inline(always)]
fn record<'a>(key: usize, update: impl FnOnce() -> Update<'a>) {
    let table = CURRENT.with(Cell::get);
    if !table.is_null() {
        record_in(table, key, update());
    }
}

#[cold]
#[inline(never)]
fn record_in(table: *const Table, key: usize, update: Update<'_>) {
    // A recording that interrupts this one on this thread (a signal handler's) finds no
    // capture, instead of the lock this thread holds.
    CURRENT.with(|current| current.set(core::ptr::null()));
    // SAFETY: `CURRENT` only ever holds the address of a table that an `Arc` in this
    // thread's `ENTERED` keeps alive: `enter` pushes the `Arc` before it sets `CURRENT`,
    // `leave` clears `CURRENT` before it drops one, and so does `Entered`'s destructor.
    #[allow(unsafe_code)]
    let shared = unsafe { &*table };
    shared.lock().apply(key, update);
    CURRENT.with(|current| current.set(table));
}

/// A counter's add: `first` is the series' cell in the shared shard.
#[inline(always)]
pub(crate) fn add(first: *const AtomicU64, amount: u64) {
    record(first as usize, || Update::Add(amount));
}

/// A float counter's add, or a gauge's `inc`/`dec`/`add`/`sub`.
#[inline(always)]
pub(crate) fn add_float(first: *const AtomicU64, delta: f64) {
    record(first as usize, || Update::AddFloat(delta));
}

/// A gauge's `set`.
#[inline(always)]
pub(crate) fn set_float(cell: *const AtomicU64, value: f64) {
    record(cell as usize, || Update::SetFloat(value));
}

/// A histogram's or summary's observation (already accepted); `bucket` finds its bucket
/// (only when captured), among `buckets`.
#[inline(always)]
pub(crate) fn observe(first: *const AtomicU64, buckets: usize, value: f64, bucket: impl FnOnce() -> usize) {
    record(first as usize, || Update::Observe { bucket: bucket(), buckets, value });
}

/// A state set's `set`.
#[inline(always)]
pub(crate) fn set_state(current: &AtomicUsize, state: usize) {
    record(current as *const AtomicUsize as usize, || Update::SetState(state));
}

/// An exemplar filed under `key` (a series' key and bucket), its labels already checked.
#[inline(always)]
pub(crate) fn exemplar(key: (usize, usize), labels: &[(&str, &str)], value: Number) {
    record(key.0, || Update::Exemplar { bucket: key.1, labels, value });
}

#[cfg(test)]
mod tests {
    use super::*;

    static CELLS: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];

    fn captured(table: &Table, cell: usize) -> Option<Value> {
        table.lock().values.get(&(&CELLS[cell] as *const AtomicU64 as usize)).cloned()
    }

    #[test]
    fn only_what_the_entered_thread_records_lands_in_the_table() {
        let table = Arc::new(Table::default());
        add(&CELLS[0], 5);
        let token = enter(table.clone());
        add(&CELLS[0], 2);
        add(&CELLS[0], 1);
        std::thread::spawn(|| add(&CELLS[0], 100)).join().unwrap();
        set_float(&CELLS[1], 4.0);
        add_float(&CELLS[1], -1.5);
        observe(&CELLS[2], 3, 0.5, || 1);
        observe(&CELLS[2], 3, 7.0, || 2);
        leave(token);
        add(&CELLS[0], 9);
        assert_eq!(captured(&table, 0), Some(Value::Int(3)));
        assert_eq!(captured(&table, 1), Some(Value::Float(2.5)));
        assert_eq!(captured(&table, 2), Some(Value::Distribution { buckets: vec![0, 1, 1], sum: 7.5 }));
        assert_eq!(captured(&table, 3), None);
    }

    #[test]
    fn guards_leave_in_any_order_and_the_innermost_live_one_records() {
        let (outer, inner) = (Arc::new(Table::default()), Arc::new(Table::default()));
        let outer_token = enter(outer.clone());
        let inner_token = enter(inner.clone());
        add(&CELLS[3], 1);
        leave(outer_token);
        add(&CELLS[3], 10);
        leave(inner_token);
        add(&CELLS[3], 100);
        assert_eq!(captured(&inner, 3), Some(Value::Int(11)));
        assert_eq!(captured(&outer, 3), None);
        assert!(CURRENT.with(Cell::get).is_null());
    }
}
