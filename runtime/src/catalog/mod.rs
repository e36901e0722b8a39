//! `metricsmith::catalog()`: every registered instrument, described for people
//! (Markdown) and programs (JSON), and the source of the generated Prometheus rules.

use std::collections::HashSet;
use std::fmt::Write as _;

mod rules;

pub use rules::RuleOptions;

use crate::family::MetricType;
use crate::instruments::series_per_label_set;
use crate::registry::{registry, Registered};

/// Every instrument registered in this program, sorted by name.
///
/// ```
/// use metricsmith::{metric, Counter, LabelValue, MetricType};
///
/// #[derive(LabelValue)]
/// enum Outcome { Success, Declined }
///
/// /// Orders processed, by outcome.
/// #[metric]
/// static ORDERS_PROCESSED_TOTAL: Counter<Outcome>;
///
/// let catalog = metricsmith::catalog();
/// let orders = catalog.get("orders_processed_total").unwrap();
/// assert_eq!(orders.metric_type, MetricType::Counter);
/// assert_eq!(orders.help, "Orders processed, by outcome.");
/// assert_eq!(orders.labels[0].name, "outcome");
/// assert_eq!(orders.labels[0].values, ["success", "declined"]);
/// assert_eq!(orders.series, 2);
/// assert!(catalog.to_markdown().contains("| `orders_processed_total` | counter |"));
/// assert!(catalog.to_json().contains(r#""name":"orders_processed_total""#));
/// ```
pub fn catalog() -> Catalog {
    Catalog { metrics: registry().families().map(CatalogMetric::new).collect() }
}

/// What [`catalog()`] returns: every registered instrument, sorted by name.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Catalog {
    /// The instruments, sorted by name.
    pub metrics: Vec<CatalogMetric>,
}

/// One registered instrument.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CatalogMetric {
    /// The metric name as in the text format, e.g. `orders_processed_total`.
    pub name: &'static str,
    /// Its type.
    pub metric_type: MetricType,
    /// The `# HELP` text (the doc comment).
    pub help: &'static str,
    /// The base unit its name ends in (`seconds`, `bytes`, ...), if any.
    pub unit: Option<&'static str>,
    /// Its labels, in order, each with every value it takes.
    pub labels: Vec<CatalogLabel>,
    /// Label combinations: one per series of a counter or gauge. For labels whose values
    /// are registered at run time, the combinations whose values exist now.
    pub label_sets: usize,
    /// Samples one text-format scrape contains now: label combinations × 1, or × 2 for
    /// a summary (`_count`, `_sum`), or × (buckets + 3) for a histogram (every `le`
    /// including `+Inf`, `_count`, `_sum`).
    pub series: usize,
    /// The most label combinations there can be: [`label_sets`](Self::label_sets), or for
    /// labels whose values are registered at run time, what they have once every capacity
    /// is full (the capacity and the overflow value of each such label).
    pub max_label_sets: usize,
    /// The samples a scrape has at the most: [`max_label_sets`](Self::max_label_sets) ×
    /// the samples per combination. What the compile-time series budget bounds.
    pub max_series: usize,
    /// Histogram bucket upper bounds (without `+Inf`); empty for other types.
    pub buckets: Vec<f64>,
    /// Whether its values are read at scrape time (callback, collector, process).
    pub read_at_scrape: bool,
    /// Source file of the declaration.
    pub file: &'static str,
    /// Source line of the declaration.
    pub line: u32,
    /// `module_path!()` of the declaration.
    pub module: &'static str,
}

/// A label of a [`CatalogMetric`] and every value it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CatalogLabel {
    /// The label name.
    pub name: &'static str,
    /// Its values, in series order, each once.
    pub values: Vec<&'static str>,
}

impl CatalogMetric {
    fn new(metric: &Registered) -> Self {
        let family = metric.family;
        let max_label_sets = family.series_count();
        let mut labels: Vec<CatalogLabel> =
            metric.label_names.iter().map(|name| CatalogLabel { name, values: Vec::new() }).collect();
        let mut seen: Vec<HashSet<&'static str>> = vec![HashSet::new(); labels.len()];
        let mut values = Vec::with_capacity(labels.len());
        let mut label_sets = 0;
        for series in (0..max_label_sets).filter(|series| family.series_exists(*series)) {
            label_sets += 1;
            values.clear();
            family.label_values(series, &mut values);
            for ((label, seen), value) in labels.iter_mut().zip(&mut seen).zip(&values) {
                if seen.insert(value) {
                    label.values.push(value);
                }
            }
        }
        let buckets = family.bucket_bounds().to_vec();
        let per_label_set =
            series_per_label_set(metric.metric_type, buckets.len(), family.native_max_buckets().unwrap_or(0));
        CatalogMetric {
            name: metric.meta.name,
            metric_type: metric.metric_type,
            help: metric.meta.help,
            unit: metric.unit,
            labels,
            label_sets,
            series: label_sets * per_label_set,
            max_label_sets,
            max_series: max_label_sets * per_label_set,
            buckets,
            read_at_scrape: family.reads_at_scrape(),
            file: metric.meta.file,
            line: metric.meta.line,
            module: metric.meta.module,
        }
    }
}

impl Catalog {
    /// The instrument named `name` (its text-format name, e.g. `orders_processed_total`).
    ///
    /// ```
    /// assert!(metricsmith::catalog().get("no_such_metric").is_none());
    /// ```
    pub fn get(&self, name: &str) -> Option<&CatalogMetric> {
        self.metrics.iter().find(|metric| metric.name == name)
    }

