//! The encoders under hostile input: HELP text, info and label values full of escapes,
//! quotes, line breaks, `#`, braces and arbitrary Unicode, and every kind of float
//! (any bit pattern, ±0, ±Inf, NaN, subnormals), rendered in both formats through the
//! same path as a scrape (`__private::render_family`).
//!
//! What must hold: the output reads back, strictly (`metricsmith_tests::reader`), to
//! exactly the families, strings and values that went in, with exactly the expected
//! number of lines, so no value can break a line or smuggle in a series. In CI,
//! Python's `prometheus_client` parsers must read the same back from a few hundred
//! generated cases, batched into one Python run.

use std::collections::BTreeMap;

use metricsmith::{Family, Format, Meta, MetricType, Number, Sample as Reading};
use metricsmith_tests::reader::{self, histograms};
use metricsmith_tests::{python_parse_many, render_text, require, ParsedFamily, PythonParser, Tool};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

/// A family built at run time: any type, label values and readings.
struct Probe {
    kind: MetricType,
    label_names: Vec<&'static str>,
    /// Per series: label values, then what `read` reports.
    series: Vec<(Vec<&'static str>, Reading)>,
    bounds: Vec<f64>,
}

impl Probe {
    /// A family labelled `case` with one float per label value.
    fn floats(kind: MetricType, cases: &[&'static str], values: impl Iterator<Item = f64>) -> Self {
        let series = cases.iter().zip(values).map(|(case, value)| (vec![*case], Case::value(value)));
        Probe { kind, label_names: vec!["case"], series: series.collect(), bounds: Vec::new() }
    }
}

impl Family for Probe {
    fn metric_type(&self) -> MetricType {
        self.kind
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        out.extend(&self.label_names);
    }
    fn series_count(&self) -> usize {
        self.series.len()
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        out.extend(&self.series[series].0);
    }
    fn bucket_bounds(&self) -> &[f64] {
        &self.bounds
    }
    fn read(&self, series: usize, out: &mut Reading) {
        let reading = &self.series[series].1;
        out.value = reading.value;
        out.cumulative_buckets.extend(&reading.cumulative_buckets);
        out.count = reading.count;
        out.sum = reading.sum;
    }
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

/// One generated case: four families sharing a HELP text.
#[derive(Clone, Debug)]
struct Case {
    help: String,
    /// Values of the info's labels `version`, `commit`, `note`.
    info: [String; 3],
    /// Gauge series: label value and value.
    gauge: Vec<(String, f64)>,
    /// Values of a float counter's series (labelled like the gauge's).
    counter: Vec<f64>,
    /// Histogram: bounds (strictly increasing, finite), per-bucket counts (bounds, then
    /// overflow) and sum.
    bounds: Vec<f64>,
    counts: Vec<u32>,
    sum: f64,
}

/// A sample as expected and as read: name, labels sorted by name, value.
type Flat = (String, Vec<(String, String)>, f64);

impl Case {
    fn value(value: f64) -> Reading {
        Case::reading(Some(Number::Float(value)))
    }

    /// A series' values: `value`, nothing else (`Sample` is filled, not built whole).
    fn reading(value: Option<Number>) -> Reading {
        let mut reading = Reading::default();
        reading.value = value;
        reading
    }

