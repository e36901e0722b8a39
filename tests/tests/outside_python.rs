//! Python's `prometheus_client` (PyPI) reads metricsmith's output: its OpenMetrics parser
//! accepts the OpenMetrics rendering, and both its parsers read back exactly the values,
//! HELP texts and label values the program set, including escapes and edge-case floats.
//!
//! The tests share one registry but not their statics: each test only sets and checks
//! the instruments it owns, so they can run in parallel.

mod escaping;

use std::collections::BTreeMap;

use metricsmith::{metric, Gauge, LabelValue};
use metricsmith_examples::shop::{
    self, OrderLabels, Outcome, PaymentMethod, ORDERS_PROCESSED_TOTAL, PAYMENT_GATEWAY_DURATION_SECONDS,
};

use escaping::{
    Tricky, ESCAPED_HELP, ESCAPING_PROBES_TOTAL, ESCAPING_PROBE_INFO, NASTY_VALUE, NASTY_VERSION,
};
use metricsmith_tests::{drive_shop, python_parse, render_text, require, ParsedFamily, PythonParser, Tool};

const PARSERS: [PythonParser; 2] = [PythonParser::Text, PythonParser::OpenMetrics];

/// Sample name and labels: what identifies a sample within an exposition.
type SampleKey = (String, BTreeMap<String, String>);

fn key(name: &str, labels: &[(&str, &str)]) -> SampleKey {
    (name.to_owned(), labels.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect())
}

/// Every sample the parser read whose name is in `names`, by name and labels.
fn samples_named(families: &[ParsedFamily], names: &[&str]) -> BTreeMap<SampleKey, f64> {
    let mut found = BTreeMap::new();
    for sample in families.iter().flat_map(|family| &family.samples) {
        if names.contains(&sample.name.as_str()) {
            let previous = found.insert((sample.name.clone(), sample.labels.clone()), sample.value);
            assert!(previous.is_none(), "sample {} {:?} read twice", sample.name, sample.labels);
        }
    }
    found
}

/// The family holding the sample called `sample_name`.
fn family_of<'a>(families: &'a [ParsedFamily], sample_name: &str) -> &'a ParsedFamily {
    families
        .iter()
        .find(|family| family.samples.iter().any(|sample| sample.name == sample_name))
        .unwrap_or_else(|| panic!("no family has a sample `{sample_name}`: {families:#?}"))
}

/// Same bits for numbers, or both NaN (NaN payloads are not part of the formats).
fn same_float(left: f64, right: f64) -> bool {
    left.to_bits() == right.to_bits() || (left.is_nan() && right.is_nan())
}

/// The number of sample lines: what a parser must have read, no more and no less.
fn sample_lines(text: &str) -> usize {
    text.lines().filter(|line| !line.is_empty() && !line.starts_with('#')).count()
}

/// Parses `text` with `parser` and checks nothing was dropped or invented.
fn parse_all(python: &std::path::Path, parser: PythonParser, text: &str) -> Vec<ParsedFamily> {
    let families = python_parse(python, parser, text);
    let read: usize = families.iter().map(|family| family.samples.len()).sum();
    assert_eq!(read, sample_lines(text), "{parser:?} parser read a different number of samples:\n{text}");
    families
}

/// A histogram bound as each format writes it: OpenMetrics wants `1.0`, text `1`.
fn le(bound: f64, parser: PythonParser) -> String {
    match parser {
        PythonParser::OpenMetrics if bound.fract() == 0.0 => format!("{bound:.1}"),
        _ => format!("{bound}"),
    }
}

/// What the shop's instruments hold, read through their accessors, as samples.
fn shop_samples(parser: PythonParser) -> BTreeMap<SampleKey, f64> {
    let outcomes = [(Outcome::Success, "success"), (Outcome::Declined, "declined")];
    let methods = [
        (PaymentMethod::Card, "card"),
        (PaymentMethod::Wallet, "wallet"),
        (PaymentMethod::Transfer, "bank_transfer"),
    ];
    let mut expected = BTreeMap::new();
    for (outcome, outcome_text) in outcomes {
        for (payment_method, method_text) in methods {
            let value = ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome, payment_method }).get();
            let labels = [("outcome", outcome_text), ("payment_method", method_text)];
            expected.insert(key("orders_processed_total", &labels), value as f64);
        }
    }
    expected.insert(key("order_queue_depth", &[]), shop::queue_depth() as f64);
    let bounds = PAYMENT_GATEWAY_DURATION_SECONDS.buckets();
    for (method, method_text) in methods {
        let series = PAYMENT_GATEWAY_DURATION_SECONDS.labels(method);
        let counts = series.bucket_counts();
        assert_eq!(counts.len(), bounds.len() + 1, "one count per bound, then +Inf");
        for (position, count) in counts.iter().enumerate() {
            let bound = bounds.get(position).map_or("+Inf".to_owned(), |bound| le(*bound, parser));
            let labels = [("payment_method", method_text), ("le", bound.as_str())];
            expected.insert(key("payment_gateway_duration_seconds_bucket", &labels), *count as f64);
        }
        let labels = [("payment_method", method_text)];
        expected.insert(key("payment_gateway_duration_seconds_count", &labels), series.count() as f64);
        expected.insert(key("payment_gateway_duration_seconds_sum", &labels), series.sum());
    }
    expected
}

