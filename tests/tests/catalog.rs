//! `metricsmith::catalog()` describes exactly what a scrape contains: for every family
//! of a real scrape of this binary (the shop scenario, the shared function families,
//! build_info, the process collector, metricsmith's own counters), the catalog's series
//! count equals the samples the scrape holds, its label values are the ones the scrape
//! shows, and its JSON and Markdown renderings carry the same facts.

use std::collections::{BTreeMap, BTreeSet};

use metricsmith::{CatalogMetric, Format, MetricType};
use metricsmith_tests::{drive_shop, python_parse, render_text, require, PythonParser, Tool};

metricsmith::build_info!(commit = "0123abc");

/// Samples per family of a text 0.0.4 scrape, by the `# TYPE` line each follows.
fn samples_per_family(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut families: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let name = rest.split(' ').next().expect("a name").to_owned();
            families.insert(name.clone(), Vec::new());
            current = Some(name);
        } else if !line.starts_with('#') {
            let family = current.as_ref().expect("samples follow a TYPE line");
            families.get_mut(family).expect("started").push(line.to_owned());
        }
    }
    families
}

/// `name="value"` pairs of a sample line (values here have no escapes).
fn label_pairs(sample: &str) -> Vec<(String, String)> {
    let Some((_, rest)) = sample.split_once('{') else { return Vec::new() };
    let inside = rest.rsplit_once('}').expect("closing brace").0;
    inside
        .split("\",")
        .map(|pair| {
            let (name, value) = pair.split_once("=\"").expect("name=\"value\"");
            (name.to_owned(), value.trim_end_matches('"').to_owned())
        })
        .collect()
}

#[test]
fn catalog_series_counts_equal_what_a_scrape_contains() {
    drive_shop(30, 20);
    let catalog = metricsmith::catalog();
    let text = render_text(Format::Prometheus);
    let scraped = samples_per_family(&text);

    // The catalog lists every family; a scrape leaves out those without series yet (the
    // HTTP layer's, whose labels' values come with requests), which the catalog says.
    let names: BTreeSet<&str> =
        catalog.metrics.iter().filter(|metric| metric.series > 0).map(|metric| metric.name).collect();
    let scraped_names: BTreeSet<&str> = scraped.keys().map(String::as_str).collect();
    assert_eq!(names, scraped_names, "the catalog lists exactly the scraped families");
    let waiting = catalog.get("http_server_request_duration_seconds").expect("catalogued before any request");
    assert_eq!((waiting.series, waiting.max_series), (0, 10 * 34 * 17 * 17));
    for expected in
        ["payment_gateway_duration_seconds", "function_calls_total", "build_info", "process_threads"]
    {
        assert!(names.contains(expected), "{expected} is catalogued");
    }

    for metric in catalog.metrics.iter().filter(|metric| metric.series > 0) {
        let samples = &scraped[metric.name];
        assert_eq!(metric.series, samples.len(), "series of `{}`", metric.name);
        // Every value the catalog lists appears in the scrape, and no other.
        for label in &metric.labels {
            let seen: BTreeSet<String> = samples
                .iter()
                .flat_map(|sample| label_pairs(sample))
                .filter(|(name, _)| name == label.name)
                .map(|(_, value)| value)
                .collect();
            let listed: BTreeSet<String> = label.values.iter().map(|value| value.to_string()).collect();
            assert_eq!(listed, seen, "values of label `{}` of `{}`", label.name, metric.name);
        }
    }
    assert_eq!(catalog.total_series(), scraped.values().map(Vec::len).sum::<usize>());

    let gateway = catalog.get("payment_gateway_duration_seconds").expect("the shop's histogram");
    assert_eq!(gateway.metric_type, MetricType::Histogram);
    assert_eq!(gateway.unit, Some("seconds"));
    assert_eq!(gateway.buckets, [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]);
    assert_eq!(gateway.label_sets, 3);
    assert_eq!(gateway.series, 3 * (8 + 3));
    assert!(gateway.file.ends_with("shop.rs") && gateway.module.ends_with("::shop"), "{gateway:?}");
    let build = catalog.get("build_info").expect("build_info");
    let pairs: Vec<(&str, &[&str])> =
        build.labels.iter().map(|label| (label.name, &label.values[..])).collect();
    assert_eq!(
        pairs,
        [("version", &[env!("CARGO_PKG_VERSION")][..]), ("commit", &["0123abc"][..]), ("branch", &[""][..])]
    );
}

