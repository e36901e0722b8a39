//! `LabelValue`, `NamedLabelValue` and `LabelSet` are public traits, so a label set can be
//! written by hand and skip every compile-time check. Whatever it says, the scrape stays
//! valid: a family whose label names or values the formats cannot carry is left out of
//! every scrape (HELP and TYPE lines too), reported by `check_registry()`, counted in
//! `metricsmith_rejected_values_total{kind="invalid_family"}`, and adds no series.
//!
//! The property test at the end feeds arbitrary label names and values through the same
//! check and encoder (`__private::render_family`): the output is either nothing or a
//! family that reads back strictly, with exactly the series that went in.

use metricsmith::{
    metric, Counter, Format, Gauge, Histogram, LabelSet, LabelValue, NamedLabelValue, RegistryProblem,
};
use metricsmith_tests::{
    promtool_check_metrics, python_parse, reader, render_text, require, PythonParser, Tool,
};
use proptest::prelude::*;

/// A label value type with a hand-written name and value list.
macro_rules! hand_written_label {
    ($type:ident, name = $name:expr, cardinality = $cardinality:expr, values = $values:expr) => {
        struct $type(usize);
        impl LabelValue for $type {
            const CARDINALITY: usize = $cardinality;
            fn index(&self) -> usize {
                self.0
            }
            fn from_index(index: usize) -> Option<Self> {
                (index < Self::CARDINALITY).then_some($type(index))
            }
            fn text_at(index: usize) -> Option<&'static str> {
                let values: &'static [&'static str] = $values;
                values.get(index).copied()
            }
        }
        impl NamedLabelValue for $type {
            const LABEL_NAME: &'static str = $name;
        }
    };
}

hand_written_label!(Injecting, name = "a=\"1\"} 1\ninjected_total{b", cardinality = 1, values = &["v"]);
hand_written_label!(NameLabel, name = "__name__", cardinality = 1, values = &["x"]);
hand_written_label!(LeLabel, name = "le", cardinality = 1, values = &["0.5"]);
hand_written_label!(EmptyName, name = "", cardinality = 1, values = &["x"]);
hand_written_label!(DashedName, name = "bad-name", cardinality = 1, values = &["x"]);
hand_written_label!(TooFewValues, name = "shelf", cardinality = 3, values = &["top"]);
hand_written_label!(RepeatedValues, name = "aisle", cardinality = 2, values = &["one", "one"]);
hand_written_label!(Region, name = "region", cardinality = 2, values = &["eu", "us"]);
hand_written_label!(Zone, name = "zone", cardinality = 2, values = &["north", "south"]);

/// Hand-written probe: a label name that would inject a series.
#[metric]
static HAND_INJECTING_TOTAL: Counter<Injecting>;
/// Hand-written probe: `__name__` as a label.
#[metric]
static HAND_NAME_LABEL_TOTAL: Counter<NameLabel>;
/// Hand-written probe: `le` on a histogram.
#[metric(buckets = [1.0])]
static HAND_LE_LABEL_SECONDS: Histogram<LeLabel>;
/// Hand-written probe: an empty label name.
#[metric]
static HAND_EMPTY_NAME: Gauge<EmptyName>;
/// Hand-written probe: a label name with `-`.
#[metric]
static HAND_DASHED_NAME: Gauge<DashedName>;
/// Hand-written probe: three values claimed, one given.
#[metric]
static HAND_TOO_FEW_VALUES_TOTAL: Counter<(Region, TooFewValues)>;
/// Hand-written probe: the same value twice.
#[metric]
static HAND_REPEATED_VALUES_TOTAL: Counter<RepeatedValues>;
/// A hand-written label set whose `label_names` says `region` twice, unlike its
/// `LABEL_NAMES` (which `#[metric]` checks at compile time: `(Region, Zone)`, both named
/// `region`, does not compile).
struct RegionTwice(usize);

impl LabelSet for RegionTwice {
    const COMBINATIONS: usize = 4;
    const LABEL_NAMES: &'static [&'static str] = &["region", "zone"];
    fn combination_index(&self) -> usize {
        self.0
    }
    fn from_combination_index(index: usize) -> Option<Self> {
        (index < Self::COMBINATIONS).then_some(RegionTwice(index))
    }
    fn label_names(out: &mut Vec<&'static str>) {
        out.extend(["region", "region"]);
    }
    fn label_values(index: usize, out: &mut Vec<&'static str>) {
        if index < Self::COMBINATIONS {
            out.extend([Region::text_at(index / 2), Zone::text_at(index % 2)].into_iter().flatten());
        }
    }
}

/// Hand-written probe: two labels named `region`.
#[metric]
static HAND_DUPLICATE_LABELS_TOTAL: Counter<RegionTwice>;
/// Hand-written probe: a valid hand-written label set, kept.
#[metric]
static HAND_VALID_TOTAL: Counter<Region>;

const INVALID: [&str; 8] = [
    "hand_injecting_total",
    "hand_name_label_total",
    "hand_le_label_seconds",
    "hand_empty_name",
    "hand_dashed_name",
    "hand_too_few_values_total",
    "hand_repeated_values_total",
    "hand_duplicate_labels_total",
];

