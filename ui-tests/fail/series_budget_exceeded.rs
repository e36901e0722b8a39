use metricsmith::{metric, Counter, LabelSet, LabelValue};

#[derive(LabelValue)]
enum Outcome {
    Success,
    Declined,
}

#[derive(LabelValue)]
enum PaymentMethod {
    Card,
    Wallet,
}

#[derive(LabelValue)]
enum Channel {
    Web,
    App,
}

#[derive(LabelSet)]
struct OrderLabels {
    outcome: Outcome,
    payment_method: PaymentMethod,
    channel: Channel,
}

/// Orders processed, by outcome, payment method and channel.
#[metric(max_series = 5)]
static ORDERS_PROCESSED_TOTAL: Counter<OrderLabels>;

fn main() {}