#[test]
fn python_counts_the_same_samples_as_the_catalog() {
    let Some(python) = require(Tool::PythonClient, "python_counts_the_same_samples_as_the_catalog") else {
        return;
    };
    let catalog = metricsmith::catalog();
    let families = python_parse(&python, PythonParser::Text, &render_text(Format::Prometheus));
    let counted: BTreeMap<String, usize> =
        families.iter().map(|family| (family.name.clone(), family.samples.len())).collect();
    // Python names a counter's family without `_total`.
    let family_name = |metric: &CatalogMetric| match metric.metric_type {
        MetricType::Counter => metric.name.strip_suffix("_total").unwrap_or(metric.name).to_owned(),
        _ => metric.name.to_owned(),
    };
    // Families without series yet are not scraped (see above).
    let catalogued: BTreeMap<String, usize> = catalog
        .metrics
        .iter()
        .filter(|metric| metric.series > 0)
        .map(|metric| (family_name(metric), metric.series))
        .collect();
    assert_eq!(counted, catalogued);
}

fn json_metric<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["metrics"].as_array().expect("metrics").iter().find(|metric| metric["name"] == name).expect("listed")
}

#[test]
fn json_and_markdown_carry_every_metric() {
    let catalog = metricsmith::catalog();
    let json: serde_json::Value = serde_json::from_str(&catalog.to_json()).expect("the JSON parses");
    assert_eq!(json["metrics"].as_array().expect("metrics").len(), catalog.metrics.len());
    for metric in &catalog.metrics {
        let listed = json_metric(&json, metric.name);
        let CatalogMetric { name, help, series, label_sets, line, file, module, .. } = metric;
        assert_eq!(listed["help"], *help, "{name}");
        assert_eq!(listed["type"], metric.metric_type.as_str());
        assert_eq!(listed["unit"].as_str(), metric.unit);
        assert_eq!(listed["series"], *series);
        assert_eq!(listed["label_sets"], *label_sets);
        assert_eq!(listed["line"], *line);
        assert_eq!(listed["file"], *file);
        assert_eq!(listed["module"], *module);
        assert_eq!(listed["read_at_scrape"], metric.read_at_scrape);
        let labels: Vec<(String, Vec<String>)> = listed["labels"]
            .as_array()
            .expect("labels")
            .iter()
            .map(|label| {
                let values = label["values"].as_array().expect("values");
                (
                    label["name"].as_str().expect("name").to_owned(),
                    values.iter().map(|value| value.as_str().expect("text").to_owned()).collect(),
                )
            })
            .collect();
        let expected: Vec<(String, Vec<String>)> = metric
            .labels
            .iter()
            .map(|label| {
                (label.name.to_owned(), label.values.iter().map(|value| value.to_string()).collect())
            })
            .collect();
        assert_eq!(labels, expected, "{name}");
        let buckets: Vec<f64> = listed["buckets"]
            .as_array()
            .expect("buckets")
            .iter()
            .map(|bound| bound.as_f64().expect("number"))
            .collect();
        assert_eq!(buckets, metric.buckets, "{name}");
    }
    assert_eq!(json_metric(&json, "process_threads")["read_at_scrape"], true);

    let markdown = catalog.to_markdown();
    let rows: Vec<&str> = markdown.lines().filter(|line| line.starts_with("| `")).collect();
    assert_eq!(rows.len(), catalog.metrics.len());
    for (row, metric) in rows.iter().zip(&catalog.metrics) {
        assert!(
            row.starts_with(&format!("| `{}` | {} |", metric.name, metric.metric_type.as_str())),
            "{row}"
        );
        assert!(row.contains(&format!(" | {} | ", metric.series)), "{row}");
    }
    let orders = rows.iter().find(|row| row.starts_with("| `orders_processed_total` ")).expect("a row");
    assert!(orders
        .contains("`outcome`: `success`, `declined`<br>`payment_method`: `card`, `wallet`, `bank_transfer`"));
    assert!(markdown.ends_with(&format!(
        "{} metrics, {} series.\n",
        catalog.metrics.len(),
        catalog.total_series()
    )));
}
