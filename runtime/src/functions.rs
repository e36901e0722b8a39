//! What `#[timed]`, `#[counted]` and `#[in_flight]` record into.
//!
//! Without `name`/`metric`, an instrumented function records into three shared
//! families, named and labelled as autometrics names them so its dashboards and alert
//! rules work unchanged:
//!
//! | attribute      | family                                        | labels                        |
//! |----------------|-----------------------------------------------|-------------------------------|
//! | `#[counted]`   | `function_calls_total` (counter)              | `function`, `module`, `result` |
//! | `#[timed]`     | `function_calls_duration_seconds` (histogram) | `function`, `module`          |
//! | `#[in_flight]` | `function_calls_concurrent` (gauge)           | `function`, `module`          |
//!
//! Each instrumented function owns a *site*: a static with its own cells, listed in a
//! link-time slice per family. The families below render one series per site (per
//! `result` for the counter), so every function's series exist at 0 from start-up and
//! recording touches only the function's own cells: no lookup, no lock.
//!
//! A call is tracked by a [`Call`] guard that the macros create before the body runs
//! and that records on every exit path: return, `?`, early `return`, panic, and for an
//! `async fn` cancellation (the future dropped before completing).

use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::AtomicU64;
use core::task::{Context, Poll};
use std::sync::OnceLock;

use crate::clock;
use crate::family::{Family, Meta, MetricType, Number, Sample};
use crate::labels::{LabelSet, LabelValue};
use crate::metrics::shard::Layout;
use crate::metrics::{
    Cells, Counter, CounterSeries, Gauge, GaugeSeries, Histogram, HistogramSeries, COUNTER_CELLS,
    DEFAULT_BUCKETS, HISTOGRAM_CELLS,
};
use crate::registry::{Registration, REGISTRY};

/// How an instrumented call ended: the `result` label of `function_calls_total` and of
/// counters given to `#[counted]`.
///
/// - `ok`: returned (for a `Result`, returned `Ok`);
/// - `error`: returned `Err` (functions whose return type is a `Result`);
/// - `panic`: the body panicked (the panic then continues unchanged);
/// - `cancelled`: an `async fn` whose future was dropped before it completed.
///
/// A counter given to `#[counted(metric = STATIC)]` ends its label set with this type:
///
/// ```
/// use metricsmith::{counted, metric, CallResult, Counter, LabelValue};
///
/// #[derive(LabelValue, Clone, Copy)]
/// #[label(name = "method")]
/// enum PaymentMethod { Card, Wallet }
///
/// /// Refund attempts, by payment method and result.
/// #[metric]
/// static REFUNDS_TOTAL: Counter<(PaymentMethod, CallResult)>;
///
/// #[counted(metric = REFUNDS_TOTAL, labels(method = method))]
/// fn refund(method: PaymentMethod, cents: u64) -> Result<(), String> {
///     if cents == 0 { return Err("nothing to refund".into()) }
///     Ok(())
/// }
///
/// refund(PaymentMethod::Card, 100).unwrap();
/// refund(PaymentMethod::Card, 0).unwrap_err();
/// assert_eq!(REFUNDS_TOTAL.labels((PaymentMethod::Card, CallResult::Ok)).get(), 1);
/// assert_eq!(REFUNDS_TOTAL.labels((PaymentMethod::Card, CallResult::Error)).get(), 1);
/// ```
#[derive(crate::LabelValue, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[label(name = "result")]
pub enum CallResult {
    /// The call returned (a `Result` returned `Ok`).
    Ok,
    /// The call returned `Err`.
    Error,
    /// The call panicked.
    Panic,
    /// The call's future was dropped before it completed.
    Cancelled,
}

const RESULTS: [CallResult; 4] =
    [CallResult::Ok, CallResult::Error, CallResult::Panic, CallResult::Cancelled];
const RESULT_COUNT: usize = RESULTS.len();
/// A `#[counted]` site: one counter series per result, sharded like any small counter.
const COUNTED_LAYOUT: Layout = Layout::new(RESULT_COUNT, COUNTER_CELLS, 0);
const COUNTED_CELLS: usize = COUNTED_LAYOUT.total;
/// A `#[timed]` site: one histogram series with the default buckets.
const TIMED_CELLS: usize = Layout::new(1, HISTOGRAM_CELLS, DEFAULT_BUCKETS.len()).total;

// ---------------------------------------------------------------------------
// The per-call guard
// ---------------------------------------------------------------------------

