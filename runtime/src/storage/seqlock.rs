//! The core of a histogram (or summary) series in one shard: bucket counts and a sum
//! that a scrape reads as one consistent snapshot, and that writers update without ever
//! waiting.
//!
//! A series is `[started, bucket_0 … bucket_n, sum]`, the last bucket being the
//! overflow (`+Inf`) one. A writer counts its observation in `started`, adds its value to
//! the sum, and only then counts it in its bucket. A reader accepts what it read when
//! `started` is the same before and after and equals the total of the buckets it read:
//! then every observation counted as started is in those buckets and its value in that
//! sum, and no other observation is in either. An owned shard has exactly one writer,
//! which updates with plain loads and stores; the shared shard's writers update with
//! atomic read-modify-writes, side by side.
//!
//! So no writer ever waits — not for another thread, and not for itself: a signal
//! handler that observes while it interrupts its thread's observation of the same
//! series (on the shared shard; owned shards send it there, see `shard::with_current`)
//! simply adds its own. Readers never write, so a scrape never slows observers down;
//! a reader retries, with bounded patience, while observations are in flight, and if a
//! writer never finishes (a thread stopped mid-write) it returns the values as read
//! and says so. A forked child first [repairs](repair) what threads that did not survive
//! the fork left in flight.
//!
//! The functions are generic over [`Atom`] so the `loom` model in the tests checks
//! exactly this code.

use core::sync::atomic::{AtomicU64, Ordering};

/// The atomic operations the series need; `core`'s in the program, loom's in tests.
pub(crate) trait Atom {
    fn load(&self, order: Ordering) -> u64;
    /// A load by the cell's only writer (an owned shard's thread): it sees its own
    /// stores. loom checks that claim; it also explores more interleavings this way.
    fn writer_load(&self) -> u64;
    fn store(&self, value: u64, order: Ordering);
    fn fetch_add(&self, value: u64, order: Ordering) -> u64;
    fn compare_exchange_weak(
        &self,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64>;
    fn fence(order: Ordering);
}

impl Atom for AtomicU64 {
    #[inline]
    fn load(&self, order: Ordering) -> u64 {
        AtomicU64::load(self, order)
    }
    #[inline]
    fn writer_load(&self) -> u64 {
        AtomicU64::load(self, Ordering::Relaxed)
    }
    #[inline]
    fn store(&self, value: u64, order: Ordering) {
        AtomicU64::store(self, value, order)
    }
    #[inline]
    fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
        AtomicU64::fetch_add(self, value, order)
    }
    #[inline]
    fn compare_exchange_weak(
        &self,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64> {
        AtomicU64::compare_exchange_weak(self, current, new, success, failure)
    }
    #[inline]
    fn fence(order: Ordering) {
        core::sync::atomic::fence(order)
    }
}

/// Cells per series besides the buckets: `started` and the sum.
pub(crate) const FIXED_CELLS: usize = 2;

/// Splits a series into `started`, buckets and sum; `None` if it is too short.
#[inline]
fn parts<A>(series: &[A]) -> Option<(&A, &[A], &A)> {
    let (started, rest) = series.split_first()?;
    let (sum, buckets) = rest.split_last()?;
    Some((started, buckets, sum))
}

/// Records into a shard only the calling thread writes.
#[inline]
pub(crate) fn record_owned<A: Atom>(series: &[A], bucket: usize, value: f64) {
    record_owned_then(series, bucket, value, || {});
}

/// [`record_owned`], then `count_elsewhere`: an observation counted a second time in
/// cells after the series (a native histogram's), with a release store of its own. A
/// reader then checks those counts too (see [`read_with`]).
#[inline]
pub(crate) fn record_owned_then<A: Atom>(
    series: &[A],
    bucket: usize,
    value: f64,
    count_elsewhere: impl FnOnce(),
) {
    let Some((started, buckets, sum)) = parts(series) else { return };
    let Some(count) = buckets.get(bucket) else { return };
    started.store(started.writer_load().wrapping_add(1), Ordering::Relaxed);
    // Orders `started` before the sum and the count (see `read`).
    A::fence(Ordering::Release);
    sum.store((f64::from_bits(sum.writer_load()) + value).to_bits(), Ordering::Relaxed);
    // Release: whoever reads this count also reads the sum that goes with it.
    count.store(count.writer_load().wrapping_add(1), Ordering::Release);
    count_elsewhere();
}

/// Records into the shared shard, beside its other writers (and a signal handler
/// interrupting this one): the same steps as [`record_owned`], each atomic.
#[inline]
pub(crate) fn record_shared<A: Atom>(series: &[A], bucket: usize, value: f64) {
    record_shared_then(series, bucket, value, || {});
}

/// [`record_shared`], then `count_elsewhere` (see [`record_owned_then`]).
#[inline]
pub(crate) fn record_shared_then<A: Atom>(
    series: &[A],
    bucket: usize,
    value: f64,
    count_elsewhere: impl FnOnce(),
) {
    let Some((started, buckets, sum)) = parts(series) else { return };
    let Some(count) = buckets.get(bucket) else { return };
    started.fetch_add(1, Ordering::Relaxed);
    A::fence(Ordering::Release);
    // There is no atomic float add.
    let mut current = sum.load(Ordering::Relaxed);
    while let Err(actual) = sum.compare_exchange_weak(
        current,
        (f64::from_bits(current) + value).to_bits(),
        Ordering::Relaxed,
        Ordering::Relaxed,
    ) {
        current = actual;
    }
    count.fetch_add(1, Ordering::Release);
    count_elsewhere();
}

/// What [`read`] returns besides the bucket counts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Snapshot {
    pub(crate) sum: f64,
    /// `false`: `keep_trying` gave up with observations still in flight; the counts and
    /// sum are as last read, and the sum may hold values whose counts it does not.
    pub(crate) consistent: bool,
}

