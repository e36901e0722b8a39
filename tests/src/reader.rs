//! A strict reader of both exposition formats, for tests: it accepts what the formats
//! allow in the shape metricsmith writes (`# HELP`, `# TYPE`, OpenMetrics `# UNIT`,
//! samples without timestamps or exemplars) and rejects everything else with the line
//! and the reason, so a test that reads a scrape also proves it is well-formed.
//!
//! Checked, beyond the grammar (label and metric name characters, escapes, numbers):
//! every family starts with its HELP and TYPE lines and is named once; every sample
//! belongs to the family above it under a name its type allows (`_bucket`, `_total`,
//! ...); no series appears twice; no line is empty; text ends in a line feed, and
//! OpenMetrics in `# EOF` with nothing after it; every histogram series follows the
//! rules of [`histograms`] (cumulative buckets ending in `+Inf`, equal to `_count`), and
//! in OpenMetrics has `_count` and `_sum` together or neither.

use std::collections::BTreeSet;
use std::fmt;

use metricsmith::Format;

/// A family as read: its header lines and samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    /// The name in the HELP/TYPE lines (OpenMetrics: without `_total`/`_info`).
    pub name: String,
    /// The TYPE word, e.g. `counter`.
    pub kind: String,
    /// The unescaped HELP text.
    pub help: String,
    /// The OpenMetrics UNIT, if any.
    pub unit: Option<String>,
    /// The samples, in order.
    pub samples: Vec<Sample>,
}

/// One sample line.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// The sample name, e.g. `x_bucket`.
    pub name: String,
    /// Label pairs in written order, values unescaped.
    pub labels: Vec<(String, String)>,
    /// The value.
    pub value: f64,
}

impl Sample {
    /// The value of label `name`, if present.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels.iter().find(|(label, _)| label == name).map(|(_, value)| value.as_str())
    }

    /// Whether every `(name, value)` pair is among its labels.
    pub fn has_labels(&self, labels: &[(&str, &str)]) -> bool {
        labels.iter().all(|(name, value)| self.label(name) == Some(*value))
    }
}

/// Why a text is not a well-formed exposition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based line number (0: the text as a whole).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ReadError {}

/// Reads an exposition in `format` (one of the text formats), strictly.
///
/// # Errors
///
/// The first malformed line; any protobuf input.
pub fn read(format: Format, text: &str) -> Result<Vec<Family>, ReadError> {
    let body = match format {
        Format::Prometheus => text,
        Format::OpenMetrics => text.strip_suffix("# EOF\n").ok_or_else(|| ReadError {
            line: 0,
            message: "OpenMetrics must end in `# EOF` and a line feed, with nothing after".into(),
        })?,
        other => return Err(ReadError { line: 0, message: format!("{other:?} is not a text format") }),
    };
    if !body.is_empty() && !body.ends_with('\n') {
        return Err(ReadError { line: 0, message: "the last line has no line feed".into() });
    }
    let mut reader = Reader { format, families: Vec::new(), names: BTreeSet::new(), series: BTreeSet::new() };
    // Only a line feed ends a line: a carriage return is text (`str::lines` would eat one).
    for (index, line) in body.split_terminator('\n').enumerate() {
        reader.line(line).map_err(|message| ReadError { line: index + 1, message })?;
    }
    if let Some(family) = reader.families.last() {
        if family.kind.is_empty() {
            return Err(ReadError { line: 0, message: format!("family `{}` has no TYPE line", family.name) });
        }
    }
    for family in reader.families.iter().filter(|family| family.kind == "histogram") {
        let invalid = |message: String| ReadError {
            line: 0,
            message: format!("histogram `{}`: {message}", family.name),
        };
        for series in histograms(family).map_err(invalid)? {
            // OpenMetrics: "if and only if a Sum Value is present, [...] _count".
            let paired = series.count.is_some() == series.sum.is_some();
            if format == Format::OpenMetrics && !paired {
                return Err(invalid(format!(
                    "{:?}: _count and _sum come together or not at all",
                    series.labels
                )));
            }
            if format == Format::Prometheus && series.count.is_none() {
                return Err(invalid(format!("{:?} has no _count", series.labels)));
            }
        }
    }
    Ok(reader.families)
}

