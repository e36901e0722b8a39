//! The registry's view of an instrument: an object-safe family of series.

use core::sync::atomic::AtomicU64;
use std::time::SystemTime;
use std::vec::Vec;

/// `Debug` for public error types as their `Display`: `.expect()`, `unwrap()` and `?`
/// from `main` print `Debug`, and the explanation and the fix are in the message, not in
/// a variant's fields.
macro_rules! debug_as_display {
    ($($error:ty),+) => {$(
        impl ::std::fmt::Debug for $error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(self, f)
            }
        }
    )+};
}
pub(crate) use debug_as_display;

/// The type of a metric family, as the exposition formats name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetricType {
    /// A monotonically increasing total (`Counter`, `FloatCounter`).
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Observations counted into cumulative buckets, with their sum.
    Histogram,
    /// Observation count and sum (no quantiles).
    Summary,
    /// Constant label pairs with value 1.
    Info,
    /// One of an enum's states is set (1), the others are 0.
    StateSet,
}

impl MetricType {
    /// The lowercase name used in `# TYPE` lines of OpenMetrics and in the catalog.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Summary => "summary",
            MetricType::Info => "info",
            MetricType::StateSet => "stateset",
        }
    }
}

/// Where and how a metric was declared: name, help and source location.
#[derive(Debug)]
pub struct Meta {
    /// The full metric name, e.g. `orders_processed_total`.
    pub name: &'static str,
    /// The `# HELP` text (the doc comment).
    pub help: &'static str,
    /// Source file of the declaration.
    pub file: &'static str,
    /// Source line of the declaration.
    pub line: u32,
    /// `module_path!()` of the declaration.
    pub module: &'static str,
}

/// A number as read from a series.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An exact integer (counters, bucket counts).
    Int(u64),
    /// A float (gauges, float counters, sums).
    Float(f64),
}

impl Number {
    /// The value as `f64` (integers above 2^53 lose precision, as in every client).
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(value) => value as f64,
            Number::Float(value) => value,
        }
    }
}

/// One series' values, filled in by [`Family::read`]. Reused across series and scrapes
/// so reading allocates nothing after the first scrape.
///
/// Each exposition format takes what it can carry: the text formats leave out what they
/// have no syntax for (created timestamps in text 0.0.4). New kinds of values (a native
/// histogram's exponential buckets) arrive as new fields, so the struct is
/// `#[non_exhaustive]`: a family fills the fields it has and leaves the others as
/// cleared.
#[derive(Debug, Default, Clone)]
#[non_exhaustive]
pub struct Sample {
    /// The value of a counter, gauge, info or state-set series.
    pub value: Option<Number>,
    /// Histogram: cumulative bucket counts, one per bound plus the `+Inf` bucket last.
    pub cumulative_buckets: Vec<u64>,
    /// Histogram and summary: observation count (equals the `+Inf` bucket).
    pub count: u64,
    /// Histogram and summary: sum of observations.
    pub sum: f64,
    /// Counter, histogram and summary: since when the series has been counting from 0,
    /// or `None` when unknown (values read at scrape time from elsewhere). The protobuf
    /// format always carries it; OpenMetrics as a `_created` line when asked
    /// ([`RenderOptions::with_created_timestamps`](crate::RenderOptions::with_created_timestamps)).
    pub created: Option<SystemTime>,
    /// Histogram with native buckets: see [`native`](Self::native).
    pub(crate) native: NativeBuckets,
    pub(crate) has_native: bool,
    /// Where reading native buckets works (`instruments::native`).
    pub(crate) native_scratch: NativeScratch,
}

/// The working space of reading native buckets, kept in the sample so that reading
/// allocates nothing after the first scrape: each sign's `(schema, key, count)` gathered
/// from every shard, the zero count, and the copy of one shard's cells.
#[derive(Debug, Default, Clone)]
pub(crate) struct NativeScratch {
    pub(crate) zero: u64,
    pub(crate) buckets: [Vec<(i8, i32, u64)>; 2],
    pub(crate) cells: Vec<u64>,
}

impl Sample {
    pub(crate) fn clear(&mut self) {
        self.value = None;
        self.cumulative_buckets.clear();
        self.count = 0;
        self.sum = 0.0;
        self.has_native = false;
        self.created = None;
    }

