use metricsmith::{LabelSet, LabelValue};

#[derive(LabelValue)]
enum PaymentMethod {
    Card,
    Wallet,
}

#[derive(LabelSet)]
struct Labels {
    #[label(name = "payment.method")]
    method: PaymentMethod,
}

fn main() {}