/// The sample lines of a text-format 0.0.4 exposition written by another program (a
/// Pushgateway, say), with the same grammar as [`read`] but none of its family rules:
/// comments are skipped, any family shape is taken, and a timestamp may follow the value.
///
/// # Errors
///
/// The first sample line that does not parse.
pub fn samples(text: &str) -> Result<Vec<Sample>, ReadError> {
    let mut samples = Vec::new();
    for (index, line) in text.split_terminator('\n').enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let sample = sample_line(line, true).map_err(|message| ReadError { line: index + 1, message })?;
        samples.push(sample);
    }
    Ok(samples)
}

/// Reads `name{labels} value` (and, with `timestamp`, an optional timestamp after it).
fn sample_line(line: &str, timestamp: bool) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ']).ok_or("a sample needs a value")?;
    let name = &line[..name_end];
    check_metric_name(name)?;
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after_brace) = rest.strip_prefix('{') {
        rest = read_labels(after_brace, &mut labels)?;
    }
    let mut value = rest.strip_prefix(' ').ok_or("expected one space before the value")?;
    if timestamp {
        if let Some((number, at)) = value.split_once(' ') {
            at.parse::<i64>().map_err(|_| format!("invalid timestamp `{at}`"))?;
            value = number;
        }
    }
    Ok(Sample { name: name.to_owned(), labels, value: parse_value(value)? })
}

/// The lines of the families whose HELP line names one of `names` (as written there:
/// OpenMetrics names a counter without `_total`), and `# EOF`: a smaller text to [`read`]
/// when a test needs a few families of a large scrape.
pub fn select(text: &str, names: &[&str]) -> String {
    let mut selected = String::new();
    let mut keep = false;
    for line in text.split_inclusive('\n') {
        if let Some(header) = line.strip_prefix("# HELP ") {
            keep = header.split(' ').next().is_some_and(|name| names.contains(&name));
        }
        if keep || line == "# EOF\n" {
            selected.push_str(line);
        }
    }
    selected
}

struct Reader {
    format: Format,
    families: Vec<Family>,
    /// Family names seen so far.
    names: BTreeSet<String>,
    /// `name{labels}` of every sample so far.
    series: BTreeSet<(String, Vec<(String, String)>)>,
}

impl Reader {
    fn line(&mut self, line: &str) -> Result<(), String> {
        if line.is_empty() {
            return Err("empty line".into());
        }
        if let Some(comment) = line.strip_prefix('#') {
            return self.comment(comment);
        }
        self.sample(line)
    }