    /// The native (exponential) buckets of a histogram that has them
    /// (`#[metric(native)]`), beside its classic ones; `None` for every other series.
    pub fn native(&self) -> Option<&NativeBuckets> {
        self.has_native.then_some(&self.native)
    }

    /// For a [`Family::read`] of a histogram with native buckets: the native buckets,
    /// emptied (their allocations kept), to fill in. [`native`](Self::native) returns them
    /// from then on.
    pub fn native_mut(&mut self) -> &mut NativeBuckets {
        self.has_native = true;
        self.native.clear();
        &mut self.native
    }
}

/// A native histogram's buckets, in the form Prometheus' protobuf format carries them
/// (`io.prometheus.client.Histogram`'s fields 5 to 14): bucket `k` holds the values in
/// `(base^(k-1), base^k]` with `base = 2^(2^-schema)`, negative values by magnitude, and
/// the zero bucket those in `[-zero_threshold, zero_threshold]`. Non-empty buckets come
/// as spans of consecutive keys and their counts as deltas, each count minus the one
/// before it (across spans; the first counts from 0).
///
/// An empty histogram whose zero threshold is 0 has one span of length 0, so that a
/// scraper still tells it from a classic histogram (as `client_golang` does).
///
/// ```
/// use metricsmith::{metric, Histogram};
///
/// /// Time to seal a carton.
/// #[metric(native(schema = 0), buckets = [])]
/// static CARTON_SEAL_DURATION_SECONDS: Histogram;
///
/// CARTON_SEAL_DURATION_SECONDS.observe(3.0); // (2, 4]: key 2 at schema 0
/// CARTON_SEAL_DURATION_SECONDS.observe(3.5);
/// CARTON_SEAL_DURATION_SECONDS.observe(-0.75); // magnitude in (0.5, 1]: key 0
/// let native = CARTON_SEAL_DURATION_SECONDS.native_buckets().unwrap();
/// assert_eq!(native.schema, 0);
/// assert_eq!(native.positive().collect::<Vec<_>>(), [(2, 2)]);
/// assert_eq!(native.negative().collect::<Vec<_>>(), [(0, 1)]);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NativeBuckets {
    /// The resolution: `base = 2^(2^-schema)`, −4 to 8.
    pub schema: i32,
    /// Observations whose magnitude is at most this are counted in the zero bucket.
    pub zero_threshold: f64,
    /// Observations in the zero bucket.
    pub zero_count: u64,
    /// Runs of consecutive positive buckets.
    pub positive_spans: Vec<BucketSpan>,
    /// The positive buckets' counts, delta-encoded.
    pub positive_deltas: Vec<i64>,
    /// Runs of consecutive negative buckets (keys of the magnitudes).
    pub negative_spans: Vec<BucketSpan>,
    /// The negative buckets' counts, delta-encoded.
    pub negative_deltas: Vec<i64>,
}

impl NativeBuckets {
    fn clear(&mut self) {
        self.schema = 0;
        self.zero_threshold = 0.0;
        self.zero_count = 0;
        self.positive_spans.clear();
        self.positive_deltas.clear();
        self.negative_spans.clear();
        self.negative_deltas.clear();
    }

    /// The positive buckets as `(key, count)`, in increasing order of key (empty buckets
    /// inside a span included): the spans and deltas decoded.
    pub fn positive(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        decode(&self.positive_spans, &self.positive_deltas)
    }

    /// The negative buckets as `(key, count)` (keys of the magnitudes), in increasing
    /// order of key.
    pub fn negative(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        decode(&self.negative_spans, &self.negative_deltas)
    }

    /// Appends the non-empty buckets of a sign, `(key, count)` in increasing order of key,
    /// as spans and deltas. Gaps of one or two empty buckets are written as zero counts
    /// (two deltas cost less than a new span), as `client_golang` does.
    pub(crate) fn encode(
        buckets: impl Iterator<Item = (i32, u64)>,
        spans: &mut Vec<BucketSpan>,
        deltas: &mut Vec<i64>,
    ) {
        let mut last_key: Option<i32> = None;
        // What the deltas so far add up to: the last count written.
        let mut running = 0i64;
        for (key, count) in buckets.filter(|(_, count)| *count > 0) {
            match (last_key, spans.last_mut()) {
                (Some(last), Some(span)) if key - last <= 3 => {
                    for _ in last + 1..key {
                        deltas.push(-running);
                        running = 0;
                    }
                    span.length += (key - last) as u32;
                }
                _ => {
                    spans.push(BucketSpan { offset: last_key.map_or(key, |last| key - last - 1), length: 1 })
                }
            }
            deltas.push(count as i64 - running);
            running = count as i64;
            last_key = Some(key);
        }
    }
}

