//! The static registry: every instrument declared with `#[metric]` lands in one
//! `linkme` distributed slice at link time, so nothing registers at run time and every
//! series exists before the first scrape.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

use crate::family::{debug_as_display, CellKind, Family, Group, Meta, MetricType, Storage};
use crate::rejections::{self, Rejection};
use crate::storage::race_once::RaceOnce;
use crate::storage::{fork, Cells};
use metricsmith_naming::InstrumentKind;

mod validation;
pub use validation::InvalidFamily;

/// One item of the registry slice: a metric, or a group of them.
#[doc(hidden)]
pub enum Registration {
    /// One instrument.
    Metric {
        /// Its name, help and declaration site.
        meta: &'static Meta,
        /// The instrument.
        family: &'static dyn Family,
    },
    /// A `#[derive(Metrics)]` group registered by `#[metric] static GROUP: Group;`.
    Group {
        /// The group.
        group: &'static dyn Group,
        /// The static that registers it.
        declared_by: &'static GroupStatic,
    },
}

/// The `#[metric]` static that registers a group, for messages about its members.
#[doc(hidden)]
pub struct GroupStatic {
    /// The static's name, e.g. `SHOP`.
    pub name: &'static str,
    /// Source file of the static.
    pub file: &'static str,
    /// Source line of the static.
    pub line: u32,
}

#[allow(unsafe_code)] // linkme places the slice in a link section.
mod slice {
    /// Every `#[metric]` registration in the program.
    #[linkme::distributed_slice]
    pub static REGISTRY: [super::Registration];
}
#[doc(hidden)]
pub use slice::REGISTRY;

/// A registered instrument, with what every scrape needs precomputed once.
pub(crate) struct Registered {
    pub(crate) meta: &'static Meta,
    pub(crate) family: &'static dyn Family,
    pub(crate) metric_type: MetricType,
    /// The OpenMetrics family name: the name without `_total` (counters) or `_info`.
    pub(crate) family_name: &'static str,
    /// The base unit the name ends in, if any (OpenMetrics `# UNIT`).
    pub(crate) unit: Option<&'static str>,
    pub(crate) label_names: Vec<&'static str>,
    /// The static of the group it is a member of, if it is one.
    declared_by: Option<&'static GroupStatic>,
    /// Whether the formats can carry it, checked on first use.
    validity: RaceOnce<Result<(), String>>,
    /// Whether its invalidity was reported (once per family).
    invalid_reported: AtomicBool,
    /// Scrapes that left this family out because reading its values failed, when it
    /// has no slot in [`COLLECT_FAILURES`].
    collect_failures: AtomicU64,
    /// Its cell in [`COLLECT_FAILURES`]: the first [`COLLECT_FAILURE_SLOTS`] families
    /// read at scrape time count their failures there.
    pub(crate) failure_slot: Option<usize>,
    /// Whether a failure was already reported on stderr (once per family).
    pub(crate) failure_reported: AtomicBool,
}

impl Registered {
    pub(crate) fn new(meta: &'static Meta, family: &'static dyn Family) -> Self {
        Registered::of_group(meta, family, None)
    }

    fn of_group(
        meta: &'static Meta,
        family: &'static dyn Family,
        declared_by: Option<&'static GroupStatic>,
    ) -> Self {
        let metric_type = family.metric_type();
        let family_name = naming_kind(metric_type).family_name(meta.name);
        let mut label_names = Vec::new();
        family.label_names(meta.name, &mut label_names);
        Registered {
            meta,
            family,
            metric_type,
            family_name,
            unit: metricsmith_naming::unit_of(family_name),
            label_names,
            declared_by,
            validity: RaceOnce::new(),
            invalid_reported: AtomicBool::new(false),
            collect_failures: AtomicU64::new(0),
            failure_slot: None,
            failure_reported: AtomicBool::new(false),
        }
    }

