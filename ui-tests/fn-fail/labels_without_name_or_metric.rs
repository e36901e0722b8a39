use metricsmith::{counted, LabelValue};

#[derive(LabelValue)]
enum PaymentMethod {
    Card,
    Wallet,
}

#[counted(labels(method = method))]
fn charge(method: PaymentMethod) {
    let _ = method;
}

fn main() {}
