//! The core of a histogram (or summary) series in one shard: bucket counts and a sum
//! that a scrape always reads as one consistent snapshot.
//!
//! A series is `[sequence, bucket_0 … bucket_n, sum]`, the last bucket being the
//! overflow (`+Inf`) one. A writer makes the sequence odd, updates one bucket and the
//! sum, and makes it even again; a reader retries until it read the cells between two
//! equal, even sequence values (a seqlock). An owned shard has exactly one writer, which
//! updates with plain loads and stores; the shared shard's writers take turns by
//! moving the sequence from even to odd with a compare-and-swap. Readers never write,
//! so a scrape never slows observers down, and no observer ever waits for a scrape.
//!
//! The functions are generic over [`Atom`] so the `loom` model in the tests checks
//! exactly this code.

use core::sync::atomic::{AtomicU64, Ordering};

/// The atomic operations the seqlock needs; `core`'s in the program, loom's in tests.
pub(crate) trait Atom {
    fn load(&self, order: Ordering) -> u64;
    /// A load by the cell's only writer of the moment (an owned shard's thread, or the
    /// shared shard's writer whose turn it is): it sees its own and its predecessors'
    /// stores. loom checks that claim; it also explores more interleavings this way.
    fn writer_load(&self) -> u64;
    fn store(&self, value: u64, order: Ordering);
    fn compare_exchange_weak(
        &self,
        current: u64,
        new: u64,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u64, u64>;
    fn fence(order: Ordering);
    /// Called while waiting for another thread's write to finish.
    fn back_off(attempt: u32);
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
    #[cold]
    fn back_off(attempt: u32) {
        // A write takes a few nanoseconds; only a writer preempted mid-write makes us
        // wait longer, and then its thread needs the CPU.
        if attempt < 64 {
            core::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
}

/// Cells per series besides the buckets: the sequence and the sum.
pub(crate) const FIXED_CELLS: usize = 2;

/// Splits a series into sequence, buckets and sum; `None` if it is too short.
#[inline]
fn parts<A>(series: &[A]) -> Option<(&A, &[A], &A)> {
    let (sequence, rest) = series.split_first()?;
    let (sum, buckets) = rest.split_last()?;
    Some((sequence, buckets, sum))
}

#[inline]
fn add_observation<A: Atom>(buckets: &[A], bucket: usize, sum: &A, value: f64) {
    if let Some(cell) = buckets.get(bucket) {
        cell.store(cell.writer_load().wrapping_add(1), Ordering::Relaxed);
    }
    sum.store((f64::from_bits(sum.writer_load()) + value).to_bits(), Ordering::Relaxed);
}

/// Records into a shard only the calling thread writes.
#[inline]
pub(crate) fn record_owned<A: Atom>(series: &[A], bucket: usize, value: f64) {
    let Some((sequence, buckets, sum)) = parts(series) else { return };
    let start = sequence.writer_load();
    sequence.store(start.wrapping_add(1), Ordering::Relaxed);
    // Orders the odd sequence before the cell stores (see `read`).
    A::fence(Ordering::Release);
    add_observation(buckets, bucket, sum, value);
    sequence.store(start.wrapping_add(2), Ordering::Release);
}

/// Records into the shared shard, taking turns with its other writers.
#[inline]
pub(crate) fn record_shared<A: Atom>(series: &[A], bucket: usize, value: f64) {
    let Some((sequence, buckets, sum)) = parts(series) else { return };
    let mut current = sequence.load(Ordering::Relaxed);
    let mut attempt = 0;
    loop {
        if current & 1 == 0 {
            // Acquire: see the previous writer's cells before adding to them.
            match sequence.compare_exchange_weak(
                current,
                current.wrapping_add(1),
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        } else {
            A::back_off(attempt);
            attempt = attempt.saturating_add(1);
            current = sequence.load(Ordering::Relaxed);
        }
    }
    A::fence(Ordering::Release);
    add_observation(buckets, bucket, sum, value);
    sequence.store(current.wrapping_add(2), Ordering::Release);
}

/// Reads one consistent snapshot of a series: copies its bucket counts into `counts`
/// (which has one slot per bucket) and returns its sum.
pub(crate) fn read<A: Atom>(series: &[A], counts: &mut [u64]) -> f64 {
    let Some((sequence, buckets, sum)) = parts(series) else { return 0.0 };
    let mut attempt = 0;
    loop {
        let before = sequence.load(Ordering::Acquire);
        if before & 1 == 0 {
            for (count, cell) in counts.iter_mut().zip(buckets) {
                *count = cell.load(Ordering::Relaxed);
            }
            let total = f64::from_bits(sum.load(Ordering::Relaxed));
            // If any load above saw a write made after a writer's odd sequence, this
            // fence makes that odd sequence (or a later one) visible below.
            A::fence(Ordering::Acquire);
            if sequence.load(Ordering::Relaxed) == before {
                return total;
            }
        }
        A::back_off(attempt);
        attempt = attempt.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(buckets: usize) -> Vec<AtomicU64> {
        (0..buckets + FIXED_CELLS).map(|_| AtomicU64::new(0)).collect()
    }

    #[test]
    fn owned_and_shared_writes_are_read_back() {
        let cells = series(3);
        record_owned(&cells, 0, 0.5);
        record_shared(&cells, 2, 4.0);
        record_owned(&cells, 2, 1.0);
        let mut counts = [0; 3];
        assert_eq!(read(&cells, &mut counts), 5.5);
        assert_eq!(counts, [1, 0, 2]);
        assert_eq!(cells[0].load(Ordering::Relaxed), 6, "three writes, each +2 on the sequence");
    }

    #[test]
    fn short_series_are_ignored_not_indexed() {
        let cells = series(0);
        record_owned(&cells[..1], 0, 1.0);
        record_shared(&cells, 5, 1.0);
        let mut counts = [7; 1];
        assert_eq!(read(&cells[..1], &mut counts), 0.0);
        assert_eq!(counts, [7]);
    }

    /// The model: an owner or a shared-shard writer against a reader (every snapshot
    /// the reader accepts has a sum that matches its counts exactly), and two shared
    /// writers against each other (no lost update). Each model fails if the fence, the
    /// sequence check or the turn-taking `Acquire` is taken out.
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
            fn back_off(_: u32) {
                loom::thread::yield_now();
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
        /// `sum == count`.
        fn assert_consistent(series: &[LoomU64]) -> u64 {
            let mut counts = [0u64; 2];
            let sum = read(series, &mut counts);
            let count = counts[0] + counts[1];
            assert_eq!(sum, count as f64, "sum {sum} with counts {counts:?}");
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

        /// Shared writers take turns: neither loses the other's update (and loom
        /// checks each one's loads see the previous turn's stores).
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
                assert_eq!(read(&series, &mut counts), 2.0, "no lost update");
                assert_eq!(counts, [1, 1]);
            });
        }
    }
}
