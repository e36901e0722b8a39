//! Exposition: the registry rendered in a format a scraper reads, and the negotiation of
//! that format from an HTTP `Accept` header. One module per format (`text` writes both
//! text formats, `protobuf` the binary one); `number` and `escape` are the leaf helpers
//! they share, `family_text` the label text each family renders once and reuses at
//! every scrape.

pub(crate) mod escape;
mod family_text;
pub(crate) mod number;
mod protobuf;
#[cfg(test)]
mod tests;
mod text;

use core::cell::RefCell;

use crate::family::{Family, Meta, Sample};
use crate::registry::{registry, Registered};
use crate::storage::created;
use crate::storage::race_once::RaceOnce;
use family_text::FamilyText;

/// An exposition format: what a scrape is rendered as.
///
/// | format | content type | carries |
/// | --- | --- | --- |
/// | [`Prometheus`](Format::Prometheus) | `text/plain; version=0.0.4` | values, HELP, TYPE |
/// | [`OpenMetrics`](Format::OpenMetrics) | `application/openmetrics-text; version=1.0.0` | also units, exemplars, `_created` lines when asked ([`RenderOptions`]) |
/// | [`Protobuf`](Format::Protobuf) | `application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited` | also units, exemplars and created timestamps, always |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Prometheus text format 0.0.4.
    Prometheus,
    /// OpenMetrics 1.0 text format.
    OpenMetrics,
    /// Prometheus' protobuf format: each `io.prometheus.client.MetricFamily` message
    /// preceded by its length as a varint. What Prometheus asks for when native
    /// histograms are enabled (`--enable-feature=native-histograms` in 2.x).
    Protobuf,
}

impl Format {
    /// The HTTP `Content-Type` of this format.
    ///
    /// ```
    /// use metricsmith::Format;
    /// assert_eq!(Format::Prometheus.content_type(), "text/plain; version=0.0.4; charset=utf-8");
    /// assert_eq!(
    ///     Format::Protobuf.content_type(),
    ///     "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
    /// );
    /// ```
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Prometheus => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Format::Protobuf => {
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
            }
        }
    }

    /// Chooses the format for an HTTP `Accept` header, by its quality values (RFC 9110,
    /// section 12.5.1): the format with the highest `q` wins; on a tie protobuf goes
    /// before OpenMetrics, and OpenMetrics before text 0.0.4.
    ///
    /// - protobuf needs `application/vnd.google.protobuf` with
    ///   `proto=io.prometheus.client.MetricFamily` and `encoding=delimited`;
    /// - OpenMetrics is `application/openmetrics-text` of version 1.0.0, 0.0.1 or none;
    /// - text is `text/plain` of version 0.0.4 or none.
    ///
    /// A more specific range overrides a wildcard: `text/*` and `*/*` give their quality
    /// to text 0.0.4 and `application/*` to OpenMetrics when these are not named
    /// themselves (protobuf is sent only to a client that names it). `q=0` refuses a
    /// format. When nothing is acceptable, or the header is missing or unparsable,
    /// the answer is text 0.0.4, which every scraper reads (RFC 9110 lets a server
    /// disregard `Accept` rather than answer 406).
    ///
    /// ```
    /// use metricsmith::Format;
    /// let prometheus_server = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1";
    /// assert_eq!(Format::from_accept(prometheus_server), Format::OpenMetrics);
    /// let with_native_histograms = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    /// assert_eq!(Format::from_accept(with_native_histograms), Format::Protobuf);
    /// assert_eq!(Format::from_accept("text/plain"), Format::Prometheus);
    /// assert_eq!(Format::from_accept(""), Format::Prometheus);
    /// ```
    pub fn from_accept(accept: &str) -> Format {
        /// Our formats in the order that breaks ties.
        const PREFERENCE: [Format; 3] = [Format::Protobuf, Format::OpenMetrics, Format::Prometheus];
        // Per format: the quality of the most specific range that matched it
        // (specificity 2: named, 1: `type/*`, 0: `*/*`).
        let mut best: [Option<(u8, f32)>; 3] = [None; 3];
        for range in accept.split(',') {
            let Some(range) = MediaRange::parse(range) else { continue };
            for (slot, format) in best.iter_mut().zip(PREFERENCE) {
                let Some(specificity) = range.matches(format) else { continue };
                *slot = match *slot {
                    Some((held, _)) if held > specificity => *slot,
                    // Two ranges of the same specificity (OpenMetrics 1.0.0 and 0.0.1):
                    // the better quality counts.
                    Some((held, quality)) if held == specificity => Some((held, quality.max(range.quality))),
                    _ => Some((specificity, range.quality)),
                };
            }
        }
        let mut chosen = Format::Prometheus;
        let mut chosen_quality = 0.0f32;
        for (slot, format) in best.iter().zip(PREFERENCE) {
            if let Some((_, quality)) = *slot {
                if quality > chosen_quality {
                    (chosen, chosen_quality) = (format, quality);
                }
            }
        }
        chosen
    }
}

