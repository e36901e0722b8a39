use metricsmith::{metric, Histogram, LabelValue, Metrics};

#[derive(LabelValue)]
#[label(name = "kind")]
enum ShipmentKind {
    Parcel,
    Pallet,
}

#[derive(LabelValue)]
#[label(name = "kind")]
enum CarrierKind {
    Road,
    Rail,
}

#[derive(Metrics)]
struct ShippingMetrics {
    /// Time to hand a shipment over, by shipment and carrier.
    #[metric(buckets = [1.0, 10.0])]
    handover_duration_seconds: Histogram<(ShipmentKind, CarrierKind)>,
}

/// The shipping metrics.
#[metric]
static SHIPPING: ShippingMetrics;

fn main() {}
