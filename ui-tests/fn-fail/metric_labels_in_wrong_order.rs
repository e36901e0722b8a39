use metricsmith::{metric, timed, Histogram, LabelValue};

#[derive(LabelValue)]
#[label(name = "method")]
enum PaymentMethod {
    Card,
    Wallet,
}

#[derive(LabelValue)]
enum Channel {
    Web,
    App,
}

/// Gateway latency, by payment method and channel.
#[metric]
static GATEWAY_DURATION_SECONDS: Histogram<(PaymentMethod, Channel)>;

#[timed(metric = GATEWAY_DURATION_SECONDS, labels(channel = channel, method = method))]
fn charge(method: PaymentMethod, channel: Channel) {
    let _ = (method, channel);
}

fn main() {}
