//! The native (sparse, exponential) buckets of a histogram series in one shard: a zero
//! bucket and, for each sign, a window of consecutive buckets that moves to a coarser
//! resolution when an observation falls outside it — without any writer ever waiting.
//!
//! Keys: bucket `k` at schema `s` holds the values in `(2^((k-1)/2^s), 2^(k/2^s)]` (the
//! magnitude, for negative values). Writers hand in the key at schema 8, the finest
//! ([`MAX_SCHEMA`]); the key at schema `s` is `ceil(key / 2^(8-s))`, since a bucket at
//! schema `s - 1` is exactly the union of buckets `2k - 1` and `2k` at schema `s`.
//!
//! Cells of one series' native part, in one shard: `[zero, positive…, negative…]`, each
//! sign `[descriptor 0, descriptor 1, buffer 0 (width cells), buffer 1 (width cells)]`.
//! A descriptor packs a [`Window`]: its generation, schema and first key. The window of
//! the higher generation is current: observations go there. The other one is previous:
//! it keeps what was counted before the last change of resolution, and readers count it
//! too (reduced to the current schema), so nothing needs to be moved when the window
//! changes. Each cell packs its generation (the top [`TAG_BITS`]) with its count: a writer
//! adds only to a cell tagged with the generation it read, so a write meant for a
//! generation never lands in a later one that reuses its buffer.
//!
//! When an observation falls outside the current window (generation `g`), its writer
//! **migrates**: it chooses generation `g + 1`'s window — the next coarser schema, or
//! several, at which one window covers all of `g`'s and the new key (so every count
//! of an earlier generation still fits the new window) —, empties the previous buffer
//! (generation `g - 1`'s) cell by cell into the current window, tagging each cell for
//! `g + 1`, and publishes the new descriptor with a compare-and-swap. Any writer that
//! finds an observation outside does the same steps, from wherever the others left them:
//! emptying a cell is a compare-and-swap, so each count is taken once, and the first
//! descriptor published wins (the others retry their observation in it). Nobody waits
//! for anybody: a writer stopped mid-migration, or a signal handler that interrupts one
//! on its thread, leaves nothing the others need. The resolution only ever decreases,
//! so a window changes at most once per schema: [`MAX_SCHEMA`] − [`MIN_SCHEMA`] times
//! after its placement around the first observation. At the lowest schema (a bucket
//! spans 16 powers of two) a window of at least 133 buckets covers every `f64`; a
//! narrower one counts what falls beyond it in its edge bucket.
//!
//! Readers see each count once, under the descriptor of its own generation: counts move
//! only from the previous buffer into the current one, and a reader reads the current
//! buffer first; a count in a writer's hands (taken, not yet added) is missing, so the
//! snapshot does not add up and the reader retries, as it does for any observation in
//! flight (see `seqlock`). A reader that finds a cell tagged for a generation other
//! than those of the windows it read (a window published meanwhile) retries too.
//!
//! Owned shards run the same steps with plain loads and stores ([`Owned`]): their one
//! writer never races itself. Functions are generic over [`Atom`] so the `loom` model in
//! the tests checks exactly this code.

use core::sync::atomic::Ordering;

use super::seqlock::{Atom, CountedElsewhere};

/// The finest resolution Prometheus accepts: 256 buckets per power of two.
pub(crate) const MAX_SCHEMA: i8 = 8;
/// The coarsest: one bucket per 16 powers of two.
pub(crate) const MIN_SCHEMA: i8 = -4;

/// Bits of a cell holding its generation; the others hold its count (2^56: at 10⁹
/// observations a second into one bucket of one shard, two years).
const TAG_BITS: u32 = 8;
const COUNT_BITS: u32 = 64 - TAG_BITS;
const COUNT_MASK: u64 = (1 << COUNT_BITS) - 1;

const fn tag_of(cell: u64) -> u8 {
    (cell >> COUNT_BITS) as u8
}

