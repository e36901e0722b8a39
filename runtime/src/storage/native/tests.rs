use core::sync::atomic::AtomicU64;

use super::*;
use crate::storage::seqlock::{self, FIXED_CELLS};

/// A series with one classic bucket (`[started, bucket, sum]`) and its native part.
fn series(width: usize) -> (Vec<AtomicU64>, Vec<AtomicU64>) {
    let cells = |count| (0..count).map(|_| AtomicU64::new(0)).collect();
    (cells(1 + FIXED_CELLS), cells(native_cells(width)))
}

/// Schema 8 keys of powers of two: 2^n is bucket 256·n.
fn power_of_two(exponent: i32) -> i32 {
    256 * exponent
}

fn record(classic: &[AtomicU64], native: NativeCells<AtomicU64>, exponent: i32) {
    let value = 2f64.powi(exponent);
    seqlock::record_shared_then(classic, 0, value, || {
        native.record::<Shared>(Sign::Positive, power_of_two(exponent), 0)
    });
}

/// What a read saw: the snapshot, the zero count and each sign's buckets.
struct Seen {
    zero: u64,
    buckets: [Vec<(i8, i32, u64)>; 2],
}

fn read(classic: &[AtomicU64], native: NativeCells<AtomicU64>) -> (seqlock::Snapshot, Seen) {
    let mut scratch = Vec::new();
    let mut counts = [0u64; 1];
    let mut reader = native.reader(&mut scratch);
    let read = seqlock::read_with(classic, &mut counts, &mut reader, || false);
    let buckets = [Sign::Positive, Sign::Negative].map(|sign| reader.buckets(sign).collect());
    (read, Seen { zero: reader.zero(), buckets })
}

fn buckets(seen: &Seen, sign: Sign) -> Vec<(i8, i32, u64)> {
    seen.buckets[usize::from(sign == Sign::Negative)].clone()
}

#[test]
fn keys_reduce_by_halving_the_resolution() {
    // Bucket k at schema s is (2^((k-1)/2^s), 2^(k/2^s)]: 2^3 (key 768 at schema 8) is
    // bucket 3 at schema 0, 2 at schema -1 (2^2, 2^4], 1 at -2 (2^0, 2^4].
    assert_eq!([reduce(768, 8), reduce(768, 9), reduce(768, 10)], [3, 2, 1]);
    assert_eq!([reduce(769, 8), reduce(-1, 1), reduce(-2, 1), reduce(-3, 1)], [4, 0, -1, -1]);
    let window = Window { generation: 13, schema: -4, first_key: -70_000 };
    assert_eq!(Window::unpack(window.pack()), window);
}

#[test]
fn the_first_observation_places_the_window_around_itself() {
    let placed = next_window(Window::unpack(0), power_of_two(3), 4, 0).unwrap();
    assert_eq!(placed, Window { generation: 1, schema: 0, first_key: 1 }, "keys 1..=4 around key 3");
    // Outside: the finest schema at which one window covers the old one and the key.
    let wider = next_window(placed, power_of_two(9), 4, 0).unwrap();
    assert_eq!(wider, Window { generation: 2, schema: -2, first_key: 1 }, "1..=4 → 1, 9 → 3 at schema -2");
    let at_the_bottom = Window { generation: 5, schema: MIN_SCHEMA, first_key: 0 };
    assert_eq!(next_window(at_the_bottom, power_of_two(900), 4, 0), None);
    // At the lowest schema the key may still be outside: the old window stays covered.
    let narrow = Window { generation: 2, schema: -3, first_key: 0 };
    assert_eq!(
        next_window(narrow, power_of_two(-1000), 2, 0),
        Some(Window { generation: 3, schema: MIN_SCHEMA, first_key: 0 }),
        "keys 0..=1 at -3 are 0..=1 at -4; 2^-1000 (key -62) is counted in bucket 0"
    );
}

#[test]
fn observations_outside_the_window_lower_the_resolution_and_every_count_stays() {
    let (classic, native) = series(4);
    let native = NativeCells::new(&native, 4).unwrap();
    for exponent in [3, 3, 4, 9, -5] {
        record(&classic, native, exponent);
    }
    let (read, snapshot) = read(&classic, native);
    assert!(read.consistent);
    assert_eq!(native.total(), 5);
    // 2^3, 2^3, 2^4 placed the window at schema 0 (keys 1..=4); 2^9 lowered it to -2
    // (keys 1..=4 again, 2^9 in 3), 2^-5 to -3 (keys 0..=3, 2^-5 in 0), whose window
    // reuses the first one's buffer: its counts moved to the current window then, the
    // schema -2 one (2^3 and 2^4 in its bucket 1, (1, 16]).
    let mut seen = buckets(&snapshot, Sign::Positive);
    seen.sort();
    assert_eq!(seen, [(-3, 0, 1), (-2, 1, 3), (-2, 3, 1)]);
    assert!(buckets(&snapshot, Sign::Negative).is_empty());
}

