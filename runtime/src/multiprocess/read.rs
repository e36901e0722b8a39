//! A scrape's reading: every file of the generation (the processes' and the archives of
//! those that exited) opened, told running or not, and merged run by run into this
//! build's layout, by offset when the file has this layout and by family name and label
//! values when it has another (a rolling restart of a different build).

use core::sync::atomic::{AtomicU64, Ordering};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::Duration;

use super::files::{absorbed_ids, Entry, Header, HEADER_USED};
use super::layout::{self, Run, HEADER_BYTES};
use super::state::{is_running, State};
use super::sys::{self, Mapped};
use crate::family::{CellKind, MultiprocessMode};
use crate::instruments::native;
use crate::rejections::{self, Rejection};
use crate::storage::native::{NativeCells, Sign};
use crate::storage::patience::Patience;
use crate::storage::{seqlock, SHARDS};

/// How long a scrape retries a running process's histogram series that stays mid-write
/// (as for a process's own series).
const READ_PATIENCE: Duration = Duration::from_millis(200);

/// One file a scrape merges.
pub(super) struct Source {
    pub(super) header: Header,
    /// A running process: counted by the `live` gauge modes.
    pub(super) live: bool,
    pub(super) mapped: Mapped,
}

/// Opens every file of this generation, archives first; the second value is whether any
/// process file belongs to a process that exited (so compacting would shrink the
/// directory). Files an archive says it absorbed are skipped.
pub(super) fn open_sources(state: &State) -> std::io::Result<(Vec<Source>, bool)> {
    let mut entries = state.directory.entries()?;
    // Archives first, so what they absorbed is known before the process files.
    entries.sort_by_key(|(entry, _)| !matches!(entry, Entry::Archive { .. }));
    let mut sources = Vec::new();
    let mut absorbed = HashSet::new();
    let mut exited = false;
    for (entry, name) in entries {
        match entry {
            Entry::Archive { .. } => {}
            Entry::Process { pid, nonce } if !absorbed.contains(&(pid, nonce)) => {}
            _ => continue,
        }
        let archive = matches!(entry, Entry::Archive { .. });
        let Ok(fd) = sys::open_at(state.directory.fd, &name, false, false) else { continue };
        let source = (|| {
            let mut page = vec![0u8; HEADER_BYTES as usize];
            if sys::read_at(fd, &mut page, 0).ok()? < HEADER_USED {
                return None;
            }
            let header = Header::decode(&page)?;
            if header.archive != archive || header.generation != state.generation {
                return None;
            }
            if archive {
                absorbed.extend(absorbed_ids(&header, &page));
            }
            let running = !archive && is_running(fd).ok()?;
            let len = usize::try_from(sys::size(fd).ok()?).ok()?;
            if len < HEADER_BYTES as usize {
                return None;
            }
            let mapped = Mapped::new(fd, len).ok()?;
            Some(Source { header, live: running, mapped })
        })();
        sys::close(fd);
        if let Some(source) = source {
            exited |= !archive && !source.live;
            sources.push(source);
        }
    }
    Ok((sources, exited))
}

/// How a run of another layout's series land in this build's run.
pub(super) enum SeriesMap {
    /// Series `i` is series `i` (same layout, or a function's site).
    Same,
    /// Per series of the other run: this run's series with the same label values.
    ByLabels(Vec<Option<usize>>),
}

impl SeriesMap {
    fn local(&self, series: usize) -> Option<usize> {
        match self {
            SeriesMap::Same => Some(series),
            SeriesMap::ByLabels(map) => map.get(series).copied().flatten(),
        }
    }
}

/// Another layout, matched against this build's: per local run, the run of the other
/// layout that holds its values and how their series correspond.
pub(super) struct Matched {
    pub(super) runs: Vec<Run>,
    pub(super) local: Vec<Option<(usize, SeriesMap)>>,
}

impl Matched {
    /// This build's own layout: every run by offset.
    fn same(runs: &[Run]) -> Matched {
        Matched {
            runs: runs.to_vec(),
            local: (0..runs.len()).map(|run| Some((run, SeriesMap::Same))).collect(),
        }
    }