    /// Whether the exposition formats can carry this family (see `validation`): `Err`
    /// says why not. A hand-written label set that panics is caught here.
    pub(crate) fn check(&self) -> Result<(), String> {
        catch_unwind(AssertUnwindSafe(|| validation::check(self)))
            .unwrap_or_else(|_| Err("reading its label names or values panicked".to_owned()))
    }

    /// Why the family cannot be exposed, if it cannot: checked once, on first use (a
    /// family's series may depend on the registry, so not while it is being built), and
    /// then reported on stderr and counted.
    pub(crate) fn is_exposed(&self) -> bool {
        self.invalid().is_none()
    }

    fn invalid(&self) -> Option<&str> {
        let problem = self.validity.get_or_init(|| self.check()).as_ref().err()?;
        if !self.invalid_reported.swap(true, Relaxed) {
            rejections::record(Rejection::InvalidFamily);
            let invalid =
                InvalidFamily { name: self.meta.name, declared_at: self.site(), problem: problem.clone() };
            eprintln!("metricsmith: {invalid}");
        }
        Some(problem)
    }

    /// Scrapes that left it out because reading its values failed.
    pub(crate) fn collect_failures(&self) -> u64 {
        self.failure_count().load(Relaxed)
    }

    fn failure_count(&self) -> &AtomicU64 {
        self.failure_slot.and_then(|slot| COLLECT_FAILURES.0.get(slot)).unwrap_or(&self.collect_failures)
    }

    /// Where it is declared: `file:line`.
    pub(crate) fn site(&self) -> String {
        format!("{}:{}", self.meta.file, self.meta.line)
    }

    /// For a group's member, the static that registers the group: `` `SHOP` at file:line``.
    fn group_static(&self) -> Option<String> {
        self.declared_by.map(|group| format!("`{}` at {}:{}", group.name, group.file, group.line))
    }

    /// Fetches the values of a family read at scrape time, before it renders. `false`
    /// means the scrape must leave the family out: its collect failed (returned an error
    /// or panicked), and the failure has been counted and, the first time, reported.
    pub(crate) fn collect_for_scrape(&self) -> bool {
        if !self.family.reads_at_scrape() {
            return true;
        }
        let error = match catch_unwind(AssertUnwindSafe(|| self.family.collect())) {
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
        self.failure_count().fetch_add(1, Relaxed);
        if !self.failure_reported.swap(true, Relaxed) {
            // Once per family: a collector failing at every scrape must not flood stderr;
            // the counter keeps the count.
            eprintln!(
                "metricsmith: reading `{}` (declared at {}:{}) failed: {error}; scrapes leave it out while it fails, counted in metricsmith_collect_failures_total{{metric=\"{}\"}}",
                self.meta.name, self.meta.file, self.meta.line, self.meta.name
            );
        }
        false
    }
}

/// Families read at scrape time that count their collect failures in
/// [`COLLECT_FAILURES`] (more count them apart, which the multiprocess mode does not add
/// up over processes).
pub(crate) const COLLECT_FAILURE_SLOTS: usize = 256;

/// The collect failures of the families read at scrape time, in registry order: cells
/// like an instrument's, so the multiprocess mode adds every process's up.
static COLLECT_FAILURES: Cells<COLLECT_FAILURE_SLOTS> = Cells::new();

/// The cells of the collect failures, as the multiprocess mode maps and merges them.
pub(crate) fn collect_failure_storage() -> Storage {
    Storage::new(&COLLECT_FAILURES.0, CellKind::Counter, COLLECT_FAILURE_SLOTS)
}

/// Two registrations whose scrapes would share a name; the second is not rendered.
///
/// Either the same metric is declared twice, or one family's name is a series another
/// family adds: a counter `x_total` (family `x`) and a gauge `x`, or a counter family
/// `x_created` beside a counter, histogram or summary `x`, whose `_created` series it
/// would shadow.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DuplicateMetric {
    /// The name both would expose.
    pub name: String,
    /// The metric that is rendered.
    pub kept_metric: &'static str,
    /// Its declaration: `file:line`.
    pub kept: String,
    /// The metric that is dropped.
    pub dropped_metric: &'static str,
    /// Its declaration: `file:line`.
    pub dropped: String,
    /// For a member of a group, the static that registers the group: `` `SHOP` at
    /// file:line``.
    pub kept_group_static: Option<String>,
    /// The same for the dropped metric.
    pub dropped_group_static: Option<String>,
}

