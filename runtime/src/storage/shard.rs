//! Per-thread shards for small, hot instrument families.
//!
//! A family whose cells fit in [`SHARD_LIMIT_CELLS`] gets [`SHARDS`] copies of its
//! cells: shard 0 is shared by any thread, shards `1..=OWNED_SHARDS` are each owned by
//! at most one live thread at a time. An owning thread updates its shard with a plain
//! load and store (no read-modify-write, no cache line shared with another writer), so
//! recording stays as cheap as an uncontended add however many threads record into one
//! series; the scrape sums the shards. Threads beyond `OWNED_SHARDS`, and every thread
//! for a larger family, use shard 0 with atomic read-modify-writes.
//!
//! Memory: the shards are part of the family's zero-initialised static (`.bss`), so a
//! shard costs resident memory only once a thread has written to it. Families larger
//! than the limit are not sharded and cost exactly their cells.
//!
//! Signal handlers: while a thread writes its owned shard ([`with_current`]), its shard
//! reads as the shared one, so a handler that interrupts the write and records sends its
//! update to shard 0 — with read-modify-writes, beside the interrupted plain store — and
//! the owned shard keeps its single writer.
//!
//! Forks: in a forked child only the forking thread lives on, so every other shard is
//! released for the child's threads to claim; the values in it stay.

use core::sync::atomic::{compiler_fence, AtomicU32, AtomicU64, AtomicU8, Ordering};

/// Shards a thread can own; the shared shard 0 comes on top.
pub(crate) const OWNED_SHARDS: usize = 16;
/// All shards of a sharded family: the shared one and the owned ones.
pub(crate) const SHARDS: usize = OWNED_SHARDS + 1;
/// A family with at most this many cells (8 KiB) is sharded.
pub(crate) const SHARD_LIMIT_CELLS: usize = 1024;
/// Shards start on 128-byte boundaries (two cache lines, as adjacent-line prefetchers
/// fetch pairs), so two threads never write to one line.
const CELLS_PER_SHARD_ALIGNMENT: usize = 16;

/// How an instrument type stores one series, so `#[metric]` can size a static without
/// knowing the layout: [`storage_cells`] computes the cell count.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct SeriesCells {
    /// Cells per series besides the buckets.
    pub fixed: usize,
    /// Whether each bucket takes a cell (histograms).
    pub per_bucket: bool,
    /// Whether the family may be sharded (instruments that add; not gauges, which set).
    pub shardable: bool,
}

/// Where a family's cells are: `series_cells` for one copy, `stride` between shards
/// (0 when the family is not sharded).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Cells of one series.
    pub(crate) per_series: usize,
    /// Distance between a cell and the same cell in the next shard; 0: not sharded.
    pub(crate) stride: usize,
    /// Cells in all.
    pub(crate) total: usize,
}

impl Layout {
    pub(crate) const fn new(series: usize, cells: SeriesCells, buckets: usize) -> Layout {
        let per_series = cells.fixed + if cells.per_bucket { buckets } else { 0 };
        let one_copy = series.saturating_mul(per_series);
        if cells.shardable && one_copy <= SHARD_LIMIT_CELLS {
            let stride = one_copy.div_ceil(CELLS_PER_SHARD_ALIGNMENT) * CELLS_PER_SHARD_ALIGNMENT;
            Layout { per_series, stride, total: stride * SHARDS }
        } else {
            Layout { per_series, stride: 0, total: one_copy }
        }
    }
}

/// Offsets of one cell in every shard that may hold values, relative to shard 0, for a
/// family whose shards are `stride` cells apart (0: not sharded, one copy). Shards no
/// thread ever owned are all zeros and skipped, so a program with few recording threads
/// pays for few shards at scrape time.
#[inline]
pub(crate) fn offsets(stride: usize) -> impl Iterator<Item = usize> {
    let owned = if stride == 0 { 0 } else { EVER_CLAIMED.load(Ordering::Acquire) };
    core::iter::once(0).chain(
        (1..SHARDS).filter(move |shard| owned & (1 << (shard - 1)) != 0).map(move |shard| shard * stride),
    )
}

/// A family's cell array, aligned so its shards do not share cache lines.
///
/// With the `multiprocess` feature it is page-aligned, and so (a type's size being a
/// multiple of its alignment) page-sized: `multiprocess::init` maps the process's file
/// over it in place, so recording keeps the same instructions and addresses.
#[doc(hidden)]
#[cfg_attr(not(feature = "multiprocess"), repr(align(128)))]
#[cfg_attr(feature = "multiprocess", repr(align(4096)))]
pub struct Cells<const N: usize>(pub [AtomicU64; N]);

