//! What a scrape renders in multiprocess mode: every registered family whose values live
//! in cells, shown with the values of every process merged. The merge is read once per
//! scrape ([`scrape`]); each family is then rendered through a [`MergedFamily`], a
//! `Family` like any other, so every exposition format shows merged values without
//! knowing of processes. A `pid`-labelled gauge (modes `all` and `liveall`) has one
//! series per label combination and process, and its label text is rendered anew at
//! each scrape.
//!
//! The merge a family reads from is the one its scraping thread installed
//! ([`Merged::install`]): scrapes on several threads at once each read their own, and no
//! scrape waits for another.

use core::cell::Cell;
use core::marker::PhantomData;
use core::sync::atomic::Ordering;

use super::compact;
use super::layout::Layout;
use super::read::{appendix, appendix_position, is_all, open_sources, Layouts, ProcessValues, RunValues};
use super::state::{State, STATE};
use super::sys::Lock;
use crate::family::{CellKind, Family, MetricType, Number, Sample};
use crate::instruments::native::{self, NativeConfig};
use crate::registry::{registry, Registered};
use crate::storage::fork::{ForkHook, ForkSafeLock, Stage, FORK_HOOKS};

/// Reads a process family's value for the process of a pid (see
/// `Family::process_reader`).
type ProcessReader = fn(u32) -> Result<f64, crate::family::CollectError>;

/// How a scrape shows one registered family, built once by `init`.
pub(crate) struct View {
    /// The family as the exposition renders it: its meta, its merged values.
    metric: Registered,
    per_process: bool,
    /// A process family (the process collector's): one series per running process, read
    /// from the system at each scrape.
    reader: Option<ProcessReader>,
}

impl View {
    /// A view per registered family (`None`: shown as this process records it).
    pub(super) fn all(layout: &Layout) -> Vec<Option<View>> {
        registry()
            .all()
            .iter()
            .enumerate()
            .map(|(index, metric)| {
                let reader = metric.family.process_reader();
                let per_process = match layout.families.get(index).and_then(Option::as_ref) {
                    Some(runs) => matches!(
                        runs.as_slice(),
                        [run] if matches!(layout.runs[*run].kind, CellKind::Gauge(mode) if mode.per_process())
                    ),
                    None if reader.is_some() => true,
                    None => return None,
                };
                // One per family, for the life of the program, as the registry's own.
                let family: &'static MergedFamily =
                    Box::leak(Box::new(MergedFamily { index, original: metric.family, per_process }));
                Some(View { metric: Registered::new(metric.meta, family), per_process, reader })
            })
            .collect()
    }
}

/// One scrape's merged values: of every run of this build, over every process.
pub(crate) struct Merged {
    state: &'static State,
    runs: Vec<RunValues>,
    /// Per registered family: a process family's value in every running process.
    processes: Vec<Option<Vec<ProcessValues>>>,
}

/// Reads and merges every process's values for one scrape; `None` when the
/// multiprocess mode is not started.
pub(crate) fn scrape() -> Option<Merged> {
    let state = STATE.get()?;
    Some(merge(state))
}

