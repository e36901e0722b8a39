//! Exemplars: rendered after their counter or bucket line in OpenMetrics, absent from
//! text 0.0.4, read back by Python's OpenMetrics parser, and dropped (but counted, the
//! value still recorded) when they break the 128-character limit.

use std::collections::BTreeMap;

use metricsmith::{metric, Counter, Format, Histogram, LabelValue};
use metricsmith_tests::{python_exemplars, render_text, require, Tool};

#[derive(LabelValue, Clone, Copy)]
#[label(name = "method")]
enum Method {
    Card,
    Wallet,
}

/// Exemplar probe: payments, by method.
#[metric]
static EXEMPLAR_PAYMENTS_TOTAL: Counter<Method>;
/// Exemplar probe: payment latency.
#[metric(buckets = [0.1, 0.5])]
static EXEMPLAR_PAYMENT_DURATION_SECONDS: Histogram<Method>;
/// Exemplar probe for Python: requests.
#[metric]
static EXEMPLAR_REQUESTS_TOTAL: Counter;
/// Exemplar probe for Python: request latency.
#[metric(buckets = [0.25, 1.0])]
static EXEMPLAR_REQUEST_DURATION_SECONDS: Histogram;
/// Exemplar probe: given an exemplar over the length limit.
#[metric]
static EXEMPLAR_OVERSIZED_TOTAL: Counter;
/// Exemplar probe: given a NaN with its exemplar.
#[metric(buckets = [1.0])]
static EXEMPLAR_REJECTED_DURATION_SECONDS: Histogram;

/// The line starting with `prefix` (followed by a space), split into the part before the
/// exemplar's timestamp and the timestamp; `None` as timestamp when it has no exemplar.
fn line_and_timestamp<'a>(text: &'a str, prefix: &str) -> (&'a str, Option<&'a str>) {
    let line = text
        .lines()
        .find(|line| line.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(' ')))
        .unwrap_or_else(|| panic!("no line `{prefix}` in\n{text}"));
    if !line.contains(" # {") {
        return (line, None);
    }
    let (head, timestamp) = line.rsplit_once(' ').expect("an exemplar has a timestamp");
    (head, Some(timestamp))
}

/// Seconds with three decimals, within a day of now.
fn assert_recent_timestamp(timestamp: &str) {
    let (seconds, millis) = timestamp.split_once('.').expect("seconds.millis");
    assert!(millis.len() == 3 && millis.bytes().all(|byte| byte.is_ascii_digit()), "{timestamp}");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!(seconds.parse::<u64>().expect("whole seconds").abs_diff(now) < 86_400, "{timestamp}");
}