/// Reads one consistent snapshot of a series: copies its bucket counts into `counts`
/// (which has one slot per bucket) and returns its sum. While observations are in
/// flight it retries as long as `keep_trying` (which waits a little) returns `true`.
pub(crate) fn read<A: Atom>(series: &[A], counts: &mut [u64], keep_trying: impl FnMut() -> bool) -> Snapshot {
    read_with(series, counts, &mut NothingElse, keep_trying)
}

/// Counts of the same observations kept outside the series (a native histogram's
/// buckets, see [`record_owned_then`]), read as part of its snapshot.
pub(crate) trait CountedElsewhere {
    /// Reads them (with the bucket counts, before the sum): whether what it read is a
    /// whole snapshot of exactly `started` observations (else the reader retries).
    fn read(&mut self, started: u64) -> bool;
}

struct NothingElse;

impl CountedElsewhere for NothingElse {
    #[inline]
    fn read(&mut self, _: u64) -> bool {
        true
    }
}

/// [`read`], also reading `elsewhere`: a snapshot is consistent when it counts every
/// started observation both in the buckets and there.
pub(crate) fn read_with<A: Atom>(
    series: &[A],
    counts: &mut [u64],
    elsewhere: &mut impl CountedElsewhere,
    mut keep_trying: impl FnMut() -> bool,
) -> Snapshot {
    let Some((started, buckets, sum)) = parts(series) else { return Snapshot { sum: 0.0, consistent: true } };
    loop {
        let before = started.load(Ordering::Relaxed);
        let mut total = 0u64;
        for (count, cell) in counts.iter_mut().zip(buckets) {
            *count = cell.load(Ordering::Relaxed);
            total = total.wrapping_add(*count);
        }
        let elsewhere_whole = elsewhere.read(before);
        // With the writers' release: the sum below holds the value of every observation
        // whose count was read above.
        A::fence(Ordering::Acquire);
        let value = f64::from_bits(sum.load(Ordering::Relaxed));
        // If a load above saw any write of an observation made after its `started`
        // increment, this fence makes that increment visible below.
        A::fence(Ordering::Acquire);
        let consistent = total == before && elsewhere_whole && started.load(Ordering::Relaxed) == before;
        if consistent || !keep_trying() {
            return Snapshot { sum: value, consistent };
        }
    }
}