    /// `foreign` against `local`, by identity and label values; what cannot be merged is
    /// reported (once per layout and scrape process, see `view::report_once`).
    fn new(local: &[Run], foreign: Vec<Run>, problems: &mut Vec<String>) -> Matched {
        let by_identity: HashMap<&str, usize> =
            foreign.iter().enumerate().map(|(index, run)| (run.identity.as_str(), index)).collect();
        let mut matched = Vec::with_capacity(local.len());
        let mut used = vec![false; foreign.len()];
        for run in local {
            let Some(&index) = by_identity.get(run.identity.as_str()) else {
                matched.push(None);
                continue;
            };
            used[index] = true;
            let other = &foreign[index];
            if let Err(problem) = run.compatible(other) {
                problems.push(format!("`{}` is not merged: {problem}", name_of(&run.identity)));
                matched.push(None);
                continue;
            }
            let map = if run.series_labels.is_empty() {
                SeriesMap::Same
            } else {
                let here: HashMap<&str, usize> = run
                    .series_labels
                    .iter()
                    .enumerate()
                    .map(|(index, labels)| (labels.as_str(), index))
                    .collect();
                let map: Vec<Option<usize>> =
                    other.series_labels.iter().map(|labels| here.get(labels.as_str()).copied()).collect();
                let missing = map.iter().filter(|series| series.is_none()).count();
                if missing > 0 {
                    problems.push(format!(
                        "{missing} series of `{}` have label values this build does not know, and are not shown",
                        name_of(&run.identity)
                    ));
                }
                SeriesMap::ByLabels(map)
            };
            matched.push(Some((index, map)));
        }
        for (run, _) in foreign.iter().zip(&used).filter(|(_, used)| !**used) {
            problems.push(format!("`{}` is not in this build, and is not shown", name_of(&run.identity)));
        }
        Matched { runs: foreign, local: matched }
    }
}

/// The family name of a run's identity.
fn name_of(identity: &str) -> &str {
    identity.split(['\u{1f}', '#']).next().unwrap_or(identity)
}

/// Each layout the sources have, matched against this build's, read from its manifest
/// once per scrape; `None` when the manifest is missing or unreadable.
pub(super) struct Layouts<'a> {
    state: &'a State,
    matched: HashMap<u64, Option<Rc<Matched>>>,
    pub(super) problems: Vec<(u64, String)>,
}

impl<'a> Layouts<'a> {
    pub(super) fn new(state: &'a State) -> Self {
        Layouts { state, matched: HashMap::new(), problems: Vec::new() }
    }

    pub(super) fn get(&mut self, hash: u64) -> Option<Rc<Matched>> {
        let state = self.state;
        let problems = &mut self.problems;
        self.matched
            .entry(hash)
            .or_insert_with(|| {
                if hash == state.layout.hash {
                    return Some(Rc::new(Matched::same(&state.layout.runs)));
                }
                let name = Entry::Layout { layout: hash }.name()?;
                let foreign = state.directory.read_whole(&name).ok().and_then(|bytes| layout::decode(&bytes));
                let Some(foreign) = foreign else {
                    problems.push((
                        hash,
                        "its layout file is missing or unreadable; its files are not shown".to_owned(),
                    ));
                    return None;
                };
                let mut found = Vec::new();
                let matched = Matched::new(&state.layout.runs, foreign, &mut found);
                problems.extend(found.into_iter().map(|problem| (hash, problem)));
                Some(Rc::new(matched))
            })
            .clone()
    }
}

/// One process's values of a `pid`-labelled gauge (modes `all`, `liveall`).
#[derive(Clone, Debug)]
pub(super) struct ProcessValues {
    pub(super) pid: u32,
    pub(super) live: bool,
    pub(super) values: Vec<f64>,
}

/// The merged values of one run of this build, over every source.
#[derive(Debug)]
pub(super) enum RunValues {
    Counter(Vec<u64>),
    Float(Vec<f64>),
    /// A gauge merged into one value per series: the value and its write time (for the
    /// `mostrecent` modes), `None` until a source counted.
    Gauge {
        mode: MultiprocessMode,
        values: Vec<Option<(f64, u64)>>,
    },
    /// A `pid`-labelled gauge: each process's values.
    PerProcess {
        live_only: bool,
        processes: Vec<ProcessValues>,
    },
    /// Per series: bucket counts (not cumulative, `+Inf` last) and the sum; and for a
    /// histogram with native buckets, each series' native buckets.
    Histogram {
        buckets: usize,
        counts: Vec<u64>,
        sums: Vec<f64>,
        native: Option<Vec<NativeCounts>>,
    },
}