    /// Renders the case's families in `format` (with `# EOF` for OpenMetrics).
    fn render(&self, format: Format) -> String {
        let help = leak(&self.help);
        let meta = |name: &'static str| -> &'static Meta {
            Box::leak(Box::new(Meta { name, help, file: "hostile_text.rs", line: 1, module: "hostile_text" }))
        };
        let cases: Vec<&'static str> = self.gauge.iter().map(|(label, _)| leak(label)).collect();
        let info = Probe {
            kind: MetricType::Info,
            label_names: vec!["version", "commit", "note"],
            series: vec![(
                self.info.iter().map(|value| leak(value)).collect(),
                Case::reading(Some(Number::Int(1))),
            )],
            bounds: Vec::new(),
        };
        let gauge_values = self.gauge.iter().map(|(_, value)| *value);
        let gauge = Probe::floats(MetricType::Gauge, &cases, gauge_values);
        let counter = Probe::floats(MetricType::Counter, &cases, self.counter.iter().copied());
        let mut cumulative = Vec::new();
        let mut running = 0u64;
        for count in &self.counts {
            running += u64::from(*count);
            cumulative.push(running);
        }
        let histogram = Probe {
            kind: MetricType::Histogram,
            label_names: vec!["case"],
            series: vec![(vec![cases.first().copied().unwrap_or("none")], {
                let mut reading = Case::reading(None);
                (reading.cumulative_buckets, reading.count, reading.sum) = (cumulative, running, self.sum);
                reading
            })],
            bounds: self.bounds.clone(),
        };
        let families: [(&'static str, Probe); 4] = [
            ("probe_build_info", info),
            ("probe_value", gauge),
            ("probe_events_total", counter),
            ("probe_latency_seconds", histogram),
        ];
        let mut out = Vec::new();
        for (name, probe) in families {
            let probe: &'static Probe = Box::leak(Box::new(probe));
            metricsmith::__private::render_family(format, meta(name), probe, &mut out);
        }
        if format == Format::OpenMetrics {
            out.extend_from_slice(b"# EOF\n");
        }
        String::from_utf8(out).expect("the exposition is UTF-8")
    }

    fn negative_buckets(&self) -> bool {
        self.bounds.first().is_some_and(|lowest| *lowest < 0.0)
    }

    /// Every sample the rendering must hold, whatever the format.
    fn expected(&self, format: Format) -> Vec<Flat> {
        let labels = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            let mut labels: Vec<_> =
                pairs.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
            labels.sort();
            labels
        };
        let mut expected = vec![(
            "probe_build_info".to_owned(),
            labels(&[("version", &self.info[0]), ("commit", &self.info[1]), ("note", &self.info[2])]),
            1.0,
        )];
        for ((case, gauge), counter) in self.gauge.iter().zip(&self.counter) {
            expected.push(("probe_value".into(), labels(&[("case", case)]), *gauge));
            expected.push(("probe_events_total".into(), labels(&[("case", case)]), *counter));
        }
        let case = self.gauge.first().map_or("none", |(case, _)| case.as_str());
        let mut running = 0u64;
        for (position, count) in self.counts.iter().enumerate() {
            running += u64::from(*count);
            // `le` is compared as a number: its text differs between the formats.
            let le = self.bounds.get(position).map_or(f64::INFINITY, |bound| *bound);
            expected.push((
                "probe_latency_seconds_bucket".into(),
                labels(&[("case", case), ("le", &le_key(le))]),
                running as f64,
            ));
        }
        // OpenMetrics forbids `_sum` when buckets go negative, and has `_count` if and only
        // if it has `_sum`.
        if !(format == Format::OpenMetrics && self.negative_buckets()) {
            expected.push(("probe_latency_seconds_count".into(), labels(&[("case", case)]), running as f64));
            expected.push(("probe_latency_seconds_sum".into(), labels(&[("case", case)]), self.sum));
        }
        expected.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        expected
    }