const fn tagged(generation: u8, count: u64) -> u64 {
    (generation as u64) << COUNT_BITS | count
}

/// Cells of a native part with windows of `width` buckets: the zero bucket, then for
/// each sign two descriptors and two buffers.
pub(crate) const fn native_cells(width: usize) -> usize {
    1 + 2 * sign_cells(width)
}

const fn sign_cells(width: usize) -> usize {
    2 + 2 * width
}

/// `ceil(key / 2^by)`: the key of the bucket holding bucket `key` after `by` halvings of
/// the resolution.
#[inline]
pub(crate) const fn reduce(key: i32, by: u32) -> i32 {
    ((key as i64 + (1i64 << by) - 1) >> by) as i32
}

/// Which buckets a window holds: generation (0: not placed yet), schema and the key of
/// its first bucket. Packed into one descriptor cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) generation: u8,
    pub(crate) schema: i8,
    pub(crate) first_key: i32,
}

impl Window {
    const fn pack(self) -> u64 {
        (self.generation as u64) << 56 | (self.schema as u8 as u64) << 48 | self.first_key as u32 as u64
    }

    const fn unpack(bits: u64) -> Window {
        Window {
            generation: (bits >> 56) as u8,
            schema: (bits >> 48) as u8 as i8,
            first_key: bits as u32 as i32,
        }
    }

    const fn is_placed(self) -> bool {
        self.generation != 0
    }

    /// This window's key for a key at schema 8.
    #[inline]
    const fn key_of(self, key8: i32) -> i32 {
        reduce(key8, (MAX_SCHEMA - self.schema) as u32)
    }
}

/// The two windows of a sign as read from their descriptors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Windows {
    current: Window,
    previous: Window,
    /// Which descriptor (and buffer) is the current window's; the previous one's is the other.
    current_slot: usize,
}

impl Windows {
    /// The windows of a sign's two descriptors as read.
    #[inline]
    fn from_descriptors((first, second): (u64, u64)) -> Windows {
        let (first, second) = (Window::unpack(first), Window::unpack(second));
        let current_slot = usize::from(second.generation > first.generation);
        let (current, previous) = if current_slot == 1 { (second, first) } else { (first, second) };
        Windows { current, previous, current_slot }
    }
}

/// Which of a value's windows: positive values, or the magnitudes of negative ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sign {
    Positive,
    Negative,
}

/// The native part of one series in one shard.
#[derive(Debug)]
pub(crate) struct NativeCells<'a, A> {
    cells: &'a [A],
    width: usize,
}

// By hand: derived, they would require `A: Copy`.
impl<A> Clone for NativeCells<'_, A> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A> Copy for NativeCells<'_, A> {}

/// One sign's descriptors and buffers.
struct SignCells<'a, A> {
    descriptors: &'a [A],
    buffers: [&'a [A]; 2],
    width: usize,
}

impl<'a, A: Atom> NativeCells<'a, A> {
    /// The native part in `cells`, windows of `width` buckets; `None` if `cells` is not
    /// exactly that long or `width` is 0.
    pub(crate) fn new(cells: &'a [A], width: usize) -> Option<Self> {
        (width > 0 && cells.len() == native_cells(width)).then_some(NativeCells { cells, width })
    }

