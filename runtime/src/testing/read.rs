//! A capture's values, read as the instruments read theirs: one accessor per instrument
//! type, each series read through its family, so the keys a capture files recordings
//! under are the instruments' own (`Family::capture_keys`).

use core::marker::PhantomData;

use super::Capture;
use crate::family::{Family, MetricType, Number, Sample};
use crate::instruments::{Counter, FloatCounter, Gauge, Histogram, StateSet, Summary};
use crate::labels::{LabelSet, LabelValue};
use crate::storage::capture::{Recorded, Value};

/// Fills `out` with `series` of `family` as `recorded` holds it: what the threads that
/// entered the capture recorded (0 when nothing), in the shape the family reads. A series
/// without capture keys (values read at scrape time, info) is read as it is.
pub(super) fn read_captured(family: &dyn Family, series: usize, recorded: &Recorded, out: &mut Sample) {
    out.clear();
    // The shape: an integer or a float, how many buckets.
    family.read(series, out);
    out.created = None;
    let mut values = Vec::new();
    family.capture_keys(series, &mut |key| values.push(recorded.values.get(&key)));
    if values.is_empty() {
        return;
    }
    let values = values.into_iter().flatten();
    match family.metric_type() {
        MetricType::Counter | MetricType::Gauge => {
            out.value = match out.value {
                Some(Number::Int(_)) => Some(Number::Int(
                    values
                        .filter_map(|value| match value {
                            Value::Int(total) => Some(*total),
                            _ => None,
                        })
                        .fold(0, u64::wrapping_add),
                )),
                Some(Number::Float(_)) => Some(Number::Float(
                    values
                        .filter_map(|value| match value {
                            Value::Float(total) => Some(*total),
                            _ => None,
                        })
                        .sum(),
                )),
                None => None,
            }
        }
        MetricType::Histogram | MetricType::Summary => {
            let mut counts = vec![0u64; family.bucket_bounds().len() + 1];
            out.sum = 0.0;
            for value in values {
                if let Value::Distribution { buckets, sum } = value {
                    counts.iter_mut().zip(buckets).for_each(|(count, add)| *count = count.wrapping_add(*add));
                    out.sum += sum;
                }
            }
            out.cumulative_buckets.clear();
            let mut running = 0u64;
            for count in counts {
                running = running.wrapping_add(count);
                out.cumulative_buckets.push(running);
            }
            out.count = running;
            if family.metric_type() == MetricType::Summary {
                out.cumulative_buckets.clear();
            }
        }
        MetricType::StateSet => {
            let current = values.fold(None, |_, value| match value {
                Value::State(state) => Some(*state),
                _ => None,
            });
            out.value = Some(Number::Int(u64::from(current == Some(series))));
        }
        MetricType::Info => {}
    }
}

/// Whether `recorded` holds a recording of `series` of `family` (a value or an exemplar).
pub(super) fn touches(family: &dyn Family, series: usize, recorded: &Recorded) -> bool {
    let mut touched = false;
    family.capture_keys(series, &mut |key| {
        touched |= recorded.values.contains_key(&key) || recorded.exemplars.keys().any(|(of, _)| *of == key)
    });
    touched
}

/// One series of one family, as a capture saw it.
#[derive(Clone, Copy)]
struct View<'a> {
    capture: &'a Capture,
    family: &'a dyn Family,
    /// `None`: a label set whose index is out of range (a hand-written `LabelSet`).
    series: Option<usize>,
}

impl<'a> View<'a> {
    fn of<L: LabelSet>(capture: &'a Capture, family: &'a dyn Family, labels: L) -> View<'a> {
        let index = labels.combination_index();
        View { capture, family, series: (index < L::COMBINATIONS).then_some(index) }
    }

    fn sample(self) -> Sample {
        let mut sample = Sample::default();
        if let Some(series) = self.series {
            read_captured(self.family, series, &self.capture.table().lock(), &mut sample);
        }
        sample
    }

    fn int(self) -> u64 {
        match self.sample().value {
            Some(Number::Int(value)) => value,
            _ => 0,
        }
    }

    fn float(self) -> f64 {
        self.sample().value.map_or(0.0, Number::as_f64)
    }

    fn exemplar(self, bucket: usize) -> Option<CapturedExemplar> {
        let series = self.series?;
        let recorded = self.capture.table().lock();
        let mut found = None;
        self.family.capture_keys(series, &mut |key| {
            if let Some(exemplar) = recorded.exemplars.get(&(key, bucket)) {
                found = Some(CapturedExemplar {
                    labels: exemplar.labels.clone(),
                    value: exemplar.value.as_f64(),
                });
            }
        });
        found
    }
}

