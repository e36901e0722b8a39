use metricsmith::{counted, LabelValue};

#[derive(LabelValue)]
enum PaymentMethod {
    Card,
    Wallet,
}

#[counted(name = "payment_attempts_total", labels(method = payment_method))]
fn charge(method: PaymentMethod) {
    let _ = method;
}

fn main() {}
