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

    /// The suffixes of the series a family of this kind adds to its family name in
    /// OpenMetrics and text 0.0.4: a histogram's `_bucket`, `_count`, `_sum` and
    /// `_created`, a summary's `_count`, `_sum` and `_created`, a counter's `_created`.
    pub const fn series_suffixes(self) -> &'static [&'static str] {
        match self {
            InstrumentKind::Counter | InstrumentKind::FloatCounter => &["_created"],
            InstrumentKind::Histogram => &["_bucket", "_count", "_sum", "_created"],
            InstrumentKind::Summary => &["_count", "_sum", "_created"],
            _ => &[],
        }
    }

    /// The OpenMetrics family name of a metric of this kind named `name`: without
    /// `_total` for a counter, without `_info` for an info metric.
    ///
    /// ```
    /// use metricsmith_naming::InstrumentKind;
    ///
    /// assert_eq!(InstrumentKind::Counter.family_name("orders_total"), "orders");
    /// assert_eq!(InstrumentKind::Gauge.family_name("queue_depth"), "queue_depth");
    /// ```
    pub fn family_name(self, name: &str) -> &str {
        let suffix = match self {
            InstrumentKind::Counter | InstrumentKind::FloatCounter => "_total",
            InstrumentKind::Info => "_info",
            _ => return name,
        };
        name.strip_suffix(suffix).unwrap_or(name)
    }

    /// Every name a scrape of a metric of this kind named `name` may show, in either
    /// format: the name, its family name, and the family's series. Two metrics whose
    /// names here meet would shadow one another: a counter family `orders_created`
    /// (`orders_created_total`) and a counter `orders_total`, whose `_created` series is
    /// `orders_created`.
    ///
    /// ```
    /// use metricsmith_naming::InstrumentKind;
    ///
    /// assert_eq!(InstrumentKind::Counter.exposed_names("orders_total"), ["orders_total", "orders", "orders_created"]);
    /// assert_eq!(InstrumentKind::Gauge.exposed_names("queue_depth"), ["queue_depth"]);
    /// ```
    pub fn exposed_names(self, name: &str) -> Vec<String> {
        self.names_with_series(name, self.series_suffixes())
    }

    /// The [`exposed_names`](Self::exposed_names) through which two metrics that pass
    /// the naming rules can still meet: the name, the family name and a `_created`
    /// series (no name may end in `_bucket`, `_count` or `_sum`).
    ///
    /// ```
    /// use metricsmith_naming::InstrumentKind;
    ///
    /// assert_eq!(InstrumentKind::Histogram.meeting_names("checkout_duration_seconds"), ["checkout_duration_seconds", "checkout_duration_seconds_created"]);
    /// ```
    pub fn meeting_names(self, name: &str) -> Vec<String> {
        let created: &[&str] = if self.series_suffixes().contains(&"_created") { &["_created"] } else { &[] };
        self.names_with_series(name, created)
    }

    fn names_with_series(self, name: &str, suffixes: &[&str]) -> Vec<String> {
        let family = self.family_name(name);
        let mut names = vec![name.to_owned()];
        if family != name {
            names.push(family.to_owned());
        }
        names.extend(suffixes.iter().map(|suffix| format!("{family}{suffix}")));
        names
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
    fn exposed_names_are_the_name_the_family_and_its_series() {
        assert_eq!(
            Histogram.exposed_names("checkout_duration_seconds"),
            [
                "checkout_duration_seconds",
                "checkout_duration_seconds_bucket",
                "checkout_duration_seconds_count",
                "checkout_duration_seconds_sum",
                "checkout_duration_seconds_created",
            ]
        );
        assert_eq!(
            Summary.exposed_names("payload_bytes")[1..],
            ["payload_bytes_count", "payload_bytes_sum", "payload_bytes_created"]
        );
        assert_eq!(
            FloatCounter.exposed_names("energy_joules_total"),
            ["energy_joules_total", "energy_joules", "energy_joules_created"]
        );
        assert_eq!(Info.exposed_names("build_info"), ["build_info", "build"]);
        assert_eq!(StateSet.exposed_names("door_state"), ["door_state"]);
        // The collision a counter ending in `_created` can have.
        let created = Counter.exposed_names("orders_created_total");
        assert!(Counter.exposed_names("orders_total").iter().any(|name| created.contains(name)));
        assert!(Histogram.exposed_names("orders").iter().any(|name| created.contains(name)));
        assert!(!Gauge.exposed_names("orders").iter().any(|name| created.contains(name)));
        assert_eq!(Counter.meeting_names("orders_total"), Counter.exposed_names("orders_total"));
        assert_eq!(Summary.meeting_names("payload_bytes"), ["payload_bytes", "payload_bytes_created"]);
        assert_eq!(Gauge.meeting_names("queue_depth"), ["queue_depth"]);
    }

    #[test]
    fn only_counters_are_counters() {
        let counters: Vec<_> = InstrumentKind::ALL.into_iter().filter(|kind| kind.is_counter()).collect();
        assert_eq!(counters, [Counter, FloatCounter]);
    }
}
