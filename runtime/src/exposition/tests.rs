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

/// What Prometheus sends: 2.42 by default, and with `--enable-feature=native-histograms`.
const PROMETHEUS_2_42: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const PROMETHEUS_2_42_NATIVE: &str = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const PROTOBUF: &str =
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

#[test]
fn prometheus_servers_get_what_they_ask_for_first() {
    assert_eq!(Format::from_accept(PROMETHEUS_2_42), Format::OpenMetrics);
    assert_eq!(Format::from_accept(PROMETHEUS_2_42_NATIVE), Format::Protobuf);
    let asked_for_protobuf = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    assert_eq!(Format::from_accept(asked_for_protobuf), Format::Protobuf);
    // Prometheus 3's protobuf-first header, with a newer OpenMetrics it does not get.
    let prometheus_3 = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";
    assert_eq!(Format::from_accept(prometheus_3), Format::Protobuf);
}

#[test]
fn the_highest_quality_wins_whatever_the_order() {
    let table: &[(&str, Format)] = &[
        // Missing q means 1.
        (PROTOBUF, Format::Protobuf),
        (&format!("text/plain;q=0.9,{PROTOBUF};q=0.8"), Format::Prometheus),
        (&format!("{PROTOBUF};q=0.4,application/openmetrics-text;q=0.5"), Format::OpenMetrics),
        (&format!("application/openmetrics-text;q=0.5,{PROTOBUF};q=0.6"), Format::Protobuf),
        ("text/plain;version=0.0.4;q=0.6,application/openmetrics-text;version=1.0.0;q=0.5", Format::Prometheus),
        // Ties: protobuf, then OpenMetrics, then text.
        (&format!("text/plain,application/openmetrics-text,{PROTOBUF}"), Format::Protobuf),
        ("text/plain;q=0.5,application/openmetrics-text;q=0.5", Format::OpenMetrics),
        // q=0 refuses.
        (&format!("{PROTOBUF};q=0,application/openmetrics-text;q=0.1"), Format::OpenMetrics),
        (&format!("{PROTOBUF};q=0.0,text/plain;q=0.001"), Format::Prometheus),
        ("application/openmetrics-text;q=0", Format::Prometheus),
        // An unparsable or out-of-range q is as good as 0.
        (&format!("{PROTOBUF};q=high,text/plain;q=0.1"), Format::Prometheus),
        (&format!("{PROTOBUF};q=2,application/openmetrics-text;q=0.1"), Format::OpenMetrics),
        // The better of two ranges naming one format counts.
        ("application/openmetrics-text;version=0.0.1;q=0.9,application/openmetrics-text;version=1.0.0;q=0.2,text/plain;q=0.5", Format::OpenMetrics),
    ];
    for (accept, expected) in table {
        assert_eq!(Format::from_accept(accept), *expected, "Accept: {accept}");
    }
}

#[test]
fn protobuf_needs_its_proto_and_the_delimited_encoding() {
    for accept in [
        "application/vnd.google.protobuf",
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily",
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text",
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=compact-text",
        "application/vnd.google.protobuf;proto=other.Message;encoding=delimited",
        "application/vnd.google.protobuf;encoding=delimited",
    ] {
        assert_eq!(Format::from_accept(accept), Format::Prometheus, "Accept: {accept}");
    }
}

#[test]
fn case_spacing_and_quotes_do_not_matter() {
    for accept in [
        "APPLICATION/VND.GOOGLE.PROTOBUF; PROTO=io.prometheus.client.MetricFamily; ENCODING=DELIMITED",
        "  application/vnd.google.protobuf ;proto = io.prometheus.client.MetricFamily ; encoding = delimited ; q = 0.9 , text/plain ; q=0.5",
        "application/vnd.google.protobuf;proto=\"io.prometheus.client.MetricFamily\";encoding=\"delimited\"",
    ] {
        assert_eq!(Format::from_accept(accept), Format::Protobuf, "Accept: {accept}");
    }
    assert_eq!(Format::from_accept("Application/OpenMetrics-Text; Version=1.0.0"), Format::OpenMetrics);
    assert_eq!(
        Format::from_accept("TEXT/PLAIN;VERSION=0.0.4;Q=1,application/openmetrics-text;q=0.9"),
        Format::Prometheus
    );
}

