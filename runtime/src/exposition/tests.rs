//! The text formats as a scraper reads them: which series lines a family has, and where
//! exemplars go.

use crate::{metric, Counter, Format, Histogram, LabelValue};

#[derive(LabelValue, Debug, PartialEq)]
enum Shelf {
    Top,
    Bottom,
}

/// Every line of a scrape in `format`.
fn render(format: Format) -> String {
    let mut out = Vec::new();
    crate::render(format, &mut out);
    String::from_utf8(out).unwrap()
}

/// Histogram with negative buckets.
#[metric(buckets = [-1.0, 1.0])]
static SHELF_AMBIENT_DELTA_CELSIUS: Histogram;

/// Histogram without negative buckets.
#[metric(buckets = [1.0, 2.0])]
static SHELF_CHILL_DURATION_SECONDS: Histogram;

#[test]
fn openmetrics_omits_count_and_sum_only_for_histograms_with_negative_buckets() {
    SHELF_AMBIENT_DELTA_CELSIUS.observe(0.25);
    SHELF_CHILL_DURATION_SECONDS.observe(0.5);
    let openmetrics = render(Format::OpenMetrics);
    // OpenMetrics: no `_sum` with negative buckets, and `_count` only beside `_sum`.
    assert!(!openmetrics.contains("\nshelf_ambient_delta_celsius_count "));
    assert!(!openmetrics.contains("\nshelf_ambient_delta_celsius_sum "));
    assert!(openmetrics.contains("\nshelf_ambient_delta_celsius_bucket{le=\"+Inf\"} 1\n"));
    assert!(openmetrics.contains("\nshelf_chill_duration_seconds_sum "));
    let text = render(Format::Prometheus);
    assert!(
        text.contains("\nshelf_ambient_delta_celsius_sum 0.25\n")
            && text.contains("\nshelf_ambient_delta_celsius_count 1\n")
    );
}

/// Counter with exemplars.
#[metric]
static SHELF_SCANS_TOTAL: Counter<Shelf>;
/// Histogram with exemplars.
#[metric(buckets = [1.0, 2.0])]
static SHELF_SCAN_DURATION_SECONDS: Histogram<Shelf>;

/// The line of `render(format)` that starts with `prefix`, without the exemplar's
/// timestamp (the last word) when it has an exemplar.
fn rendered_line(format: Format, prefix: &str) -> String {
    let text = render(format);
    let line = text.lines().find(|line| line.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix}"));
    match line.split_once(" # ") {
        Some(_) => line.rsplit_once(' ').unwrap().0.to_owned(),
        None => line.to_owned(),
    }
}

#[test]
fn counter_exemplar_follows_its_series_in_openmetrics_only() {
    let series = SHELF_SCANS_TOTAL.labels(Shelf::Top);
    series.inc_with_exemplar(&[("trace_id", "abc")]);
    // Recorded from another thread (another shard): same series, latest exemplar wins.
    std::thread::spawn(move || series.inc_by_with_exemplar(4, &[("trace_id", "d\"e")])).join().unwrap();
    assert_eq!(series.get(), 5);
    let prefix = "shelf_scans_total{shelf=\"top\"}";
    let openmetrics = rendered_line(Format::OpenMetrics, prefix);
    assert_eq!(openmetrics, r#"shelf_scans_total{shelf="top"} 5 # {trace_id="d\"e"} 4"#);
    assert_eq!(rendered_line(Format::Prometheus, prefix), r#"shelf_scans_total{shelf="top"} 5"#);
    // The other series has none.
    let bottom = rendered_line(Format::OpenMetrics, "shelf_scans_total{shelf=\"bottom\"}");
    assert_eq!(bottom, r#"shelf_scans_total{shelf="bottom"} 0"#);
}

#[test]
fn histogram_exemplar_goes_on_the_bucket_the_value_fell_into() {
    let series = SHELF_SCAN_DURATION_SECONDS.labels(Shelf::Bottom);
    series.observe_with_exemplar(1.5, &[("trace_id", "in-two")]);
    series.observe_with_exemplar(7.0, &[("trace_id", "overflow"), ("span_id", "s")]);
    series.observe(0.5);
    let line = |le: &str| {
        let prefix = format!("shelf_scan_duration_seconds_bucket{{shelf=\"bottom\",le=\"{le}\"}}");
        rendered_line(Format::OpenMetrics, &prefix)
    };
    assert_eq!(line("1.0"), r#"shelf_scan_duration_seconds_bucket{shelf="bottom",le="1.0"} 1"#);
    assert_eq!(
        line("2.0"),
        r#"shelf_scan_duration_seconds_bucket{shelf="bottom",le="2.0"} 2 # {trace_id="in-two"} 1.5"#
    );
    assert_eq!(
        line("+Inf"),
        r#"shelf_scan_duration_seconds_bucket{shelf="bottom",le="+Inf"} 3 # {trace_id="overflow",span_id="s"} 7"#
    );
    let prometheus =
        rendered_line(Format::Prometheus, "shelf_scan_duration_seconds_bucket{shelf=\"bottom\",le=\"2\"}");
    assert_eq!(prometheus, r#"shelf_scan_duration_seconds_bucket{shelf="bottom",le="2"} 2"#);
}