    fn zero(self) -> &'a A {
        &self.cells[0]
    }

    fn sign(self, sign: Sign) -> SignCells<'a, A> {
        let start = 1 + sign_cells(self.width) * usize::from(sign == Sign::Negative);
        let cells = &self.cells[start..start + sign_cells(self.width)];
        let (descriptors, buffers) = cells.split_at(2);
        let (first, second) = buffers.split_at(self.width);
        SignCells { descriptors, buffers: [first, second], width: self.width }
    }

    /// Counts one observation in the zero bucket.
    #[inline]
    pub(crate) fn record_zero<W: Writer>(self) {
        W::increment(self.zero());
    }

    /// Counts one observation of `sign` whose key at schema 8 is `key8`; the first one
    /// places the window, at `initial_schema`, around it.
    ///
    /// The common case, inside the current window, reads the two descriptors and adds to
    /// one cell, with nothing else worked out (the hot path of every observation).
    #[inline]
    pub(crate) fn record<W: Writer>(self, sign: Sign, key8: i32, initial_schema: i8) {
        let width = self.width;
        let start = 1 + sign_cells(width) * usize::from(sign == Sign::Negative);
        // `[descriptor 0, descriptor 1, buffer 0, buffer 1]`, as `sign` splits them.
        let Some(cells) = self.cells.get(start..start + sign_cells(width)) else { return };
        loop {
            let descriptors = (cells[0].load(Ordering::Acquire), cells[1].load(Ordering::Acquire));
            let current_slot = usize::from((descriptors.1 >> 56) > (descriptors.0 >> 56));
            let current = Window::unpack(if current_slot == 1 { descriptors.1 } else { descriptors.0 });
            if current.is_placed() {
                let index = current.key_of(key8) as i64 - i64::from(current.first_key);
                let inside = (index as u64) < width as u64;
                if inside || current.schema <= MIN_SCHEMA {
                    // Beyond a window at the lowest schema: its edge bucket.
                    let index = index.clamp(0, width as i64 - 1) as usize;
                    let Some(cell) = cells.get(2 + current_slot * width + index) else { return };
                    if W::add(cell, current.generation, 1) {
                        return;
                    }
                    // A later generation is reusing this buffer: read the windows again.
                    continue;
                }
            }
            self.sign(sign).migrate::<W>(Windows::from_descriptors(descriptors), key8, initial_schema);
        }
    }

    /// All counts: what a consistent snapshot of the series must also count.
    pub(crate) fn total(self) -> u64 {
        let mut total = self.zero().load(Ordering::Relaxed);
        for sign in [Sign::Positive, Sign::Negative] {
            let sign = self.sign(sign);
            let windows = sign.windows();
            for (slot, window) in
                [(windows.current_slot, windows.current), (1 - windows.current_slot, windows.previous)]
            {
                for cell in sign.buffers[slot] {
                    let cell = cell.load(Ordering::Relaxed);
                    if tag_of(cell) == window.generation {
                        total = total.wrapping_add(cell & COUNT_MASK);
                    }
                }
            }
        }
        total
    }

    /// In a forked child: counts `missing` observations in the zero bucket (counts a
    /// vanished writer held while moving them, or its observation counted in the classic
    /// buckets and not yet here).
    pub(crate) fn add_to_zero(self, missing: u64) {
        let zero = self.zero();
        zero.store(zero.load(Ordering::Relaxed).wrapping_add(missing), Ordering::Relaxed);
    }

    /// Makes this part (which nobody records into: an archive's) count `zero` in its zero
    /// bucket and, for each sign, the buckets `(schema, key, count)` in one window: at the
    /// coarsest schema among them, and coarser while they span more than the window's
    /// width (at the lowest schema, what lies beyond goes to the edge bucket, as when
    /// recording). Every count is kept; only the resolution may go down.
    // Read by the multiprocess merge only.
    #[cfg_attr(not(feature = "multiprocess"), allow(dead_code))]
    pub(crate) fn store_counts(self, zero: u64, buckets: &[Vec<(i8, i32, u64)>; 2]) {
        self.zero().store(zero, Ordering::Relaxed);
        for (sign, buckets) in [Sign::Positive, Sign::Negative].into_iter().zip(buckets) {
            let cells = self.sign(sign);
            cells.descriptors.iter().chain(cells.buffers.iter().copied().flatten()).for_each(|cell| {
                cell.store(0, Ordering::Relaxed);
            });
            let Some(mut schema) = buckets.iter().map(|(schema, _, _)| *schema).min() else { continue };
            let at_schema = |target: i8, (from, key, _): &(i8, i32, u64)| {
                reduce(*key, from.saturating_sub(target) as u32)
            };
            let low = buckets.iter().map(|bucket| at_schema(schema, bucket)).min().unwrap_or(0);
            let high = buckets.iter().map(|bucket| at_schema(schema, bucket)).max().unwrap_or(0);
            let (mut low, mut high) = (i64::from(low), i64::from(high));
            while high - low >= self.width as i64 && schema > MIN_SCHEMA {
                schema -= 1;
                (low, high) = (i64::from(reduce(low as i32, 1)), i64::from(reduce(high as i32, 1)));
            }
            let window = Window { generation: 1, schema, first_key: low as i32 };
            let buffer = cells.buffers[0];
            buffer.iter().for_each(|cell| cell.store(tagged(window.generation, 0), Ordering::Relaxed));
            for bucket in buckets {
                let index = (i64::from(at_schema(schema, bucket)) - low).clamp(0, self.width as i64 - 1);
                let cell = &buffer[index as usize];
                let count = (cell.load(Ordering::Relaxed) & COUNT_MASK).wrapping_add(bucket.2) & COUNT_MASK;
                cell.store(tagged(window.generation, count), Ordering::Relaxed);
            }
            // Release: a reader that sees the window sees its cells tagged for it.
            cells.descriptors[0].store(window.pack(), Ordering::Release);
        }
    }

    /// A reader of this part for `seqlock::read_with`, copying the counts into `counts`.
    pub(crate) fn reader<'s>(self, counts: &'s mut Vec<u64>) -> NativeReader<'a, 's, A> {
        counts.clear();
        counts.resize(4 * self.width, 0);
        NativeReader { cells: self, counts, zero: 0, windows: [None; 2] }
    }
}