/// The native buckets of one series gathered from shards of any number of processes, each
/// at the resolution its process got to: the zero bucket's count and, per sign, each
/// bucket as `(schema, key, count)`. A scrape reduces them to the coarsest schema
/// (`instruments::native::finish`), where buckets of every resolution add up exactly.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct NativeCounts {
    pub(super) zero: u64,
    pub(super) buckets: [Vec<(i8, i32, u64)>; 2],
}

/// Reads one shard of a histogram or summary series of `run` from a file (`cells`: its
/// classic part, then its native part if it has one): the classic bucket counts into
/// `counts`, the native buckets added to `native`. `live`: a running process's series,
/// which may be mid-write and is retried with patience; an exited process's is final
/// and read once, as it is. If such a process died between counting an observation in
/// the classic buckets and in the native ones, the native part counts fewer: the rest
/// goes to the zero bucket, so that both count the same observations (as in a forked
/// child, see `HistogramSeries::repair_after_fork`).
pub(super) fn read_histogram_shard(
    cells: &[AtomicU64],
    run: &Run,
    counts: &mut [u64],
    native: Option<&mut NativeCounts>,
    scratch: &mut Vec<u64>,
    live: bool,
) -> seqlock::Snapshot {
    let (classic, native_cells) = cells.split_at(run.classic_cells().min(cells.len()));
    let mut patience = Patience::new(if live { READ_PATIENCE } else { Duration::ZERO });
    let part = run.native.and_then(|shape| NativeCells::new(native_cells, shape.max_buckets));
    let read = match (part, native) {
        (Some(part), Some(native)) => {
            let mut reader = part.reader(scratch);
            let read = seqlock::read_with(classic, counts, &mut reader, || live && patience.wait());
            native::gather(&mut native.buckets, &mut native.zero, &reader);
            let counted = counts.iter().fold(0u64, |total, count| total.wrapping_add(*count));
            let in_native = [Sign::Positive, Sign::Negative]
                .into_iter()
                .flat_map(|sign| reader.buckets(sign))
                .fold(reader.zero(), |total, (_, _, count)| total.wrapping_add(count));
            if !live && in_native < counted {
                native.zero = native.zero.wrapping_add(counted - in_native);
            }
            read
        }
        _ => seqlock::read(classic, counts, || live && patience.wait()),
    };
    if live && !read.consistent {
        rejections::record(Rejection::InconsistentSnapshot);
    }
    read
}

impl RunValues {
    /// Nothing merged yet, for `run`.
    pub(super) fn empty(run: &Run) -> RunValues {
        match run.kind {
            CellKind::Counter => RunValues::Counter(vec![0; run.series]),
            CellKind::FloatCounter => RunValues::Float(vec![0.0; run.series]),
            CellKind::Gauge(mode) if mode.per_process() => {
                RunValues::PerProcess { live_only: mode.live_only(), processes: Vec::new() }
            }
            CellKind::Gauge(mode) => RunValues::Gauge { mode, values: vec![None; run.series] },
            CellKind::Histogram | CellKind::Summary => {
                let buckets = run.classic_cells().saturating_sub(seqlock::FIXED_CELLS);
                RunValues::Histogram {
                    buckets,
                    counts: vec![0; run.series * buckets],
                    sums: vec![0.0; run.series],
                    native: run.native.map(|_| vec![NativeCounts::default(); run.series]),
                }
            }
        }
    }

