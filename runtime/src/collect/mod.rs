//! Values read at scrape time: `#[metric(callback = function)]` and
//! `#[metric(collector = SOURCE)]` register a [`Collected`] family in place of the
//! declared instrument's own cells. The registry runs [`Family::collect`] before each
//! scrape and counts failures.

use core::marker::PhantomData;
use core::sync::atomic::AtomicU64;

use crate::family::{CollectError, Family, MetricType, Number, Sample};
use crate::instruments::{FloatCounter, Gauge};
use crate::labels::LabelSet;
use crate::rejections::{self, Rejection};
use crate::storage::float_cell;

/// A source of values that live elsewhere (a queue length in a broker, a pool's size
/// in another library), read once per scrape.
///
/// Declare the family as usual, with its name, doc comment and label set checked at
/// compile time, and point it at a static implementing `Collector`:
/// `#[metric(collector = SOURCE)] static NAME: Gauge<L>;` (or `FloatCounter<L>` for a
/// total that only grows). At every scrape [`collect`](Self::collect) sets the value of
/// every label combination. When it returns `Err`, panics, or leaves a series unset (or
/// gives a counter a negative or non-finite value), the scrape leaves the whole family
/// out — no partial series — and counts the failure in
/// `metricsmith_collect_failures_total{metric="NAME"}`; the rest of the scrape is
/// unaffected.
///
/// ```
/// use metricsmith::{metric, CollectError, CollectedValues, Collector, Format, Gauge, LabelValue};
///
/// #[derive(LabelValue, Clone, Copy)]
/// enum Queue { Orders, Refunds }
///
/// /// Reads queue lengths from the broker, one round trip for all queues.
/// struct Broker;
///
/// impl Collector for Broker {
///     type Labels = Queue;
///     fn collect(&self, values: &mut CollectedValues<Queue>) -> Result<(), CollectError> {
///         let lengths = [12.0, 3.0]; // e.g. one HTTP call to the broker
///         values.set(Queue::Orders, lengths[0]);
///         values.set(Queue::Refunds, lengths[1]);
///         Ok(())
///     }
/// }
///
/// static BROKER: Broker = Broker;
///
/// /// Messages waiting in each broker queue.
/// #[metric(collector = BROKER)]
/// static BROKER_QUEUE_LENGTH: Gauge<Queue>;
///
/// let mut out = Vec::new();
/// metricsmith::render(Format::Prometheus, &mut out);
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains("broker_queue_length{queue=\"orders\"} 12\n"));
/// assert!(text.contains("broker_queue_length{queue=\"refunds\"} 3\n"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `metricsmith::Collector`, so `#[metric(collector = ...)]` cannot read it",
    label = "not a `Collector`",
    note = "implement `metricsmith::Collector` for `{Self}`: `type Labels` (the metric's label set) and `fn collect(&self, values: &mut CollectedValues<Self::Labels>) -> Result<(), CollectError>`"
)]
pub trait Collector: Sync + 'static {
    /// The label set of the family's series.
    type Labels: LabelSet;
    /// Sets the current value of every series with [`CollectedValues::set`].
    fn collect(&self, values: &mut CollectedValues<Self::Labels>) -> Result<(), CollectError>;
}

/// The values one [`Collector::collect`] call sets, one per label combination.
///
/// ```
/// use metricsmith::{CollectedValues, LabelValue};
///
/// #[derive(LabelValue, Clone, Copy)]
/// enum Queue { Orders, Refunds }
///
/// let mut values = CollectedValues::<Queue>::new();
/// values.set(Queue::Orders, 2.5);
/// assert_eq!(values.get(Queue::Orders), Some(2.5));
/// assert_eq!(values.get(Queue::Refunds), None);
/// ```
#[derive(Debug)]
pub struct CollectedValues<L: LabelSet> {
    values: Vec<Option<f64>>,
    labels: PhantomData<fn(L)>,
}

impl<L: LabelSet> CollectedValues<L> {
    /// No value set yet.
    pub fn new() -> Self {
        CollectedValues { values: vec![None; L::COMBINATIONS], labels: PhantomData }
    }

    /// Sets the value of the series `labels` (a second `set` replaces the first).
    pub fn set(&mut self, labels: L, value: f64) {
        self.set_index(labels.combination_index(), value);
    }

    /// The value set for `labels`, if any.
    pub fn get(&self, labels: L) -> Option<f64> {
        self.values.get(labels.combination_index()).copied().flatten()
    }

    fn set_index(&mut self, index: usize, value: f64) {
        match self.values.get_mut(index) {
            Some(slot) => *slot = Some(value),
            // A hand-written `LabelSet` out of its own range: counted, never a panic.
            None => rejections::record(Rejection::LabelIndexOutOfRange),
        }
    }
}

impl<L: LabelSet> Default for CollectedValues<L> {
    fn default() -> Self {
        Self::new()
    }
}

/// What a `#[metric(callback = function)]` function may return: a number, `Option` of
/// one (`None`: no value now) or `Result` of one (`Err`: reading failed). `None` and
/// `Err` leave the family out of that scrape and count a collect failure.
///
/// ```
/// use metricsmith::CallbackValue;
///
/// assert_eq!(7u32.into_value(), Ok(7.0));
/// assert!(None::<f64>.into_value().is_err());
/// assert!(Err::<f64, _>("pool closed").into_value().is_err());
/// ```
#[diagnostic::on_unimplemented(
    message = "a metric callback cannot return `{Self}`",
    label = "returns `{Self}`",
    note = "a callback returns a number (`f64`, an integer), `Option<f64>` (`None`: no value now) or `Result<f64, E>` with `E: Display`"
)]
pub trait CallbackValue {
    /// The value, or why there is none.
    fn into_value(self) -> Result<f64, CollectError>;
}

