use metricsmith::LabelValue;

#[derive(LabelValue)]
#[label(rename = "method")]
enum PaymentMethod {
    Card,
    Wallet,
}

fn main() {}