    /// Adds the run `run` of a source (its cells `cells`), whose series land here by
    /// `map`. `live`: the source is a running process (its histograms may be mid-write,
    /// and only it counts for the `live` gauge modes); `pid`: whose values they are.
    pub(super) fn add(&mut self, cells: &[AtomicU64], run: &Run, map: &SeriesMap, live: bool, pid: u32) {
        let load = |index: usize| cells.get(index).map_or(0, |cell| cell.load(Ordering::Relaxed));
        let shards = if run.stride == 0 { 1 } else { SHARDS };
        match self {
            RunValues::Counter(totals) => {
                for series in 0..run.series {
                    let Some(local) = map.local(series) else { continue };
                    let total = (0..shards)
                        .fold(0u64, |total, shard| total.wrapping_add(load(shard * run.stride + series)));
                    if let Some(merged) = totals.get_mut(local) {
                        *merged = merged.wrapping_add(total);
                    }
                }
            }
            RunValues::Float(totals) => {
                for series in 0..run.series {
                    let Some(local) = map.local(series) else { continue };
                    let total: f64 =
                        (0..shards).map(|shard| f64::from_bits(load(shard * run.stride + series))).sum();
                    if let Some(merged) = totals.get_mut(local) {
                        *merged += total;
                    }
                }
            }
            RunValues::Gauge { mode, values } => {
                if mode.live_only() && !live {
                    return;
                }
                let stamped = cells.len() >= 2 * run.series;
                for series in 0..run.series {
                    let Some(local) = map.local(series) else { continue };
                    // Acquire: pairs with the writer's release of the time, so the value
                    // read after it is at least that recent.
                    let stamp = match stamped {
                        true => cells[run.series + series].load(Ordering::Acquire),
                        false => 0,
                    };
                    let value = f64::from_bits(load(series));
                    let Some(merged) = values.get_mut(local) else { continue };
                    combine(*mode, merged, value, stamp);
                }
            }
            RunValues::PerProcess { live_only, processes } => {
                if *live_only && !live {
                    return;
                }
                let values = per_series(run.series, map, |series| f64::from_bits(load(series)));
                processes.push(ProcessValues { pid, live, values });
            }
            RunValues::Histogram { buckets, counts, sums, native } => {
                let buckets = *buckets;
                if run.classic_cells() != buckets + seqlock::FIXED_CELLS
                    || run.native.is_some() != native.is_some()
                {
                    return;
                }
                let (mut snapshot, mut scratch) = (vec![0u64; buckets], Vec::new());
                for series in 0..run.series {
                    let Some(local) = map.local(series) else { continue };
                    for shard in 0..shards {
                        let start = shard * run.stride + series * run.per_series;
                        let Some(cells) = cells.get(start..start + run.per_series) else { continue };
                        let native = native.as_mut().and_then(|native| native.get_mut(local));
                        let read =
                            read_histogram_shard(cells, run, &mut snapshot, native, &mut scratch, live);
                        let Some(merged) = counts.get_mut(local * buckets..(local + 1) * buckets) else {
                            continue;
                        };
                        merged
                            .iter_mut()
                            .zip(&snapshot)
                            .for_each(|(merged, count)| *merged = merged.wrapping_add(*count));
                        sums[local] += read.sum;
                    }
                }
            }
        }
    }

    /// Adds the archive's `pid`-labelled values: `entries` exited processes, each
    /// `(pid, values)` of this run.
    pub(super) fn add_exited(
        &mut self,
        entries: impl Iterator<Item = (u32, Vec<f64>)>,
        series: usize,
        map: &SeriesMap,
    ) {
        if let RunValues::PerProcess { live_only: false, processes } = self {
            for (pid, values) in entries {
                let values = per_series(series, map, |series| values.get(series).copied().unwrap_or(0.0));
                processes.push(ProcessValues { pid, live: false, values });
            }
        }
    }

    /// Once every source is in: one series per pid (a pid reused by a running process
    /// shows the running one; otherwise the last one read), in pid order.
    pub(super) fn finish(&mut self) {
        if let RunValues::PerProcess { processes, .. } = self {
            // Running ones last, so they win below.
            processes.sort_by_key(|process| (process.pid, process.live));
            let mut kept: Vec<ProcessValues> = Vec::with_capacity(processes.len());
            for process in processes.drain(..) {
                match kept.last_mut() {
                    Some(last) if last.pid == process.pid => *last = process,
                    _ => kept.push(process),
                }
            }
            *processes = kept;
        }
    }
}

/// The values of a run of `series` series, as this run's series (`0.0` for one no
/// source holds).
fn per_series(series: usize, map: &SeriesMap, value: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut values = Vec::new();
    for source in 0..series {
        if let Some(local) = map.local(source) {
            if values.len() <= local {
                values.resize(local + 1, 0.0);
            }
            values[local] = value(source);
        }
    }
    values
}