impl std::fmt::Display for DuplicateMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let (Some(kept_static), Some(dropped_static), true) =
            (&self.kept_group_static, &self.dropped_group_static, self.kept == self.dropped)
        {
            // One member of one group type, registered by two statics.
            return write!(
                f,
                "the group statics {kept_static} and {dropped_static} are of one type, so they declare its metric `{}` (at {}) twice; only the first's is exported: declare one static per metric group type",
                self.kept_metric, self.kept
            );
        }
        let site = |site: &str, group_static: &Option<String>| match group_static {
            Some(group_static) => format!("{site} (in the group static {group_static})"),
            None => site.to_owned(),
        };
        let (kept, dropped) =
            (site(&self.kept, &self.kept_group_static), site(&self.dropped, &self.dropped_group_static));
        if self.kept_metric == self.dropped_metric {
            write!(
                f,
                "metric `{}` is declared twice, at {kept} and at {dropped}; only the first is exported: rename one",
                self.kept_metric
            )
        } else {
            write!(
                f,
                "metrics `{}` (at {kept}) and `{}` (at {dropped}) would both expose `{}`; only the first is exported: rename one",
                self.kept_metric, self.dropped_metric, self.name
            )
        }
    }
}

/// What [`check_registry`] found wrong with the registry.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryProblem {
    /// Two metrics would expose the same name.
    Duplicate(DuplicateMetric),
    /// A family whose labels or name the exposition formats cannot carry.
    Invalid(InvalidFamily),
}

impl std::fmt::Display for RegistryProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegistryProblem::Duplicate(duplicate) => duplicate.fmt(f),
            RegistryProblem::Invalid(invalid) => invalid.fmt(f),
        }
    }
}

debug_as_display!(DuplicateMetric, RegistryProblem);

pub(crate) struct Registry {
    /// Sorted by name; duplicates removed. Scrapes read them through `families`.
    metrics: Vec<Registered>,
    duplicates: Vec<RegistryProblem>,
}

/// The naming rules' kind for a family's type (a float counter names itself as a
/// counter does).
fn naming_kind(metric_type: MetricType) -> InstrumentKind {
    match metric_type {
        MetricType::Counter => InstrumentKind::Counter,
        MetricType::Gauge => InstrumentKind::Gauge,
        MetricType::Histogram => InstrumentKind::Histogram,
        MetricType::Summary => InstrumentKind::Summary,
        MetricType::Info => InstrumentKind::Info,
        MetricType::StateSet => InstrumentKind::StateSet,
    }
}

/// Every name a scrape of `metric` may contain: its names in both text formats, and the
/// series names it adds (`_bucket`, `_count`, `_sum`, `_created`); the same names the
/// macros claim at link time.
fn exposed_names(metric: &Registered) -> Vec<String> {
    naming_kind(metric.metric_type).exposed_names(metric.meta.name)
}