/// The buckets of `spans` and `deltas` as `(key, count)`.
fn decode<'a>(spans: &'a [BucketSpan], deltas: &'a [i64]) -> impl Iterator<Item = (i32, u64)> + 'a {
    let mut key = 0i32;
    let mut count = 0i64;
    let keys = spans.iter().enumerate().flat_map(move |(position, span)| {
        // The first span's offset is its first key; each later one's, the gap after the last.
        let start = if position == 0 { span.offset } else { span.offset + 1 };
        (0..span.length).map(move |step| (start, step))
    });
    keys.zip(deltas).map(move |((start, step), delta)| {
        key = if step == 0 { key.wrapping_add(start) } else { key.wrapping_add(1) };
        count += delta;
        (key, count as u64)
    })
}

/// A run of consecutive native buckets: `offset` is the key of its first bucket for the
/// first span, and the number of empty buckets since the previous span for the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketSpan {
    /// The first key (first span), or the gap since the previous span.
    pub offset: i32,
    /// The number of buckets.
    pub length: u32,
}

/// A family of series with a fixed label layout: what the registry renders.
///
/// Implemented by every instrument type; `#[metric]` registers instruments through it.
/// Series are numbered `0..series_count()`. Every one exists from the start, unless the
/// family's labels have values registered at run time: then a series exists (at 0) from
/// the moment its values do, and the formats leave out the ones that do not yet
/// ([`series_exists`](Self::series_exists)).
pub trait Family: Sync {
    /// The exposition type.
    fn metric_type(&self) -> MetricType;
    /// Appends the label names; `metric_name` is given because a state set labels its
    /// states with the metric's own name, as OpenMetrics prescribes.
    fn label_names(&self, metric_name: &'static str, out: &mut Vec<&'static str>);
    /// The number of series, fixed for the life of the program (with labels whose
    /// values are registered at run time, the most there can be).
    fn series_count(&self) -> usize;
    /// Whether `series` exists now; the formats, the catalog and the registry's checks
    /// leave out the ones that do not. Always `true` unless the family's labels have
    /// values registered at run time, when it turns `true` with the registration of the
    /// series' last value (and stays so).
    fn series_exists(&self, _series: usize) -> bool {
        true
    }
    /// `None` when every series exists from the start; otherwise a count that grows
    /// whenever a series comes into existence, so the formats know when to render the
    /// family's label text anew.
    fn series_generation(&self) -> Option<usize> {
        None
    }
    /// Appends the label values of `series`, in label-name order.
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>);
    /// Histogram bucket upper bounds (without `+Inf`); empty for other types.
    fn bucket_bounds(&self) -> &[f64] {
        &[]
    }
    /// A histogram with native buckets: the most a series shows (what the series budget
    /// and the catalog count); `None` for other families.
    fn native_max_buckets(&self) -> Option<usize> {
        None
    }
    /// Reads the current values of `series` into `out` (which the caller has cleared).
    fn read(&self, series: usize, out: &mut Sample);
    /// Where the exemplars of `series` are filed (the address of its first cell), for
    /// counters and histograms; `None`: the family has no exemplars.
    #[doc(hidden)]
    fn exemplar_key(&self, _series: usize) -> Option<usize> {
        None
    }
    /// In a forked child, before anything else runs: makes consistent what threads that
    /// did not survive the fork left mid-update in this family's storage. Must not
    /// allocate, lock or wait.
    #[doc(hidden)]
    fn repair_after_fork(&self) {}
    /// The cells this family records into, one run per [`Storage`] (an instrument has
    /// one; the `function_calls_*` families one per function): what the multiprocess mode
    /// maps into each process's file and merges at scrape time. None for families whose
    /// values are not recorded into cells (read at scrape time, constant, or a state
    /// held elsewhere), or whose cells do not add up from process to process (a native
    /// histogram's bucket windows).
    #[doc(hidden)]
    fn storage(&self, _visit: &mut dyn FnMut(Storage)) {}
    /// Which series of which [`storage`](Self::storage) runs make up `series`: calls
    /// `visit(run, series_in_run)` for each (their values add up). An instrument's
    /// series `i` is series `i` of its one run.
    #[doc(hidden)]
    fn series_storage(&self, series: usize, visit: &mut dyn FnMut(usize, usize)) {
        visit(0, series);
    }
    /// For a family that describes this process (the process collector's): reads its
    /// one value for another process, by pid, so that a multiprocess scrape shows every
    /// running process of the group with a `pid` label. `None`: not such a family.
    #[doc(hidden)]
    fn process_reader(&self) -> Option<fn(u32) -> Result<f64, CollectError>> {
        None
    }
    /// Feature `testing`: calls `key` with the key of every cell run whose recordings
    /// make up `series` (the address of its first cell in the shared shard), which a
    /// `testing::Capture` files them under. None: the family's values are not recorded
    /// (read at scrape time, or constant), so a capture shows them as they are.
    #[cfg(feature = "testing")]
    #[doc(hidden)]
    fn capture_keys(&self, _series: usize, _key: &mut dyn FnMut(usize)) {}
    /// Whether the values are fetched at scrape time by [`collect`](Self::collect)
    /// (callback gauges, collectors, the process collector), which may fail.
    fn reads_at_scrape(&self) -> bool {
        false
    }
    /// Called once per scrape, before [`read`](Self::read): a family whose values live
    /// elsewhere fetches them here. On `Err` (or a panic) the scrape leaves the whole
    /// family out and counts the failure in `metricsmith_collect_failures_total`.
    fn collect(&self) -> Result<(), CollectError> {
        Ok(())
    }
}