#[test]
fn a_window_reused_by_a_later_generation_gets_what_its_old_generation_counted() {
    let (classic, native) = series(2);
    let native = NativeCells::new(&native, 2).unwrap();
    // Schema 0 keys -1..=0 (2^-1, 2^0); then 2^3 → schema -2, keys 0..=1; then 2^20 →
    // schema -4, whose window reuses the first buffer: its counts move into the current
    // window, the schema -2 one ((1/16, 1] is its bucket 0).
    for exponent in [0, 0, -1, 3, 20] {
        record(&classic, native, exponent);
    }
    let (read, snapshot) = read(&classic, native);
    assert!(read.consistent);
    let mut seen = buckets(&snapshot, Sign::Positive);
    seen.sort();
    // At -4, keys 0..=1 are (2^-16, 1] and (1, 2^16]: 2^20 (bucket 2) is beyond the
    // window, counted in its edge bucket 1.
    assert_eq!(seen, [(-4, 1, 1), (-2, 0, 3), (-2, 1, 1)]);
}

#[test]
fn zero_and_negative_observations_have_their_own_buckets() {
    let (classic, native) = series(3);
    let native = NativeCells::new(&native, 3).unwrap();
    seqlock::record_owned_then(&classic, 0, -4.0, || {
        native.record::<Owned>(Sign::Negative, power_of_two(2), 3)
    });
    seqlock::record_owned_then(&classic, 0, 0.0, || native.record_zero::<Owned>());
    let (read, snapshot) = read(&classic, native);
    assert_eq!(read, seqlock::Snapshot { sum: -4.0, consistent: true });
    assert_eq!(snapshot.zero, 1);
    assert_eq!(buckets(&snapshot, Sign::Negative), [(3, 16, 1)], "4 = 2^(16/8): bucket 16 at schema 3");
}

/// A count taken from the previous window and not yet added to the current one (its
/// writer stopped, or gone in a fork) leaves the snapshot short: the reader retries and
/// gives up, and in a forked child the zero bucket gets the missing count.
#[test]
fn a_count_in_a_writers_hands_makes_the_snapshot_inconsistent_until_repaired() {
    let (classic, native) = series(2);
    let cells = NativeCells::new(&native, 2).unwrap();
    record(&classic, cells, 0);
    record(&classic, cells, 4);
    assert!(read(&classic, cells).0.consistent);
    let sign = cells.sign(Sign::Positive);
    let windows = sign.windows();
    let next = windows.current.generation + 1;
    let taken: u64 = sign.buffers[1 - windows.current_slot]
        .iter()
        .filter_map(|cell| Shared::take(cell, windows.previous.generation, next))
        .sum();
    assert_eq!(taken, 1, "2^0, counted in the first window");
    assert!(!read(&classic, cells).0.consistent);
    assert_eq!(cells.total(), 1);
    cells.add_to_zero(1);
    let (read, snapshot) = read(&classic, cells);
    assert!(read.consistent);
    assert_eq!(snapshot.zero, 1);
}

/// A writer that read the windows, then stopped while two others moved them twice (the
/// second reusing its window's buffer), finds its cell tagged for the later generation:
/// its count is refused there, and it reads the windows again.
#[test]
fn a_stale_writer_never_counts_in_a_later_window_that_reuses_its_buffer() {
    let (classic, native) = series(2);
    let cells = NativeCells::new(&native, 2).unwrap();
    record(&classic, cells, 1);
    let sign = cells.sign(Sign::Positive);
    let stale = sign.windows();
    for exponent in [4, -6] {
        record(&classic, cells, exponent);
    }
    let now = sign.windows();
    assert_eq!(now.current_slot, stale.current_slot, "the buffer is the stale window's");
    assert_eq!(now.current.generation, stale.current.generation + 2);
    let index = (stale.current.key_of(power_of_two(1)) - stale.current.first_key) as usize;
    assert!(!Shared::add(&sign.buffers[stale.current_slot][index], stale.current.generation, 1));
    assert!(!Owned::add(&sign.buffers[stale.current_slot][index], stale.current.generation, 1));
    assert_eq!(cells.total(), 3);
}

