use metricsmith::LabelValue;

#[derive(LabelValue)]
enum PaymentMethod {
    BankTransfer,
    #[label(rename = "bank_transfer")]
    Wire,
}

fn main() {}
