use metricsmith::LabelValue;

#[derive(LabelValue)]
#[label(name = "payment-method")]
enum PaymentMethod {
    Card,
    Wallet,
}

fn main() {}
