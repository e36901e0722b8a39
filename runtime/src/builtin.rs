//! Every family metricsmith registers itself, in one place: what it refused to record,
//! the scrape-time reads that failed, the families `#[timed]`, `#[counted]` and
//! `#[in_flight]` record into, and the process collector. (`build_info!()` registers
//! from the user's crate, like any `#[metric]`.)

use crate::family::{CellKind, Family, Meta, MetricType, Number, Sample, Storage};
use crate::functions::{COUNTED, COUNTED_META, IN_FLIGHT, IN_FLIGHT_META, TIMED, TIMED_META};
use crate::registry::{collect_failure_storage, registry, Registered, Registration, REGISTRY};
use crate::rejections;
use crate::storage::created;
use crate::storage::race_once::RaceOnce;

static REJECTED_META: Meta = Meta {
    name: "metricsmith_rejected_values_total",
    help: "Values metricsmith instruments refused to record (NaN observations, negative counter increments, ...) or a scrape could not read consistently, by kind.",
    file: file!(),
    line: line!(),
    module: module_path!(),
};

/// `metricsmith_rejected_values_total{kind}`: one series per kind of rejection.
struct RejectedValues;

impl Family for RejectedValues {
    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        out.push("kind");
    }
    fn series_count(&self) -> usize {
        rejections::KINDS.len()
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        out.extend(rejections::KINDS.get(series));
    }
    fn read(&self, series: usize, out: &mut Sample) {
        out.value = rejections::count(series).map(Number::Int);
        out.created = created::counting_since();
    }
    fn storage(&self, visit: &mut dyn FnMut(Storage)) {
        visit(Storage::new(rejections::cells(), CellKind::Counter, rejections::KINDS.len()));
    }
}

/// Collect failures per scrape-time family: one series per family whose values are read
/// at scrape time (so none, and no output, when there is no such family).
struct CollectFailures {
    families: RaceOnce<Vec<&'static Registered>>,
}

impl CollectFailures {
    fn families(&self) -> &[&'static Registered] {
        self.families.get_or_init(|| {
            registry().all().iter().filter(|metric| metric.family.reads_at_scrape()).collect()
        })
    }
}

impl Family for CollectFailures {
    fn metric_type(&self) -> MetricType {
        MetricType::Counter
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        out.push("metric");
    }
    fn series_count(&self) -> usize {
        self.families().len()
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        if let Some(metric) = self.families().get(series) {
            out.push(metric.meta.name);
        }
    }
    fn read(&self, series: usize, out: &mut Sample) {
        if let Some(metric) = self.families().get(series) {
            out.value = Some(Number::Int(metric.collect_failures()));
            out.created = created::counting_since();
        }
    }
    fn storage(&self, visit: &mut dyn FnMut(Storage)) {
        visit(collect_failure_storage());
    }
    fn series_storage(&self, series: usize, visit: &mut dyn FnMut(usize, usize)) {
        if let Some(slot) = self.families().get(series).and_then(|metric| metric.failure_slot) {
            visit(0, slot);
        }
    }
}

static COLLECT_FAILURES: CollectFailures = CollectFailures { families: RaceOnce::new() };

static COLLECT_FAILURES_META: Meta = Meta {
    name: "metricsmith_collect_failures_total",
    help: "Scrapes that left a metric out because reading its values failed (its callback or collector returned an error, panicked or gave no value), by metric.",
    file: file!(),
    line: line!(),
    module: module_path!(),
};

#[allow(unsafe_code)] // linkme places the entries in a link section.
mod entries {
    use super::*;

    #[linkme::distributed_slice(REGISTRY)]
    static REJECTED: Registration = Registration::Metric { meta: &REJECTED_META, family: &RejectedValues };

    #[linkme::distributed_slice(REGISTRY)]
    static FAILURES: Registration =
        Registration::Metric { meta: &COLLECT_FAILURES_META, family: &COLLECT_FAILURES };

    #[linkme::distributed_slice(REGISTRY)]
    static FUNCTION_CALLS: Registration = Registration::Metric { meta: &COUNTED_META, family: &COUNTED };

    #[linkme::distributed_slice(REGISTRY)]
    static FUNCTION_DURATIONS: Registration = Registration::Metric { meta: &TIMED_META, family: &TIMED };

    #[linkme::distributed_slice(REGISTRY)]
    static FUNCTIONS_IN_FLIGHT: Registration =
        Registration::Metric { meta: &IN_FLIGHT_META, family: &IN_FLIGHT };

    #[cfg(all(feature = "process", target_os = "linux"))]
    #[linkme::distributed_slice(REGISTRY)]
    static PROCESS: Registration = Registration::Group {
        group: &crate::integrations::process::PROCESS,
        declared_by: &crate::registry::GroupStatic { name: "PROCESS", file: file!(), line: line!() },
    };
}

#[cfg(test)]
mod tests {
    use metricsmith_naming::{check_metric_name, InstrumentKind};

    use super::*;

    /// The built-in families skip `#[metric]`, so they meet its naming rules here.
    #[test]
    fn built_in_names_pass_the_naming_rules() {
        #[cfg_attr(not(all(feature = "process", target_os = "linux")), allow(unused_mut))]
        let mut families: Vec<(&'static Meta, &'static dyn Family)> = vec![
            (&REJECTED_META, &RejectedValues),
            (&COLLECT_FAILURES_META, &COLLECT_FAILURES),
            (&COUNTED_META, &COUNTED),
            (&TIMED_META, &TIMED),
            (&IN_FLIGHT_META, &IN_FLIGHT),
        ];
        #[cfg(all(feature = "process", target_os = "linux"))]
        crate::family::Group::families(&crate::integrations::process::PROCESS, &mut |meta, family| {
            families.push((meta, family))
        });
        for (meta, family) in families {
            let kind = match family.metric_type() {
                MetricType::Counter => InstrumentKind::Counter,
                MetricType::Gauge => InstrumentKind::Gauge,
                MetricType::Histogram => InstrumentKind::Histogram,
                other => panic!("no built-in family is a {other:?}"),
            };
            let problems = check_metric_name(meta.name, kind);
            assert!(problems.is_empty(), "`{}`: {problems:?}", meta.name);
        }
    }
}