/// Tracks one call of an instrumented function and records it exactly once.
///
/// Built before the body runs: `in_flight` adds one to its gauge, `timed` starts the
/// clock (so it is added last, after the other setup). A sync function's call records
/// when the guard drops: `panic` if the body is unwinding, otherwise `ok` — unless
/// [`finish`](Self::finish) already recorded the returned `Result`. An `async fn`'s call
/// is polled through [`poll`](Self::poll), which records `panic` while the panic
/// unwinds; dropped unfinished, it records `cancelled`.
#[doc(hidden)]
#[derive(Debug)]
pub struct Call {
    /// The series of the first [`CallResult`]; the others follow in index order.
    results: Option<CounterSeries>,
    timer: Option<(HistogramSeries, clock::Start)>,
    in_flight: Option<GaugeSeries>,
    mode: Mode,
    recorded: bool,
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// A sync call. `unwinding_at_start`: the call began inside a `Drop` run by another
    /// panic, so `std::thread::panicking()` says nothing about this call.
    Sync { unwinding_at_start: bool },
    /// An `async fn`'s call: panics are seen in `poll`; an unfinished drop is a cancel.
    Future,
}

impl Call {
    /// A guard for a sync function's call.
    #[inline]
    pub fn sync() -> Self {
        // Whether the call began during another panic matters only to the result,
        // which only `counted` records: it asks then.
        Call::new(Mode::Sync { unwinding_at_start: false })
    }

    /// A guard for an `async fn`'s call, created when its future is first polled.
    #[inline]
    pub fn future() -> Self {
        Call::new(Mode::Future)
    }

    #[inline]
    fn new(mode: Mode) -> Self {
        Call { results: None, timer: None, in_flight: None, mode, recorded: false }
    }

    /// Counts the call's result into the run of series starting at `results`, one per
    /// [`CallResult`] in index order.
    #[inline]
    pub fn counted(mut self, results: CounterSeries) -> Self {
        self.results = Some(results);
        if let Mode::Sync { unwinding_at_start } = &mut self.mode {
            *unwinding_at_start = std::thread::panicking();
        }
        self
    }

    /// Adds one to `series` until the call ends.
    #[inline]
    pub fn in_flight(mut self, series: GaugeSeries) -> Self {
        series.inc();
        self.in_flight = Some(series);
        self
    }

    /// Starts the clock; the call's duration is observed into `series` when it ends.
    #[inline]
    pub fn timed(mut self, series: HistogramSeries) -> Self {
        self.timer = Some((series, clock::start()));
        self
    }

    /// Records the call as ended with `result` (once; later calls and the drop do nothing).
    #[inline]
    pub fn finish(&mut self, result: CallResult) {
        if self.recorded {
            return;
        }
        self.recorded = true;
        if let Some((series, start)) = self.timer {
            series.observe(clock::seconds_since(start));
        }
        if let Some(results) = self.results {
            results.offset(result as usize).inc();
        }
        if let Some(series) = self.in_flight {
            series.dec();
        }
    }

    /// Polls the body's future; if the poll panics, records `panic` while it unwinds.
    #[inline]
    pub fn poll<F: Future>(&mut self, future: Pin<&mut F>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let watch = PanicWatch { already_unwinding: std::thread::panicking(), call: self };
        let poll = future.poll(cx);
        core::mem::forget(watch);
        poll
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if self.recorded {
            return;
        }
        if self.results.is_none() {
            // Timed or in flight only: the result is not recorded, so no need to ask
            // whether the body panicked.
            self.finish(CallResult::Ok);
            return;
        }
        let result = match self.mode {
            Mode::Sync { unwinding_at_start } if std::thread::panicking() && !unwinding_at_start => {
                CallResult::Panic
            }
            Mode::Sync { .. } => CallResult::Ok,
            Mode::Future => CallResult::Cancelled,
        };
        self.finish(result);
    }
}

/// Lives on the stack of one poll; only dropped (rather than forgotten) when the poll
/// unwinds.
struct PanicWatch<'a> {
    call: &'a mut Call,
    already_unwinding: bool,
}

impl Drop for PanicWatch<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.already_unwinding {
            self.call.finish(CallResult::Panic);
        }
    }
}

/// Runs a sync body written as a closure, so `return` and `?` inside it end the body
/// and hand its value back for inspection.
#[doc(hidden)]
#[inline(always)]
pub fn call<R, F: FnOnce() -> R>(body: F) -> R {
    body()
}