/// Why values could not be read at scrape time: the family is left out of that scrape
/// and the failure is counted in `metricsmith_collect_failures_total{metric}`. Part of the
/// [`Family`] contract (its [`collect`](Family::collect) returns it), so it lives here;
/// the scrape-time sources that produce it are in `collect`.
///
/// Any error type converts into it with `?` or `.into()`; a plain message with
/// [`CollectError::new`].
///
/// ```
/// use metricsmith::CollectError;
///
/// fn parse(text: &str) -> Result<f64, CollectError> {
///     Ok(text.trim().parse::<f64>()?)
/// }
/// assert_eq!(parse(" 3 ").unwrap(), 3.0);
/// assert_eq!(parse("x").unwrap_err().to_string(), "invalid float literal");
/// assert_eq!(CollectError::new("queue service unreachable").to_string(), "queue service unreachable");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CollectError {
    message: String,
}

impl CollectError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        CollectError { message: message.into() }
    }
}

impl std::fmt::Display for CollectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

debug_as_display!(CollectError);

impl<E: std::error::Error> From<E> for CollectError {
    fn from(error: E) -> Self {
        CollectError::new(error.to_string())
    }
}

/// A set of families declared together (`#[derive(Metrics)]`), registered by one
/// `#[metric] static`.
pub trait Group: Sync {
    /// Calls `visit` with every member's metadata and family, in declaration order.
    fn families(&'static self, visit: &mut dyn FnMut(&'static Meta, &'static dyn Family));
}

/// How the values of one gauge series in several processes combine into what a scrape
/// shows (multiprocess mode), declared with `#[metric(multiprocess = "...")]`; the names
/// are Python `prometheus_client`'s. The `live` modes count only processes still
/// running; the others also the last values of processes that exited.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MultiprocessMode {
    /// One series per process, alive or exited, with a `pid` label (the default).
    All,
    /// One series per running process, with a `pid` label.
    LiveAll,
    /// The smallest value.
    Min,
    /// The smallest value of a running process.
    LiveMin,
    /// The largest value.
    Max,
    /// The largest value of a running process.
    LiveMax,
    /// The sum.
    Sum,
    /// The sum over running processes (`#[in_flight]`'s).
    LiveSum,
    /// The value set last, by whichever process.
    MostRecent,
    /// The value set last by a running process.
    LiveMostRecent,
}

