//! Native histograms: the defaults, every setting, native-only, labelled, in a group.
#![deny(warnings)]

use metricsmith::{metric, Histogram, LabelValue, Metrics};

#[derive(LabelValue, Clone, Copy)]
enum Dock {
    North,
    South,
}

/// Time to pick one order line.
#[metric(native)]
static PICK_LINE_DURATION_SECONDS: Histogram;

/// Time a truck waits at a dock, native buckets only.
#[metric(native(schema = -4, zero_threshold = 0, max_buckets = 20), buckets = [])]
static DOCK_WAIT_SECONDS: Histogram<Dock>;

/// Time to pack one parcel.
#[metric(native(schema = 8, zero_threshold = 1e-9, max_buckets = 1), buckets = [0.5, 1.0])]
static PACK_DURATION_SECONDS: Histogram;

#[derive(Metrics)]
#[metrics(prefix = "sorter")]
pub struct SorterMetrics {
    /// Time to divert a parcel to its chute.
    #[metric(native(schema = 1))]
    pub divert_duration_seconds: Histogram,
}

/// The sorter's metrics.
#[metric]
static SORTER: SorterMetrics;

fn main() {
    SORTER.divert_duration_seconds.observe(0.5);
    assert_eq!(SORTER.divert_duration_seconds.native_buckets().map(|native| native.schema), Some(1));
    PICK_LINE_DURATION_SECONDS.observe(0.25);
    DOCK_WAIT_SECONDS.labels(Dock::North).observe(12.0);
    DOCK_WAIT_SECONDS.labels(Dock::South).observe(-1.0);
    PACK_DURATION_SECONDS.observe(0.75);
    assert_eq!(PICK_LINE_DURATION_SECONDS.native_buckets().map(|native| native.schema), Some(3));
    assert_eq!(PACK_DURATION_SECONDS.bucket_counts(), [0, 1, 1]);
    assert_eq!(PACK_DURATION_SECONDS.native_buckets().map(|native| native.schema), Some(8));
}
