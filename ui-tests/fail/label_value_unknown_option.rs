use metricsmith::LabelValue;

#[derive(LabelValue)]
enum PaymentMethod {
    Card,
    #[label(name = "wallet")]
    Wallet,
}

fn main() {}