/// The page size `Cells` are aligned to with the `multiprocess` feature: a file mapping
/// replaces whole pages.
#[cfg(feature = "multiprocess")]
pub(crate) const CELLS_PAGE: usize = 4096;

impl<const N: usize> Cells<N> {
    /// Every cell at zero.
    #[allow(clippy::new_without_default)] // Used in `static` initialisers, which need a const fn.
    pub const fn new() -> Self {
        Cells([const { AtomicU64::new(0) }; N])
    }
}

impl<const N: usize> core::fmt::Debug for Cells<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Cells<{N}>")
    }
}

/// Bit `k - 1` set: shard `k` is owned by a live thread.
static CLAIMED: AtomicU32 = AtomicU32::new(0);
/// Bit `k - 1` set: shard `k` has been owned by some thread, so it may hold values.
static EVER_CLAIMED: AtomicU32 = AtomicU32::new(0);

const UNASSIGNED: u8 = u8::MAX;
/// Added to `SHARD` while the thread writes its owned shard, or claims one: a recording
/// that interrupts it (a signal handler's) then uses the shared shard.
const BUSY: u8 = 0x40;

thread_local! {
    /// This thread's shard: `UNASSIGNED` until it first records, then 0 (shared) or the
    /// shard it owns, plus `BUSY` while it writes it. Atomic so that a signal handler
    /// may read it; const-initialised and without destructor, so reading it is one load.
    static SHARD: AtomicU8 = const { AtomicU8::new(UNASSIGNED) };
    /// Registered when a shard is claimed: gives it back when the thread exits.
    static RELEASE: Release = const { Release };
}

/// Gives the thread's shard back at thread exit.
struct Release;

impl Drop for Release {
    fn drop(&mut self) {
        // Later recordings of this thread (from other thread-local destructors) go to the
        // shared shard: the next owner must be the only writer of this one.
        let shard = SHARD.with(|shard| shard.swap(0, Ordering::Relaxed));
        if (1..=OWNED_SHARDS as u8).contains(&shard) {
            // Release: the next owner's plain loads see every store this thread made.
            CLAIMED.fetch_and(!(1 << (shard - 1)), Ordering::Release);
        }
    }
}

/// The calling thread's shard: 0 (the shared shard, written with atomic
/// read-modify-writes) or `1..=OWNED_SHARDS`, which only this thread writes — through
/// [`with_current`].
#[inline]
pub(crate) fn current() -> usize {
    let shard = SHARD.with(|shard| shard.load(Ordering::Relaxed));
    if shard <= OWNED_SHARDS as u8 {
        shard as usize
    } else if shard == UNASSIGNED {
        claim()
    } else {
        // `BUSY`: this recording interrupted the thread's own write to its shard.
        0
    }
}

/// Runs `write` with the calling thread's shard (see [`current`]). While `write` runs on
/// an owned shard, a recording that interrupts it on this thread — a signal handler's —
/// goes to the shared shard instead, so an owned shard never has two writers.
#[inline]
pub(crate) fn with_current<R>(write: impl FnOnce(usize) -> R) -> R {
    let shard = current();
    if shard == 0 {
        return write(0);
    }
    SHARD.with(|cell| cell.store(shard as u8 | BUSY, Ordering::Relaxed));
    // A signal handler runs on this thread: keeping the compiler from moving the
    // shard's stores across the marker is all the ordering it needs.
    compiler_fence(Ordering::SeqCst);
    let result = write(shard);
    compiler_fence(Ordering::SeqCst);
    SHARD.with(|cell| cell.store(shard as u8, Ordering::Relaxed));
    result
}

/// In a forked child: only the forking thread survived, so only its shard stays
/// claimed. The others keep their values (`EVER_CLAIMED` still lists them) and go to the
/// child's next threads.
pub(crate) fn release_vanished_threads_shards() {
    let mine = SHARD.with(|shard| shard.load(Ordering::Relaxed)) & !BUSY;
    let kept = if (1..=OWNED_SHARDS as u8).contains(&mine) { 1 << (mine - 1) } else { 0 };
    CLAIMED.store(kept, Ordering::Relaxed);
}

#[allow(unsafe_code)] // linkme places the hook in a link section.
#[linkme::distributed_slice(super::fork::FORK_HOOKS)]
static RELEASE_AFTER_FORK: super::fork::ForkHook =
    super::fork::ForkHook::in_child(super::fork::Stage::Repair, release_vanished_threads_shards);