    fn comment(&mut self, comment: &str) -> Result<(), String> {
        let format = self.format;
        let comment = comment.strip_prefix(' ').ok_or("a comment must start with `# `")?;
        let (keyword, rest) = comment.split_once(' ').ok_or("a comment needs a keyword and a name")?;
        let (name, rest) = match rest.split_once(' ') {
            Some((name, rest)) => (name, Some(rest)),
            None => (rest, None),
        };
        check_metric_name(name)?;
        match keyword {
            "HELP" => {
                if !self.names.insert(name.to_owned()) {
                    return Err(format!("family `{name}` appears twice"));
                }
                if let Some(previous) = self.families.last() {
                    if previous.kind.is_empty() {
                        return Err(format!("family `{}` has no TYPE line", previous.name));
                    }
                }
                let help = unescape(rest.unwrap_or(""), format == Format::OpenMetrics, "HELP")?;
                self.families.push(Family {
                    name: name.to_owned(),
                    kind: String::new(),
                    help,
                    unit: None,
                    samples: Vec::new(),
                });
                Ok(())
            }
            "TYPE" => {
                let family = self.header_family(name, "TYPE")?;
                if !family.kind.is_empty() {
                    return Err(format!("a second TYPE line for `{name}`"));
                }
                let kind = rest.ok_or("TYPE without a type")?;
                let allowed: &[&str] = match format {
                    Format::OpenMetrics => &[
                        "counter",
                        "gauge",
                        "histogram",
                        "gaugehistogram",
                        "stateset",
                        "info",
                        "summary",
                        "unknown",
                    ],
                    _ => &["counter", "gauge", "histogram", "summary", "untyped"],
                };
                if !allowed.contains(&kind) {
                    return Err(format!("unknown type `{kind}`"));
                }
                family.kind = kind.to_owned();
                Ok(())
            }
            "UNIT" if format == Format::OpenMetrics => {
                let family = self.header_family(name, "UNIT")?;
                let unit = rest.ok_or("UNIT without a unit")?;
                if family.kind.is_empty() || family.unit.is_some() || !family.samples.is_empty() {
                    return Err("UNIT must follow TYPE, once, before the samples".into());
                }
                if !name.strip_suffix(unit).is_some_and(|stem| stem.ends_with('_')) {
                    return Err(format!("the family name `{name}` does not end in its unit `{unit}`"));
                }
                family.unit = Some(unit.to_owned());
                Ok(())
            }
            "EOF" => Err("`# EOF` before the end".into()),
            other => Err(format!("unexpected comment `# {other}`")),
        }
    }

    /// The current family, which a TYPE/UNIT line for `name` must belong to.
    fn header_family(&mut self, name: &str, keyword: &str) -> Result<&mut Family, String> {
        match self.families.last_mut() {
            Some(family) if family.name == name && family.samples.is_empty() => Ok(family),
            _ => Err(format!("{keyword} for `{name}` does not follow its HELP line")),
        }
    }

    fn sample(&mut self, line: &str) -> Result<(), String> {
        let format = self.format;
        let family = self.families.last_mut().ok_or("a sample before any HELP/TYPE")?;
        if family.kind.is_empty() {
            return Err(format!("a sample of `{}` before its TYPE line", family.name));
        }
        let sample = sample_line(line, false)?;
        let name = sample.name.as_str();
        let suffix = name
            .strip_prefix(family.name.as_str())
            .ok_or_else(|| format!("sample `{name}` under family `{}`", family.name))?;
        let allowed: &[&str] = match (format, family.kind.as_str()) {
            (Format::OpenMetrics, "histogram") => &["_bucket", "_count", "_sum", "_created"],
            (_, "histogram") => &["_bucket", "_count", "_sum"],
            (Format::OpenMetrics, "summary") => &["", "_count", "_sum", "_created"],
            (_, "summary") => &["", "_count", "_sum"],
            (Format::OpenMetrics, "counter") => &["_total", "_created"],
            (Format::OpenMetrics, "info") => &["_info"],
            _ => &[""],
        };
        if !allowed.contains(&suffix) {
            return Err(format!("sample `{name}` does not belong to {} `{}`", family.kind, family.name));
        }
        if !self.series.insert((sample.name.clone(), sample.labels.clone())) {
            return Err(format!("series `{name}` {:?} appears twice", sample.labels));
        }
        family.samples.push(sample);
        Ok(())
    }
}

/// Reads `name="value",...}` and returns what follows the `}`.
fn read_labels<'a>(mut rest: &'a str, labels: &mut Vec<(String, String)>) -> Result<&'a str, String> {
    loop {
        let (name, after) = rest.split_once("=\"").ok_or("a label needs `=\"`")?;
        check_label_name(name)?;
        if labels.iter().any(|(seen, _)| seen == name) {
            return Err(format!("label `{name}` twice"));
        }
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err(format!("label `{name}`: unterminated value")),
                Some((at, '"')) => break at,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    other => return Err(format!("label `{name}`: invalid escape {other:?}")),
                },
                Some((_, other)) => value.push(other),
            }
        };
        labels.push((name.to_owned(), value));
        rest = &after[end + 1..];
        if let Some(next) = rest.strip_prefix(',') {
            rest = next;
        } else {
            return rest.strip_prefix('}').ok_or_else(|| "expected `,` or `}` after a label".to_owned());
        }
    }
}