impl core::fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("View").field("series", &self.series).finish_non_exhaustive()
    }
}

/// The latest exemplar a capture saw on a series (or a histogram bucket).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CapturedExemplar {
    /// The label pairs, as given.
    pub labels: Vec<(String, String)>,
    /// The increment or observed value.
    pub value: f64,
}

/// A family as a capture saw it: `labels(..)` picks a series; an unlabelled family also
/// has the series' accessors itself.
macro_rules! captured_family {
    (
        $(#[$doc:meta])*
        $family:ident of $instrument:ident, $series:ident by $accessor:ident;
        $( $(#[$method_doc:meta])* fn $method:ident(&self $(, $argument:ident: $argument_type:ty)*) -> $output:ty; )*
    ) => {
        $(#[$doc])*
        pub struct $family<'a, L: LabelSet = ()> {
            capture: &'a Capture,
            family: &'a $instrument<L>,
            labels: PhantomData<fn(L)>,
        }

        impl<L: LabelSet> core::fmt::Debug for $family<'_, L> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($family)).finish_non_exhaustive()
            }
        }

        impl<'a, L: LabelSet> $family<'a, L> {
            /// The series of one label combination.
            pub fn labels(&self, labels: L) -> $series<'a> {
                $series { view: View::of(self.capture, self.family, labels) }
            }
        }

        impl $family<'_, ()> {
            $( $(#[$method_doc])* pub fn $method(&self $(, $argument: $argument_type)*) -> $output {
                self.labels(()).$method($($argument),*)
            } )*
        }

        impl Capture {
            #[doc = concat!("What this capture saw of a [`", stringify!($instrument), "`].")]
            pub fn $accessor<'a, L: LabelSet>(&'a self, family: &'a $instrument<L>) -> $family<'a, L> {
                $family { capture: self, family, labels: PhantomData }
            }
        }
    };
}

captured_family! {
    /// What a capture saw of a [`Counter`]: [`Capture::counter`].
    CapturedCounter of Counter, CapturedCounterSeries by counter;
    /// The total this capture saw added.
    fn get(&self) -> u64;
    /// The latest exemplar this capture saw.
    fn exemplar(&self) -> Option<CapturedExemplar>;
}

captured_family! {
    /// What a capture saw of a [`FloatCounter`]: [`Capture::float_counter`].
    CapturedFloatCounter of FloatCounter, CapturedFloatCounterSeries by float_counter;
    /// The total this capture saw added.
    fn get(&self) -> f64;
    /// The latest exemplar this capture saw.
    fn exemplar(&self) -> Option<CapturedExemplar>;
}

captured_family! {
    /// What a capture saw of a [`Gauge`]: [`Capture::gauge`].
    CapturedGauge of Gauge, CapturedGaugeSeries by gauge;
    /// The gauge as this capture moved it: the sum of its adds (`inc` is 1, `dec` -1),
    /// from the last `set` it saw on (`set` makes it that value).
    fn get(&self) -> f64;
}

captured_family! {
    /// What a capture saw of a [`Histogram`]: [`Capture::histogram`].
    CapturedHistogram of Histogram, CapturedHistogramSeries by histogram;
    /// Observations this capture saw.
    fn count(&self) -> u64;
    /// Their sum.
    fn sum(&self) -> f64;
    /// Their cumulative count per bucket, `+Inf` last (as [`Histogram::bucket_counts`]).
    fn bucket_counts(&self) -> Vec<u64>;
    /// The latest exemplar this capture saw in bucket `bucket` (0 is the lowest bound,
    /// the number of bounds is `+Inf`).
    fn exemplar(&self, bucket: usize) -> Option<CapturedExemplar>;
}

