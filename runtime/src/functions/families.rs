//! The shared families `function_calls_total`, `function_calls_duration_seconds` and
//! `function_calls_concurrent`: one series per instrumented function (per `result` for
//! the counter), read from the functions' sites. `builtin` registers them.

use super::sites::{CountedSite, InFlightSite, TimedSite, COUNTED_SITES, IN_FLIGHT_SITES, TIMED_SITES};
use super::{CallResult, RESULTS};
use crate::family::{Family, Meta, MetricType, Number, Sample, Storage};
use crate::instruments::{HistogramSeries, DEFAULT_BUCKETS};
use crate::labels::LabelValue;
use crate::storage::created;
use crate::storage::race_once::RaceOnce;

/// What the families need of a site: which function it is, and its cells.
pub(crate) trait Site: Sync + 'static {
    fn key(&self) -> (&'static str, &'static str);
    fn storage(&'static self) -> Storage;
}

macro_rules! site_key {
    ($($site:ty),*) => {$(
        impl Site for $site {
            fn key(&self) -> (&'static str, &'static str) {
                (self.module, self.function)
            }
            fn storage(&'static self) -> Storage {
                <$site>::storage(self)
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
    /// Where each of `sites` is in the link-time slice: its storage run (`Family::storage`
    /// lists the sites in slice order).
    runs: Vec<usize>,
}

/// Sites sorted by (module, function), sites with the same pair merged.
fn by_function<S: Site>(sites: &[&'static S]) -> Vec<Function<S>> {
    let mut sorted: Vec<(usize, &'static S)> = sites.iter().copied().enumerate().collect();
    sorted.sort_by_key(|(_, site)| site.key());
    let mut functions: Vec<Function<S>> = Vec::new();
    for (run, site) in sorted {
        let (module, function) = site.key();
        match functions.last_mut() {
            Some(last) if last.module == module && last.function == function => {
                last.sites.push(site);
                last.runs.push(run);
            }
            _ => functions.push(Function { module, function, sites: vec![site], runs: vec![run] }),
        }
    }
    functions
}

/// Every site's cells, in slice order.
fn site_storage<S: Site>(sites: &'static [&'static S], visit: &mut dyn FnMut(Storage)) {
    sites.iter().for_each(|site| visit(site.storage()));
}

/// `function_calls_total`: one series per function and applicable `result`.
pub(crate) struct CountedFamily {
    series: RaceOnce<Vec<(Function<CountedSite>, CallResult)>>,
}

impl CountedFamily {
    fn series(&self) -> &[(Function<CountedSite>, CallResult)] {
        self.series.get_or_init(|| {
            let mut series = Vec::new();
            for function in by_function(&COUNTED_SITES) {
                for result in RESULTS {
                    if function.sites.iter().any(|site| site.renders(result)) {
                        let (sites, runs) = (function.sites.clone(), function.runs.clone());
                        series.push((Function { sites, runs, ..function }, result));
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
            out.created = created::counting_since();
        }
    }
    fn storage(&self, visit: &mut dyn FnMut(Storage)) {
        site_storage(&COUNTED_SITES, visit);
    }
    fn series_storage(&self, series: usize, visit: &mut dyn FnMut(usize, usize)) {
        if let Some((function, result)) = self.series().get(series) {
            function.runs.iter().for_each(|run| visit(*run, *result as usize));
        }
    }
    #[cfg(feature = "testing")]
    fn capture_keys(&self, series: usize, key: &mut dyn FnMut(usize)) {
        if let Some((function, result)) = self.series().get(series) {
            function.sites.iter().for_each(|site| key(site.cells().offset(*result as usize).capture_key()));
        }
    }
}

/// A family with one series per function: `function_calls_duration_seconds` and
/// `function_calls_concurrent`.
pub(crate) trait PerFunctionSite: Site + Sized {
    const TYPE: MetricType;
    const BOUNDS: &'static [f64] = &[];
    /// The link-time slice of these sites.
    fn sites() -> &'static [&'static Self];
    /// Reads the sum of `sites` (one function) into `out`.
    fn read(sites: &[&'static Self], out: &mut Sample);
    /// In a forked child: repairs this site's storage (see `Family::repair_after_fork`).
    fn repair_after_fork(&'static self) {}
    /// Where a `testing::Capture` files this site's recordings.
    #[cfg(feature = "testing")]
    fn capture_key(&'static self) -> usize;
}

impl PerFunctionSite for TimedSite {
    const TYPE: MetricType = MetricType::Histogram;
    const BOUNDS: &'static [f64] = &DEFAULT_BUCKETS;

    fn sites() -> &'static [&'static Self] {
        &TIMED_SITES
    }

    fn read(sites: &[&'static Self], out: &mut Sample) {
        // Same-named functions in one module add up into one series.
        HistogramSeries::read_all(sites.iter().map(|site| site.series()), out);
        out.created = created::counting_since();
    }

    fn repair_after_fork(&'static self) {
        self.series().repair_after_fork();
    }

    #[cfg(feature = "testing")]
    fn capture_key(&'static self) -> usize {
        self.series().capture_key()
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

    #[cfg(feature = "testing")]
    fn capture_key(&'static self) -> usize {
        self.series().capture_key()
    }
}

pub(crate) struct PerFunctionFamily<S: 'static> {
    series: RaceOnce<Vec<Function<S>>>,
}

impl<S: PerFunctionSite> PerFunctionFamily<S> {
    const fn new() -> Self {
        PerFunctionFamily { series: RaceOnce::new() }
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
    fn storage(&self, visit: &mut dyn FnMut(Storage)) {
        site_storage(S::sites(), visit);
    }
    fn series_storage(&self, series: usize, visit: &mut dyn FnMut(usize, usize)) {
        if let Some(function) = self.series().get(series) {
            function.runs.iter().for_each(|run| visit(*run, 0));
        }
    }
    #[cfg(feature = "testing")]
    fn capture_keys(&self, series: usize, key: &mut dyn FnMut(usize)) {
        if let Some(function) = self.series().get(series) {
            function.sites.iter().for_each(|site| key(site.capture_key()));
        }
    }
}

pub(crate) static COUNTED: CountedFamily = CountedFamily { series: RaceOnce::new() };
pub(crate) static TIMED: PerFunctionFamily<TimedSite> = PerFunctionFamily::new();
pub(crate) static IN_FLIGHT: PerFunctionFamily<InFlightSite> = PerFunctionFamily::new();

pub(crate) static COUNTED_META: Meta = Meta {
    name: metricsmith_naming::FUNCTION_CALLS_TOTAL,
    help: "Calls of functions instrumented with #[counted], by function, module and result (ok, error, panic, cancelled).",
    file: file!(),
    line: line!(),
    module: module_path!(),
};

pub(crate) static TIMED_META: Meta = Meta {
    name: metricsmith_naming::FUNCTION_CALLS_DURATION_SECONDS,
    help: "Duration of calls of functions instrumented with #[timed], in seconds.",
    file: file!(),
    line: line!(),
    module: module_path!(),
};

pub(crate) static IN_FLIGHT_META: Meta = Meta {
    name: metricsmith_naming::FUNCTION_CALLS_CONCURRENT,
    help: "Calls in progress of functions instrumented with #[in_flight].",
    file: file!(),
    line: line!(),
    module: module_path!(),
};