fn merge(state: &'static State) -> Merged {
    let mut runs: Vec<RunValues> = state.layout.runs.iter().map(RunValues::empty).collect();
    // Shared, so no compaction moves files while they are read; a compactor that holds
    // it for longer than the patience (stopped?) is not waited for.
    let held = state.directory.lock(Lock::Shared, true).ok().flatten();
    let (sources, exited) = open_sources(state).unwrap_or_default();
    let mut layouts = Layouts::new(state);
    for source in &sources {
        let Some(matched) = layouts.get(source.header.layout) else { continue };
        for (local, found) in matched.local.iter().enumerate() {
            let Some((index, map)) = found else { continue };
            let run = &matched.runs[*index];
            if source.header.archive && is_all(run) {
                // Exited processes' `pid`-labelled values are kept one by one, after the runs.
                let (start, entry) = appendix(&matched.runs);
                let position = appendix_position(&matched.runs, *index);
                let count = source.header.appendix_entries as usize;
                let Some(cells) = source.mapped.cells(start as usize, count * entry) else { continue };
                let entries = cells.chunks_exact(entry).map(|cells| {
                    let values = &cells[position..position + run.series];
                    let values =
                        values.iter().map(|cell| f64::from_bits(cell.load(Ordering::Relaxed))).collect();
                    (cells[0].load(Ordering::Relaxed) as u32, values)
                });
                runs[local].add_exited(entries, run.series, map);
                continue;
            }
            let Some(cells) = source.mapped.cells(run.offset as usize, run.cells) else { continue };
            runs[local].add(cells, run, map, source.live, source.header.pid);
        }
    }
    runs.iter_mut().for_each(RunValues::finish);
    let mut running: Vec<u32> =
        sources.iter().filter(|source| source.live).map(|source| source.header.pid).collect();
    running.sort_unstable();
    running.dedup();
    drop(held);
    let processes = state
        .views
        .iter()
        .map(|view| {
            let read = view.as_ref()?.reader?;
            // A process that exited since its file was read is left out.
            let values = running.iter().filter_map(|pid| {
                let value = read(*pid).ok()?;
                Some(ProcessValues { pid: *pid, live: true, values: vec![value] })
            });
            Some(values.collect())
        })
        .collect();
    let mut problems: Vec<(u64, Vec<String>)> = Vec::new();
    for (layout, problem) in layouts.problems {
        match problems.iter_mut().find(|(held, _)| *held == layout) {
            Some((_, held)) => held.push(problem),
            None => problems.push((layout, vec![problem])),
        }
    }
    for (layout, problems) in problems {
        report_once(layout, &problems.join("; "));
    }
    let metrics = registry().all();
    for metric in state.layout.runtime_labelled.iter().filter_map(|index| metrics.get(*index)) {
        if metric.family.series_generation().is_some_and(|existing| existing > 0) {
            report_runtime_labels_once(metric.meta.name);
        }
    }
    drop(sources);
    if exited {
        // Fold the exited processes' files into their archives now, if no other process
        // is at it; this scrape has read them already.
        if let Ok(Some(_held)) = state.directory.lock(Lock::Exclusive, false) {
            if let Err(error) = compact::compact(state) {
                report_once(0, &format!("compacting the files of exited processes failed: {error}"));
            }
        }
    }
    Merged { state, runs, processes }
}

thread_local! {
    /// The merge the scrape running on this thread renders from.
    static CURRENT: Cell<*const Merged> = const { Cell::new(core::ptr::null()) };
}

/// While alive, the families rendered on this thread read from one merge.
pub(crate) struct Installed<'a> {
    previous: *const Merged,
    merged: PhantomData<&'a Merged>,
}

impl Drop for Installed<'_> {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|current| current.set(self.previous));
    }
}