captured_family! {
    /// What a capture saw of a [`Summary`]: [`Capture::summary`].
    CapturedSummary of Summary, CapturedSummarySeries by summary;
    /// Observations this capture saw.
    fn count(&self) -> u64;
    /// Their sum.
    fn sum(&self) -> f64;
}

/// One series of a [`CapturedCounter`].
#[derive(Clone, Copy, Debug)]
pub struct CapturedCounterSeries<'a> {
    view: View<'a>,
}

impl CapturedCounterSeries<'_> {
    /// The total this capture saw added.
    pub fn get(&self) -> u64 {
        self.view.int()
    }
    /// The latest exemplar this capture saw.
    pub fn exemplar(&self) -> Option<CapturedExemplar> {
        self.view.exemplar(0)
    }
}

/// One series of a [`CapturedFloatCounter`].
#[derive(Clone, Copy, Debug)]
pub struct CapturedFloatCounterSeries<'a> {
    view: View<'a>,
}

impl CapturedFloatCounterSeries<'_> {
    /// The total this capture saw added.
    pub fn get(&self) -> f64 {
        self.view.float()
    }
    /// The latest exemplar this capture saw.
    pub fn exemplar(&self) -> Option<CapturedExemplar> {
        self.view.exemplar(0)
    }
}

/// One series of a [`CapturedGauge`].
#[derive(Clone, Copy, Debug)]
pub struct CapturedGaugeSeries<'a> {
    view: View<'a>,
}

impl CapturedGaugeSeries<'_> {
    /// The gauge as this capture moved it (see [`CapturedGauge::get`]).
    pub fn get(&self) -> f64 {
        self.view.float()
    }
}

/// One series of a [`CapturedHistogram`].
#[derive(Clone, Copy, Debug)]
pub struct CapturedHistogramSeries<'a> {
    view: View<'a>,
}

impl CapturedHistogramSeries<'_> {
    /// Observations this capture saw.
    pub fn count(&self) -> u64 {
        self.view.sample().count
    }
    /// Their sum.
    pub fn sum(&self) -> f64 {
        self.view.sample().sum
    }
    /// Their cumulative count per bucket, `+Inf` last.
    pub fn bucket_counts(&self) -> Vec<u64> {
        self.view.sample().cumulative_buckets
    }
    /// The latest exemplar this capture saw in bucket `bucket` (0 is the lowest bound,
    /// the number of bounds is `+Inf`).
    pub fn exemplar(&self, bucket: usize) -> Option<CapturedExemplar> {
        self.view.exemplar(bucket)
    }
}

/// One series of a [`CapturedSummary`].
#[derive(Clone, Copy, Debug)]
pub struct CapturedSummarySeries<'a> {
    view: View<'a>,
}

impl CapturedSummarySeries<'_> {
    /// Observations this capture saw.
    pub fn count(&self) -> u64 {
        self.view.sample().count
    }
    /// Their sum.
    pub fn sum(&self) -> f64 {
        self.view.sample().sum
    }
}

impl Capture {
    /// The state this capture saw a [`StateSet`] last set to; `None` when it saw no `set`.
    ///
    /// ```
    /// use metricsmith::testing::Capture;
    /// use metricsmith::{metric, LabelValue, StateSet};
    ///
    /// #[derive(Clone, Copy, Debug, PartialEq, LabelValue)]
    /// enum DoorState { Closed, Open }
    ///
    /// /// The loading bay door.
    /// #[metric]
    /// static LOADING_BAY_DOOR: StateSet<DoorState>;
    ///
    /// let capture = Capture::new();
    /// assert_eq!(capture.state_set(&LOADING_BAY_DOOR), None);
    /// capture.run(|| LOADING_BAY_DOOR.set(DoorState::Open));
    /// assert_eq!(capture.state_set(&LOADING_BAY_DOOR), Some(DoorState::Open));
    /// ```
    pub fn state_set<E: LabelValue>(&self, state_set: &StateSet<E>) -> Option<E> {
        let recorded = self.table().lock();
        let mut state = None;
        state_set.capture_keys(0, &mut |key| {
            if let Some(Value::State(index)) = recorded.values.get(&key) {
                state = Some(*index);
            }
        });
        state.and_then(E::from_index)
    }
}