    /// How many lines the rendering must have: 2 header lines per family (3 for the
    /// histogram's UNIT in OpenMetrics), one per sample, and `# EOF`.
    fn expected_lines(&self, format: Format) -> usize {
        let headers = match format {
            Format::OpenMetrics => 10,
            _ => 8,
        };
        headers + self.expected(format).len()
    }
}

/// `le` as a comparable key: the bits of the parsed number (`+Inf` included).
fn le_key(le: f64) -> String {
    format!("{:016x}", le.to_bits())
}

/// Flattens families as read into sorted samples, `le` turned into [`le_key`].
fn flatten<'a>(samples: impl Iterator<Item = (&'a str, Vec<(String, String)>, f64)>) -> Vec<Flat> {
    let mut flat: Vec<Flat> = samples
        .map(|(name, labels, value)| {
            let mut labels: Vec<(String, String)> = labels
                .into_iter()
                .map(|(label, text)| {
                    if label == "le" {
                        let bound: f64 =
                            text.parse().unwrap_or_else(|_| panic!("le=\"{text}\" is not a number"));
                        (label, le_key(bound))
                    } else {
                        (label, text)
                    }
                })
                .collect();
            labels.sort();
            (name.to_owned(), labels, value)
        })
        .collect();
    flat.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    flat
}

/// Floats bit for bit (any NaN matching any NaN); with `signless_zero`, `-0` matches `0`.
fn same_float(left: f64, right: f64, signless_zero: bool) -> bool {
    left.to_bits() == right.to_bits() || (left.is_nan() && right.is_nan()) || (signless_zero && left == right)
}

/// Compares samples read with the expected ones, floats bit for bit (NaN as NaN).
fn compare(what: &str, read: &[Flat], expected: &[Flat], signless_zero: bool) -> Result<(), String> {
    let keys = |samples: &[Flat]| {
        samples.iter().map(|(name, labels, _)| (name.clone(), labels.clone())).collect::<Vec<_>>()
    };
    if keys(read) != keys(expected) {
        return Err(format!("{what}: read the series\n{read:#?}\nbut expected\n{expected:#?}"));
    }
    for (read, expected) in read.iter().zip(expected) {
        if !same_float(read.2, expected.2, signless_zero) {
            return Err(format!(
                "{what}: {} {:?} read {:e}, expected {:e}",
                read.0, read.1, read.2, expected.2
            ));
        }
    }
    Ok(())
}

/// Renders `case` in both formats and reads it back with our strict reader.
fn round_trip_own_reader(case: &Case) -> Result<(), String> {
    for format in [Format::Prometheus, Format::OpenMetrics] {
        let text = case.render(format);
        let context = || format!("{format:?} rendering of {case:#?}:\n{text}");
        let lines = text.matches('\n').count();
        if lines != case.expected_lines(format) {
            return Err(format!("{} lines instead of {}: {}", lines, case.expected_lines(format), context()));
        }
        let families = reader::read(format, &text).map_err(|error| format!("{error}: {}", context()))?;
        if families.len() != 4 {
            return Err(format!("{} families: {}", families.len(), context()));
        }
        for family in &families {
            if family.help != case.help {
                return Err(format!("`{}` HELP read back as {:?}: {}", family.name, family.help, context()));
            }
        }
        let histogram = families.iter().find(|family| family.kind == "histogram").ok_or_else(context)?;
        histograms(histogram).map_err(|error| format!("{error}: {}", context()))?;
        let read = flatten(
            families
                .iter()
                .flat_map(|family| &family.samples)
                .map(|sample| (sample.name.as_str(), sample.labels.clone(), sample.value)),
        );
        compare(&format!("{format:?}"), &read, &case.expected(format), false)
            .map_err(|error| format!("{error}\n{text}"))?;
    }
    Ok(())
}

// --- generation ---------------------------------------------------------------------------

/// Characters that matter to the formats or to parsers, then anything at all.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            '\\', '"', '\n', '\r', '\t', ' ', '#', '{', '}', ',', '=', 'n', '\0', '\u{0b}', '\u{0c}',
            '\u{1c}', '\u{85}', '\u{a0}', '\u{2028}', '\u{2029}', '\u{feff}', 'é', '✓', '𝄞',
        ]),
        2 => any::<char>(),
        1 => prop::char::range('a', 'z'),
    ]
}

fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..max).prop_map(|chars| chars.into_iter().collect())
}

/// Any float at all: every bit pattern, plus the values formats treat specially.
fn any_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => any::<u64>().prop_map(f64::from_bits),
        1 => prop::sample::select(vec![
            0.0, -0.0, 1.0, -1.0, 0.5, 1e6, 1e-5, 1e-4, 123456.0, 1234567.0, 0.1 + 0.2, f64::MAX, f64::MIN,
            f64::MIN_POSITIVE, 5e-324, 9007199254740993.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN,
        ]),
        1 => (-1_000_000i64..1_000_000).prop_map(|value| value as f64),
    ]
}