/// Autoref probe for the returned value: `(&Outcome(&value)).__metricsmith_outcome()`
/// is `ok`/`error` for a `Result` and `ok` for anything else.
#[doc(hidden)]
pub struct Outcome<'a, T>(pub &'a T);

/// See [`Outcome`]: chosen when the value is a `Result`.
#[doc(hidden)]
pub trait ResultOutcome {
    /// `ok` or `error`.
    fn __metricsmith_outcome(&self) -> CallResult;
}

impl<T, E> ResultOutcome for Outcome<'_, Result<T, E>> {
    #[inline]
    fn __metricsmith_outcome(&self) -> CallResult {
        match self.0 {
            Ok(_) => CallResult::Ok,
            Err(_) => CallResult::Error,
        }
    }
}

/// See [`Outcome`]: chosen for every other value.
#[doc(hidden)]
pub trait OtherOutcome {
    /// Always `ok`.
    fn __metricsmith_outcome(&self) -> CallResult;
}

impl<T> OtherOutcome for &Outcome<'_, T> {
    #[inline]
    fn __metricsmith_outcome(&self) -> CallResult {
        CallResult::Ok
    }
}

// ---------------------------------------------------------------------------
// Dedicated metrics: `name = "..."` and `metric = STATIC`
// ---------------------------------------------------------------------------

/// A metric `#[timed]` can record into.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[timed(metric = ...)]` records into a `Histogram<{L}>`, but this metric is a `{Self}`",
    label = "expected a `Histogram<{L}>`",
    note = "the histogram's labels are the bound arguments' types in `labels(...)` order: `Histogram` for none, `Histogram<T>` for one, `Histogram<(T1, T2, ..)>` for more"
)]
pub trait TimedMetric<L> {
    /// The series at a label-set index.
    fn __metricsmith_series(&'static self, index: usize) -> HistogramSeries;
}

impl<L: LabelSet> TimedMetric<L> for Histogram<L> {
    #[inline]
    fn __metricsmith_series(&'static self, index: usize) -> HistogramSeries {
        self.series_at(index)
    }
}

/// A metric `#[counted]` can record into.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[counted(metric = ...)]` records into a `Counter<{L}>`, but this metric is a `{Self}`",
    label = "expected a `Counter<{L}>`",
    note = "the counter's labels are the bound arguments' types in `labels(...)` order, then `metricsmith::CallResult`: `Counter<CallResult>` for none, `Counter<(T, CallResult)>` for one, and so on"
)]
pub trait CountedMetric<L> {
    /// The first series of one label combination's `result` values.
    fn __metricsmith_results(&'static self, index: usize) -> CounterSeries;
}

impl<L: LabelSet> CountedMetric<L> for Counter<L> {
    #[inline]
    fn __metricsmith_results(&'static self, index: usize) -> CounterSeries {
        // `result` is the last label, so its values are adjacent series.
        self.run_at(index.wrapping_mul(RESULT_COUNT), RESULT_COUNT)
    }
}

/// A metric `#[in_flight]` can record into.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[in_flight(metric = ...)]` records into a `Gauge<{L}>`, but this metric is a `{Self}`",
    label = "expected a `Gauge<{L}>`",
    note = "the gauge's labels are the bound arguments' types in `labels(...)` order: `Gauge` for none, `Gauge<T>` for one, `Gauge<(T1, T2, ..)>` for more"
)]
pub trait InFlightMetric<L> {
    /// The series at a label-set index.
    fn __metricsmith_series(&'static self, index: usize) -> GaugeSeries;
}

impl<L: LabelSet> InFlightMetric<L> for Gauge<L> {
    #[inline]
    fn __metricsmith_series(&'static self, index: usize) -> GaugeSeries {
        self.series_at(index)
    }
}

/// The series of `metric` at label-set `index`, checking it is a `Histogram<L>`.
#[doc(hidden)]
#[inline]
pub fn timed_series<L, M: TimedMetric<L> + 'static>(metric: &'static M, index: usize) -> HistogramSeries {
    metric.__metricsmith_series(index)
}

/// The `result` series of `metric` at label-set `index`, checking it is a `Counter<L>`.
#[doc(hidden)]
#[inline]
pub fn counted_cells<L, M: CountedMetric<L> + 'static>(metric: &'static M, index: usize) -> CounterSeries {
    metric.__metricsmith_results(index)
}

/// The series of `metric` at label-set `index`, checking it is a `Gauge<L>`.
#[doc(hidden)]
#[inline]
pub fn in_flight_series<L, M: InFlightMetric<L> + 'static>(metric: &'static M, index: usize) -> GaugeSeries {
    metric.__metricsmith_series(index)
}