/// Folds one process's value (written at `stamp`) into the merged one, by `mode`.
pub(super) fn combine(mode: MultiprocessMode, merged: &mut Option<(f64, u64)>, value: f64, stamp: u64) {
    use MultiprocessMode::*;
    *merged = Some(match (*merged, mode) {
        (None, _) => (value, stamp),
        (Some((held, at)), Min | LiveMin) => (if value < held { value } else { held }, at),
        (Some((held, at)), Max | LiveMax) => (if value > held { value } else { held }, at),
        (Some((held, at)), MostRecent | LiveMostRecent) => {
            if stamp > at {
                (value, stamp)
            } else {
                (held, at)
            }
        }
        (Some((held, at)), Sum | LiveSum | All | LiveAll) => (held + value, at),
    });
}

/// Where the `pid`-labelled gauge values of exited processes start in an archive of
/// `runs`, and how many cells each entry takes: its pid, then each `all` run's values.
pub(super) fn appendix(runs: &[Run]) -> (u64, usize) {
    let start = runs.iter().map(|run| run.offset + run.bytes()).max().unwrap_or(HEADER_BYTES);
    let entry = 1 + runs.iter().filter(|run| is_all(run)).map(|run| run.series).sum::<usize>();
    (start, entry)
}

/// A gauge of mode `all`: the one mode that keeps exited processes' values one by one.
pub(super) fn is_all(run: &Run) -> bool {
    run.kind == CellKind::Gauge(MultiprocessMode::All)
}