/// In a forked child, before anything else runs: counts as started only what the
/// buckets hold, so that observations left in flight by threads that did not survive
/// the fork no longer keep the series from reading consistently. Such an observation
/// (at most one per vanished thread) is then counted nowhere, but its value may already
/// be in the sum: the writer adds the sum before the count.
pub(crate) fn repair<A: Atom>(series: &[A]) {
    let Some((started, buckets, _)) = parts(series) else { return };
    let total = buckets.iter().fold(0u64, |total, cell| total.wrapping_add(cell.load(Ordering::Relaxed)));
    if started.load(Ordering::Relaxed) != total {
        started.store(total, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(buckets: usize) -> Vec<AtomicU64> {
        (0..buckets + FIXED_CELLS).map(|_| AtomicU64::new(0)).collect()
    }

    fn read_now(series: &[AtomicU64], counts: &mut [u64]) -> Snapshot {
        read(series, counts, || false)
    }

    #[test]
    fn owned_and_shared_writes_are_read_back() {
        let cells = series(3);
        record_owned(&cells, 0, 0.5);
        record_shared(&cells, 2, 4.0);
        record_owned(&cells, 2, 1.0);
        let mut counts = [0; 3];
        assert_eq!(read_now(&cells, &mut counts), Snapshot { sum: 5.5, consistent: true });
        assert_eq!(counts, [1, 0, 2]);
        assert_eq!(cells[0].load(Ordering::Relaxed), 3, "three observations started");
    }

    #[test]
    fn short_series_and_buckets_out_of_range_are_ignored_not_indexed() {
        let cells = series(0);
        record_owned(&cells[..1], 0, 1.0);
        record_shared(&cells, 5, 1.0);
        record_owned(&cells, 0, 1.0);
        assert!(cells.iter().all(|cell| cell.load(Ordering::Relaxed) == 0), "nothing started or added");
        let mut counts = [7; 1];
        assert_eq!(read_now(&cells[..1], &mut counts).sum, 0.0);
        assert_eq!(counts, [7]);
    }

    /// A write that never finishes (its thread stopped, or gone in a fork) makes a
    /// reader give up and say so, with the values as they are; [`repair`] makes the
    /// series read consistently again.
    #[test]
    fn an_unfinished_write_is_reported_then_repaired() {
        let cells = series(2);
        record_owned(&cells, 1, 2.0);
        // A write stopped after its `started` increment and its sum, before its count.
        cells[0].fetch_add(1, Ordering::Relaxed);
        cells[3].store(3.0f64.to_bits(), Ordering::Relaxed);
        let mut counts = [0; 2];
        let mut attempts = 0;
        let snapshot = read(&cells, &mut counts, || {
            attempts += 1;
            attempts < 5
        });
        assert_eq!(snapshot, Snapshot { sum: 3.0, consistent: false });
        assert_eq!((counts, attempts), ([0, 1], 5), "it retried until told to stop");
        repair(&cells);
        assert!(read_now(&cells, &mut counts).consistent);
        record_shared(&cells, 0, 1.0);
        assert_eq!(read_now(&cells, &mut counts), Snapshot { sum: 4.0, consistent: true });
        assert_eq!(counts, [1, 1]);
    }

    /// The model: an owner or a shared-shard writer against a reader (every snapshot
    /// the reader accepts has a sum that matches its counts exactly), and shared writers
    /// against each other (no lost update, also with a reader). Each model fails if a
    /// fence, the release of a count, or a check of the reader is taken out.
    mod model {
        use super::super::*;
        use loom::sync::atomic::AtomicU64 as LoomU64;
        use loom::sync::Arc;

        impl Atom for LoomU64 {
            fn load(&self, order: Ordering) -> u64 {
                LoomU64::load(self, order)
            }
            #[allow(unsafe_code)]
            fn writer_load(&self) -> u64 {
                // SAFETY: loom checks what this claims — no store to the cell races with
                // the load — and fails the model where it does not hold.
                unsafe { self.unsync_load() }
            }
            fn store(&self, value: u64, order: Ordering) {
                LoomU64::store(self, value, order)
            }
            fn fetch_add(&self, value: u64, order: Ordering) -> u64 {
                LoomU64::fetch_add(self, value, order)
            }
            fn compare_exchange_weak(
                &self,
                current: u64,
                new: u64,
                success: Ordering,
                failure: Ordering,
            ) -> Result<u64, u64> {
                LoomU64::compare_exchange_weak(self, current, new, success, failure)
            }
            fn fence(order: Ordering) {
                loom::sync::atomic::fence(order)
            }
        }

        /// Bounded preemptions keep the model to seconds; 3 covers every interleaving
        /// of a write (four steps) against a read.
        fn model(test: impl Fn() + Sync + Send + 'static) {
            let mut builder = loom::model::Builder::new();
            builder.preemption_bound = Some(3);
            builder.check(test);
        }

        fn cells(buckets: usize) -> Arc<Vec<LoomU64>> {
            Arc::new((0..buckets + FIXED_CELLS).map(|_| LoomU64::new(0)).collect())
        }

        /// Every observation is 1.0 into bucket 0 or 1: a consistent snapshot has
        /// `sum == count`. The reader retries until it has one (loom runs the writers
        /// meanwhile).
        fn assert_consistent(series: &[LoomU64]) -> u64 {
            let mut counts = [0u64; 2];
            let snapshot = read(series, &mut counts, || {
                loom::thread::yield_now();
                true
            });
            let count = counts[0] + counts[1];
            assert!(snapshot.consistent);
            assert_eq!(snapshot.sum, count as f64, "sum {} with counts {counts:?}", snapshot.sum);
            count
        }

        /// Runs `write` on a new thread with its own handle to `series`.
        fn spawn_writer(
            series: &Arc<Vec<LoomU64>>,
            write: impl FnOnce(&[LoomU64]) + Send + 'static,
        ) -> loom::thread::JoinHandle<()> {
            let series = series.clone();
            loom::thread::spawn(move || write(&series))
        }

        #[test]
        fn an_owner_and_a_reader() {
            model(|| {
                let series = cells(2);
                let writer = spawn_writer(&series, |series| {
                    record_owned(series, 0, 1.0);
                    record_owned(series, 1, 1.0);
                });
                let first = assert_consistent(&series);
                let second = assert_consistent(&series);
                assert!(second >= first, "a later scrape never sees fewer observations");
                writer.join().unwrap();
                assert_eq!(assert_consistent(&series), 2);
            });
        }

        #[test]
        fn a_shared_writer_and_a_reader() {
            model(|| {
                let series = cells(2);
                let writer = spawn_writer(&series, |series| record_shared(series, 1, 1.0));
                assert_consistent(&series);
                writer.join().unwrap();
                assert_eq!(assert_consistent(&series), 1);
            });
        }

        /// Shared writers never wait for each other, and neither loses the other's
        /// update.
        #[test]
        fn two_shared_writers() {
            model(|| {
                let series = cells(2);
                let writers: Vec<_> = (0..2)
                    .map(|bucket| spawn_writer(&series, move |series| record_shared(series, bucket, 1.0)))
                    .collect();
                for writer in writers {
                    writer.join().unwrap();
                }
                let mut counts = [0u64; 2];
                assert_eq!(read(&series, &mut counts, || false), Snapshot { sum: 2.0, consistent: true });
                assert_eq!(counts, [1, 1], "no lost update");
            });
        }

        /// Two writers in flight at once (as a signal handler and the write it
        /// interrupted are): the reader still accepts only whole snapshots.
        #[test]
        fn two_shared_writers_and_a_reader() {
            model(|| {
                let series = cells(2);
                let writers: Vec<_> = (0..2)
                    .map(|bucket| spawn_writer(&series, move |series| record_shared(series, bucket, 1.0)))
                    .collect();
                assert_consistent(&series);
                for writer in writers {
                    writer.join().unwrap();
                }
                assert_eq!(assert_consistent(&series), 2);
            });
        }
    }
}
