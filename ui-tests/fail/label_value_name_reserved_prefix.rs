use metricsmith::LabelValue;

#[derive(LabelValue)]
#[label(name = "__method")]
enum PaymentMethod {
    Card,
    Wallet,
}

fn main() {}
