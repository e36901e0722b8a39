//! The last line of defence for what the exposition formats require of a family: the
//! derives and macros check all of it at compile time, but `LabelValue`, `LabelSet` and
//! `Family` are public traits, and a hand-written implementation can break a scrape (a
//! label name with a quote injects a series; `le` twice, a duplicate label name or two
//! series with the same labels make Prometheus reject the whole scrape). A family that
//! fails is left out of every scrape, reported once on stderr and counted.

use std::collections::HashMap;

use metricsmith_naming::{is_label_name, is_metric_name, is_reserved_label_name};

use crate::family::{debug_as_display, MetricType};
use crate::registry::Registered;

/// Why a registered family cannot be exposed.
#[derive(Clone, PartialEq, Eq)]
pub struct InvalidFamily {
    /// The metric's name, as declared.
    pub name: &'static str,
    /// Where it is declared: `file:line`.
    pub declared_at: String,
    /// What is wrong, e.g. "label `region` appears twice".
    pub problem: String,
}

impl std::fmt::Display for InvalidFamily {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "metric `{}` (declared at {}) cannot be exposed and is left out of every scrape: {}",
            self.name, self.declared_at, self.problem
        )
    }
}

debug_as_display!(InvalidFamily);

/// Checks `metric`'s name, label names and every series' label values.
pub(super) fn check(metric: &Registered) -> Result<(), String> {
    let name = metric.meta.name;
    if !is_metric_name(name) {
        return Err(format!("`{name}` is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)"));
    }
    let names = &metric.label_names;
    for (position, label) in names.iter().enumerate() {
        if !is_label_name(label) {
            return Err(format!("label name {label:?} is not valid ([a-zA-Z_][a-zA-Z0-9_]*)"));
        }
        if is_reserved_label_name(label) {
            return Err(format!("label name `{label}` starts with `__`, which Prometheus reserves"));
        }
        let reserved = match metric.metric_type {
            MetricType::Histogram => *label == "le",
            MetricType::Summary => *label == "quantile",
            _ => false,
        };
        if reserved {
            return Err(format!(
                "label name `{label}` is the one the exposition adds to this family's series"
            ));
        }
        if names[..position].contains(label) {
            return Err(format!("label `{label}` appears twice in its label set"));
        }
    }
    check_series(metric)
}

/// Every series has one value per label name, and no two series have the same values.
fn check_series(metric: &Registered) -> Result<(), String> {
    let family = metric.family;
    let names = &metric.label_names;
    let mut values = Vec::with_capacity(names.len());
    // Series by a hash of their values: a collision is confirmed by comparing the values.
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    // Series that do not exist yet (values registered at run time) are checked by the
    // registration of their values: distinct, non-empty, bounded text.
    for series in (0..family.series_count()).filter(|series| family.series_exists(*series)) {
        values.clear();
        family.label_values(series, &mut values);
        if values.len() != names.len() {
            return Err(format!(
                "series {series} has {} label values for {} label names (a `LabelSet` or `LabelValue` whose CARDINALITY exceeds its values?)",
                values.len(),
                names.len()
            ));
        }
        let same_values = seen.entry(hash(&values)).or_default();
        for &earlier in same_values.iter() {
            let mut other = Vec::with_capacity(names.len());
            family.label_values(earlier, &mut other);
            if other == values {
                let pairs: Vec<String> =
                    names.iter().zip(&values).map(|(name, value)| format!("{name}={value:?}")).collect();
                return Err(format!(
                    "series {earlier} and {series} have the same labels {{{}}} (a `LabelValue` with a value twice?)",
                    pairs.join(",")
                ));
            }
        }
        same_values.push(series);
    }
    Ok(())
}

fn hash(values: &[&str]) -> u64 {
    use std::hash::BuildHasher;
    // A fixed hasher: the same values always collide with each other.
    std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(values)
}
