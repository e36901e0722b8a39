//! Scrape-time collection: runs a family's [`Family::collect`] before it renders, keeps
//! a failing one (error or panic) out of the scrape, and counts the failure in
//! `metricsmith_collect_failures_total{metric}`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::OnceLock;

use crate::family::{Family, Meta, MetricType, Number, Sample};
use crate::registry::{registry, Registered, Registration, REGISTRY};

/// Fetches `metric`'s values if they are read at scrape time. `false` means the scrape
/// must leave the family out: its collect failed, and the failure has been counted.
pub(crate) fn collect(metric: &Registered) -> bool {
    if !metric.family.reads_at_scrape() {
        return true;
    }
    let error = match catch_unwind(AssertUnwindSafe(|| metric.family.collect())) {
        Ok(Ok(())) => return true,
        Ok(Err(error)) => error.to_string(),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a non-text panic payload".to_owned());
            format!("it panicked: {message}")
        }
    };
    metric.collect_failures.fetch_add(1, Relaxed);
    if !metric.failure_reported.swap(true, Relaxed) {
        // Once per family: a collector failing at every scrape must not flood stderr;
        // the counter keeps the count.
        eprintln!(
            "metricsmith: reading `{}` (declared at {}:{}) failed: {error}; scrapes leave it out while it fails, counted in metricsmith_collect_failures_total{{metric=\"{}\"}}",
            metric.meta.name, metric.meta.file, metric.meta.line, metric.meta.name
        );
    }
    false
}

/// Collect failures per scrape-time family: one series per family whose values are read
/// at scrape time (so none, and no output, when there is no such family).
struct CollectFailures {
    families: OnceLock<Vec<&'static Registered>>,
}

impl CollectFailures {
    fn families(&self) -> &[&'static Registered] {
        self.families.get_or_init(|| {
            registry().metrics.iter().filter(|metric| metric.family.reads_at_scrape()).collect()
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
            out.value = Some(Number::Int(metric.collect_failures.load(Relaxed)));
        }
    }
}

static FAILURES: CollectFailures = CollectFailures { families: OnceLock::new() };

static META: Meta = Meta {
    name: "metricsmith_collect_failures_total",
    help: "Scrapes that left a metric out because reading its values failed (its callback or collector returned an error, panicked or gave no value), by metric.",
    file: file!(),
    line: line!(),
    module: module_path!(),
};

#[allow(unsafe_code)] // linkme places the entry in a link section.
#[linkme::distributed_slice(REGISTRY)]
static ENTRY: Registration = Registration::Metric { meta: &META, family: &FAILURES };

/// Collect failures of the family named `name` so far (for tests).
#[cfg(test)]
pub(crate) fn failures(name: &str) -> Option<u64> {
    registry()
        .metrics
        .iter()
        .find(|metric| metric.meta.name == name)
        .map(|metric| metric.collect_failures.load(Relaxed))
}

#[cfg(test)]
mod tests {
    use crate::{metric, Format, Gauge};

    fn unreachable_source() -> Result<f64, String> {
        Err("source unreachable".to_owned())
    }

    /// Depth of a queue whose source is down.
    #[metric(callback = unreachable_source)]
    static UNREACHABLE_QUEUE_DEPTH: Gauge;

    #[test]
    fn a_failing_family_is_left_out_and_counted() {
        let before = super::failures("unreachable_queue_depth").expect("registered");
        let mut out = Vec::new();
        crate::render(Format::Prometheus, &mut out);
        let text = String::from_utf8(out).expect("UTF-8");
        assert!(!text.contains("unreachable_queue_depth "), "{text}");
        assert!(text.contains("metricsmith_collect_failures_total{metric=\"unreachable_queue_depth\"}"));
        // Other tests may render meanwhile, each counting one more failure.
        assert!(super::failures("unreachable_queue_depth").expect("registered") > before);
        let _ = &UNREACHABLE_QUEUE_DEPTH;
    }
}