#[test]
fn both_parsers_read_back_exactly_the_shop_values() {
    let Some(python) = require(Tool::PythonClient, "both_parsers_read_back_exactly_the_shop_values") else {
        return;
    };
    drive_shop(200, 180);
    assert!(
        shop::queue_depth() as f64 == 20.0
            && PAYMENT_GATEWAY_DURATION_SECONDS.labels(PaymentMethod::Card).count() > 0
    );

    for parser in PARSERS {
        let text = render_text(parser.format());
        let families = parse_all(&python, parser, &text);
        let expected = shop_samples(parser);
        let names: Vec<&str> = expected.keys().map(|(name, _)| name.as_str()).collect();
        let read = samples_named(&families, &names);
        assert_eq!(
            read.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{parser:?}: series"
        );
        for (sample, value) in &expected {
            assert!(
                same_float(read[sample], *value),
                "{parser:?}: {sample:?} read {} but is {value}",
                read[sample]
            );
        }
        for (sample_name, kind) in [
            ("orders_processed_total", "counter"),
            ("order_queue_depth", "gauge"),
            ("payment_gateway_duration_seconds_count", "histogram"),
        ] {
            let family = family_of(&families, sample_name);
            assert_eq!(family.kind, kind, "{parser:?}: type of {sample_name}");
            assert!(!family.help.is_empty(), "{parser:?}: help of {sample_name}");
        }
        if parser == PythonParser::OpenMetrics {
            assert_eq!(family_of(&families, "payment_gateway_duration_seconds_count").unit, "seconds");
        }
    }
}

// --- escaping ----------------------------------------------------------------------------

#[test]
fn both_parsers_read_back_escaped_help_and_label_values() {
    let Some(python) = require(Tool::PythonClient, "both_parsers_read_back_escaped_help_and_label_values")
    else {
        return;
    };
    ESCAPING_PROBES_TOTAL.labels(Tricky::Nasty).inc_by(3);
    ESCAPING_PROBES_TOTAL.labels(Tricky::Plain).inc();
    assert_eq!(ESCAPING_PROBE_INFO.pairs()[0], ("version", NASTY_VERSION));

    for parser in PARSERS {
        let text = render_text(parser.format());
        let families = parse_all(&python, parser, &text);

        let counter = family_of(&families, "escaping_probes_total");
        assert_eq!(counter.help, ESCAPED_HELP, "{parser:?}: counter help");
        let read = samples_named(&families, &["escaping_probes_total"]);
        let expected = BTreeMap::from([
            (key("escaping_probes_total", &[("tricky", NASTY_VALUE)]), 3.0),
            (key("escaping_probes_total", &[("tricky", "plain")]), 1.0),
        ]);
        assert_eq!(read, expected, "{parser:?}: escaped label values");

        let info = family_of(&families, "escaping_probe_info");
        assert_eq!(info.help, "Build facts with awkward label values.");
        assert_eq!(info.kind, if parser == PythonParser::OpenMetrics { "info" } else { "gauge" });
        let read = samples_named(&families, &["escaping_probe_info"]);
        let expected = BTreeMap::from([(
            key("escaping_probe_info", &[("version", NASTY_VERSION), ("edition", "2021")]),
            1.0,
        )]);
        assert_eq!(read, expected, "{parser:?}: escaped info labels");
    }
}

// --- float formatting --------------------------------------------------------------------

/// One gauge series per float edge case.
#[derive(LabelValue, Clone, Copy, Debug)]
#[label(name = "case")]
enum FloatCase {
    Million,
    TenMicro,
    TenThousandth,
    SixDigits,
    SevenDigits,
    NegativeHalf,
    Largest,
    SmallestSubnormal,
    SumOfTenths,
    TwoPowFiftyThree,
    PositiveInfinity,
    NegativeInfinity,
    NotANumber,
}