/// `a == b` in a const context, for the label-name check of `metric = STATIC`.
#[doc(hidden)]
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut position = 0;
    while position < a.len() {
        if a[position] != b[position] {
            return false;
        }
        position += 1;
    }
    true
}

/// Whether a `#[timed(metric = ...)]` target records seconds: a histogram whose name
/// ends in `_seconds`. `None` (not a histogram) passes here: the type check reports that.
#[doc(hidden)]
pub const fn records_seconds(histogram_name: Option<&str>) -> bool {
    let Some(name) = histogram_name else { return true };
    let (name, suffix) = (name.as_bytes(), b"_seconds".as_slice());
    if name.len() < suffix.len() {
        return false;
    }
    let start = name.len() - suffix.len();
    let mut position = 0;
    while position < suffix.len() {
        if name[start + position] != suffix[position] {
            return false;
        }
        position += 1;
    }
    true
}

// ---------------------------------------------------------------------------
// Sites of the shared families
// ---------------------------------------------------------------------------

/// A `#[counted]` function's cells in `function_calls_total`.
#[doc(hidden)]
#[derive(Debug)]
pub struct CountedSite {
    function: &'static str,
    module: &'static str,
    fallible: bool,
    future: bool,
    cells: Cells<COUNTED_CELLS>,
}

impl CountedSite {
    /// `fallible`: returns a `Result` (renders `error`); `future`: an `async fn`
    /// (renders `cancelled`).
    pub const fn new(function: &'static str, module: &'static str, fallible: bool, future: bool) -> Self {
        CountedSite { function, module, fallible, future, cells: Cells::new() }
    }

    /// The series of the first [`CallResult`]; the others follow in index order.
    #[inline]
    pub fn cells(&'static self) -> CounterSeries {
        CounterSeries::first_of(&self.cells.0, COUNTED_LAYOUT)
    }

    fn renders(&self, result: CallResult) -> bool {
        match result {
            CallResult::Ok | CallResult::Panic => true,
            CallResult::Error => self.fallible,
            CallResult::Cancelled => self.future,
        }
    }
}

/// A `#[timed]` function's histogram in `function_calls_duration_seconds`.
#[doc(hidden)]
#[derive(Debug)]
pub struct TimedSite {
    function: &'static str,
    module: &'static str,
    cells: Cells<TIMED_CELLS>,
}

impl TimedSite {
    /// A site with every bucket at 0.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        TimedSite { function, module, cells: Cells::new() }
    }

    /// The histogram series, with [`DEFAULT_BUCKETS`].
    #[inline]
    pub fn series(&'static self) -> HistogramSeries {
        HistogramSeries::from_cells(&DEFAULT_BUCKETS, &self.cells.0)
    }
}

/// An `#[in_flight]` function's gauge in `function_calls_concurrent`.
#[doc(hidden)]
#[derive(Debug)]
pub struct InFlightSite {
    function: &'static str,
    module: &'static str,
    cell: AtomicU64,
}

impl InFlightSite {
    /// A site at 0 calls in progress.
    pub const fn new(function: &'static str, module: &'static str) -> Self {
        // 0.0 is all zero bits.
        InFlightSite { function, module, cell: AtomicU64::new(0) }
    }

    /// The gauge series.
    #[inline]
    pub fn series(&'static self) -> GaugeSeries {
        GaugeSeries::from_cell(&self.cell)
    }
}

