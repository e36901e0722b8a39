use core::marker::PhantomData;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::family::{Family, MetricType, Number, Sample};
use crate::labels::LabelValue;

/// Which of an enum's states is current: one series per state, the current one 1, the
/// others 0. Starts in the state with index 0 (the first variant).
///
/// Rendered as an OpenMetrics `stateset` (a `gauge` in text 0.0.4), labelled with the
/// metric's own name, as the specification prescribes.
///
/// ```
/// use metricsmith::{metric, LabelValue, StateSet};
///
/// #[derive(Clone, Copy, Debug, PartialEq, LabelValue)]
/// enum WorkerState { Idle, Busy, Draining }
///
/// /// What the order worker is doing.
/// #[metric]
/// static ORDER_WORKER_STATE: StateSet<WorkerState>;
///
/// assert_eq!(ORDER_WORKER_STATE.get(), WorkerState::Idle);
/// ORDER_WORKER_STATE.set(WorkerState::Busy);
/// assert_eq!(ORDER_WORKER_STATE.get(), WorkerState::Busy);
/// ```
pub struct StateSet<E: LabelValue> {
    current: AtomicUsize,
    states: PhantomData<fn(E)>,
}

impl<E: LabelValue> StateSet<E> {
    #[doc(hidden)]
    pub const fn __new() -> Self {
        assert!(E::CARDINALITY > 0, "a state set needs at least one state");
        assert!(
            !E::RUNTIME_VALUES,
            "a state set's states are fixed at compile time: a label whose values are registered at run time cannot be one; use an enum with `#[derive(LabelValue)]`"
        );
        StateSet { current: AtomicUsize::new(0), states: PhantomData }
    }

    /// Makes `state` the current state.
    #[inline]
    pub fn set(&self, state: E) {
        self.current.store(state.index(), Relaxed);
    }

    /// The current state.
    ///
    /// # Panics
    ///
    /// Only for a hand-written `LabelValue` whose `from_index` rejects an index its own
    /// `index` returned; derived implementations are always consistent.
    pub fn get(&self) -> E {
        let index = self.current.load(Relaxed);
        // The index always comes from a value of `E`, so this only fails for a
        // hand-written `LabelValue` whose `from_index` disagrees with its `index`.
        E::from_index(index)
            .or_else(|| E::from_index(0))
            .expect("`LabelValue::from_index` rejects an index it produced")
    }
}

impl<E: LabelValue> Family for StateSet<E> {
    fn metric_type(&self) -> MetricType {
        MetricType::StateSet
    }
    fn label_names(&self, metric_name: &'static str, out: &mut Vec<&'static str>) {
        out.push(metric_name);
    }
    fn series_count(&self) -> usize {
        E::CARDINALITY
    }
    fn label_values(&self, series: usize, out: &mut Vec<&'static str>) {
        out.extend(E::text_at(series));
    }
    fn read(&self, series: usize, out: &mut Sample) {
        out.value = Some(Number::Int(u64::from(self.current.load(Relaxed) == series)));
    }
}
