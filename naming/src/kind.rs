//! The kinds of instrument, which decide the rules a name must follow.

/// What kind of instrument a name belongs to: one per instrument type of the runtime.
///
/// ```
/// use metricsmith_naming::InstrumentKind;
///
/// let kind = InstrumentKind::from_type_name("FloatCounter");
/// assert_eq!(kind, Some(InstrumentKind::FloatCounter));
/// assert_eq!(InstrumentKind::FloatCounter.describe(), "float counter");
/// assert_eq!(InstrumentKind::FloatCounter.type_name(), "FloatCounter");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstrumentKind {
    /// `Counter`: a monotonic integer total.
    Counter,
    /// `FloatCounter`: a monotonic float total.
    FloatCounter,
    /// `Gauge`: a value that goes up and down.
    Gauge,
    /// `Histogram`: observations counted in buckets, with their count and sum.
    Histogram,
    /// `Summary`: the count and sum of observations.
    Summary,
    /// `Info`: constant labels describing the target, value 1.
    Info,
    /// `StateSet`: which of a set of states is current.
    StateSet,
}

impl InstrumentKind {
    /// Every kind, in the order messages list them.
    pub const ALL: [InstrumentKind; 7] = [
        InstrumentKind::Counter,
        InstrumentKind::FloatCounter,
        InstrumentKind::Gauge,
        InstrumentKind::Histogram,
        InstrumentKind::Summary,
        InstrumentKind::Info,
        InstrumentKind::StateSet,
    ];

    /// The name of the runtime's type for this kind: `Counter`, `FloatCounter`, ...
    pub const fn type_name(self) -> &'static str {
        match self {
            InstrumentKind::Counter => "Counter",
            InstrumentKind::FloatCounter => "FloatCounter",
            InstrumentKind::Gauge => "Gauge",
            InstrumentKind::Histogram => "Histogram",
            InstrumentKind::Summary => "Summary",
            InstrumentKind::Info => "Info",
            InstrumentKind::StateSet => "StateSet",
        }
    }

    /// The kind whose runtime type is named `name` (the last segment of a declared
    /// type's path, without generic arguments); `None` for any other name.
    pub fn from_type_name(name: &str) -> Option<InstrumentKind> {
        InstrumentKind::ALL.into_iter().find(|kind| kind.type_name() == name)
    }

    /// Lowercase word used in messages: "counter", "float counter", "gauge",
    /// "histogram", "summary", "info metric", "state set".
    pub const fn describe(self) -> &'static str {
        match self {
            InstrumentKind::Counter => "counter",
            InstrumentKind::FloatCounter => "float counter",
            InstrumentKind::Gauge => "gauge",
            InstrumentKind::Histogram => "histogram",
            InstrumentKind::Summary => "summary",
            InstrumentKind::Info => "info metric",
            InstrumentKind::StateSet => "state set",
        }
    }

    /// Counters (integer or float), whose names end in `_total`.
    pub const fn is_counter(self) -> bool {
        matches!(self, InstrumentKind::Counter | InstrumentKind::FloatCounter)
    }
}

#[cfg(test)]
mod tests {
    use super::InstrumentKind::{self, *};

    #[test]
    fn describe_words() {
        let words = InstrumentKind::ALL.map(InstrumentKind::describe);
        assert_eq!(
            words,
            ["counter", "float counter", "gauge", "histogram", "summary", "info metric", "state set"]
        );
    }

    #[test]
    fn type_names_round_trip() {
        for kind in InstrumentKind::ALL {
            assert_eq!(InstrumentKind::from_type_name(kind.type_name()), Some(kind));
        }
        assert_eq!(InstrumentKind::from_type_name("Histogram"), Some(Histogram));
        for other in ["counter", "Counters", "HistogramTimer", "u64", ""] {
            assert_eq!(InstrumentKind::from_type_name(other), None, "{other}");
        }
    }

    #[test]
    fn only_counters_are_counters() {
        let counters: Vec<_> = InstrumentKind::ALL.into_iter().filter(|kind| kind.is_counter()).collect();
        assert_eq!(counters, [Counter, FloatCounter]);
    }
}
