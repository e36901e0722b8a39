//! Prometheus text 0.0.4 and OpenMetrics 1.0 exposition.

pub(crate) mod escape;
pub(crate) mod number;

use core::cell::RefCell;

use crate::exemplar;
use crate::family::{Family, Meta, MetricType, Number, Sample};
use crate::registry::{registry, Registered};

/// An exposition format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Prometheus text format 0.0.4.
    Prometheus,
    /// OpenMetrics 1.0 text format.
    OpenMetrics,
}

impl Format {
    /// The HTTP `Content-Type` of this format.
    ///
    /// ```
    /// use metricsmith::Format;
    /// assert_eq!(Format::Prometheus.content_type(), "text/plain; version=0.0.4; charset=utf-8");
    /// ```
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Prometheus => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }

    /// Chooses the format for an HTTP `Accept` header: OpenMetrics when the client
    /// asks for it (version 1.0.0 or unversioned) with a quality at least that of text
    /// 0.0.4, text 0.0.4 otherwise (also for a missing or unparsable header).
    ///
    /// ```
    /// use metricsmith::Format;
    /// let prometheus_server = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1";
    /// assert_eq!(Format::from_accept(prometheus_server), Format::OpenMetrics);
    /// assert_eq!(Format::from_accept("text/plain"), Format::Prometheus);
    /// assert_eq!(Format::from_accept(""), Format::Prometheus);
    /// ```
    pub fn from_accept(accept: &str) -> Format {
        let mut openmetrics = 0.0f32;
        let mut text = 0.0f32;
        for range in accept.split(',') {
            let mut parts = range.split(';').map(str::trim);
            let media_type = parts.next().unwrap_or("").to_ascii_lowercase();
            let mut quality = 1.0f32;
            let mut version = None;
            for parameter in parts {
                let Some((key, value)) = parameter.split_once('=') else { continue };
                match key.trim().to_ascii_lowercase().as_str() {
                    "q" => quality = value.trim().parse().unwrap_or(0.0),
                    "version" => version = Some(value.trim().trim_matches('"').to_owned()),
                    _ => {}
                }
            }
            match media_type.as_str() {
                "application/openmetrics-text"
                    if matches!(version.as_deref(), None | Some("1.0.0") | Some("0.0.1")) =>
                {
                    openmetrics = openmetrics.max(quality)
                }
                "text/plain" if matches!(version.as_deref(), None | Some("0.0.4")) => {
                    text = text.max(quality)
                }
                _ => {}
            }
        }
        if openmetrics > 0.0 && openmetrics >= text {
            Format::OpenMetrics
        } else {
            Format::Prometheus
        }
    }
}

/// Renders every registered instrument in `format`, appending to `out`.
///
/// Families appear sorted by name, series in label-index order; every series is present
/// from start-up. Label text is rendered once, on the first scrape.
///
/// ```
/// use metricsmith::{metric, render, Counter, Format};
///
/// /// Orders received.
/// #[metric]
/// static ORDERS_RECEIVED_TOTAL: Counter;
///
/// ORDERS_RECEIVED_TOTAL.inc();
/// let mut out = Vec::new();
/// render(Format::OpenMetrics, &mut out);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains("# TYPE orders_received counter\n"));
/// assert!(text.contains("\norders_received_total 1\n"));
/// assert!(text.ends_with("# EOF\n"));
/// ```
pub fn render(format: Format, out: &mut Vec<u8>) {
    render_with_scratch(format, Families::All, out);
}

/// Which registered families a scrape renders.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Families {
    All,
    /// Leaves out the families read at scrape time (process metrics, callbacks,
    /// collectors), whose reading may allocate: what the encoder alone costs.
    Recorded,
}

/// Renders the families whose values are recorded by the program, leaving out those
/// read at scrape time (process metrics, callbacks, collectors, which may allocate).
/// For the test that the encoder allocates nothing after the first scrape. Not a public
/// API; it changes without notice.
#[doc(hidden)]
pub fn render_recorded_families(format: Format, out: &mut Vec<u8>) {
    render_with_scratch(format, Families::Recorded, out);
}