#[cold]
fn claim() -> usize {
    super::fork::install();
    // A recording that interrupts the claim (a signal handler's) uses the shared shard.
    SHARD.with(|cell| cell.store(BUSY, Ordering::Relaxed));
    compiler_fence(Ordering::SeqCst);
    let mut claimed = CLAIMED.load(Ordering::Relaxed);
    let mut shard = loop {
        let free = !claimed & ((1u32 << OWNED_SHARDS) - 1);
        if free == 0 {
            break 0;
        }
        let bit = free.trailing_zeros();
        // Acquire: pairs with the previous owner's release at its exit.
        match CLAIMED.compare_exchange_weak(
            claimed,
            claimed | (1 << bit),
            Ordering::Acquire,
            Ordering::Relaxed,
        ) {
            Ok(_) => break bit as usize + 1,
            Err(actual) => claimed = actual,
        }
    };
    if shard != 0 {
        // Before this thread's first write to the shard, so a scrape that sees the write
        // also reads the shard.
        EVER_CLAIMED.fetch_or(1 << (shard - 1), Ordering::Release);
        if RELEASE.try_with(|_| ()).is_err() {
            // The thread is already exiting: nothing would give the shard back.
            CLAIMED.fetch_and(!(1 << (shard - 1)), Ordering::Release);
            shard = 0;
        }
    }
    compiler_fence(Ordering::SeqCst);
    SHARD.with(|cell| cell.store(shard as u8, Ordering::Relaxed));
    shard
}

/// The owned shards claimed by live threads, one bit each.
#[cfg(test)]
pub(crate) fn claimed_bits() -> u32 {
    CLAIMED.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_that_interrupts_an_owned_write_goes_to_the_shared_shard() {
        let here = current();
        let inside = with_current(|shard| {
            assert_eq!(shard, here);
            // What a signal handler arriving now would get.
            (current(), with_current(|nested| nested))
        });
        assert_eq!(inside, (0, 0), "inside an owned write, this thread's shard reads as shared");
        assert_eq!(current(), here, "the owned shard is back once the write is done");
    }

    const COUNTER: SeriesCells = SeriesCells { fixed: 1, per_bucket: false, shardable: true };
    const GAUGE: SeriesCells = SeriesCells { fixed: 1, per_bucket: false, shardable: false };
    const HISTOGRAM: SeriesCells = SeriesCells { fixed: 3, per_bucket: true, shardable: true };

    #[test]
    fn small_families_get_aligned_shards() {
        let layout = Layout::new(18, COUNTER, 0);
        assert_eq!(layout, Layout { per_series: 1, stride: 32, total: 32 * SHARDS });
        let here = current();
        let offsets: Vec<usize> = offsets(layout.stride).collect();
        assert_eq!(offsets[0], 0, "the shared shard is always read");
        assert!(here == 0 || offsets.contains(&(here * 32)), "a shard this thread owns is read");
        assert!(offsets.iter().all(|offset| offset % 32 == 0 && *offset < 32 * SHARDS));
    }

    #[test]
    fn large_families_and_gauges_are_not_sharded() {
        assert_eq!(Layout::new(10_000, COUNTER, 0), Layout { per_series: 1, stride: 0, total: 10_000 });
        assert_eq!(Layout::new(4, GAUGE, 0), Layout { per_series: 1, stride: 0, total: 4 });
        assert_eq!(offsets(Layout::new(4, GAUGE, 0).stride).collect::<Vec<_>>(), [0]);
        // 100 series × (11 buckets + overflow, sum, sequence) = 1 400 cells.
        assert_eq!(Layout::new(100, HISTOGRAM, 11).stride, 0);
        assert_eq!(Layout::new(1, HISTOGRAM, 11), Layout { per_series: 14, stride: 16, total: 16 * SHARDS });
    }

    #[test]
    fn threads_own_distinct_shards_and_give_them_back() {
        let here = current();
        let others: Vec<usize> = (0..4).map(|_| std::thread::spawn(current).join().unwrap()).collect();
        assert_eq!(current(), here, "a thread keeps its shard");
        for shard in others.iter().copied().filter(|shard| *shard != 0) {
            assert_ne!(shard, here, "a live thread's shard is never handed out");
        }
        // Threads alive at the same time never share an owned shard.
        let (report, reports) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let released = std::sync::Arc::new(std::sync::Mutex::new(released));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let (report, released) = (report.clone(), released.clone());
                std::thread::spawn(move || {
                    report.send(current()).unwrap();
                    let _ = released.lock().unwrap().recv();
                })
            })
            .collect();
        let shards: Vec<usize> = (0..3).map(|_| reports.recv().unwrap()).collect();
        drop(release);
        for thread in threads {
            thread.join().unwrap();
        }
        let owned: Vec<_> = shards.iter().filter(|shard| **shard != 0).collect();
        let mut distinct = owned.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(owned.len(), distinct.len());
    }
}