    /// The names of the metrics declared in the crate `krate` (their module path starts
    /// with it) that do not start with `prefix`: for a library's own test that each of
    /// its metrics carries its prefix, so no program that links it and declares a
    /// metric of the same name fails to link.
    ///
    /// ```
    /// use metricsmith::{metric, Counter};
    ///
    /// /// Parcels the courier library picked up.
    /// #[metric]
    /// static COURIER_PICKUPS_TOTAL: Counter;
    ///
    /// /// Retries, named without the library's prefix.
    /// #[metric]
    /// static RETRIES_TOTAL: Counter;
    ///
    /// // In a library's tests: `without_prefix(env!("CARGO_CRATE_NAME"), "courier_")`.
    /// let krate = module_path!().split("::").next().unwrap();
    /// assert_eq!(metricsmith::catalog().without_prefix(krate, "courier_"), ["retries_total"]);
    /// ```
    pub fn without_prefix(&self, krate: &str, prefix: &str) -> Vec<&'static str> {
        self.metrics
            .iter()
            .filter(|metric| metric.module.split("::").next() == Some(krate))
            .map(|metric| metric.name)
            .filter(|name| !name.starts_with(prefix))
            .collect()
    }

    /// Every series a scrape contains, summed over the instruments.
    ///
    /// ```
    /// let catalog = metricsmith::catalog();
    /// assert_eq!(catalog.total_series(), catalog.metrics.iter().map(|metric| metric.series).sum::<usize>());
    /// ```
    pub fn total_series(&self) -> usize {
        self.metrics.iter().map(|metric| metric.series).sum()
    }

    /// A Markdown table, one row per instrument: name, type, unit, labels with their
    /// values, series, help and where it is declared.
    ///
    /// ```
    /// let markdown = metricsmith::catalog().to_markdown();
    /// assert!(markdown.starts_with("| metric | type | unit | labels | series | help | declared at |\n"));
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("| metric | type | unit | labels | series | help | declared at |\n");
        out.push_str("| --- | --- | --- | --- | ---: | --- | --- |\n");
        for metric in &self.metrics {
            let labels: Vec<String> = metric
                .labels
                .iter()
                .map(|label| {
                    let values: Vec<String> = label
                        .values
                        .iter()
                        .map(|value| match *value {
                            "" => "`\"\"`".to_owned(),
                            value => format!("`{}`", markdown_cell(value)),
                        })
                        .collect();
                    format!("`{}`: {}", label.name, values.join(", "))
                })
                .collect();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | `{}:{}` (`{}`) |",
                metric.name,
                metric.metric_type.as_str(),
                metric.unit.unwrap_or(""),
                labels.join("<br>"),
                metric.series,
                markdown_cell(metric.help),
                metric.file,
                metric.line,
                metric.module,
            );
        }
        let _ = writeln!(out, "\n{} metrics, {} series.", self.metrics.len(), self.total_series());
        out
    }

    /// A JSON document: `{"metrics":[{"name":..,"type":..,"help":..,"unit":..,"labels":
    /// [{"name":..,"values":[..]}],"label_sets":..,"series":..,"max_label_sets":..,
    /// "max_series":..,"buckets":[..],
    /// "read_at_scrape":..,"file":..,"line":..,"module":..}]}`.
    ///
    /// ```
    /// let json = metricsmith::catalog().to_json();
    /// assert!(json.starts_with(r#"{"metrics":["#) && json.ends_with("]}\n"));
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"metrics\":");
        json_array(&mut out, &self.metrics, |out, metric| {
            out.push_str("{\"name\":");
            json_string(out, metric.name);
            out.push_str(",\"type\":");
            json_string(out, metric.metric_type.as_str());
            out.push_str(",\"help\":");
            json_string(out, metric.help);
            out.push_str(",\"unit\":");
            match metric.unit {
                Some(unit) => json_string(out, unit),
                None => out.push_str("null"),
            }
            out.push_str(",\"labels\":");
            json_array(out, &metric.labels, |out, label| {
                out.push_str("{\"name\":");
                json_string(out, label.name);
                out.push_str(",\"values\":");
                json_array(out, &label.values, |out, value| json_string(out, value));
                out.push('}');
            });
            let _ = write!(
                out,
                ",\"label_sets\":{},\"series\":{},\"max_label_sets\":{},\"max_series\":{},\"buckets\":",
                metric.label_sets, metric.series, metric.max_label_sets, metric.max_series
            );
            // Bucket bounds are finite (checked at compile time); JSON has no NaN.
            json_array(out, &metric.buckets, |out, bound| match bound.is_finite() {
                true => {
                    let _ = write!(out, "{bound:?}");
                }
                false => out.push_str("null"),
            });
            let _ = write!(out, ",\"read_at_scrape\":{},\"file\":", metric.read_at_scrape);
            json_string(out, metric.file);
            let _ = write!(out, ",\"line\":{},\"module\":", metric.line);
            json_string(out, metric.module);
            out.push('}');
        });
        out.push_str("}\n");
        out
    }
}

/// Appends `[item,item,...]`, each written by `write`.
fn json_array<T>(out: &mut String, items: &[T], mut write: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (position, item) in items.iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        write(out, item);
    }
    out.push(']');
}

/// Text safe inside a Markdown table cell: `|` escaped, line breaks as `<br>`.
fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', "<br>")
}

/// Appends `text` as a JSON string literal.
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_escape_quotes_backslashes_and_control_characters() {
        let mut out = String::new();
        json_string(&mut out, "a \"b\" \\ c\nd\u{1}é");
        assert_eq!(out, r#""a \"b\" \\ c\nd\u0001é""#);
    }

    #[test]
    fn markdown_cells_keep_pipes_and_line_breaks_inside_the_cell() {
        assert_eq!(markdown_cell("a | b\nc"), "a \\| b<br>c");
    }
}
