//! Another build of the multiprocess test worker, as a rolling restart brings it: the
//! events' kinds in another order and one more; the latency's buckets changed and the
//! sum gauge turned into a max (both refused by a merge with the first build); a family
//! of its own; the rest as before.

#[path = "../multiprocess_worker/common.rs"]
mod common;

use metricsmith::{metric, Counter, Gauge, Histogram, LabelValue};

#[derive(LabelValue, Clone, Copy)]
enum Kind {
    C,
    B,
    A,
}

/// Events, by kind.
#[metric]
static MP_EVENTS_TOTAL: Counter<Kind>;

/// Latency of the work.
#[metric(buckets = [0.5, 1.0, 2.0])]
static MP_LATENCY_SECONDS: Histogram;

/// A gauge that was of mode `sum`.
#[metric(multiprocess = "max")]
static MP_SUM_LEVEL: Gauge;

/// Only in this build.
#[metric]
static MP_NEW_TOTAL: Counter;

fn set_gauges(value: f64) {
    common::set_common_gauges(value);
    MP_SUM_LEVEL.set(value);
}

fn record(value: f64) {
    MP_EVENTS_TOTAL.labels(Kind::A).inc();
    MP_EVENTS_TOTAL.labels(Kind::B).inc_by(2);
    MP_EVENTS_TOTAL.labels(Kind::C).inc_by(4);
    MP_LATENCY_SECONDS.observe(value);
    MP_NEW_TOTAL.inc();
    common::record_common(value);
    set_gauges(value);
}

fn busy() {
    MP_EVENTS_TOTAL.labels(Kind::A).inc();
}

fn main() {
    common::run(common::Instruments { record, set_gauges, busy });
}
