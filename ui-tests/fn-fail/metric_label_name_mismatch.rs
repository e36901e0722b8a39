use metricsmith::{metric, timed, Histogram, LabelValue};

#[derive(LabelValue)]
#[label(name = "payment_method")]
enum PaymentMethod {
    Card,
    Wallet,
}

/// Gateway latency, by payment method.
#[metric]
static GATEWAY_DURATION_SECONDS: Histogram<PaymentMethod>;

#[timed(metric = GATEWAY_DURATION_SECONDS, labels(method = method))]
fn charge(method: PaymentMethod) {
    let _ = method;
}

fn main() {}