#[test]
fn invalid_hand_written_families_are_left_out_reported_and_counted() {
    // Recording into them is harmless.
    HAND_INJECTING_TOTAL.labels(Injecting(0)).inc();
    HAND_TOO_FEW_VALUES_TOTAL.labels((Region(1), TooFewValues(2))).inc();
    HAND_VALID_TOTAL.labels(Region(1)).inc_by(2);

    let problems = metricsmith::check_registry().expect_err("the invalid families are reported");
    for name in INVALID {
        let problem = problems.iter().find_map(|problem| match problem {
            RegistryProblem::Invalid(invalid) if invalid.name == name => Some(invalid),
            _ => None,
        });
        let problem = problem.unwrap_or_else(|| panic!("`{name}` is not reported: {problems:#?}"));
        assert!(problem.to_string().contains("left out of every scrape"), "{problem}");
    }
    let duplicate = problems.iter().find_map(|problem| match problem {
        RegistryProblem::Invalid(invalid) if invalid.name == "hand_duplicate_labels_total" => Some(invalid),
        _ => None,
    });
    assert!(duplicate.unwrap().problem.contains("label `region` appears twice"), "{duplicate:?}");

    for format in [Format::Prometheus, Format::OpenMetrics] {
        let text = render_text(format);
        for name in INVALID {
            assert!(!text.contains(name.trim_end_matches("_total")), "{format:?} shows `{name}`:\n{text}");
        }
        assert!(!text.contains("injected"), "{text}");
        let families =
            reader::read(format, &text).unwrap_or_else(|error| panic!("{format:?}: {error}\n{text}"));
        assert!(families.iter().any(|family| family.name.starts_with("hand_valid")));
    }
    let text = render_text(Format::Prometheus);
    assert!(text.contains("hand_valid_total{region=\"us\"} 2\n"), "{text}");
    let invalid_families = text
        .lines()
        .find_map(|line| line.strip_prefix("metricsmith_rejected_values_total{kind=\"invalid_family\"} "))
        .expect("the count");
    assert_eq!(invalid_families, INVALID.len().to_string());
}

#[test]
fn outside_parsers_accept_the_scrape_with_hand_written_families() {
    let text = render_text(Format::Prometheus);
    if let Some(promtool) =
        require(Tool::Promtool, "outside_parsers_accept_the_scrape_with_hand_written_families")
    {
        let report = promtool_check_metrics(&promtool, &text);
        assert!(report.success && report.findings.is_empty(), "promtool: {}", report.findings);
    }
    if let Some(python) =
        require(Tool::PythonClient, "outside_parsers_accept_the_scrape_with_hand_written_families")
    {
        for parser in [PythonParser::Text, PythonParser::OpenMetrics] {
            let format = parser.format();
            let families = python_parse(&python, parser, &render_text(format));
            assert!(families.iter().all(|family| !family.name.contains("hand_injecting")));
        }
    }
}

/// An unregistered family with the label names and series values a test gives it.
struct Arbitrary {
    names: Vec<&'static str>,
    series: Vec<Vec<&'static str>>,
}

impl metricsmith::Family for Arbitrary {
    fn metric_type(&self) -> metricsmith::MetricType {
        metricsmith::MetricType::Gauge
    }
    fn label_names(&self, _: &'static str, out: &mut Vec<&'static str>) {
        out.extend(&self.names);
    }
    fn series_count(&self) -> usize {
        self.series.len()
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        out.extend(&self.series[series]);
    }
    fn read(&self, _: usize, out: &mut metricsmith::Sample) {
        out.value = Some(metricsmith::Number::Int(1));
    }
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn label_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_]{0,6}",
        Just("le".to_owned()),
        Just("__name__".to_owned()),
        Just(String::new()),
        "\\PC{1,8}",
        Just("a=\"1\"} 1\nx{b".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn arbitrary_hand_written_labels_never_break_a_scrape_or_add_a_series(
        names in prop::collection::vec(label_name(), 0..3),
        values in prop::collection::vec(prop::collection::vec(prop_oneof!["[a-z]{0,2}", "\\PC{0,6}"], 0..4), 1..5),
    ) {
        let names: Vec<&'static str> = names.into_iter().map(leak).collect();
        let series: Vec<Vec<&'static str>> =
            values.into_iter().map(|values| values.into_iter().map(leak).collect()).collect();
        let family: &'static Arbitrary = Box::leak(Box::new(Arbitrary { names: names.clone(), series: series.clone() }));
        let meta = Box::leak(Box::new(metricsmith::Meta {
            name: "arbitrary_labels",
            help: "Arbitrary hand-written labels.",
            file: file!(),
            line: line!(),
            module: module_path!(),
        }));
        for format in [Format::Prometheus, Format::OpenMetrics] {
            let mut out = Vec::new();
            metricsmith::__private::render_family(format, meta, family, &mut out);
            if out.is_empty() {
                continue; // Left out: allowed for any input.
            }
            if format == Format::OpenMetrics {
                out.extend_from_slice(b"# EOF\n");
            }
            let text = String::from_utf8(out).expect("UTF-8");
            let families = reader::read(format, &text).map_err(|error| TestCaseError::fail(format!("{error}\n{text}")))?;
            prop_assert_eq!(families.len(), 1);
            let samples = &families[0].samples;
            prop_assert_eq!(samples.len(), series.len(), "one sample per series:\n{}", text);
            for (sample, values) in samples.iter().zip(&series) {
                let expected: Vec<(String, String)> =
                    names.iter().zip(values).map(|(name, value)| (name.to_string(), value.to_string())).collect();
                prop_assert_eq!(&sample.labels, &expected);
            }
        }
    }
}

#[test]
fn a_valid_hand_written_label_set_is_kept() {
    assert_eq!(<(Region, Zone)>::COMBINATIONS, 4);
    assert_eq!(HAND_VALID_TOTAL.labels(Region(0)).get(), 0);
}