#[allow(unsafe_code)] // linkme places the slices in link sections.
mod slices {
    /// Every `#[counted]` function without `name`/`metric`.
    #[linkme::distributed_slice]
    pub static COUNTED_SITES: [&'static super::CountedSite];

    /// Every `#[timed]` function without `name`/`metric`.
    #[linkme::distributed_slice]
    pub static TIMED_SITES: [&'static super::TimedSite];

    /// Every `#[in_flight]` function without `name`/`metric`.
    #[linkme::distributed_slice]
    pub static IN_FLIGHT_SITES: [&'static super::InFlightSite];
}
#[doc(hidden)]
pub use slices::{COUNTED_SITES, IN_FLIGHT_SITES, TIMED_SITES};

// ---------------------------------------------------------------------------
// The shared families
// ---------------------------------------------------------------------------

/// What the families need of a site: which function it is.
trait Site: Sync + 'static {
    fn key(&self) -> (&'static str, &'static str);
}

macro_rules! site_key {
    ($($site:ty),*) => {$(
        impl Site for $site {
            fn key(&self) -> (&'static str, &'static str) {
                (self.module, self.function)
            }
        }
    )*};
}
site_key!(CountedSite, TimedSite, InFlightSite);

/// The sites of one `function`/`module` pair. Usually one; two methods of the same
/// name in one module (`A::new`, `B::new`) share the pair, and their values are summed
/// so the exposition never holds two series with the same labels.
struct Function<S: 'static> {
    module: &'static str,
    function: &'static str,
    sites: Vec<&'static S>,
}

/// Sites sorted by (module, function), sites with the same pair merged.
fn by_function<S: Site>(sites: &[&'static S]) -> Vec<Function<S>> {
    let mut sorted = sites.to_vec();
    sorted.sort_by_key(|site| site.key());
    let mut functions: Vec<Function<S>> = Vec::new();
    for site in sorted {
        let (module, function) = site.key();
        match functions.last_mut() {
            Some(last) if last.module == module && last.function == function => last.sites.push(site),
            _ => functions.push(Function { module, function, sites: vec![site] }),
        }
    }
    functions
}

/// `function_calls_total`: one series per function and applicable `result`.
struct CountedFamily {
    series: OnceLock<Vec<(Function<CountedSite>, CallResult)>>,
}

impl CountedFamily {
    fn series(&self) -> &[(Function<CountedSite>, CallResult)] {
        self.series.get_or_init(|| {
            let mut series = Vec::new();
            for function in by_function(&COUNTED_SITES) {
                for result in RESULTS {
                    if function.sites.iter().any(|site| site.renders(result)) {
                        let sites = function.sites.clone();
                        series.push((Function { sites, ..function }, result));
                    }
                }
            }
            series
        })
    }
}

impl Family for CountedFamily {
    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        out.extend(["function", "module", "result"]);
    }
    fn series_count(&self) -> usize {
        self.series().len()
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        if let Some((function, result)) = self.series().get(series) {
            out.extend([function.function, function.module, result.as_str()]);
        }
    }
    fn read(&self, series: usize, out: &mut Sample) {
        if let Some((function, result)) = self.series().get(series) {
            let total = function
                .sites
                .iter()
                .map(|site| site.cells().offset(*result as usize).get())
                .fold(0u64, u64::wrapping_add);
            out.value = Some(Number::Int(total));
        }
    }
}

/// A family with one series per function: `function_calls_duration_seconds` and
/// `function_calls_concurrent`.
trait PerFunctionSite: Site + Sized {
    const TYPE: MetricType;
    const BOUNDS: &'static [f64] = &[];
    /// The link-time slice of these sites.
    fn sites() -> &'static [&'static Self];
    /// Reads the sum of `sites` (one function) into `out`.
    fn read(sites: &[&'static Self], out: &mut Sample);
    /// In a forked child: repairs this site's storage (see `Family::repair_after_fork`).
    fn repair_after_fork(&'static self) {}
}

impl PerFunctionSite for TimedSite {
    const TYPE: MetricType = MetricType::Histogram;
    const BOUNDS: &'static [f64] = &DEFAULT_BUCKETS;

    fn sites() -> &'static [&'static Self] {
        &TIMED_SITES
    }

    fn read(sites: &[&'static Self], out: &mut Sample) {
        // Same-named functions in one module add up into one series.
        (out.count, out.sum) =
            HistogramSeries::read_all(sites.iter().map(|site| site.series()), &mut out.cumulative_buckets);
    }

    fn repair_after_fork(&'static self) {
        self.series().repair_after_fork();
    }
}

impl PerFunctionSite for InFlightSite {
    const TYPE: MetricType = MetricType::Gauge;

    fn sites() -> &'static [&'static Self] {
        &IN_FLIGHT_SITES
    }

    fn read(sites: &[&'static Self], out: &mut Sample) {
        out.value = Some(Number::Float(sites.iter().map(|site| site.series().get()).sum()));
    }
}

struct PerFunctionFamily<S: 'static> {
    series: OnceLock<Vec<Function<S>>>,
}

impl<S: PerFunctionSite> PerFunctionFamily<S> {
    const fn new() -> Self {
        PerFunctionFamily { series: OnceLock::new() }
    }

    fn series(&self) -> &[Function<S>] {
        self.series.get_or_init(|| by_function(S::sites()))
    }
}

impl<S: PerFunctionSite> Family for PerFunctionFamily<S> {
    fn metric_type(&self) -> MetricType {
        S::TYPE
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        out.extend(["function", "module"]);
    }
    fn series_count(&self) -> usize {
        self.series().len()
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        if let Some(function) = self.series().get(series) {
            out.extend([function.function, function.module]);
        }
    }
    fn bucket_bounds(&self) -> &[f64] {
        S::BOUNDS
    }
    fn read(&self, series: usize, out: &mut Sample) {
        if let Some(function) = self.series().get(series) {
            S::read(&function.sites, out);
        }
    }
    fn repair_after_fork(&self) {
        // The link-time slice, not `series()`: that is built lazily, with allocation.
        S::sites().iter().for_each(|site| site.repair_after_fork());
    }
}

static COUNTED: CountedFamily = CountedFamily { series: OnceLock::new() };
static TIMED: PerFunctionFamily<TimedSite> = PerFunctionFamily::new();
static IN_FLIGHT: PerFunctionFamily<InFlightSite> = PerFunctionFamily::new();

static COUNTED_META: Meta = Meta {
    name: "function_calls_total",
    help: "Calls of functions instrumented with #[counted], by function, module and result (ok, error, panic, cancelled).",
    file: file!(),
    line: line!(),
    module: module_path!(),
};

static TIMED_META: Meta = Meta {
    name: "function_calls_duration_seconds",
    help: "Duration of calls of functions instrumented with #[timed], in seconds.",
    file: file!(),
    line: line!(),
    module: module_path!(),
};

static IN_FLIGHT_META: Meta = Meta {
    name: "function_calls_concurrent",
    help: "Calls in progress of functions instrumented with #[in_flight].",
    file: file!(),
    line: line!(),
    module: module_path!(),
};

#[allow(unsafe_code)] // linkme places the entries in a link section.
mod entries {
    use super::*;

    #[linkme::distributed_slice(REGISTRY)]
    static COUNTED_ENTRY: Registration = Registration::Metric { meta: &COUNTED_META, family: &COUNTED };

    #[linkme::distributed_slice(REGISTRY)]
    static TIMED_ENTRY: Registration = Registration::Metric { meta: &TIMED_META, family: &TIMED };

    #[linkme::distributed_slice(REGISTRY)]
    static IN_FLIGHT_ENTRY: Registration = Registration::Metric { meta: &IN_FLIGHT_META, family: &IN_FLIGHT };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_eq_compares_bytes() {
        assert!(str_eq("method", "method"));
        assert!(!str_eq("method", "methods"));
        assert!(!str_eq("method", "mEthod"));
        assert!(str_eq("", ""));
    }

    #[test]
    fn records_seconds_reads_the_unit_suffix() {
        assert!(records_seconds(Some("payment_gateway_duration_seconds")));
        assert!(!records_seconds(Some("payment_gateway_duration_ms")));
        assert!(!records_seconds(Some("seconds")));
        assert!(records_seconds(None), "not a histogram: the type check reports it");
    }

    #[test]
    // Written as the macros write it: the borrow is what lets non-`Result`s fall back.
    #[allow(clippy::needless_borrow)]
    fn outcome_probe_tells_results_from_other_values() {
        let ok: Result<u8, ()> = Ok(1);
        let err: Result<u8, ()> = Err(());
        assert_eq!((&Outcome(&ok)).__metricsmith_outcome(), CallResult::Ok);
        assert_eq!((&Outcome(&err)).__metricsmith_outcome(), CallResult::Error);
        assert_eq!((&Outcome(&5u8)).__metricsmith_outcome(), CallResult::Ok);
    }

    #[test]
    fn a_call_records_once() {
        static SITE: CountedSite = CountedSite::new("f", "m", true, false);
        let mut call = Call::sync().counted(SITE.cells());
        call.finish(CallResult::Error);
        drop(call);
        let counts: Vec<u64> =
            RESULTS.iter().map(|result| SITE.cells().offset(*result as usize).get()).collect();
        assert_eq!(counts, [0, 1, 0, 0]);
    }

    #[test]
    fn an_unfinished_future_is_cancelled_and_a_sync_call_is_ok() {
        static SITE: CountedSite = CountedSite::new("f", "m", false, true);
        drop(Call::future().counted(SITE.cells()));
        drop(Call::sync().counted(SITE.cells()));
        let counts: Vec<u64> =
            RESULTS.iter().map(|result| SITE.cells().offset(*result as usize).get()).collect();
        assert_eq!(counts, [1, 0, 0, 1]);
    }
}
