use metricsmith::{LabelSet, LabelValue};

#[derive(LabelValue)]
enum PaymentMethod {
    Card,
    Wallet,
}

#[derive(LabelSet)]
struct Labels {
    method: PaymentMethod,
    #[label(name = "method")]
    fallback_method: PaymentMethod,
}

fn main() {}
