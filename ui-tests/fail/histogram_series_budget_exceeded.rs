use metricsmith::{metric, Histogram, LabelValue};

#[derive(LabelValue)]
enum PaymentMethod {
    Card,
    Wallet,
}

/// Payment gateway round-trip latency, by payment method.
#[metric(buckets = [0.1, 0.5, 1.0], max_series = 11)]
static PAYMENT_GATEWAY_DURATION_SECONDS: Histogram<PaymentMethod>;

fn main() {}
