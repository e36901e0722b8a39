use metricsmith::{metric, Histogram, LabelValue};

#[derive(LabelValue)]
enum PaymentMethod {
    Card,
    Wallet,
}

/// Payment gateway round-trip latency, by payment method: 2 × (3 buckets + 3 + 160
/// native buckets) is over 300.
#[metric(native, buckets = [0.1, 0.5, 1.0], max_series = 300)]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram<PaymentMethod>;

fn main() {}
