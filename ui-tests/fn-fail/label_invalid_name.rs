use metricsmith::{counted, LabelValue};

#[derive(LabelValue)]
enum PaymentMethod {
    Card,
    Wallet,
}

#[counted(name = "charges_total", labels(paymentMethod = method))]
fn charge(method: PaymentMethod) {
    let _ = method;
}

fn main() {}