#[test]
fn cells_of_the_wrong_length_are_refused() {
    let (_, native) = series(2);
    assert!(NativeCells::new(&native, 3).is_none());
    assert!(NativeCells::new(&native[..0], 0).is_none());
}

/// The model: writers that place and move windows (windows of two buckets, so every
/// third distinct key moves them) against a reader and against each other. Every
/// snapshot the reader accepts counts exactly the observations its sum holds, each in
/// the bucket of its value; writers lose nothing. They fail if the reader reads the
/// previous buffer first or without the fence between the two, if the reader does not
/// check that the native counts add up, or if a taken count is not added back. (Windows
/// of one bucket always cover their predecessors' bucket, so a count in the wrong
/// generation would go unseen here: `a_stale_writer_…` holds the tag check.)
mod model {
    use super::*;
    use loom::sync::atomic::AtomicU64 as LoomU64;
    use loom::sync::Arc;

    /// `[started, bucket, sum]` and the native part.
    type Series = Arc<(Vec<LoomU64>, Vec<LoomU64>)>;

    /// One bucket per window: every distinct key moves it, with the fewest cells to read.
    const WIDTH: usize = 1;

    /// Explores every interleaving with up to `preemptions` preemptions.
    fn model(preemptions: usize, test: impl Fn() + Sync + Send + 'static) {
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(preemptions);
        builder.check(test);
    }

    fn cells() -> Series {
        let cells = |count| (0..count).map(|_| LoomU64::new(0)).collect();
        Arc::new((cells(1 + FIXED_CELLS), cells(native_cells(WIDTH))))
    }

    fn native(series: &Series) -> NativeCells<'_, LoomU64> {
        NativeCells::new(&series.1, WIDTH).unwrap()
    }

    /// Observes 2^exponent, as an owned or a shared writer.
    fn observe<W: Writer>(series: &Series, exponent: i32) {
        let value = 2f64.powi(exponent);
        let native = native(series);
        let count = || native.record::<W>(Sign::Positive, power_of_two(exponent), 0);
        if core::any::type_name::<W>().ends_with("Owned") {
            seqlock::record_owned_then(&series.0, 0, value, count);
        } else {
            seqlock::record_shared_then(&series.0, 0, value, count);
        }
    }

    /// Reads until consistent, and checks the snapshot against the observations its sum
    /// says it holds (the exponents are distinct powers of two, so the sum tells them):
    /// their count, and each in the bucket holding its value. Returns how many.
    fn assert_consistent(series: &Series, exponents: &[i32]) -> usize {
        let mut scratch = Vec::new();
        let mut counts = [0u64; 1];
        let mut reader = native(series).reader(&mut scratch);
        let read = seqlock::read_with(&series.0, &mut counts, &mut reader, || {
            loom::thread::yield_now();
            true
        });
        assert!(read.consistent);
        let held: Vec<i32> =
            exponents.iter().copied().filter(|e| (read.sum / 2f64.powi(*e)) as u64 & 1 == 1).collect();
        assert_eq!(held.iter().map(|e| 2f64.powi(*e)).sum::<f64>(), read.sum);
        let seen: Vec<(i8, i32, u64)> = reader.buckets(Sign::Positive).collect();
        assert_eq!(seen.iter().map(|(_, _, count)| count).sum::<u64>(), held.len() as u64, "{seen:?}");
        // Each value's bucket, at the coarsest schema seen, holds as many as expected.
        let schema = seen.iter().map(|(schema, _, _)| *schema).min().unwrap_or(0);
        let at = |from: i8, key: i32| reduce(key, (from - schema) as u32);
        let mut expected: Vec<i32> = held.iter().map(|e| at(MAX_SCHEMA, power_of_two(*e))).collect();
        let mut actual: Vec<i32> = seen
            .iter()
            .flat_map(|(from, key, count)| core::iter::repeat_n(at(*from, *key), *count as usize))
            .collect();
        expected.sort();
        actual.sort();
        assert_eq!(actual, expected, "{seen:?} for 2^{held:?}");
        held.len()
    }

    fn spawn(series: &Series, write: impl FnOnce(&Series) + Send + 'static) -> loom::thread::JoinHandle<()> {
        let series = series.clone();
        loom::thread::spawn(move || write(&series))
    }

    // Windows of one bucket, placed at schema 0 by 2^1 (key 1): 2^3 moves it to schema
    // -2 (key 1, (1, 16]), 2^9 to -4 (key 1, (1, 2^16]), reusing the first window's
    // buffer: 2^1's count moves to the schema -2 window.

    /// An owner places its window, then moves it.
    #[test]
    fn an_owner_moving_its_window_and_a_reader() {
        model(2, || {
            let series = cells();
            let writer = spawn(&series, |series| {
                observe::<Owned>(series, 1);
                observe::<Owned>(series, 3);
            });
            assert_consistent(&series, &[1, 3]);
            writer.join().unwrap();
            assert_eq!(assert_consistent(&series, &[1, 3]), 2);
        });
    }

    /// A shared writer's third window reuses the first one's buffer: a count moves while
    /// the reader reads.
    #[test]
    fn a_shared_writer_moving_counts_and_a_reader() {
        model(2, || {
            let series = cells();
            observe::<Shared>(&series, 1);
            observe::<Shared>(&series, 3);
            let writer = spawn(&series, |series| observe::<Shared>(series, 9));
            assert_consistent(&series, &[1, 3, 9]);
            writer.join().unwrap();
            assert_eq!(assert_consistent(&series, &[1, 3, 9]), 3);
        });
    }

    /// Two writers move the window at once, to different places: one wins, the other
    /// counts its observation in the winner's window or moves it again.
    #[test]
    fn two_shared_writers_moving_the_window() {
        model(2, || {
            let series = cells();
            observe::<Shared>(&series, 1);
            let writers: Vec<_> = [3, 9]
                .into_iter()
                .map(|exponent| spawn(&series, move |series| observe::<Shared>(series, exponent)))
                .collect();
            for writer in writers {
                writer.join().unwrap();
            }
            assert_eq!(assert_consistent(&series, &[1, 3, 9]), 3, "no lost update");
        });
    }

    /// Two writers placing the window at once, as a signal handler and the observation
    /// it interrupted may, with a reader (one preemption: two keeps the model to minutes).
    #[test]
    fn two_shared_writers_placing_the_window_and_a_reader() {
        model(1, || {
            let series = cells();
            let writers: Vec<_> = [1, 3]
                .into_iter()
                .map(|exponent| spawn(&series, move |series| observe::<Shared>(series, exponent)))
                .collect();
            assert_consistent(&series, &[1, 3]);
            for writer in writers {
                writer.join().unwrap();
            }
            assert_eq!(assert_consistent(&series, &[1, 3]), 2);
        });
    }
}