impl<A: Atom> SignCells<'_, A> {
    /// Reads both descriptors. Acquire: the cells of a window published are tagged for it.
    #[inline]
    fn windows(&self) -> Windows {
        let descriptors =
            (self.descriptors[0].load(Ordering::Acquire), self.descriptors[1].load(Ordering::Acquire));
        Windows::from_descriptors(descriptors)
    }

    /// Makes a window that holds `key8` current, beside the other writers (see the
    /// module's documentation); returns once some writer has published a newer window
    /// than `seen.current` (not necessarily one holding `key8`: the caller checks again).
    #[cold]
    #[inline(never)]
    fn migrate<W: Writer>(&self, seen: Windows, key8: i32, initial_schema: i8) {
        let Some(next) = next_window(seen.current, key8, self.width, initial_schema) else { return };
        let slot = 1 - seen.current_slot;
        for (index, cell) in self.buffers[slot].iter().enumerate() {
            if let Some(count) = W::take(cell, seen.previous.generation, next.generation) {
                if count > 0 {
                    self.add_moved::<W>(seen.previous, index, count);
                }
            }
        }
        W::replace(&self.descriptors[slot], seen.previous.pack(), next.pack());
    }

    /// Adds `count`, taken from bucket `index` of window `from`, to the current window.
    /// Every window covers the one before it, so the bucket is inside.
    fn add_moved<W: Writer>(&self, from: Window, index: usize, count: u64) {
        let key = from.first_key.wrapping_add(index as i32);
        loop {
            let windows = self.windows();
            let to = windows.current;
            let at = i64::from(reduce(key, from.schema.saturating_sub(to.schema) as u32))
                - i64::from(to.first_key);
            debug_assert!(
                (at as u64) < self.width as u64,
                "window {to:?} does not cover bucket {key} of {from:?}"
            );
            let at = at.clamp(0, self.width as i64 - 1) as usize;
            if W::add(&self.buffers[windows.current_slot][at], to.generation, count) {
                return;
            }
        }
    }
}

