//! Exposition: the registry rendered in a format a scraper reads, and the negotiation of
//! that format from an HTTP `Accept` header. One module per format; `number` and
//! `escape` are the leaf helpers they share, `family_text` the label text each family
//! renders once and reuses at every scrape.

pub(crate) mod escape;
mod family_text;
pub(crate) mod number;
#[cfg(test)]
mod tests;
mod text;

use core::cell::RefCell;

use crate::family::{Family, Meta, Sample};
use crate::registry::{registry, Registered};
use crate::storage::race_once::RaceOnce;
use family_text::FamilyText;

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
#[derive(Clone, Copy)]
pub(crate) enum Families {
    All,
    /// Leaves out the families read at scrape time (process metrics, callbacks,
    /// collectors), whose reading may allocate: what the encoder alone costs.
    Recorded,
    /// Only the families whose name (the text format's) passes the filter.
    #[cfg_attr(not(feature = "push"), allow(dead_code))] // Pushgateway::filter
    Named(fn(&str) -> bool),
}

/// Renders the families whose values are recorded by the program, leaving out those
/// read at scrape time (process metrics, callbacks, collectors, which may allocate).
/// For the test that the encoder allocates nothing after the first scrape. Not a public
/// API; it changes without notice.
#[doc(hidden)]
pub fn render_recorded_families(format: Format, out: &mut Vec<u8>) {
    render_with_scratch(format, Families::Recorded, out);
}

/// Renders the registered families `families` selects, appending to `out`.
pub(crate) fn render_with_scratch(format: Format, families: Families, out: &mut Vec<u8>) {
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
    static TEXTS: RaceOnce<Vec<FamilyText>> = RaceOnce::new();
    let metrics = registry().all();
    let texts = TEXTS.get_or_init(|| metrics.iter().map(|_| FamilyText::default()).collect());
    // Multiprocess mode: every process's values, merged, for the families in cells.
    #[cfg(feature = "multiprocess")]
    let merged = crate::multiprocess::scrape();
    #[cfg(feature = "multiprocess")]
    let _installed = merged.as_ref().map(|merged| merged.install());
    // A family without series (e.g. `function_calls_total` when no function is
    // `#[counted]`) has nothing to say: no HELP or TYPE lines either; nor has one whose
    // values are read at scrape time when reading them fails (counted by the registry).
    for (_index, (metric, text)) in metrics.iter().zip(texts).enumerate() {
        let selected = match families {
            Families::All => true,
            Families::Recorded => !metric.family.reads_at_scrape(),
            Families::Named(keep) => keep(metric.meta.name),
        };
        if selected && metric.family.series_count() > 0 && metric.is_exposed() && metric.collect_for_scrape()
        {
            #[cfg(feature = "multiprocess")]
            if let Some((merged, per_scrape_labels)) = merged.as_ref().and_then(|merged| merged.view(_index))
            {
                // A `pid`-labelled family's series change with the processes: its label
                // text is this scrape's own.
                let fresh = per_scrape_labels.then(FamilyText::default);
                text::render_family(format, merged, fresh.as_ref().unwrap_or(text), sample, out);
                continue;
            }
            text::render_family(format, metric, text, sample, out);
        }
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
/// encoders names, HELP text, label values and numbers made at run time. A family the
/// registry would leave out (invalid names or labels) renders nothing. Not a public API;
/// it changes without notice.
#[doc(hidden)]
pub fn render_one_family(
    format: Format,
    meta: &'static Meta,
    family: &'static dyn Family,
    out: &mut Vec<u8>,
) {
    let mut renderer = FamilyRenderer::new(meta, family);
    if renderer.metric.check().is_ok() {
        renderer.render(format, out);
    }
}

/// One unregistered family, rendered again and again like a registered one: label text
/// rendered on the first call, scratch reused. For benchmarks of one family's
/// encoding. Not a public API; it changes without notice.
#[doc(hidden)]
pub struct FamilyRenderer {
    metric: Registered,
    text: FamilyText,
    sample: Sample,
}

impl FamilyRenderer {
    /// A renderer of `family`, named and described by `meta`.
    pub fn new(meta: &'static Meta, family: &'static dyn Family) -> Self {
        FamilyRenderer {
            metric: Registered::new(meta, family),
            text: FamilyText::default(),
            sample: Sample::default(),
        }
    }

    /// Appends the family in `format` (without OpenMetrics' `# EOF`).
    pub fn render(&mut self, format: Format, out: &mut Vec<u8>) {
        text::render_family(format, &self.metric, &self.text, &mut self.sample, out);
    }
}
