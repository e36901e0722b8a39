//! A crate with `#![deny(unsafe_code)]` can instrument functions: the link-section
//! registration allows `unsafe_code` locally. (`forbid` cannot be overridden by
//! anything, so it cannot be used with metricsmith: write `deny`.)
#![deny(unsafe_code)]
#![deny(warnings)]

use metricsmith::{counted, in_flight, metric, timed, Counter};

/// Refunds, by result.
#[metric]
static REFUNDS_TOTAL: Counter<metricsmith::CallResult>;

#[timed]
#[counted]
#[in_flight]
fn shared() {}

#[timed(name = "dedicated_duration_seconds")]
#[counted(metric = REFUNDS_TOTAL)]
fn dedicated() {}

fn main() {
    shared();
    dedicated();
    assert_eq!(REFUNDS_TOTAL.labels(metricsmith::CallResult::Ok).get(), 1);
}