/// The window after `current` that also holds `key8`, or `None` if there is none (the
/// window is at the lowest schema already). The first is placed at `initial_schema`
/// with the key in its middle; each later one is at the finest schema at which one
/// window covers all of `current` and the key, centred on them. If even the lowest
/// does not, it covers `current` as near the key as it can (the key is then counted in
/// its edge bucket).
fn next_window(current: Window, key8: i32, width: usize, initial_schema: i8) -> Option<Window> {
    let width = width as i64;
    let generation = current.generation + 1;
    if !current.is_placed() {
        let key = reduce(key8, (MAX_SCHEMA - initial_schema) as u32);
        let first_key = i64::from(key) - width / 2;
        return Some(Window { generation, schema: initial_schema, first_key: first_key as i32 });
    }
    let (low, high) = (i64::from(current.first_key), i64::from(current.first_key) + width - 1);
    for schema in (MIN_SCHEMA..current.schema).rev() {
        let by = (current.schema - schema) as u32;
        let (low, high) = (i64::from(reduce(low as i32, by)), i64::from(reduce(high as i32, by)));
        let key = i64::from(reduce(key8, (MAX_SCHEMA - schema) as u32));
        let (first, last) = (low.min(key), high.max(key));
        let span = last - first + 1;
        let first_key = if span <= width {
            first - (width - span) / 2
        } else if schema == MIN_SCHEMA {
            if key < low {
                high - width + 1
            } else {
                low
            }
        } else {
            continue;
        };
        return Some(Window { generation, schema, first_key: first_key as i32 });
    }
    None
}

/// How a writer updates native cells: [`Owned`] for a shard only its thread writes,
/// [`Shared`] for the shared shard.
pub(crate) trait Writer {
    /// Adds `count` to `cell` if it is tagged `generation`; `false` if it is not.
    fn add<A: Atom>(cell: &A, generation: u8, count: u64) -> bool;
    /// If `cell` is tagged `generation`: empties it, tags it `next`, and returns its count.
    fn take<A: Atom>(cell: &A, generation: u8, next: u8) -> Option<u64>;
    /// Replaces descriptor `old` by `new`, unless it no longer holds `old`.
    fn replace<A: Atom>(cell: &A, old: u64, new: u64);
    /// Adds one to an untagged cell (the zero bucket).
    fn increment<A: Atom>(cell: &A);
}

/// The writer of a shard only its thread writes: plain loads and stores.
pub(crate) struct Owned;

/// A writer of the shared shard, beside others: compare-and-swaps.
pub(crate) struct Shared;

impl Writer for Owned {
    #[inline]
    fn add<A: Atom>(cell: &A, generation: u8, count: u64) -> bool {
        let current = cell.writer_load();
        if tag_of(current) != generation {
            return false;
        }
        // Release: whoever reads this count also reads the sum that goes with it.
        cell.store(current.wrapping_add(count), Ordering::Release);
        true
    }
    fn take<A: Atom>(cell: &A, generation: u8, next: u8) -> Option<u64> {
        let current = cell.writer_load();
        if tag_of(current) != generation {
            return None;
        }
        // Before the count is added elsewhere with a release: a reader that sees it
        // there sees it gone from here.
        cell.store(tagged(next, 0), Ordering::Relaxed);
        Some(current & COUNT_MASK)
    }
    fn replace<A: Atom>(cell: &A, old: u64, new: u64) {
        if cell.writer_load() == old {
            // Release: the cells tagged for the new window are, before it is current.
            cell.store(new, Ordering::Release);
        }
    }
    #[inline]
    fn increment<A: Atom>(cell: &A) {
        cell.store(cell.writer_load().wrapping_add(1), Ordering::Release);
    }
}

