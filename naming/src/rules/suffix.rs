//! Suffix rules for metric names: `_total` for counters only, no suffix of a derived
//! series, `_info` for info metrics, `_seconds` for durations and for names that end in
//! a word of time.

use super::violation::{non_empty_string, Violation};
use crate::kind::InstrumentKind;
use crate::units::{non_base_unit, BaseUnit};

/// The name without a trailing `_total`, so suffix rules also see `x_count_total`.
pub(super) fn without_total(name: &str) -> (&str, bool) {
    match name.strip_suffix("_total") {
        Some(stem) => (stem, true),
        None => (name, false),
    }
}

pub(super) fn total_suffix(name: &str, kind: InstrumentKind) -> Option<Violation> {
    let what = kind.describe();
    let ends_in_total = name.ends_with("_total");
    if kind.is_counter() && !ends_in_total {
        Some(Violation::new(
            format!("{what} `{name}` must end in `_total`"),
            Some(format!("{name}_total")),
            "add the `_total` suffix",
        ))
    } else if !kind.is_counter() && ends_in_total {
        Some(Violation::new(
            format!("{what} `{name}` must not end in `_total`, which is reserved for counters"),
            non_empty_string(without_total(name).0),
            "drop the `_total` suffix",
        ))
    } else {
        None
    }
}

/// Suffixes of the series Prometheus derives from a family, and why each is taken.
pub(super) const DERIVED_SUFFIXES: &[(&str, &str)] = &[
    ("_bucket", "collides with the bucket series of histograms"),
    ("_count", "collides with the `_count` series of histograms and summaries"),
    ("_sum", "collides with the `_sum` series of histograms and summaries"),
    ("_created", "collides with the `_created` series of counters, histograms and summaries"),
    ("_info", "is reserved for info metrics"),
];

pub(super) fn no_derived_suffix(name: &str, kind: InstrumentKind) -> Option<Violation> {
    // Info metrics must end in `_info`; `info_suffix` checks them.
    if kind == InstrumentKind::Info {
        return None;
    }
    let (stem, had_total) = without_total(name);
    let (suffix, reason) = DERIVED_SUFFIXES.iter().find(|(suffix, _)| stem.ends_with(suffix))?;
    // A counter's series end in `_total` (`business_orders_created_total`), so no
    // `_created` series is taken for one: its family only collides with a counter,
    // histogram or summary family `business_orders`, which the name claims reject.
    if kind.is_counter() && *suffix == "_created" {
        return None;
    }
    let fix = stem.strip_suffix(suffix).and_then(non_empty_string).map(|base| {
        if had_total {
            format!("{base}_total")
        } else {
            base
        }
    });
    Some(Violation::new(
        format!("{} `{name}` must not use the suffix `{suffix}`, which {reason}", kind.describe()),
        fix,
        format!("drop the `{suffix}` suffix"),
    ))
}

pub(super) fn info_suffix(name: &str, kind: InstrumentKind) -> Option<Violation> {
    // A stray `_total` is the `_total` rule's business, not a missing `_info`.
    if kind != InstrumentKind::Info || without_total(name).0.ends_with("_info") {
        return None;
    }
    Some(Violation::new(
        format!("{} `{name}` must end in `_info`", kind.describe()),
        Some(format!("{name}_info")),
        "add the `_info` suffix",
    ))
}

/// Durations are recorded in seconds, the base unit, so dashboards need no scaling.
pub(super) fn duration_in_seconds(name: &str) -> Option<Violation> {
    if name.ends_with("_seconds") {
        return None;
    }
    let mut tokens: Vec<&str> = name.split('_').collect();
    // A trailing time unit (`_ms`, `_millis`, `_minutes`, …) becomes `_seconds`;
    // anything else, `_duration` included, is kept and `_seconds` appended, which
    // gives the `x_duration_seconds` names used throughout the project.
    let ends_in_time_unit =
        tokens.last().and_then(|last| non_base_unit(last)).is_some_and(|(_, base)| base == BaseUnit::Seconds);
    if ends_in_time_unit {
        tokens.pop();
    }
    tokens.push(BaseUnit::Seconds.as_str());
    Some(Violation::new(
        format!("histogram `{name}` records durations and must end in `_seconds`"),
        Some(tokens.join("_")),
        "end it in `_seconds`",
    ))
}

/// Words that, last in a name, say it measures a time, so its unit must follow.
///
/// Checked against the metric names of node_exporter (every `e2e-output*.txt` fixture,
/// which include client_golang's `go_*` and `process_*`), Prometheus 2.42 and the
/// Pushgateway (their own `/metrics`) and kube-state-metrics (its docs): every gauge
/// there that ends in one of these words is a time without its unit, e.g.
/// `kube_pod_start_time` (Unix seconds), `prometheus_tsdb_head_max_time` (milliseconds,
/// since joined by `prometheus_tsdb_head_max_time_seconds`) and
/// `node_hwmon_pwm_stop_time`.
pub(super) const TIME_WORDS: &[&str] =
    &["time", "duration", "latency", "elapsed", "delay", "age", "uptime", "wait"];

/// Time words that, last before a counter's `_total`, usually count events rather than
/// add up time: node_exporter's `node_infiniband_port_transmit_wait_total` counts ticks
/// and `node_mountstats_nfs_event_jukebox_delay_total` counts delays. A counter of time
/// names its unit anyway (`node_disk_io_time_seconds_total`), so these two are left to
/// it.
const EVENT_WORDS: &[&str] = &["delay", "wait"];

/// A gauge, histogram or summary whose last word, or a counter whose last word before
/// `_total`, is a word of time (`response_time`, `cpu_time_total`) records a time: in
/// seconds, with `_seconds` in the name (`response_time_seconds`,
/// `cpu_time_seconds_total`). Info metrics and state sets name no quantity.
pub(super) fn time_in_seconds(name: &str, kind: InstrumentKind) -> Option<Violation> {
    if matches!(kind, InstrumentKind::Info | InstrumentKind::StateSet) {
        return None;
    }
    let (stem, had_total) = if kind.is_counter() { without_total(name) } else { (name, false) };
    let (_, last) = stem.rsplit_once('_')?;
    if !TIME_WORDS.contains(&last) || (kind.is_counter() && EVENT_WORDS.contains(&last)) {
        return None;
    }
    let fix = if had_total { format!("{stem}_seconds_total") } else { format!("{stem}_seconds") };
    Some(
        Violation::new(
            format!("{} `{name}` ends in `{last}` but names no unit", kind.describe()),
            Some(fix),
            "record seconds and end it in `_seconds`",
        )
        .with_lead("record seconds and "),
    )
}