/// What a float counter can hold: not negative, not NaN.
fn counter_value() -> impl Strategy<Value = f64> {
    any_float().prop_map(|value| if value.is_nan() { 0.0 } else { value.abs() })
}

/// Cases whose histogram buckets go below zero when `negative_buckets`, never otherwise.
fn case(negative_buckets: bool) -> impl Strategy<Value = Case> {
    let gauge = prop::collection::vec((hostile_text(12), any_float()), 1..5);
    let histogram = prop::collection::vec(any_float(), 0..6).prop_flat_map(move |bounds| {
        let mut bounds: Vec<f64> =
            bounds.into_iter().filter(|bound| bound.is_finite()).map(f64::abs).collect();
        if negative_buckets {
            bounds.push(-1.0 - bounds.first().copied().unwrap_or(0.0));
        }
        bounds.sort_by(f64::total_cmp);
        bounds.dedup_by(|a, b| a == b);
        let buckets = bounds.len() + 1;
        (Just(bounds), prop::collection::vec(0u32..1000, buckets), counter_value())
    });
    (hostile_text(40), [hostile_text(16), hostile_text(16), hostile_text(16)], gauge, histogram)
        .prop_flat_map(|(help, info, mut gauge, (bounds, counts, sum))| {
            // Label values of one label are distinct by construction (`LabelValue`).
            let mut seen = std::collections::BTreeSet::new();
            gauge.retain(|(label, _)| seen.insert(label.clone()));
            let series = gauge.len();
            prop::collection::vec(counter_value(), series).prop_map(move |counter| Case {
                help: help.clone(),
                info: info.clone(),
                gauge: gauge.clone(),
                counter,
                bounds: bounds.clone(),
                counts: counts.clone(),
                sum,
            })
        })
}

/// Hand-written injection attempts, on top of the generated cases.
fn crafted_cases(negative_buckets: bool) -> Vec<Case> {
    let attacks = [
        "x\n# TYPE evil counter\nevil_total 1",
        "\"} 1\nevil{a=\"",
        "# EOF",
        "\\",
        "\\n",
        "\\\"",
        "a\\\nb",
        "\n",
        "\r\n",
        "}",
        "le=\"+Inf\"",
        "\u{2028}evil 1",
    ];
    attacks
        .iter()
        .map(|attack| Case {
            help: (*attack).to_owned(),
            info: [(*attack).to_owned(), format!("{attack}\n"), String::new()],
            gauge: vec![((*attack).to_owned(), f64::NAN), ("plain".into(), -0.0)],
            counter: vec![f64::INFINITY, 5e-324],
            bounds: if negative_buckets {
                vec![-1.5, 0.0, 1e-300, 1e300]
            } else {
                vec![0.0, 1e-300, 1e300, 1e301]
            },
            counts: vec![1, 2, 3, 4, 5],
            sum: 0.0,
        })
        .collect()
}

// --- tests --------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn hostile_text_and_floats_read_back_exactly(case in case(false)) {
        if let Err(error) = round_trip_own_reader(&case) {
            return Err(TestCaseError::fail(error));
        }
    }
}

#[test]
fn crafted_injection_attempts_read_back_exactly() {
    for case in crafted_cases(false) {
        round_trip_own_reader(&case).unwrap_or_else(|error| panic!("{error}"));
    }
}

#[test]
fn histograms_with_negative_buckets_read_back_exactly() {
    let mut runner = TestRunner::deterministic();
    let strategy = case(true);
    let mut cases = crafted_cases(true);
    cases.extend((0..100).map(|_| strategy.new_tree(&mut runner).expect("a case").current()));
    for case in &cases {
        round_trip_own_reader(case).unwrap_or_else(|error| panic!("{error}"));
    }
    if let Some(python) = require(Tool::PythonClient, "histograms_with_negative_buckets_read_back_exactly") {
        python_check_all(&python, &cases);
    }
}

