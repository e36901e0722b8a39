//! The static registry: every instrument declared with `#[metric]` lands in one
//! `linkme` distributed slice at link time, so nothing registers at run time and every
//! series exists before the first scrape.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::OnceLock;

use crate::family::{Family, Group, Meta, MetricType};

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
    Group(&'static dyn Group),
}

#[allow(unsafe_code)] // linkme places the slice in a link section.
mod slice {
    /// Every `#[metric]` registration in the program.
    #[linkme::distributed_slice]
    pub static REGISTRY: [super::Registration];
}
#[doc(hidden)]
pub use slice::REGISTRY;

/// A registered instrument, with what the encoders need precomputed once.
pub(crate) struct Registered {
    pub(crate) meta: &'static Meta,
    pub(crate) family: &'static dyn Family,
    pub(crate) metric_type: MetricType,
    /// The OpenMetrics family name: the name without `_total` (counters) or `_info`.
    pub(crate) family_name: &'static str,
    /// The base unit the name ends in, if any (OpenMetrics `# UNIT`).
    pub(crate) unit: Option<&'static str>,
    pub(crate) label_names: Vec<&'static str>,
    /// `name="value",...` of every series, rendered and escaped on first use.
    series_labels: OnceLock<SeriesLabels>,
    /// Histograms: `le="…"} ` of every bucket (`+Inf` last), per format, rendered once.
    bucket_labels: [OnceLock<Vec<Box<[u8]>>>; 2],
    /// Scrapes that left this family out because reading its values failed.
    pub(crate) collect_failures: AtomicU64,
    /// Whether a failure was already reported on stderr (once per family).
    pub(crate) failure_reported: AtomicBool,
}

struct SeriesLabels {
    text: String,
    ends: Vec<usize>,
}

impl Registered {
    pub(crate) fn new(meta: &'static Meta, family: &'static dyn Family) -> Self {
        let metric_type = family.metric_type();
        let family_name = match metric_type {
            MetricType::Counter => meta.name.strip_suffix("_total"),
            MetricType::Info => meta.name.strip_suffix("_info"),
            _ => None,
        }
        .unwrap_or(meta.name);
        let mut label_names = Vec::new();
        family.label_names(meta.name, &mut label_names);
        Registered {
            meta,
            family,
            metric_type,
            family_name,
            unit: unit_of(family_name),
            label_names,
            series_labels: OnceLock::new(),
            bucket_labels: [OnceLock::new(), OnceLock::new()],
            collect_failures: AtomicU64::new(0),
            failure_reported: AtomicBool::new(false),
        }
    }

    /// A histogram's `le="…"} ` text of every bucket, `+Inf` last, in `format`'s
    /// number style; rendered on first use.
    pub(crate) fn bucket_labels(&self, format: crate::Format) -> &[Box<[u8]>] {
        let cell = &self.bucket_labels[usize::from(format == crate::Format::OpenMetrics)];
        cell.get_or_init(|| {
            let bounds = self.family.bucket_bounds();
            let mut labels: Vec<Box<[u8]>> = Vec::with_capacity(bounds.len() + 1);
            for bound in bounds.iter().map(Some).chain([None]) {
                let mut text = b"le=\"".to_vec();
                match (bound, format) {
                    (None, _) => text.extend_from_slice(b"+Inf"),
                    (Some(bound), crate::Format::Prometheus) => {
                        crate::encode::number::write_go_float(&mut text, *bound)
                    }
                    (Some(bound), crate::Format::OpenMetrics) => {
                        crate::encode::number::write_canonical_float(&mut text, *bound)
                    }
                }
                text.extend_from_slice(b"\"} ");
                labels.push(text.into_boxed_slice());
            }
            labels
        })
    }

    /// The rendered `name="value",...` pairs of `series` (empty without labels).
    pub(crate) fn series_labels(&self, series: usize) -> &str {
        let labels = self.series_labels.get_or_init(|| self.render_series_labels());
        let start = if series == 0 { 0 } else { labels.ends[series - 1] };
        labels.text.get(start..labels.ends.get(series).copied().unwrap_or(start)).unwrap_or("")
    }

    fn render_series_labels(&self) -> SeriesLabels {
        let count = self.family.series_count();
        let mut text = Vec::new();
        let mut ends = Vec::with_capacity(count);
        let mut values = Vec::with_capacity(self.label_names.len());
        for series in 0..count {
            values.clear();
            self.family.label_values(series, &mut values);
            for (position, (name, value)) in self.label_names.iter().zip(&values).enumerate() {
                if position > 0 {
                    text.push(b',');
                }
                text.extend_from_slice(name.as_bytes());
                text.extend_from_slice(b"=\"");
                crate::encode::escape::write_escaped_quoted(&mut text, value);
                text.push(b'"');
            }
            ends.push(text.len());
        }
        // Only valid UTF-8 went in: names and values are `&str`, escapes are ASCII.
        let text = String::from_utf8(text).unwrap_or_default();
        SeriesLabels { text, ends }
    }
}