impl Merged {
    /// Makes this the merge that families rendered on this thread read, until the guard
    /// drops (a render within a render installs its own and gives the outer one back).
    pub(crate) fn install(&self) -> Installed<'_> {
        let previous = CURRENT.try_with(|current| current.replace(self)).unwrap_or(core::ptr::null());
        Installed { previous, merged: PhantomData }
    }

    /// How the registered family `index` renders merged: its `Registered` and whether
    /// its label text changes from scrape to scrape (a `pid` label); `None`: as recorded
    /// by this process.
    pub(crate) fn view(&self, index: usize) -> Option<(&'static Registered, bool)> {
        let view = self.state.views.get(index)?.as_ref()?;
        Some((&view.metric, view.per_process))
    }

    fn runs_of(&self, index: usize) -> &'static [usize] {
        self.state.layout.families.get(index).and_then(|runs| runs.as_deref()).unwrap_or(&[])
    }

    /// The processes of a `pid`-labelled family.
    fn processes(&self, index: usize) -> &[ProcessValues] {
        if let Some(Some(read)) = self.processes.get(index) {
            return read;
        }
        match self.runs_of(index).first().and_then(|run| self.runs.get(*run)) {
            Some(RunValues::PerProcess { processes, .. }) => processes,
            _ => &[],
        }
    }

    fn read(&self, index: usize, original: &dyn Family, series: usize, out: &mut Sample, per_process: bool) {
        let runs = self.runs_of(index);
        if per_process {
            let processes = self.processes(index);
            let Some(process) = processes.get(series % processes.len().max(1)) else { return };
            let value = process.values.get(series / processes.len()).copied().unwrap_or(0.0);
            out.value = Some(Number::Float(value));
            return;
        }
        let (mut integer, mut float, mut sum) = (0u64, 0.0f64, 0.0f64);
        let mut counts = core::mem::take(&mut out.cumulative_buckets);
        counts.clear();
        let mut integral = true;
        let mut scratch = core::mem::take(&mut out.native_scratch);
        native::start(&mut scratch);
        let mut config = None;
        original.series_storage(series, &mut |run, series| match runs.get(run).and_then(|run| {
            if config.is_none() {
                config = self.state.layout.runs.get(*run)?.native.and_then(NativeConfig::from_shape);
            }
            self.runs.get(*run)
        }) {
            Some(RunValues::Counter(totals)) => {
                integer = integer.wrapping_add(totals.get(series).copied().unwrap_or(0))
            }
            Some(RunValues::Float(totals)) => {
                integral = false;
                float += totals.get(series).copied().unwrap_or(0.0);
            }
            Some(RunValues::Gauge { values, .. }) => {
                integral = false;
                float += values.get(series).copied().flatten().map_or(0.0, |(value, _)| value);
            }
            Some(RunValues::Histogram { buckets, counts: merged, sums, native }) => {
                let Some(merged) = merged.get(series * buckets..(series + 1) * buckets) else { return };
                counts.resize(*buckets, 0);
                counts.iter_mut().zip(merged).for_each(|(count, add)| *count = count.wrapping_add(*add));
                sum += sums.get(series).copied().unwrap_or(0.0);
                if let Some(gathered) = native.as_ref().and_then(|native| native.get(series)) {
                    scratch.zero = scratch.zero.wrapping_add(gathered.zero);
                    for (into, from) in scratch.buckets.iter_mut().zip(&gathered.buckets) {
                        into.extend_from_slice(from);
                    }
                }
            }
            Some(RunValues::PerProcess { .. }) | None => {}
        });
        match original.metric_type() {
            MetricType::Histogram | MetricType::Summary => {
                let mut running = 0u64;
                for count in counts.iter_mut() {
                    running = running.wrapping_add(*count);
                    *count = running;
                }
                (out.count, out.sum) = (running, sum);
                if original.metric_type() == MetricType::Summary {
                    counts.clear();
                }
                out.cumulative_buckets = counts;
                if let Some(config) = config {
                    native::finish(&mut scratch, config, out.native_mut());
                }
            }
            _ => {
                out.cumulative_buckets = counts;
                out.value = Some(match integral {
                    true => Number::Int(integer),
                    false => Number::Float(float),
                });
            }
        }
        out.native_scratch = scratch;
    }
}

/// Runs `read` with the merge installed on this thread, if any.
fn with_current<R>(read: impl FnOnce(&Merged) -> R) -> Option<R> {
    let current = CURRENT.try_with(Cell::get).ok()?;
    #[allow(unsafe_code)]
    // SAFETY: a non-null pointer was installed by `Merged::install` on this thread and
    // is reset before the guard — which borrows the merge — drops.
    let merged = unsafe { current.as_ref() }?;
    Some(read(merged))
}

/// A registered family as a multiprocess scrape shows it.
struct MergedFamily {
    index: usize,
    original: &'static dyn Family,
    per_process: bool,
}