#[test]
fn stored_counts_read_back_in_one_window_coarse_enough_to_hold_them() {
    let (classic, cells) = series(4);
    let part = NativeCells::new(&cells, 4).unwrap();
    // Buckets of two processes at other resolutions: keys 1 and 2 at schema 0, key 3 at
    // schema 1 (= key 2 at schema 0), and key 9 at schema 0, too far for four buckets:
    // at schema -1 they are 1, 1, 1, 5; at -2, 1, 1, 1, 3 (a span of three).
    let positive = vec![(0, 1, 2), (0, 2, 1), (1, 3, 4), (0, 9, 1)];
    let negative = vec![(2, -7, 5)];
    part.store_counts(3, &[positive, negative]);
    // The classic part counts as many (a reader checks the native total against it).
    classic[0].store(16, Ordering::Relaxed);
    classic[1].store(16, Ordering::Relaxed);
    let (snapshot, seen) = read(&classic, part);
    assert!(snapshot.consistent, "a whole snapshot of the 16 observations");
    assert_eq!(seen.zero, 3);
    assert_eq!(buckets(&seen, Sign::Positive), [(-2, 1, 7), (-2, 3, 1)]);
    assert_eq!(buckets(&seen, Sign::Negative), [(2, -7, 5)], "each sign at its own resolution");
    assert_eq!(part.total(), 16);
    // Storing again replaces what was there; a sign without buckets is left unplaced.
    part.store_counts(0, &[Vec::new(), vec![(0, 5, 1)]]);
    let (_, seen) = read(&classic, part);
    assert!(buckets(&seen, Sign::Positive).is_empty());
    assert_eq!(buckets(&seen, Sign::Negative), [(0, 5, 1)]);
    // Beyond what the lowest schema spans: the edge buckets, every count kept.
    part.store_counts(0, &[vec![(MIN_SCHEMA, -100, 1), (MIN_SCHEMA, 100, 2)], Vec::new()]);
    let (_, seen) = read(&classic, part);
    assert_eq!(buckets(&seen, Sign::Positive), [(MIN_SCHEMA, -100, 1), (MIN_SCHEMA, -97, 2)]);
}
