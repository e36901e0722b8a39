//! The two text formats, Prometheus 0.0.4 and OpenMetrics 1.0: one writer, since they
//! differ only in family names, HELP escaping, `le` number style, `# UNIT`, exemplars
//! and `_created` lines.

use super::family_text::FamilyText;
use super::{escape, number, Format};
use crate::exemplars;
use crate::family::{MetricType, Number, Sample};
use crate::registry::Registered;

fn type_word(openmetrics: bool, metric_type: MetricType) -> &'static str {
    match metric_type {
        MetricType::Info | MetricType::StateSet if !openmetrics => "gauge",
        metric_type => metric_type.as_str(),
    }
}

/// Appends one family in `format` (one of the two text formats): its `# HELP`, `# TYPE`
/// (and OpenMetrics `# UNIT`) lines and every series, with `_created` lines when
/// `created` (OpenMetrics only).
pub(super) fn render_family(
    format: Format,
    created: bool,
    metric: &Registered,
    text: &FamilyText,
    sample: &mut Sample,
    out: &mut Vec<u8>,
) {
    let labels = text.text_labels(metric);
    if labels.none_exist() {
        // No series yet (labels whose values are registered at run time, none so far):
        // nothing to say, not even HELP and TYPE.
        return;
    }
    let openmetrics = format == Format::OpenMetrics;
    let header_name = if openmetrics { metric.family_name } else { metric.meta.name };
    out.extend_from_slice(b"# HELP ");
    out.extend_from_slice(header_name.as_bytes());
    out.push(b' ');
    if openmetrics {
        escape::write_escaped_quoted(out, metric.meta.help);
    } else {
        escape::write_help_prometheus(out, metric.meta.help);
    }
    out.extend_from_slice(b"\n# TYPE ");
    out.extend_from_slice(header_name.as_bytes());
    out.push(b' ');
    out.extend_from_slice(type_word(openmetrics, metric.metric_type).as_bytes());
    out.push(b'\n');
    if let (true, Some(unit)) = (openmetrics, metric.unit) {
        out.extend_from_slice(b"# UNIT ");
        out.extend_from_slice(header_name.as_bytes());
        out.push(b' ');
        out.extend_from_slice(unit.as_bytes());
        out.push(b'\n');
    }
    let name = metric.meta.name.as_bytes();
    // Only OpenMetrics has exemplars, and only counters and histograms.
    let with_exemplars = openmetrics
        && matches!(metric.metric_type, MetricType::Counter | MetricType::Histogram)
        && exemplars::any();
    let created = created && openmetrics;
    // The family name (without `_total`) takes the suffix: `orders_processed_created`.
    let created_name = metric.family_name.as_bytes();
    // The same for every series of the family: looked up once.
    let (bounds, bucket_labels) = match metric.metric_type {
        MetricType::Histogram => (metric.family.bucket_bounds(), text.bucket_labels(metric, format)),
        _ => (&[][..], &[][..]),
    };
    labels.read_each(metric, sample, with_exemplars, |labels, sample, exemplar_key| {
        match metric.metric_type {
            MetricType::Histogram => {
                for (position, (bucket_label, count)) in
                    bucket_labels.iter().zip(&sample.cumulative_buckets).enumerate()
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
                if !(openmetrics && negative_buckets) {
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
        if let (true, Some(since)) = (created, sample.created) {
            // Only counters, histograms and summaries have a created time.
            write_series_name(out, created_name, b"_created", labels, false);
            number::write_timestamp(out, number::since_epoch(since));
            out.push(b'\n');
        }
    });
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
            out.push(b' ');
            number::write_timestamp(out, timestamp);
        }
    });
}