/// Unescapes HELP text: `\\` and `\n`, and in OpenMetrics `\"` (where a bare `"` is not
/// allowed). Any other escape is an error.
fn unescape(text: &str, openmetrics: bool, what: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(char) = chars.next() {
        match char {
            '\\' => match chars.next() {
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                Some('"') if openmetrics => out.push('"'),
                other => return Err(format!("{what}: invalid escape {other:?}")),
            },
            '"' if openmetrics => return Err(format!("{what}: unescaped `\"`")),
            other => out.push(other),
        }
    }
    Ok(out)
}

/// A number as both formats write it: `NaN`, `+Inf`, `-Inf`, or a decimal with an
/// optional sign, fraction and exponent. Nothing may follow it (no timestamp).
fn parse_value(text: &str) -> Result<f64, String> {
    match text {
        "NaN" => return Ok(f64::NAN),
        "+Inf" => return Ok(f64::INFINITY),
        "-Inf" => return Ok(f64::NEG_INFINITY),
        _ => {}
    }
    let bytes = text.as_bytes();
    let mut at = usize::from(matches!(bytes.first(), Some(b'-' | b'+')));
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    };
    let mut mantissa = digits(&mut at);
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        mantissa += digits(&mut at);
    }
    if mantissa == 0 {
        return Err(format!("`{text}` is not a number"));
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'-' | b'+')) {
            at += 1;
        }
        if digits(&mut at) == 0 {
            return Err(format!("`{text}` has an empty exponent"));
        }
    }
    if at != bytes.len() {
        return Err(format!("`{text}` is not a number (or has a timestamp or exemplar)"));
    }
    text.parse().map_err(|error| format!("`{text}`: {error}"))
}

fn check_metric_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == ':')
        && chars.all(|char| char.is_ascii_alphanumeric() || char == '_' || char == ':');
    if valid {
        Ok(())
    } else {
        Err(format!("invalid metric name `{name}`"))
    }
}

fn check_label_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|char| char.is_ascii_alphanumeric() || char == '_');
    if valid {
        Ok(())
    } else {
        Err(format!("invalid label name `{name}`"))
    }
}

/// One histogram series of a scrape.
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramSeries {
    /// The labels other than `le`.
    pub labels: Vec<(String, String)>,
    /// `(le, cumulative count)` per bucket, `+Inf` last.
    pub buckets: Vec<(f64, u64)>,
    /// `_count`, when written.
    pub count: Option<u64>,
    /// `_sum`, when written.
    pub sum: Option<f64>,
}

impl HistogramSeries {
    /// The `+Inf` bucket: the number of observations.
    pub fn total(&self) -> u64 {
        self.buckets.last().map_or(0, |(_, count)| *count)
    }
}