impl Family for MergedFamily {
    fn metric_type(&self) -> MetricType {
        self.original.metric_type()
    }
    fn label_names(&self, metric_name: &'static str, out: &mut Vec<&'static str>) {
        self.original.label_names(metric_name, out);
        if self.per_process {
            out.push("pid");
        }
    }
    fn series_count(&self) -> usize {
        match self.per_process {
            true => {
                with_current(|merged| merged.processes(self.index).len()).unwrap_or(0)
                    * self.original.series_count()
            }
            false => self.original.series_count(),
        }
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        if !self.per_process {
            return self.original.label_values(series, out);
        }
        let pid = with_current(|merged| {
            let processes = merged.processes(self.index);
            (!processes.is_empty())
                .then(|| (series / processes.len(), processes[series % processes.len()].pid))
        });
        if let Some(Some((base, pid))) = pid {
            self.original.label_values(base, out);
            out.push(pid_text(pid));
        }
    }
    fn bucket_bounds(&self) -> &[f64] {
        self.original.bucket_bounds()
    }
    fn native_max_buckets(&self) -> Option<usize> {
        self.original.native_max_buckets()
    }
    fn read(&self, series: usize, out: &mut Sample) {
        with_current(|merged| merged.read(self.index, self.original, series, out, self.per_process));
    }
    fn exemplar_key(&self, series: usize) -> Option<usize> {
        // This process's own exemplars: the table is in its memory.
        (!self.per_process).then(|| self.original.exemplar_key(series)).flatten()
    }
}

/// What a process has said or named once: the `pid` label values it rendered (label
/// values are `&'static str`; one string per pid for the life of the process, so a
/// service that restarts workers for ever holds one small string per worker it saw) and
/// what it reported (problems with layouts, families it does not merge).
struct Seen {
    pids: Vec<(u32, &'static str)>,
    reported: Vec<Reported>,
}

/// What a process says on stderr once.
#[derive(PartialEq)]
enum Reported {
    /// A problem with the files of a layout.
    Layout(u64),
    /// A family labelled by values registered at run time is not merged.
    RuntimeLabels(&'static str),
}

static SEEN: ForkSafeLock<Seen> = ForkSafeLock::new(Seen { pids: Vec::new(), reported: Vec::new() });

#[allow(unsafe_code)] // linkme places the hook in a link section.
#[linkme::distributed_slice(FORK_HOOKS)]
static SEEN_AFTER_FORK: ForkHook = ForkHook::new(
    Stage::Repair,
    || SEEN.hold_for_fork(),
    || SEEN.release_in_parent(),
    // A vanished holder may have left the lists mid-change: start them again (clearing
    // frees nothing: no allocation in the child).
    || {
        SEEN.release_in_child(|seen| {
            seen.pids.clear();
            seen.reported.clear();
        })
    },
);

fn pid_text(pid: u32) -> &'static str {
    let leak = || -> &'static str { Box::leak(pid.to_string().into_boxed_str()) };
    let Some(mut seen) = SEEN.lock() else { return leak() };
    match seen.pids.binary_search_by_key(&pid, |(pid, _)| *pid) {
        Ok(found) => seen.pids[found].1,
        Err(at) => {
            let text = leak();
            seen.pids.insert(at, (pid, text));
            text
        }
    }
}

/// Reports a problem with the files of `layout` on stderr, once per layout.
fn report_once(layout: u64, problem: &str) {
    if first_report(Reported::Layout(layout)) {
        eprintln!("metricsmith: multiprocess: files of layout {layout:016x}: {problem}");
    }
}

/// Says on stderr, once per family, that a family labelled by values registered at run
/// time shows this process's values only.
fn report_runtime_labels_once(name: &'static str) {
    if first_report(Reported::RuntimeLabels(name)) {
        eprintln!(
            "metricsmith: multiprocess: `{name}` is not merged: its label values are registered at run time, \
             in each process in its own order, so each scrape shows the serving process's own values; \
             label it with an enum (`#[derive(LabelValue)]` on an enum) to merge it"
        );
    }
}

/// Whether `what` is reported for the first time (and notes it).
fn first_report(what: Reported) -> bool {
    SEEN.lock().is_some_and(|mut seen| {
        let first = !seen.reported.contains(&what);
        if first {
            seen.reported.push(what);
        }
        first
    })
}