fn render_with_scratch(format: Format, families: Families, out: &mut Vec<u8>) {
    thread_local! {
        /// Scratch reused by every scrape on this thread, so a scrape into a reused
        /// buffer allocates nothing after the first.
        static SCRATCH: RefCell<Sample> = RefCell::default();
    }
    let reused = SCRATCH.try_with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut sample) => {
            render_registry(format, families, &mut sample, out);
            true
        }
        // A `Family::read` that renders again (re-entrantly) gets its own scratch.
        Err(_) => false,
    });
    if reused != Ok(true) {
        render_registry(format, families, &mut Sample::default(), out);
    }
    if format == Format::OpenMetrics {
        out.extend_from_slice(b"# EOF\n");
    }
}

fn render_registry(format: Format, families: Families, sample: &mut Sample, out: &mut Vec<u8>) {
    // A family without series (e.g. `function_calls_total` when no function is
    // `#[counted]`) has nothing to say: no HELP or TYPE lines either; nor has one whose
    // values are read at scrape time when reading them fails (counted by `collect`).
    for metric in registry().metrics.iter().filter(|metric| {
        metric.family.series_count() > 0
            && match families {
                Families::All => crate::collect::collect(metric),
                Families::Recorded => !metric.family.reads_at_scrape(),
            }
    }) {
        render_family(format, metric, sample, out);
    }
}

/// Renders for an HTTP `Accept` header: the negotiated `Content-Type` and the body.
///
/// ```
/// let (content_type, body) = metricsmith::render_for_accept("application/openmetrics-text");
/// assert!(content_type.starts_with("application/openmetrics-text; version=1.0.0"));
/// assert!(body.ends_with(b"# EOF\n"));
/// ```
pub fn render_for_accept(accept: &str) -> (&'static str, Vec<u8>) {
    let format = Format::from_accept(accept);
    let mut out = Vec::new();
    render(format, &mut out);
    (format.content_type(), out)
}

/// Renders one family as [`render`] would, without registering it: lets tests feed the
/// encoders names, HELP text, label values and numbers made at run time. Not a public
/// API; it changes without notice.
#[doc(hidden)]
pub fn render_one_family(
    format: Format,
    meta: &'static Meta,
    family: &'static dyn Family,
    out: &mut Vec<u8>,
) {
    FamilyRenderer::new(meta, family).render(format, out);
}

/// One unregistered family, rendered again and again like a registered one: label text
/// rendered on the first call, scratch reused. For benchmarks of one family's
/// encoding. Not a public API; it changes without notice.
#[doc(hidden)]
pub struct FamilyRenderer {
    metric: Registered,
    sample: Sample,
}

impl FamilyRenderer {
    /// A renderer of `family`, named and described by `meta`.
    pub fn new(meta: &'static Meta, family: &'static dyn Family) -> Self {
        FamilyRenderer { metric: Registered::new(meta, family), sample: Sample::default() }
    }

    /// Appends the family in `format` (without OpenMetrics' `# EOF`).
    pub fn render(&mut self, format: Format, out: &mut Vec<u8>) {
        render_family(format, &self.metric, &mut self.sample, out);
    }
}

fn type_word(format: Format, metric_type: MetricType) -> &'static str {
    match (format, metric_type) {
        (Format::Prometheus, MetricType::Info | MetricType::StateSet) => "gauge",
        (_, metric_type) => metric_type.as_str(),
    }
}

fn render_family(format: Format, metric: &Registered, sample: &mut Sample, out: &mut Vec<u8>) {
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
    let exemplars = format == Format::OpenMetrics
        && matches!(metric.metric_type, MetricType::Counter | MetricType::Histogram)
        && exemplar::any();
    for series in 0..metric.family.series_count() {
        sample.clear();
        metric.family.read(series, sample);
        let labels = metric.series_labels(series).as_bytes();
        let exemplar_key = if exemplars { metric.family.exemplar_key(series) } else { None };
        match metric.metric_type {
            MetricType::Histogram => {
                let bounds = metric.family.bucket_bounds();
                for (position, (bucket_label, count)) in
                    metric.bucket_labels(format).iter().zip(&sample.cumulative_buckets).enumerate()
                {
                    write_series_name(out, name, b"_bucket", labels, true);
                    out.extend_from_slice(bucket_label);
                    number::write_u64(out, *count);
                    if let Some(key) = exemplar_key {
                        exemplar::write(out, (key, position));
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
                    exemplar::write(out, (key, 0));
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
