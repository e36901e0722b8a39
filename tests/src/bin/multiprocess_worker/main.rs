//! A worker of the multiprocess tests: every instrument kind and every gauge mode,
//! driven by commands (see `multiprocess_common.rs`).

mod common;

use common::MP_SIZE_BYTES;
use metricsmith::{metric, Counter, Gauge, Histogram, LabelValue};

#[derive(LabelValue, Clone, Copy)]
enum Kind {
    A,
    B,
}

/// Events, by kind.
#[metric]
static MP_EVENTS_TOTAL: Counter<Kind>;

/// Latency of the work.
#[metric(buckets = [0.5, 2.0])]
static MP_LATENCY_SECONDS: Histogram;

/// A gauge of the default mode, `all`.
#[metric]
static MP_ALL_LEVEL: Gauge;

/// A gauge of mode `liveall`.
#[metric(multiprocess = "liveall")]
static MP_LIVEALL_LEVEL: Gauge;

/// A gauge of mode `min`.
#[metric(multiprocess = "min")]
static MP_MIN_LEVEL: Gauge;

/// A gauge of mode `livemin`.
#[metric(multiprocess = "livemin")]
static MP_LIVEMIN_LEVEL: Gauge;

/// A gauge of mode `max`.
#[metric(multiprocess = "max")]
static MP_MAX_LEVEL: Gauge;

/// A gauge of mode `livemax`.
#[metric(multiprocess = "livemax")]
static MP_LIVEMAX_LEVEL: Gauge;

/// A gauge of mode `sum`.
#[metric(multiprocess = "sum")]
static MP_SUM_LEVEL: Gauge;

/// A gauge of mode `mostrecent`.
#[metric(multiprocess = "mostrecent")]
static MP_MOSTRECENT_LEVEL: Gauge;

/// A gauge of mode `livemostrecent`.
#[metric(multiprocess = "livemostrecent")]
static MP_LIVEMOSTRECENT_LEVEL: Gauge;

/// A reading that always fails: its collect failures add up over the processes.
#[metric(callback = broken_reading)]
static MP_BROKEN_READINGS: Gauge;

fn broken_reading() -> Result<f64, String> {
    Err("the sensor is unplugged".to_owned())
}

/// A labelled gauge of the default mode.
#[metric]
static MP_QUEUE_DEPTH: Gauge<Kind>;

fn set_gauges(value: f64) {
    common::set_common_gauges(value);
    for gauge in [
        &MP_ALL_LEVEL,
        &MP_LIVEALL_LEVEL,
        &MP_MIN_LEVEL,
        &MP_LIVEMIN_LEVEL,
        &MP_MAX_LEVEL,
        &MP_LIVEMAX_LEVEL,
        &MP_SUM_LEVEL,
        &MP_MOSTRECENT_LEVEL,
        &MP_LIVEMOSTRECENT_LEVEL,
    ] {
        gauge.set(value);
    }
    MP_QUEUE_DEPTH.labels(Kind::B).set(value);
}

fn record(value: f64) {
    MP_EVENTS_TOTAL.labels(Kind::A).inc();
    MP_EVENTS_TOTAL.labels(Kind::B).inc_by(2);
    MP_LATENCY_SECONDS.observe(value);
    common::record_common(value);
    set_gauges(value);
}

fn busy() {
    MP_EVENTS_TOTAL.labels(Kind::A).inc();
    MP_LATENCY_SECONDS.observe(1.0);
    MP_SIZE_BYTES.observe(1.0);
}

fn main() {
    common::run(common::Instruments { record, set_gauges, busy });
}