macro_rules! number_callback_value {
    ($($ty:ty),*) => {$(
        impl CallbackValue for $ty {
            fn into_value(self) -> Result<f64, CollectError> {
                Ok(self as f64)
            }
        }
    )*};
}
number_callback_value!(f64, f32, u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl<T: CallbackValue> CallbackValue for Option<T> {
    fn into_value(self) -> Result<f64, CollectError> {
        match self {
            Some(value) => value.into_value(),
            None => Err(CollectError::new("the callback returned `None`")),
        }
    }
}

impl<T: CallbackValue, E: std::fmt::Display> CallbackValue for Result<T, E> {
    fn into_value(self) -> Result<f64, CollectError> {
        match self {
            Ok(value) => value.into_value(),
            Err(error) => Err(CollectError::new(error.to_string())),
        }
    }
}

/// A callback as a [`Collector`]: called once per label combination, in index order.
#[doc(hidden)]
pub struct CallbackCollector<L> {
    read: fn(L) -> Result<f64, CollectError>,
}

impl<L: LabelSet> CallbackCollector<L> {
    #[doc(hidden)]
    pub const fn new(read: fn(L) -> Result<f64, CollectError>) -> Self {
        CallbackCollector { read }
    }
}

impl<L: LabelSet> Collector for CallbackCollector<L> {
    type Labels = L;
    fn collect(&self, values: &mut CollectedValues<L>) -> Result<(), CollectError> {
        for index in (0..L::COMBINATIONS).filter(|index| L::combination_exists(*index)) {
            let labels = L::from_combination_index(index)
                .ok_or_else(|| CollectError::new(format!("label set index {index} has no labels")))?;
            let value = (self.read)(labels)?;
            values.set_index(index, value);
        }
        Ok(())
    }
}

/// The instrument types whose values can be read at scrape time, and how they render.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read at scrape time",
    label = "not a `Gauge` or `FloatCounter`",
    note = "`callback` and `collector` fill a `Gauge<L>` or, for a total that only grows, a `FloatCounter<L>`"
)]
pub trait ScrapeTimeInstrument {
    /// The label set.
    type Labels: LabelSet;
    /// How the family renders.
    const TYPE: MetricType;
}

impl<L: LabelSet> ScrapeTimeInstrument for Gauge<L> {
    type Labels = L;
    const TYPE: MetricType = MetricType::Gauge;
}

impl<L: LabelSet> ScrapeTimeInstrument for FloatCounter<L> {
    type Labels = L;
    const TYPE: MetricType = MetricType::Counter;
}

/// A family whose values a [`Collector`] sets at every scrape; the last good values are
/// kept in `cells` (as `f64` bits) for the encoder to read.
#[doc(hidden)]
pub struct Collected<L: LabelSet> {
    source: &'static dyn Collector<Labels = L>,
    metric_type: MetricType,
    cells: &'static [AtomicU64],
}

impl<L: LabelSet> Collected<L> {
    #[doc(hidden)]
    pub const fn new(
        source: &'static dyn Collector<Labels = L>,
        metric_type: MetricType,
        cells: &'static [AtomicU64],
    ) -> Self {
        assert!(cells.len() == L::COMBINATIONS, "collected storage does not match its label set");
        Collected { source, metric_type, cells }
    }
}

impl<L: LabelSet> Family for Collected<L> {
    fn metric_type(&self) -> MetricType {
        self.metric_type
    }
    crate::labels::label_set_family_methods!(L);
    fn read(&self, series: usize, out: &mut Sample) {
        if let Some(cell) = self.cells.get(series) {
            out.value = Some(Number::Float(float_cell::load(cell)));
        }
    }
    fn reads_at_scrape(&self) -> bool {
        true
    }
    fn collect(&self) -> Result<(), CollectError> {
        let mut values = CollectedValues::<L>::new();
        self.source.collect(&mut values)?;
        // Checked whole before anything is stored: a failed collect changes nothing.
        let existing = values.values.iter().enumerate().filter(|(index, _)| L::combination_exists(*index));
        for (index, value) in existing {
            let problem = match value {
                None => "no value was set",
                Some(value)
                    if self.metric_type == MetricType::Counter && !(*value >= 0.0 && value.is_finite()) =>
                {
                    "a counter value must be finite and not negative"
                }
                Some(_) => continue,
            };
            let mut names = Vec::new();
            let mut label_values = Vec::new();
            L::label_names(&mut names);
            L::label_values(index, &mut label_values);
            let labels: Vec<String> =
                names.iter().zip(&label_values).map(|(name, value)| format!("{name}=\"{value}\"")).collect();
            let value = value.map_or(String::new(), |value| format!(" (got {value})"));
            return Err(CollectError::new(format!("series {{{}}}: {problem}{value}", labels.join(","))));
        }
        for (cell, value) in self.cells.iter().zip(values.values) {
            float_cell::store(cell, value.unwrap_or(0.0));
        }
        Ok(())
    }
}