#[test]
fn the_whole_registry_reads_back_strictly() {
    // Puts values in the shop's instruments, so the scrape is not all zeros.
    metricsmith_tests::drive_shop(50, 40);
    for format in [Format::Prometheus, Format::OpenMetrics] {
        let text = render_text(format);
        let families =
            reader::read(format, &text).unwrap_or_else(|error| panic!("{format:?}: {error}\n{text}"));
        assert!(families.iter().any(|family| family.name == "metricsmith_rejected_values_total"
            || family.name == "metricsmith_rejected_values"));
        for family in families.iter().filter(|family| family.kind == "histogram") {
            let series =
                histograms(family).unwrap_or_else(|error| panic!("{format:?} {}: {error}", family.name));
            assert!(!series.is_empty(), "{}", family.name);
        }
    }
}

/// Python's HELP text: both parsers drop whitespace at the start of the text (and the
/// text parser at its end), which the formats do not ask for. metricsmith's HELP comes
/// from a trimmed doc comment, so only the generated texts here can start or end with
/// whitespace; compare the rest exactly.
fn python_help(parser: PythonParser, help: &str) -> String {
    match parser {
        // The text parser strips each line (`str.strip`: Unicode whitespace and U+001C to
        // U+001F), then skips ASCII whitespace before the HELP text. It works on the
        // escaped text, where a line feed is `\n`, so line feeds survive.
        PythonParser::Text => {
            let unicode = |char: char| char.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&char);
            help.trim_end_matches(|char| char != '\n' && unicode(char))
                .trim_start_matches([' ', '\t', '\r', '\u{b}', '\u{c}'])
                .to_owned()
        }
        PythonParser::OpenMetrics => help.trim_start_matches(' ').to_owned(),
    }
}

fn check_python(case: &Case, parser: PythonParser, families: &[ParsedFamily]) -> Result<(), String> {
    let format = parser.format();
    for family in families {
        if family.help != python_help(parser, &case.help) {
            return Err(format!("{parser:?}: `{}` HELP read back as {:?}", family.name, family.help));
        }
    }
    let read = flatten(families.iter().flat_map(|family| &family.samples).map(|sample| {
        (sample.name.as_str(), sample.labels.clone().into_iter().collect::<Vec<_>>(), sample.value)
    }));
    // Python reads an integral text as an `int` first, so `-0` comes back as 0.
    compare(&format!("{parser:?}"), &read, &case.expected(format), true)
}

#[test]
fn python_parsers_read_back_hostile_cases_exactly() {
    let Some(python) = require(Tool::PythonClient, "python_parsers_read_back_hostile_cases_exactly") else {
        return;
    };
    let mut runner = TestRunner::deterministic();
    let strategy = case(false);
    let mut cases = crafted_cases(false);
    cases.extend((0..300).map(|_| strategy.new_tree(&mut runner).expect("a case").current()));
    python_check_all(&python, &cases);
}

/// Renders every case in both formats and has Python read them all in one run.
fn python_check_all(python: &std::path::Path, cases: &[Case]) {
    let parsers = [PythonParser::Text, PythonParser::OpenMetrics];
    let inputs: Vec<(PythonParser, String)> =
        cases.iter().flat_map(|case| parsers.map(|parser| (parser, case.render(parser.format())))).collect();
    let results = python_parse_many(python, &inputs);
    let mut failures = BTreeMap::new();
    let cases = cases.iter().flat_map(|case| [case, case]);
    for (((parser, text), result), case) in inputs.iter().zip(&results).zip(cases) {
        let outcome = match result {
            Ok(families) => check_python(case, *parser, families),
            Err(error) => Err(format!("{parser:?} parser rejected it: {error}")),
        };
        if let Err(error) = outcome {
            failures
                .entry(*parser as u8)
                .or_insert_with(Vec::new)
                .push(format!("{error}\n--- input ---\n{text}"));
        }
    }
    let total: usize = failures.values().map(Vec::len).sum();
    assert!(
        failures.is_empty(),
        "{total} of {} renderings were not read back exactly; the first per parser:\n{}",
        inputs.len(),
        failures.values().map(|list| list[0].as_str()).collect::<Vec<_>>().join("\n\n")
    );
}