impl Registry {
    fn build(registrations: &'static [Registration]) -> Registry {
        let mut metrics = Vec::new();
        for registration in registrations {
            match registration {
                Registration::Metric { meta, family } => metrics.push(Registered::new(meta, *family)),
                Registration::Group { group, declared_by } => group.families(&mut |meta, family| {
                    metrics.push(Registered::of_group(meta, family, Some(declared_by)))
                }),
            }
        }
        // Stable order: by name, then by declaration site so the kept duplicate is
        // the same in every build.
        metrics.sort_by(|a, b| {
            (a.meta.name, a.meta.file, a.meta.line).cmp(&(b.meta.name, b.meta.file, b.meta.line))
        });
        let mut problems = Vec::new();
        // Who exposes each name: the metric, its declaration and its group's static.
        let mut seen: HashMap<String, (&'static str, String, Option<String>)> = HashMap::new();
        metrics.retain(|metric| {
            let names = exposed_names(metric);
            if let Some((name, (kept_metric, kept, kept_group_static))) =
                names.iter().find_map(|name| Some((name, seen.get(name)?)))
            {
                problems.push(RegistryProblem::Duplicate(DuplicateMetric {
                    name: name.clone(),
                    kept_metric,
                    kept: kept.clone(),
                    dropped_metric: metric.meta.name,
                    dropped: metric.site(),
                    kept_group_static: kept_group_static.clone(),
                    dropped_group_static: metric.group_static(),
                }));
                return false;
            }
            for name in names {
                seen.insert(name, (metric.meta.name, metric.site(), metric.group_static()));
            }
            true
        });
        let read_at_scrape = metrics.iter_mut().filter(|metric| metric.family.reads_at_scrape());
        for (slot, metric) in read_at_scrape.take(COLLECT_FAILURE_SLOTS).enumerate() {
            metric.failure_slot = Some(slot);
        }
        Registry { metrics, duplicates: problems }
    }

    /// The families a scrape renders: the registered ones the formats can carry. Each
    /// family is checked the first time (see `validation`); one that fails is reported on
    /// stderr and counted once, and left out from then on.
    pub(crate) fn families(&self) -> impl Iterator<Item = &Registered> {
        self.metrics.iter().filter(|metric| metric.is_exposed())
    }

    /// Every registered family, exposed or not, in scrape order (for caches kept beside
    /// the registry, and for families that describe the others).
    pub(crate) fn all(&self) -> &[Registered] {
        &self.metrics
    }

    /// Every problem: duplicates found when the registry was built, and the families
    /// that fail their check.
    fn problems(&self) -> Vec<RegistryProblem> {
        let invalid = self.metrics.iter().filter_map(|metric| {
            let problem = metric.invalid()?;
            Some(RegistryProblem::Invalid(InvalidFamily {
                name: metric.meta.name,
                declared_at: metric.site(),
                problem: problem.to_owned(),
            }))
        });
        self.duplicates.iter().cloned().chain(invalid).collect()
    }
}

/// In a forked child: repairs every registered family (`Family::repair_after_fork`),
/// walking the link-time slice, not the lazily built registry.
fn repair_after_fork() {
    for registration in REGISTRY.iter() {
        match registration {
            Registration::Metric { family, .. } => family.repair_after_fork(),
            Registration::Group { group, .. } => group.families(&mut |_, family| family.repair_after_fork()),
        }
    }
}

#[allow(unsafe_code)] // linkme places the hook in a link section.
#[linkme::distributed_slice(fork::FORK_HOOKS)]
static REPAIR_AFTER_FORK: fork::ForkHook = fork::ForkHook::in_child(fork::Stage::Repair, repair_after_fork);

/// The process-wide registry, built from the link-time slice on first use.
pub(crate) fn registry() -> &'static Registry {
    // Built by whichever thread gets there first, waiting for no other (see `RaceOnce`).
    static REGISTRY_CELL: RaceOnce<Registry> = RaceOnce::new();
    static DUPLICATES_REPORTED: AtomicBool = AtomicBool::new(false);
    fork::install();
    let registry = REGISTRY_CELL.get_or_init(|| Registry::build(&REGISTRY));
    if !DUPLICATES_REPORTED.load(Relaxed) && !DUPLICATES_REPORTED.swap(true, Relaxed) {
        for duplicate in &registry.duplicates {
            // A duplicate that got past the compile-time and link-time checks (two
            // versions of one crate, say) must not stay silent.
            eprintln!("metricsmith: {duplicate}");
        }
    }
    registry
}