/// One media range of an `Accept` header, e.g. `text/plain;version=0.0.4;q=0.5`.
struct MediaRange<'a> {
    /// The type and subtype, compared case-insensitively by [`matches`](Self::matches).
    main: &'a str,
    sub: &'a str,
    quality: f32,
    version: Option<&'a str>,
    proto: Option<&'a str>,
    encoding: Option<&'a str>,
}

impl<'a> MediaRange<'a> {
    fn parse(range: &'a str) -> Option<MediaRange<'a>> {
        let mut parts = range.split(';').map(str::trim);
        let (main, sub) = parts.next()?.split_once('/')?;
        let mut parsed = MediaRange {
            main: main.trim(),
            sub: sub.trim(),
            quality: 1.0,
            version: None,
            proto: None,
            encoding: None,
        };
        for parameter in parts {
            let Some((key, value)) = parameter.split_once('=') else { continue };
            let value = value.trim().trim_matches('"');
            let key = key.trim();
            if key.eq_ignore_ascii_case("q") {
                parsed.quality = parse_quality(value);
            } else if key.eq_ignore_ascii_case("version") {
                parsed.version = Some(value);
            } else if key.eq_ignore_ascii_case("proto") {
                parsed.proto = Some(value);
            } else if key.eq_ignore_ascii_case("encoding") {
                parsed.encoding = Some(value);
            }
        }
        Some(parsed)
    }

    /// How specifically this range names `format`: 2 by type, subtype and fitting
    /// parameters, 1 by `type/*`, 0 by `*/*`; `None` when it does not match.
    fn matches(&self, format: Format) -> Option<u8> {
        let (main, sub) = match format {
            Format::Prometheus => ("text", "plain"),
            Format::OpenMetrics => ("application", "openmetrics-text"),
            Format::Protobuf => ("application", "vnd.google.protobuf"),
        };
        let is = |text: &str, word: &str| text.eq_ignore_ascii_case(word);
        if self.main == "*" && self.sub == "*" {
            // Protobuf only for a client that names it.
            return (format == Format::Prometheus).then_some(0);
        }
        if !is(self.main, main) {
            return None;
        }
        if self.sub == "*" {
            let by_wildcard = match format {
                Format::Prometheus | Format::OpenMetrics => true,
                Format::Protobuf => false,
            };
            return by_wildcard.then_some(1);
        }
        if !is(self.sub, sub) {
            return None;
        }
        let fits = match format {
            Format::Prometheus => matches!(self.version, None | Some("0.0.4")),
            Format::OpenMetrics => matches!(self.version, None | Some("1.0.0") | Some("0.0.1")),
            Format::Protobuf => {
                self.proto.is_some_and(|proto| is(proto, "io.prometheus.client.MetricFamily"))
                    && self.encoding.is_some_and(|encoding| is(encoding, "delimited"))
            }
        };
        fits.then_some(2)
    }
}

/// A quality value, `0` to `1`; anything unparsable counts as `0` (not acceptable).
pub(crate) fn parse_quality(value: &str) -> f32 {
    match value.trim().parse::<f32>() {
        Ok(quality) if (0.0..=1.0).contains(&quality) => quality,
        _ => 0.0,
    }
}

/// What a rendering shows beyond what its format always carries.
///
/// ```
/// use metricsmith::RenderOptions;
///
/// let options = RenderOptions::default().with_created_timestamps(true);
/// assert!(options.created_timestamps);
/// assert!(!RenderOptions::default().created_timestamps);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderOptions {
    /// OpenMetrics: a `_created` line after each counter, histogram and summary series
    /// (default `false`). Off by default because a Prometheus without the
    /// created-timestamp feature stores every `_created` line as a series of its own.
    /// The protobuf format always carries created timestamps (in a field scrapers
    /// without the feature ignore); text 0.0.4 has no way to.
    ///
    /// A series' created timestamp is when this process started (on Linux as the
    /// kernel records it; a forked child has its own), since metricsmith's series all
    /// exist, at 0, from then on. Values read at scrape time from elsewhere
    /// (callbacks, collectors) have none.
    pub created_timestamps: bool,
}

impl RenderOptions {
    /// Sets [`created_timestamps`](RenderOptions::created_timestamps).
    ///
    /// ```
    /// let options = metricsmith::RenderOptions::default().with_created_timestamps(true);
    /// assert!(options.created_timestamps);
    /// ```
    #[must_use]
    pub const fn with_created_timestamps(mut self, created_timestamps: bool) -> Self {
        self.created_timestamps = created_timestamps;
        self
    }