/// Float edge cases, one series each, to check exposition round trips.
#[metric]
static FLOAT_ROUND_TRIP_PROBE: Gauge<FloatCase>;

/// Each case, its value, and the text Go's `strconv.FormatFloat(v, 'g', -1, 64)` gives.
const FLOAT_CASES: [(FloatCase, f64, &str); 13] = [
    (FloatCase::Million, 1e6, "1e+06"),
    (FloatCase::TenMicro, 1e-5, "1e-05"),
    (FloatCase::TenThousandth, 0.0001, "0.0001"),
    (FloatCase::SixDigits, 123456.0, "123456"),
    (FloatCase::SevenDigits, 1234567.0, "1.234567e+06"),
    (FloatCase::NegativeHalf, -0.5, "-0.5"),
    (FloatCase::Largest, f64::MAX, "1.7976931348623157e+308"),
    (FloatCase::SmallestSubnormal, 5e-324, "5e-324"),
    (FloatCase::SumOfTenths, 0.30000000000000004, "0.30000000000000004"),
    (FloatCase::TwoPowFiftyThree, 9007199254740992.0, "9.007199254740992e+15"),
    (FloatCase::PositiveInfinity, f64::INFINITY, "+Inf"),
    (FloatCase::NegativeInfinity, f64::NEG_INFINITY, "-Inf"),
    (FloatCase::NotANumber, f64::NAN, "NaN"),
];

#[test]
fn both_parsers_read_back_every_float_exactly() {
    let Some(python) = require(Tool::PythonClient, "both_parsers_read_back_every_float_exactly") else {
        return;
    };
    for (case, value, _) in FLOAT_CASES {
        FLOAT_ROUND_TRIP_PROBE.labels(case).set(value);
    }

    for parser in PARSERS {
        let text = render_text(parser.format());
        for (case, _, go) in FLOAT_CASES {
            let line = format!("\nfloat_round_trip_probe{{case=\"{}\"}} {go}\n", case.as_str());
            assert!(text.contains(&line), "{parser:?}: expected the line {:?} in:\n{text}", line.trim());
        }
        let read = samples_named(&parse_all(&python, parser, &text), &["float_round_trip_probe"]);
        assert_eq!(read.len(), FLOAT_CASES.len(), "{parser:?}: one sample per case: {read:?}");
        for (case, value, go) in FLOAT_CASES {
            let parsed = read[&key("float_round_trip_probe", &[("case", case.as_str())])];
            assert!(
                same_float(parsed, value),
                "{parser:?}: {case:?} was set to {value:e}, rendered {go}, read {parsed:e}"
            );
        }
    }
}

#[test]
fn the_openmetrics_parser_reads_created_lines_as_the_series_start() {
    let Some(python) =
        require(Tool::PythonClient, "the_openmetrics_parser_reads_created_lines_as_the_series_start")
    else {
        return;
    };
    let mut out = Vec::new();
    let options = metricsmith::RenderOptions::default().with_created_timestamps(true);
    metricsmith::render_with(metricsmith::Format::OpenMetrics, options, &mut out);
    let text = String::from_utf8(out).unwrap();
    let families = python_parse(&python, PythonParser::OpenMetrics, &text);
    let created = |family: &str| -> Vec<f64> {
        let family =
            families.iter().find(|parsed| parsed.name == family).unwrap_or_else(|| panic!("no {family}"));
        family
            .samples
            .iter()
            .filter(|sample| sample.name.ends_with("_created"))
            .map(|sample| sample.value)
            .collect()
    };
    // Every series of the shop's counter (2 outcomes × 3 methods) and histogram (3 methods).
    let (counter, histogram) = (created("orders_processed"), created("payment_gateway_duration_seconds"));
    assert_eq!((counter.len(), histogram.len()), (6, 3));
    let start = counter[0];
    assert!(
        counter.iter().chain(&histogram).all(|value| *value == start),
        "one start: {counter:?} {histogram:?}"
    );
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    assert!(start <= now && now - start < 86_400.0, "the process started at {start}, now is {now}");
    // The text it parsed, written as the render wrote it.
    let line = text.lines().find(|line| line.starts_with("orders_processed_created{")).unwrap();
    assert!(line.ends_with(&format!(" {start:.3}")), "{line} vs {start}");
}
