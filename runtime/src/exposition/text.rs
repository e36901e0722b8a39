//! The two text formats, Prometheus 0.0.4 and OpenMetrics 1.0: one writer, since they
//! differ only in family names, HELP escaping, `le` number style, `# UNIT` and exemplars.

use super::family_text::FamilyText;
use super::{escape, number, Format};
use crate::exemplars;
use crate::family::{MetricType, Number, Sample};
use crate::registry::Registered;

fn type_word(format: Format, metric_type: MetricType) -> &'static str {
    match (format, metric_type) {
        (Format::Prometheus, MetricType::Info | MetricType::StateSet) => "gauge",
        (_, metric_type) => metric_type.as_str(),
    }
}

/// Appends one family: its `# HELP`, `# TYPE` (and OpenMetrics `# UNIT`) lines and every
/// series.
pub(super) fn render_family(
    format: Format,
    metric: &Registered,
    text: &FamilyText,
    sample: &mut Sample,
    out: &mut Vec<u8>,
) {
    let labels = text.series_labels(metric);
    if labels.none_exist() {
        // No series yet (labels whose values are registered at run time, none so far):
        // nothing to say, not even HELP and TYPE.
        return;
    }
    let header_name = match format {
        Format::Prometheus => metric.meta.name,
        Format::OpenMetrics => metric.family_name,
    };
    out.extend_from_slice(b"# HELP ");
    out.extend_from_slice(header_name.as_bytes());
    out.push(b' ');
    match format {
        Format::Prometheus => escape::write_help_prometheus(out, metric.meta.help),
        Format::OpenMetrics => escape::write_escaped_quoted(out, metric.meta.help),
    }
    out.extend_from_slice(b"\n# TYPE ");
    out.extend_from_slice(header_name.as_bytes());
    out.push(b' ');
    out.extend_from_slice(type_word(format, metric.metric_type).as_bytes());
    out.push(b'\n');
    if let (Format::OpenMetrics, Some(unit)) = (format, metric.unit) {
        out.extend_from_slice(b"# UNIT ");
        out.extend_from_slice(header_name.as_bytes());
        out.push(b' ');
        out.extend_from_slice(unit.as_bytes());
        out.push(b'\n');
    }
    let name = metric.meta.name.as_bytes();
    // Only OpenMetrics has exemplars, and only counters and histograms.
    let with_exemplars = format == Format::OpenMetrics
        && matches!(metric.metric_type, MetricType::Counter | MetricType::Histogram)
        && exemplars::any();
    for series in 0..metric.family.series_count() {
        if !labels.exists(series) {
            continue;
        }
        sample.clear();
        metric.family.read(series, sample);
        let labels = labels.of(series).as_bytes();
        let exemplar_key = if with_exemplars { metric.family.exemplar_key(series) } else { None };
        match metric.metric_type {
            MetricType::Histogram => {
                let bounds = metric.family.bucket_bounds();
                for (position, (bucket_label, count)) in
                    text.bucket_labels(metric, format).iter().zip(&sample.cumulative_buckets).enumerate()
                {
                    write_series_name(out, name, b"_bucket", labels, true);
                    out.extend_from_slice(bucket_label);
                    number::write_u64(out, *count);
                    if let Some(key) = exemplar_key {
                        write_exemplar(out, (key, position));
                    }
                    out.push(b'\n');
                }
                // OpenMetrics forbids `_sum` on histograms with negative buckets, and
                // allows `_count` only beside a `_sum` (the `+Inf` bucket still counts).
                let negative_buckets = bounds.first().is_some_and(|lowest| *lowest < 0.0);
                if !(format == Format::OpenMetrics && negative_buckets) {
                    write_count_and_sum(out, name, labels, sample);
                }
            }
            MetricType::Summary => write_count_and_sum(out, name, labels, sample),
            _ => {
                write_series_name(out, name, b"", labels, false);
                write_number(out, sample.value.unwrap_or(Number::Int(0)));
                if let Some(key) = exemplar_key {
                    write_exemplar(out, (key, 0));
                }
                out.push(b'\n');
            }
        }
    }
}

/// Writes `name{labels} ` — or, with `open`, `name{labels,` for a label to follow.
fn write_series_name(out: &mut Vec<u8>, name: &[u8], suffix: &[u8], labels: &[u8], open: bool) {
    out.extend_from_slice(name);
    out.extend_from_slice(suffix);
    if open {
        out.push(b'{');
        out.extend_from_slice(labels);
        if !labels.is_empty() {
            out.push(b',');
        }
    } else {
        if !labels.is_empty() {
            out.push(b'{');
            out.extend_from_slice(labels);
            out.push(b'}');
        }
        out.push(b' ');
    }
}

fn write_count_and_sum(out: &mut Vec<u8>, name: &[u8], labels: &[u8], sample: &Sample) {
    write_series_name(out, name, b"_count", labels, false);
    number::write_u64(out, sample.count);
    out.push(b'\n');
    write_series_name(out, name, b"_sum", labels, false);
    number::write_go_float(out, sample.sum);
    out.push(b'\n');
}

fn write_number(out: &mut Vec<u8>, value: Number) {
    match value {
        Number::Int(value) => number::write_u64(out, value),
        Number::Float(value) => number::write_go_float(out, value),
    }
}

/// Appends ` # {labels} value timestamp` when `key` has an exemplar.
fn write_exemplar(out: &mut Vec<u8>, key: (usize, usize)) {
    exemplars::with(key, |exemplar| {
        out.extend_from_slice(b" # {");
        escape::write_label_pairs(out, exemplar.labels());
        out.extend_from_slice(b"} ");
        write_number(out, exemplar.value());
        if let Some(timestamp) = exemplar.timestamp() {
            // Seconds with millisecond precision, as Prometheus stores timestamps.
            out.push(b' ');
            number::write_u64(out, timestamp.as_secs());
            out.push(b'.');
            let millis = timestamp.subsec_millis();
            out.extend_from_slice(&[b'0' + (millis / 100) as u8, b'0' + (millis / 10 % 10) as u8]);
            out.push(b'0' + (millis % 10) as u8);
        }
    });
}