    /// Whether a rendering in `format` shows created timestamps.
    fn shows_created(self, format: Format) -> bool {
        match format {
            Format::Protobuf => true,
            Format::OpenMetrics => self.created_timestamps,
            Format::Prometheus => false,
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
    render_with(format, RenderOptions::default(), out);
}

/// Renders like [`render`], with `options`.
///
/// ```
/// use metricsmith::{metric, render_with, Counter, Format, RenderOptions};
///
/// /// Refunds issued.
/// #[metric]
/// static REFUNDS_ISSUED_TOTAL: Counter;
///
/// let mut out = Vec::new();
/// render_with(Format::OpenMetrics, RenderOptions::default().with_created_timestamps(true), &mut out);
/// let text = String::from_utf8(out).unwrap();
/// let created = text.lines().find(|line| line.starts_with("refunds_issued_created ")).unwrap();
/// let seconds: f64 = created.split(' ').nth(1).unwrap().parse().unwrap();
/// assert!(seconds > 1.5e9, "seconds since the epoch: {created}");
/// ```
pub fn render_with(format: Format, options: RenderOptions, out: &mut Vec<u8>) {
    render_selected(format, options, Families::All, out);
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
pub fn render_recorded_families(format: Format, options: RenderOptions, out: &mut Vec<u8>) {
    render_selected(format, options, Families::Recorded, out);
}

/// Renders the registered families `families` selects, appending to `out`.
#[cfg_attr(not(feature = "push"), allow(dead_code))] // the Pushgateway client
pub(crate) fn render_with_scratch(format: Format, families: Families, out: &mut Vec<u8>) {
    render_selected(format, RenderOptions::default(), families, out);
}

/// Renders the registered families `families` selects with `options`, appending to `out`.
fn render_selected(format: Format, options: RenderOptions, families: Families, out: &mut Vec<u8>) {
    thread_local! {
        /// Scratch reused by every scrape on this thread, so a scrape into a reused
        /// buffer allocates nothing after the first.
        static SCRATCH: RefCell<Sample> = RefCell::default();
    }
    let reused = SCRATCH.try_with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut sample) => {
            render_registry(format, options, families, &mut sample, out);
            true
        }
        // A `Family::read` that renders again (re-entrantly) gets its own scratch.
        Err(_) => false,
    });
    if reused != Ok(true) {
        render_registry(format, options, families, &mut Sample::default(), out);
    }
    if format == Format::OpenMetrics {
        out.extend_from_slice(b"# EOF\n");
    }
}

fn render_registry(
    format: Format,
    options: RenderOptions,
    families: Families,
    sample: &mut Sample,
    out: &mut Vec<u8>,
) {
    static TEXTS: RaceOnce<Vec<FamilyText>> = RaceOnce::new();
    if options.shows_created(format) {
        created::refresh();
    }
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
    for (index, (metric, text)) in metrics.iter().zip(texts).enumerate() {
        // The index names the family in the merged view; without it, nothing does.
        #[cfg(not(feature = "multiprocess"))]
        let _ = index;
        let selected = match families {
            Families::All => true,
            Families::Recorded => !metric.family.reads_at_scrape(),
            Families::Named(keep) => keep(metric.meta.name),
        };
        if selected && metric.family.series_count() > 0 && metric.is_exposed() && metric.collect_for_scrape()
        {
            #[cfg(feature = "multiprocess")]
            if let Some((merged, per_scrape_labels)) = merged.as_ref().and_then(|merged| merged.view(index)) {
                // A `pid`-labelled family's series change with the processes: its label
                // text is this scrape's own.
                let fresh = per_scrape_labels.then(FamilyText::default);
                render_family(format, options, merged, fresh.as_ref().unwrap_or(text), sample, out);
                continue;
            }
            render_family(format, options, metric, text, sample, out);
        }
    }
}

/// Appends one family in `format`.
fn render_family(
    format: Format,
    options: RenderOptions,
    metric: &Registered,
    text: &FamilyText,
    sample: &mut Sample,
    out: &mut Vec<u8>,
) {
    match format {
        Format::Prometheus | Format::OpenMetrics => {
            text::render_family(format, options.shows_created(format), metric, text, sample, out)
        }
        Format::Protobuf => protobuf::render_family(metric, text, sample, out),
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
        self.render_with(format, RenderOptions::default(), out);
    }

    /// Appends the family in `format` with `options` (without OpenMetrics' `# EOF`).
    pub fn render_with(&mut self, format: Format, options: RenderOptions, out: &mut Vec<u8>) {
        if options.shows_created(format) {
            created::refresh();
        }
        render_family(format, options, &self.metric, &self.text, &mut self.sample, out);
    }
}
