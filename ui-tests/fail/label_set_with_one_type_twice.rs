use metricsmith::{metric, Counter, LabelValue};

#[derive(LabelValue)]
enum Region {
    Eu,
    Us,
}

/// Shipments sent, by origin and destination.
#[metric]
static SHIPMENTS_TOTAL: Counter<(Region, Region)>;

fn main() {}