#[test]
fn wildcards_stand_for_the_text_formats_never_for_protobuf() {
    let table: &[(&str, Format)] = &[
        ("*/*", Format::Prometheus),
        ("application/*", Format::OpenMetrics),
        ("text/*", Format::Prometheus),
        // A named format overrides the wildcard that would also cover it.
        ("application/*;q=0.9,application/openmetrics-text;q=0", Format::Prometheus),
        ("*/*;q=0.9,application/openmetrics-text;q=0.5", Format::Prometheus),
        ("*/*;q=0.1,application/openmetrics-text;q=0.5", Format::OpenMetrics),
        ("text/plain;q=0,application/*;q=0.2", Format::OpenMetrics),
        // `*/*;q=0` refuses everything not named: only protobuf is left.
        (&format!("*/*;q=0,{PROTOBUF};q=0.1"), Format::Protobuf),
    ];
    for (accept, expected) in table {
        assert_eq!(Format::from_accept(accept), *expected, "Accept: {accept}");
    }
}

#[test]
fn nothing_acceptable_or_nothing_readable_gets_text() {
    for accept in [
        "",
        "application/json",
        "text/html, image/png",
        "text/plain;version=1.0.0",
        "application/openmetrics-text;version=2.0.0",
        "garbage;;;,,,;q=",
        "*/*;q=0",
        "text/plain;q=0,application/openmetrics-text;q=0",
        "/,//,;q=1",
    ] {
        assert_eq!(Format::from_accept(accept), Format::Prometheus, "Accept: {accept:?}");
    }
}

/// Counter with created lines.
#[metric]
static SHELF_RESTOCKS_TOTAL: Counter<Shelf>;
/// Histogram with created lines.
#[metric(buckets = [1.0])]
static SHELF_LABELLING_DURATION_SECONDS: Histogram;

#[test]
fn created_lines_only_in_openmetrics_and_only_when_asked() {
    SHELF_RESTOCKS_TOTAL.labels(Shelf::Top).inc();
    SHELF_LABELLING_DURATION_SECONDS.observe(0.5);
    let render_with = |format, created| {
        let mut out = Vec::new();
        crate::render_with(
            format,
            crate::RenderOptions::default().with_created_timestamps(created),
            &mut out,
        );
        String::from_utf8(out).unwrap()
    };
    let created_lines = |text: &str| {
        text.lines()
            .filter(|line| !line.starts_with('#') && line.contains("_created"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(created_lines(&render(Format::OpenMetrics)), Vec::<String>::new(), "off by default");
    assert_eq!(
        created_lines(&render_with(Format::Prometheus, true)),
        Vec::<String>::new(),
        "never in text 0.0.4"
    );
    let text = render_with(Format::OpenMetrics, true);
    let since = crate::storage::created::counting_since().expect("set by the scrape");
    let seconds = since.duration_since(std::time::UNIX_EPOCH).unwrap();
    let stamp = format!("{}.{:03}", seconds.as_secs(), seconds.subsec_millis());
    // After each series, under the family name.
    let expected = format!(
        "shelf_restocks_total{{shelf=\"top\"}} 1\nshelf_restocks_created{{shelf=\"top\"}} {stamp}\n\
         shelf_restocks_total{{shelf=\"bottom\"}} 0\nshelf_restocks_created{{shelf=\"bottom\"}} {stamp}\n"
    );
    assert!(text.contains(&expected), "{text}");
    let expected = format!(
        "shelf_labelling_duration_seconds_count 1\nshelf_labelling_duration_seconds_sum 0.5\n\
         shelf_labelling_duration_seconds_created {stamp}\n"
    );
    assert!(text.contains(&expected), "{text}");
    // Gauges, info and state sets have none: every created line is a counter's,
    // histogram's or summary's.
    for line in created_lines(&text) {
        let name = line.split(['{', ' ']).next().unwrap().trim_end_matches("_created");
        let family = text
            .lines()
            .find_map(|line| line.strip_prefix("# TYPE ")?.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no family for {line}"));
        assert!(matches!(family, "counter" | "histogram" | "summary"), "{line} is of a {family}");
    }
}