/// The series of a histogram family, checked: per series, buckets first, in increasing
/// `le` order with non-decreasing whole counts, the last one `+Inf`; then `_count`, equal
/// to the `+Inf` bucket, and `_sum`, each at most once.
///
/// # Errors
///
/// The first rule broken, naming the series.
pub fn histograms(family: &Family) -> Result<Vec<HistogramSeries>, String> {
    if family.kind != "histogram" {
        return Err(format!("`{}` is a {}, not a histogram", family.name, family.kind));
    }
    let whole = |value: f64, what: &str| -> Result<u64, String> {
        if value >= 0.0 && value.fract() == 0.0 && value < 2f64.powi(63) {
            Ok(value as u64)
        } else {
            Err(format!("{what} {value} is not a count"))
        }
    };
    let mut all: Vec<HistogramSeries> = Vec::new();
    for sample in &family.samples {
        let suffix = &sample.name[family.name.len()..];
        let labels: Vec<(String, String)> =
            sample.labels.iter().filter(|(name, _)| name != "le").cloned().collect();
        // Buckets come first: a bucket with new labels starts a series.
        if suffix == "_bucket" && all.last().is_none_or(|series| series.labels != labels) {
            all.push(HistogramSeries { labels: labels.clone(), buckets: Vec::new(), count: None, sum: None });
        }
        let series = match all.last_mut() {
            Some(series) if series.labels == labels => series,
            _ => return Err(format!("{} {labels:?} before its buckets", sample.name)),
        };
        let complete = series.buckets.last().is_some_and(|(bound, _)| *bound == f64::INFINITY);
        match suffix {
            "_bucket" => {
                if complete {
                    return Err(format!("{labels:?}: a bucket after le=\"+Inf\""));
                }
                let le = sample.label("le").ok_or_else(|| format!("bucket of {labels:?} without `le`"))?;
                let bound = parse_value(le).map_err(|error| format!("le of {labels:?}: {error}"))?;
                let count = whole(sample.value, "bucket count")?;
                if let Some((previous_bound, previous_count)) = series.buckets.last() {
                    if bound <= *previous_bound {
                        return Err(format!("{labels:?}: le={le} after le={previous_bound}"));
                    }
                    if count < *previous_count {
                        return Err(format!(
                            "{labels:?}: bucket le={le} has {count} < {previous_count} below"
                        ));
                    }
                }
                series.buckets.push((bound, count));
            }
            "_count" | "_sum" if !complete => {
                return Err(format!("{labels:?}: {suffix} before the +Inf bucket"));
            }
            "_count" => {
                let count = whole(sample.value, "_count")?;
                if series.count.is_some() || series.sum.is_some() {
                    return Err(format!("{labels:?}: _count must come once, before _sum"));
                }
                if count != series.total() {
                    return Err(format!(
                        "{labels:?}: _count {count} but the +Inf bucket is {}",
                        series.total()
                    ));
                }
                series.count = Some(count);
            }
            "_sum" => {
                if series.sum.is_some() {
                    return Err(format!("{labels:?}: a second _sum"));
                }
                series.sum = Some(sample.value);
            }
            // OpenMetrics' created timestamp, last (only `read` lets one through).
            "_created" => {}
            other => return Err(format!("unexpected histogram sample suffix `{other}`")),
        }
    }
    if let Some(series) =
        all.iter().find(|series| series.buckets.last().is_none_or(|(le, _)| *le != f64::INFINITY))
    {
        return Err(format!("{:?} has no +Inf bucket", series.labels));
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_of_other_programs_parse_with_escapes_timestamps_and_special_values() {
        let text = "# HELP x X.\n# TYPE x gauge\nx 1.5e+09\n\
                    y_bucket{path=\"/a\\\\b\",say=\"\\\"hi\\\"\\n\",le=\"+Inf\"} 3\nz NaN 1700000000\nw -Inf\n";
        let samples = samples(text).unwrap();
        assert_eq!(samples.len(), 4);
        assert_eq!((samples[0].name.as_str(), samples[0].value), ("x", 1.5e9));
        assert!(samples[0].labels.is_empty());
        assert_eq!(samples[1].value, 3.0);
        assert!(samples[1].has_labels(&[("path", "/a\\b"), ("say", "\"hi\"\n"), ("le", "+Inf")]));
        assert!(!samples[1].has_labels(&[("path", "/a")]));
        assert!(samples[2].value.is_nan() && samples[2].labels.is_empty());
        assert_eq!(samples[3].value, f64::NEG_INFINITY);
        assert!(super::samples("x 1 soon\n").is_err());
    }

    const GOOD_TEXT: &str = "# HELP a_total Help with \\\\ and \\n.\n# TYPE a_total counter\n\
        a_total{x=\"q\\\"\\\\\\n\"} 1\n# HELP h_seconds H.\n# TYPE h_seconds histogram\n\
        h_seconds_bucket{le=\"1\"} 1\nh_seconds_bucket{le=\"+Inf\"} 2\nh_seconds_count 2\nh_seconds_sum 2.5\n";

    #[test]
    fn reads_a_good_text_exposition() {
        let families = read(Format::Prometheus, GOOD_TEXT).unwrap();
        assert_eq!(families.len(), 2);
        assert_eq!(families[0].help, "Help with \\ and \n.");
        assert_eq!(families[0].samples[0].labels, [("x".to_owned(), "q\"\\\n".to_owned())]);
        let series = histograms(&families[1]).unwrap();
        assert_eq!(series[0].buckets, [(1.0, 1), (f64::INFINITY, 2)]);
        assert_eq!(series[0].count, Some(2));
        assert_eq!(series[0].sum, Some(2.5));
    }

    #[test]
    fn rejects_what_a_format_does_not_allow() {
        let bad = [
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\na 1"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\na 1 1000\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\na{b=\"c\\t\"} 1\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\na{b=\"c\",} 1\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\na{b=\"c\",b=\"d\"} 1\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\na 1\na 2\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\nb 1\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\n\na 1\n"),
            (Format::Prometheus, "# HELP a x \\t\n# TYPE a gauge\na 1\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\na 1e\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\na Inf\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\na .\n"),
            (Format::Prometheus, "# HELP a x\na 1\n"),
            (Format::Prometheus, "# HELP a x\n# TYPE a gauge\n# HELP a y\n# TYPE a gauge\n"),
            (Format::OpenMetrics, "# HELP a x\n# TYPE a gauge\na 1\n"),
            (Format::OpenMetrics, "# HELP a \"x\"\n# TYPE a gauge\na 1\n# EOF\n"),
            (Format::OpenMetrics, "# HELP a x\n# TYPE a counter\na 1\n# EOF\n"),
            (Format::OpenMetrics, "# HELP a x\n# TYPE a gauge\n# EOF\na 1\n# EOF\n"),
            (
                Format::OpenMetrics,
                "# HELP a_seconds x\n# TYPE a_seconds gauge\n# UNIT a_seconds bytes\n# EOF\n",
            ),
        ];
        for (format, text) in bad {
            assert!(read(format, text).is_err(), "{format:?} accepted {text:?}");
        }
    }

    #[test]
    fn histogram_rules_are_checked() {
        let read_histogram = |format: Format, samples: &str| {
            let eof = if format == Format::OpenMetrics { "# EOF\n" } else { "" };
            read(format, &format!("# HELP h x\n# TYPE h histogram\n{samples}{eof}"))
        };
        let good = "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 2\nh_count 2\nh_sum 1\n";
        assert!(read_histogram(Format::Prometheus, good).is_ok());
        assert!(read_histogram(Format::OpenMetrics, good).is_ok());
        // Negative buckets: OpenMetrics has neither _count nor _sum then.
        let bare = "h_bucket{le=\"-1\"} 2\nh_bucket{le=\"+Inf\"} 2\n";
        assert!(read_histogram(Format::OpenMetrics, bare).is_ok());
        assert!(read_histogram(Format::Prometheus, bare).is_err());
        let unpaired = "h_bucket{le=\"-1\"} 2\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n";
        assert!(read_histogram(Format::OpenMetrics, unpaired).is_err());
        for bad in [
            "h_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n",
            "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n",
            "h_bucket{le=\"1\"} 1\nh_bucket{le=\"2\"} 2\nh_count 2\n",
            "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
            "h_bucket{le=\"+Inf\"} 0.5\nh_count 0.5\n",
            "h_bucket{le=\"+Inf\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",
            "h_count 0\n",
        ] {
            assert!(read_histogram(Format::Prometheus, bad).is_err(), "accepted {bad:?}");
        }
    }
}