/// Tests that take exact deltas of the process-wide rejection counts take turns.
fn counting_rejections() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn rejected(kind: &str) -> u64 {
    let text = render_text(Format::Prometheus);
    let (line, _) =
        line_and_timestamp(&text, &format!("metricsmith_rejected_values_total{{kind=\"{kind}\"}}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn exemplars_follow_their_lines_in_openmetrics_and_are_absent_from_text_format() {
    EXEMPLAR_PAYMENTS_TOTAL.labels(Method::Card).inc_with_exemplar(&[("trace_id", "4bf92f35")]);
    EXEMPLAR_PAYMENTS_TOTAL.labels(Method::Card).inc_by_with_exemplar(3, &[("trace_id", "\"a\"\\c\nd")]);
    EXEMPLAR_PAYMENTS_TOTAL.labels(Method::Wallet).inc();
    let latency = EXEMPLAR_PAYMENT_DURATION_SECONDS.labels(Method::Wallet);
    latency.observe_with_exemplar(0.3, &[("trace_id", "slow"), ("span_id", "7")]);
    latency.observe(0.05);

    let openmetrics = render_text(Format::OpenMetrics);
    let (line, timestamp) = line_and_timestamp(&openmetrics, "exemplar_payments_total{method=\"card\"}");
    // The latest exemplar, escaped like a label value, with the amount it came with.
    assert_eq!(line, r#"exemplar_payments_total{method="card"} 4 # {trace_id="\"a\"\\c\nd"} 3"#);
    assert_recent_timestamp(timestamp.expect("a timestamp"));
    let wallet = line_and_timestamp(&openmetrics, "exemplar_payments_total{method=\"wallet\"}");
    assert_eq!(wallet, (r#"exemplar_payments_total{method="wallet"} 1"#, None));

    let bucket = |le: &str| {
        let prefix = format!("exemplar_payment_duration_seconds_bucket{{method=\"wallet\",le=\"{le}\"}}");
        line_and_timestamp(&openmetrics, &prefix)
    };
    assert_eq!(
        bucket("0.1"),
        (r#"exemplar_payment_duration_seconds_bucket{method="wallet",le="0.1"} 1"#, None)
    );
    let (line, timestamp) = bucket("0.5");
    assert_eq!(
        line,
        r#"exemplar_payment_duration_seconds_bucket{method="wallet",le="0.5"} 2 # {trace_id="slow",span_id="7"} 0.3"#
    );
    assert_recent_timestamp(timestamp.expect("a timestamp"));
    assert_eq!(
        bucket("+Inf"),
        (r#"exemplar_payment_duration_seconds_bucket{method="wallet",le="+Inf"} 2"#, None)
    );

    let text = render_text(Format::Prometheus);
    assert!(!text.contains(" # "), "text format 0.0.4 has no exemplars:\n{text}");
    let card = line_and_timestamp(&text, "exemplar_payments_total{method=\"card\"}");
    assert_eq!(card, (r#"exemplar_payments_total{method="card"} 4"#, None));
    let bucket =
        line_and_timestamp(&text, "exemplar_payment_duration_seconds_bucket{method=\"wallet\",le=\"0.5\"}");
    assert_eq!(bucket, (r#"exemplar_payment_duration_seconds_bucket{method="wallet",le="0.5"} 2"#, None));
}

#[test]
fn python_openmetrics_parser_reads_exemplars_back() {
    let Some(python) = require(Tool::PythonClient, "python_openmetrics_parser_reads_exemplars_back") else {
        return;
    };
    // Exactly 128 characters of names and values: the longest exemplar allowed.
    let longest = format!("é{}", "x".repeat(128 - "trace_id".len() - 1));
    EXEMPLAR_REQUESTS_TOTAL.inc_by_with_exemplar(2, &[("trace_id", &longest)]);
    // Escapes: backslash, newline, and quotes. (prometheus_client 0.26 takes any quote in
    // an exemplar, escaped or not, as opening or closing a value: an exemplar value with
    // an odd number of quotes, valid OpenMetrics, fails its parser. Every exemplar in
    // this binary's registry has an even number, since this parser reads them all.)
    let escaped = "back\\slash\nnew \"quoted\"";
    EXEMPLAR_REQUEST_DURATION_SECONDS.observe_with_exemplar(0.5, &[("trace_id", escaped), ("user", "ü")]);
    EXEMPLAR_REQUEST_DURATION_SECONDS.observe_with_exemplar(3.0, &[]);

    let openmetrics = render_text(Format::OpenMetrics);
    let read = python_exemplars(&python, &openmetrics);
    let of = |sample: &str, labels: &[(&str, &str)]| {
        let labels: BTreeMap<String, String> =
            labels.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        read.iter()
            .find(|exemplar| exemplar.sample == sample && exemplar.sample_labels == labels)
            .unwrap_or_else(|| panic!("Python read no exemplar on {sample} {labels:?}: {read:#?}"))
    };
    // Python holds a decimal timestamp as seconds and nanoseconds.
    let rendered_timestamp = |prefix: &str| -> String {
        format!("{}000000", line_and_timestamp(&openmetrics, prefix).1.expect("an exemplar"))
    };
    let owned = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect()
    };

    let counter = of("exemplar_requests_total", &[]);
    assert_eq!(counter.labels, owned(&[("trace_id", &longest)]));
    assert_eq!(counter.value, 2.0);
    assert_eq!(counter.timestamp, Some(rendered_timestamp("exemplar_requests_total")));

    let bucket = of("exemplar_request_duration_seconds_bucket", &[("le", "1.0")]);
    assert_eq!(bucket.labels, owned(&[("trace_id", escaped), ("user", "ü")]));
    assert_eq!(bucket.value, 0.5);
    let prefix = "exemplar_request_duration_seconds_bucket{le=\"1.0\"}";
    assert_eq!(bucket.timestamp, Some(rendered_timestamp(prefix)));

    let overflow = of("exemplar_request_duration_seconds_bucket", &[("le", "+Inf")]);
    assert_eq!((overflow.labels.len(), overflow.value), (0, 3.0));
    assert!(
        read.iter()
            .all(|exemplar| exemplar.sample.ends_with("_total") || exemplar.sample.ends_with("_bucket")),
        "{read:#?}"
    );
}

#[test]
fn an_oversized_exemplar_is_dropped_and_counted_while_the_increment_lands() {
    let _turn = counting_rejections();
    let before = rejected("invalid_exemplar");
    // 8 + 121 = 129 characters: one over the limit.
    EXEMPLAR_OVERSIZED_TOTAL.inc_by_with_exemplar(5, &[("trace_id", &"x".repeat(121))]);
    assert_eq!(EXEMPLAR_OVERSIZED_TOTAL.get(), 5);
    assert_eq!(rejected("invalid_exemplar") - before, 1);
    let openmetrics = render_text(Format::OpenMetrics);
    assert_eq!(
        line_and_timestamp(&openmetrics, "exemplar_oversized_total"),
        ("exemplar_oversized_total 5", None)
    );
}

#[test]
fn a_rejected_value_takes_its_exemplar_with_it_counted_once_as_the_value() {
    let _turn = counting_rejections();
    let (nan_before, exemplars_before) = (rejected("nan_observation"), rejected("invalid_exemplar"));
    EXEMPLAR_REJECTED_DURATION_SECONDS.observe_with_exemplar(f64::NAN, &[("trace_id", "nan")]);
    assert_eq!(EXEMPLAR_REJECTED_DURATION_SECONDS.count(), 0);
    assert_eq!(rejected("nan_observation") - nan_before, 1);
    assert_eq!(rejected("invalid_exemplar"), exemplars_before, "the exemplar is not counted again");
    let openmetrics = render_text(Format::OpenMetrics);
    assert!(!openmetrics.contains("{trace_id=\"nan\"}"), "{openmetrics}");
}