/// The cell of `run` where an archive entry's values for it start (after the pid).
pub(super) fn appendix_position(runs: &[Run], run: usize) -> usize {
    1 + runs[..run].iter().filter(|run| is_all(run)).map(|run| run.series).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_modes_fold_as_named() {
        use MultiprocessMode::*;
        let fold = |mode, values: &[(f64, u64)]| {
            let mut merged = None;
            values.iter().for_each(|(value, stamp)| combine(mode, &mut merged, *value, *stamp));
            merged.map(|(value, _)| value)
        };
        let values = [(3.0, 10), (-1.0, 30), (7.0, 20)];
        assert_eq!(fold(Min, &values), Some(-1.0));
        assert_eq!(fold(LiveMax, &values), Some(7.0));
        assert_eq!(fold(Sum, &values), Some(9.0));
        assert_eq!(fold(MostRecent, &values), Some(-1.0), "written at 30, the latest");
        assert_eq!(fold(Sum, &[]), None);
    }

    fn run(kind: CellKind, series: usize, per_series: usize, stride: usize) -> Run {
        Run {
            identity: "x".to_owned(),
            label_names: String::new(),
            kind,
            series,
            per_series,
            stride,
            cells: series * per_series,
            offset: HEADER_BYTES,
            bounds: Vec::new(),
            native: None,
            series_labels: Vec::new(),
        }
    }

    fn cells(values: &[u64]) -> Vec<AtomicU64> {
        values.iter().map(|value| AtomicU64::new(*value)).collect()
    }

    #[test]
    fn counters_add_over_shards_and_sources_through_the_series_map() {
        let shape = run(CellKind::Counter, 2, 1, 0);
        let mut merged = RunValues::empty(&shape);
        merged.add(&cells(&[1, 2]), &shape, &SeriesMap::Same, true, 1);
        // Another build's run with the two series the other way round and a third this
        // build does not know.
        let swapped = run(CellKind::Counter, 3, 1, 0);
        merged.add(
            &cells(&[10, 20, 99]),
            &swapped,
            &SeriesMap::ByLabels(vec![Some(1), Some(0), None]),
            false,
            2,
        );
        let RunValues::Counter(totals) = merged else { panic!("a counter") };
        assert_eq!(totals, [21, 12]);

        let sharded = run(CellKind::Counter, 1, 1, 2);
        let mut merged = RunValues::empty(&sharded);
        let mut values = vec![0u64; 2 * SHARDS];
        values[0] = 1;
        values[2 * (SHARDS - 1)] = 5;
        merged.add(&cells(&values), &sharded, &SeriesMap::Same, true, 1);
        let RunValues::Counter(totals) = merged else { panic!("a counter") };
        assert_eq!(totals, [6], "every shard counts, the last one too");
    }

    #[test]
    fn histograms_add_bucket_by_bucket_from_consistent_snapshots() {
        // One series, two buckets: [started, bucket, +Inf, sum].
        let shape = run(CellKind::Histogram, 1, 4, 0);
        let mut merged = RunValues::empty(&shape);
        merged.add(&cells(&[3, 1, 2, 4.5f64.to_bits()]), &shape, &SeriesMap::Same, true, 1);
        // An exited process that died mid-observation (started counted, bucket not): read
        // once as it is.
        merged.add(&cells(&[2, 1, 0, 0.5f64.to_bits()]), &shape, &SeriesMap::Same, false, 2);
        let RunValues::Histogram { buckets, counts, sums, native } = merged else { panic!("a histogram") };
        assert_eq!((buckets, counts, sums, native), (2, vec![2, 2], vec![5.0], None));
    }

    #[test]
    fn native_buckets_gather_at_each_process_resolution_and_an_exited_process_counts_each_observation_once_in_both(
    ) {
        use crate::family::NativeShape;
        use crate::storage::native::native_cells;
        // Native buckets only: `[started, +Inf, sum]`, then windows of 4 buckets.
        let shape = NativeShape { schema: 2, zero_threshold: 0.0, max_buckets: 4 };
        let per_series = seqlock::FIXED_CELLS + 1 + native_cells(4);
        let native_run = Run { native: Some(shape), ..run(CellKind::Histogram, 1, per_series, 0) };
        let source = |counted: u64, sum: f64, zero: u64, buckets: [Vec<(i8, i32, u64)>; 2]| {
            let cells = cells(&vec![0; per_series]);
            [counted, counted, sum.to_bits()].iter().zip(&cells).for_each(|(value, cell)| {
                cell.store(*value, Ordering::Relaxed);
            });
            NativeCells::new(&cells[3..], 4).unwrap().store_counts(zero, &buckets);
            cells
        };
        let mut merged = RunValues::empty(&native_run);
        // A running process at schema 2, with one zero; an exited one that got to schema
        // 0 and died after counting two observations in the classic bucket only.
        let running = source(4, 6.0, 1, [vec![(2, 5, 3)], Vec::new()]);
        merged.add(&running, &native_run, &SeriesMap::Same, true, 1);
        let exited = source(3, 1.5, 0, [Vec::new(), vec![(0, 2, 1)]]);
        merged.add(&exited, &native_run, &SeriesMap::Same, false, 2);
        let RunValues::Histogram { counts, sums, native, .. } = merged else { panic!("a histogram") };
        assert_eq!((counts, sums), (vec![7], vec![7.5]));
        let expected = NativeCounts { zero: 1 + 2, buckets: [vec![(2, 5, 3)], vec![(0, 2, 1)]] };
        assert_eq!(native, Some(vec![expected]), "each at its schema; the exited one's two missing as zeros");
    }

    #[test]
    fn pid_labelled_gauges_keep_one_series_per_pid_and_live_modes_skip_exited_ones() {
        let shape = run(CellKind::Gauge(MultiprocessMode::All), 1, 1, 0);
        let mut merged = RunValues::empty(&shape);
        merged.add(&cells(&[2f64.to_bits()]), &shape, &SeriesMap::Same, true, 7);
        merged.add_exited([(7, vec![1.0]), (3, vec![5.0])].into_iter(), 1, &SeriesMap::Same);
        merged.finish();
        let RunValues::PerProcess { processes, .. } = &merged else { panic!("per process") };
        let shown: Vec<(u32, bool, f64)> =
            processes.iter().map(|process| (process.pid, process.live, process.values[0])).collect();
        assert_eq!(shown, [(3, false, 5.0), (7, true, 2.0)], "the running pid 7 wins over the exited one");

        let live = run(CellKind::Gauge(MultiprocessMode::LiveSum), 1, 1, 0);
        let mut merged = RunValues::empty(&live);
        merged.add(&cells(&[2f64.to_bits()]), &live, &SeriesMap::Same, true, 1);
        merged.add(&cells(&[5f64.to_bits()]), &live, &SeriesMap::Same, false, 2);
        let RunValues::Gauge { values, .. } = merged else { panic!("a gauge") };
        assert_eq!(values, [Some((2.0, 0))]);
    }
}