impl Writer for Shared {
    #[inline]
    fn add<A: Atom>(cell: &A, generation: u8, count: u64) -> bool {
        let mut current = cell.load(Ordering::Relaxed);
        loop {
            if tag_of(current) != generation {
                return false;
            }
            match cell.compare_exchange_weak(
                current,
                current.wrapping_add(count),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }
    fn take<A: Atom>(cell: &A, generation: u8, next: u8) -> Option<u64> {
        let mut current = cell.load(Ordering::Relaxed);
        loop {
            if tag_of(current) != generation {
                return None;
            }
            // Acquire: the sums of the observations counted here come along with the
            // count to where it is added.
            match cell.compare_exchange_weak(current, tagged(next, 0), Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return Some(current & COUNT_MASK),
                Err(actual) => current = actual,
            }
        }
    }
    fn replace<A: Atom>(cell: &A, old: u64, new: u64) {
        while let Err(actual) = cell.compare_exchange_weak(old, new, Ordering::Release, Ordering::Relaxed) {
            if actual != old {
                return;
            }
        }
    }
    #[inline]
    fn increment<A: Atom>(cell: &A) {
        cell.fetch_add(1, Ordering::Release);
    }
}

/// Reads a native part as part of a series' snapshot (see [`CountedElsewhere`]), and
/// then tells what it read.
pub(crate) struct NativeReader<'a, 's, A> {
    cells: NativeCells<'a, A>,
    /// For each sign, the current window's counts then the previous one's.
    counts: &'s mut Vec<u64>,
    zero: u64,
    windows: [Option<Windows>; 2],
}

impl<A> NativeReader<'_, '_, A> {
    /// The zero bucket's count.
    pub(crate) fn zero(&self) -> u64 {
        self.zero
    }

    /// The non-empty buckets of `sign` as `(schema, key, count)`: the current window's,
    /// then the previous one's (at a finer schema, or equal).
    pub(crate) fn buckets(&self, sign: Sign) -> impl Iterator<Item = (i8, i32, u64)> + '_ {
        let slot = usize::from(sign == Sign::Negative);
        let width = self.cells.width;
        let windows = self.windows[slot];
        let counts = self.counts.get(2 * width * slot..2 * width * (slot + 1)).unwrap_or(&[]);
        counts.iter().enumerate().filter(|(_, count)| **count > 0).filter_map(move |(position, count)| {
            let windows = windows?;
            let window = if position < width { windows.current } else { windows.previous };
            let key = window.first_key.wrapping_add((position % width) as i32);
            Some((window.schema, key, *count))
        })
    }
}

impl<A: Atom> CountedElsewhere for NativeReader<'_, '_, A> {
    fn read(&mut self, started: u64) -> bool {
        let width = self.cells.width;
        let zero = self.cells.zero().load(Ordering::Relaxed);
        self.zero = zero;
        let mut total = zero;
        for (slot, sign) in [Sign::Positive, Sign::Negative].into_iter().enumerate() {
            let sign = self.cells.sign(sign);
            let windows = sign.windows();
            self.windows[slot] = Some(windows);
            let counts = &mut self.counts[2 * width * slot..2 * width * (slot + 1)];
            let (current_counts, previous_counts) = counts.split_at_mut(width);
            // The current buffer first: a count moves only from the previous one to it.
            for (count, cell) in current_counts.iter_mut().zip(sign.buffers[windows.current_slot]) {
                let cell = cell.load(Ordering::Relaxed);
                if tag_of(cell) != windows.current.generation {
                    return false;
                }
                *count = cell & COUNT_MASK;
                total = total.wrapping_add(*count);
            }
            // With the release of a moved count: if it was read above, it is seen gone below.
            A::fence(Ordering::Acquire);
            for (count, cell) in previous_counts.iter_mut().zip(sign.buffers[1 - windows.current_slot]) {
                let cell = cell.load(Ordering::Relaxed);
                *count = cell & COUNT_MASK;
                let tag = tag_of(cell);
                let emptied_for_next = tag == windows.current.generation.wrapping_add(1) && *count == 0;
                if tag != windows.previous.generation && !emptied_for_next {
                    return false;
                }
                total = total.wrapping_add(*count);
            }
        }
        total == started
    }
}

#[cfg(test)]
mod tests;