/// Base units a metric name may end in, as OpenMetrics `# UNIT` metadata.
const BASE_UNITS: &[&str] = &[
    "seconds", "bytes", "meters", "grams", "joules", "volts", "amperes", "watts", "hertz", "celsius",
    "kelvin", "ratio",
];

fn unit_of(family_name: &str) -> Option<&'static str> {
    BASE_UNITS
        .iter()
        .copied()
        .find(|unit| family_name.strip_suffix(unit).is_some_and(|stem| stem.ends_with('_') && stem.len() > 1))
}

/// Two registrations that expose the same family name; the second is not rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateMetric {
    /// The family name both expose.
    pub name: &'static str,
    /// The declaration that is rendered: `file:line`.
    pub kept: String,
    /// The declaration that is dropped: `file:line`.
    pub dropped: String,
}

impl std::fmt::Display for DuplicateMetric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "metric `{}` is declared twice, at {} and at {}; only the first is exported: rename one",
            self.name, self.kept, self.dropped
        )
    }
}

pub(crate) struct Registry {
    /// Sorted by name; duplicates removed.
    pub(crate) metrics: Vec<Registered>,
    pub(crate) duplicates: Vec<DuplicateMetric>,
}

impl Registry {
    fn build(registrations: &'static [Registration]) -> Registry {
        let mut metrics = Vec::new();
        for registration in registrations {
            match registration {
                Registration::Metric { meta, family } => metrics.push(Registered::new(meta, *family)),
                Registration::Group(group) => {
                    group.families(&mut |meta, family| metrics.push(Registered::new(meta, family)))
                }
            }
        }
        // Stable order: by name, then by declaration site so the kept duplicate is
        // the same in every build.
        metrics.sort_by(|a, b| {
            (a.meta.name, a.meta.file, a.meta.line).cmp(&(b.meta.name, b.meta.file, b.meta.line))
        });
        let mut seen: HashMap<&'static str, String> = HashMap::new();
        let mut duplicates = Vec::new();
        metrics.retain(|metric| {
            let site = format!("{}:{}", metric.meta.file, metric.meta.line);
            // Counter `x_total` and gauge `x` are both family `x` in OpenMetrics.
            for exposed in [metric.family_name, metric.meta.name] {
                if let Some(kept) = seen.get(exposed) {
                    duplicates.push(DuplicateMetric { name: exposed, kept: kept.clone(), dropped: site });
                    return false;
                }
            }
            seen.insert(metric.family_name, site.clone());
            seen.insert(metric.meta.name, site);
            true
        });
        Registry { metrics, duplicates }
    }
}

/// In a forked child: repairs every registered family (`Family::repair_after_fork`),
/// walking the link-time slice, not the lazily built registry.
fn repair_after_fork() {
    for registration in REGISTRY.iter() {
        match registration {
            Registration::Metric { family, .. } => family.repair_after_fork(),
            Registration::Group(group) => group.families(&mut |_, family| family.repair_after_fork()),
        }
    }
}

#[allow(unsafe_code)] // linkme places the hook in a link section.
#[linkme::distributed_slice(crate::metrics::fork::FORK_HOOKS)]
static REPAIR_AFTER_FORK: crate::metrics::fork::ForkHook =
    crate::metrics::fork::ForkHook::in_child(crate::metrics::fork::Stage::Repair, repair_after_fork);

/// The process-wide registry, built from the link-time slice on first use.
pub(crate) fn registry() -> &'static Registry {
    static REGISTRY_CELL: OnceLock<Registry> = OnceLock::new();
    crate::metrics::fork::install();
    REGISTRY_CELL.get_or_init(|| {
        let registry = Registry::build(&REGISTRY);
        for duplicate in &registry.duplicates {
            // A duplicate that got past the compile-time and link-time checks (e.g. two
            // versions of one crate) must not stay silent.
            eprintln!("metricsmith: {duplicate}");
        }
        registry
    })
}

/// Checks the registry: `Err` lists every metric declared twice (the compile-time and
/// link-time checks catch these in one crate graph; this is the last line).
///
/// ```
/// assert!(metricsmith::check_registry().is_ok());
/// ```
pub fn check_registry() -> Result<(), Vec<DuplicateMetric>> {
    let duplicates = &registry().duplicates;
    if duplicates.is_empty() {
        Ok(())
    } else {
        Err(duplicates.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_whole_trailing_tokens() {
        assert_eq!(unit_of("payment_gateway_duration_seconds"), Some("seconds"));
        assert_eq!(unit_of("process_resident_memory_bytes"), Some("bytes"));
        assert_eq!(unit_of("cache_hit_ratio"), Some("ratio"));
        assert_eq!(unit_of("seconds"), None);
        assert_eq!(unit_of("order_queue_depth"), None);
        assert_eq!(unit_of("xbytes"), None);
    }
}