impl MultiprocessMode {
    /// Every mode, in declaration order.
    pub const ALL: [MultiprocessMode; 10] = [
        MultiprocessMode::All,
        MultiprocessMode::LiveAll,
        MultiprocessMode::Min,
        MultiprocessMode::LiveMin,
        MultiprocessMode::Max,
        MultiprocessMode::LiveMax,
        MultiprocessMode::Sum,
        MultiprocessMode::LiveSum,
        MultiprocessMode::MostRecent,
        MultiprocessMode::LiveMostRecent,
    ];

    /// The name `#[metric(multiprocess = "...")]` takes.
    pub const fn as_str(self) -> &'static str {
        match self {
            MultiprocessMode::All => "all",
            MultiprocessMode::LiveAll => "liveall",
            MultiprocessMode::Min => "min",
            MultiprocessMode::LiveMin => "livemin",
            MultiprocessMode::Max => "max",
            MultiprocessMode::LiveMax => "livemax",
            MultiprocessMode::Sum => "sum",
            MultiprocessMode::LiveSum => "livesum",
            MultiprocessMode::MostRecent => "mostrecent",
            MultiprocessMode::LiveMostRecent => "livemostrecent",
        }
    }

    /// The mode named `name`.
    pub fn from_name(name: &str) -> Option<MultiprocessMode> {
        MultiprocessMode::ALL.into_iter().find(|mode| mode.as_str() == name)
    }

    /// Whether only running processes count.
    pub const fn live_only(self) -> bool {
        matches!(
            self,
            MultiprocessMode::LiveAll
                | MultiprocessMode::LiveMin
                | MultiprocessMode::LiveMax
                | MultiprocessMode::LiveSum
                | MultiprocessMode::LiveMostRecent
        )
    }

    /// Whether each process's value is its own series, with a `pid` label.
    pub const fn per_process(self) -> bool {
        matches!(self, MultiprocessMode::All | MultiprocessMode::LiveAll)
    }

    /// Whether each write also stores when it happened (the `mostrecent` modes).
    pub const fn stamps_writes(self) -> bool {
        matches!(self, MultiprocessMode::MostRecent | MultiprocessMode::LiveMostRecent)
    }
}

/// What the cells of one [`Storage`] run hold, so they can be merged with the same run
/// of another process.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// One `u64` per series (and shard): they add up.
    Counter,
    /// One `f64` per series (and shard): they add up.
    FloatCounter,
    /// One `f64` per series, then, for the `mostrecent` modes, one write time per series
    /// (nanoseconds since the epoch): combined by the mode.
    Gauge(MultiprocessMode),
    /// A histogram series per series (and shard), `[started, buckets…, +Inf, sum]` (see
    /// `storage::seqlock`): bucket by bucket and sums add up.
    Histogram,
    /// As a histogram without bounds: counts and sums add up.
    Summary,
}

/// One run of cells a family records into (see [`Family::storage`]).
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Storage {
    /// Every cell of the run: all shards, and a gauge's write times.
    pub cells: &'static [AtomicU64],
    /// What the cells hold.
    pub kind: CellKind,
    /// Series in the run.
    pub series: usize,
    /// Cells of one series in one shard.
    pub per_series: usize,
    /// Cells between a shard and the next; 0 when there is one copy.
    pub stride: usize,
    /// Histogram bucket bounds, without `+Inf`.
    pub bounds: &'static [f64],
    /// For a function's own cells in a shared `function_calls_*` family: its `module`
    /// and `function`, which name the run when processes of different builds merge.
    pub site: Option<(&'static str, &'static str)>,
    /// A histogram's native buckets, after the classic cells of each series.
    // Read by the multiprocess merge only.
    #[cfg_attr(not(feature = "multiprocess"), allow(dead_code))]
    pub(crate) native: Option<NativeShape>,
}

impl Storage {
    /// The one-copy run of `series` series of `per_series` cells each.
    pub(crate) const fn new(cells: &'static [AtomicU64], kind: CellKind, series: usize) -> Storage {
        Storage { cells, kind, series, per_series: 1, stride: 0, bounds: &[], site: None, native: None }
    }
}

/// A histogram's native buckets as the multiprocess mode describes and merges them (the
/// settings of `instruments::native::NativeConfig`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct NativeShape {
    pub(crate) schema: i8,
    pub(crate) zero_threshold: f64,
    /// Buckets per window: each series' native part is `4 × max_buckets + 5` cells.
    pub(crate) max_buckets: usize,
}