/// Checks the registry: `Err` lists every metric declared twice or colliding with another
/// one's series, and every family whose names or labels the formats cannot carry (from a
/// hand-written `LabelValue`, `LabelSet` or `Family`). The compile-time and link-time
/// checks catch these in one crate graph; this is the last line, for a test of your own:
/// each problem is also reported on stderr when the registry is first built, and the
/// families concerned are left out of every scrape.
///
/// ```
/// assert!(metricsmith::check_registry().is_ok());
/// ```
pub fn check_registry() -> Result<(), Vec<RegistryProblem>> {
    let problems = registry().problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_problem_carries_its_explanation() {
        let duplicate = DuplicateMetric {
            name: "orders_total".to_owned(),
            kept_metric: "orders_total",
            kept: "src/shop.rs:4".to_owned(),
            dropped_metric: "orders_total",
            dropped: "src/cart.rs:9".to_owned(),
            kept_group_static: None,
            dropped_group_static: None,
        };
        let invalid = InvalidFamily {
            name: "shipments_total",
            declared_at: "src/ship.rs:7".to_owned(),
            problem: "label `region` appears twice in its label set".to_owned(),
        };
        for (debug, display) in [
            (format!("{duplicate:?}"), duplicate.to_string()),
            (format!("{invalid:?}"), invalid.to_string()),
            (format!("{:?}", RegistryProblem::Duplicate(duplicate.clone())), duplicate.to_string()),
            (format!("{:?}", RegistryProblem::Invalid(invalid.clone())), invalid.to_string()),
        ] {
            assert_eq!(debug, display);
        }
        assert!(format!("{duplicate:?}").contains("is declared twice, at src/shop.rs:4 and at src/cart.rs:9"));
        assert!(format!("{duplicate:?}").ends_with("rename one"));
        assert!(format!("{invalid:?}").contains("left out of every scrape: label `region` appears twice"));
    }

    /// A gauge of one series, for registries built here.
    struct OneGauge;

    impl Family for OneGauge {
        fn metric_type(&self) -> MetricType {
            MetricType::Gauge
        }
        fn label_names(&self, _: &'static str, _: &mut Vec<&'static str>) {}
        fn series_count(&self) -> usize {
            1
        }
        fn label_values(&self, _: usize, _: &mut Vec<&'static str>) {}
        fn read(&self, _: usize, _: &mut crate::family::Sample) {}
    }

    static ROWS_META: Meta =
        Meta { name: "batch_rows", help: "Rows.", file: "src/batch.rs", line: 6, module: "batch" };

    /// A group of one member, as `#[derive(Metrics)]` writes it: its metadata is a static
    /// of the type, shared by every static of the type.
    struct BatchGroup;

    impl Group for BatchGroup {
        fn families(&'static self, visit: &mut dyn FnMut(&'static Meta, &'static dyn Family)) {
            visit(&ROWS_META, &OneGauge);
        }
    }

    #[test]
    fn a_group_type_registered_by_two_statics_names_both() {
        static BATCH: BatchGroup = BatchGroup;
        static BATCH2: BatchGroup = BatchGroup;
        static REGISTRATIONS: [Registration; 2] = [
            Registration::Group {
                group: &BATCH,
                declared_by: &GroupStatic { name: "BATCH", file: "src/batch.rs", line: 11 },
            },
            Registration::Group {
                group: &BATCH2,
                declared_by: &GroupStatic { name: "BATCH2", file: "src/batch.rs", line: 15 },
            },
        ];
        let registry = Registry::build(&REGISTRATIONS);
        assert_eq!(registry.all().len(), 1);
        let [problem] = registry.problems().try_into().expect("one problem");
        assert_eq!(
            problem.to_string(),
            "the group statics `BATCH` at src/batch.rs:11 and `BATCH2` at src/batch.rs:15 are of one type, so they declare its metric `batch_rows` (at src/batch.rs:6) twice; only the first's is exported: declare one static per metric group type"
        );
    }
}
