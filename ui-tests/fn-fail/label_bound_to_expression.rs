use metricsmith::{counted, LabelValue};

#[derive(LabelValue, Clone, Copy)]
enum PaymentMethod {
    Card,
    Wallet,
}

struct Order {
    method: PaymentMethod,
}

#[counted(name = "charges_total", labels(method = order.method))]
fn charge(order: &Order) {
    let _ = order.method;
}

fn main() {}
