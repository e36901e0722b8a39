use metricsmith::{counted, LabelValue};

#[derive(LabelValue, Clone, Copy)]
enum PaymentMethod {
    Card,
    Wallet,
}

impl PaymentMethod {
    #[counted(name = "fee_lookups_total", labels(method = self))]
    fn fee(self) -> u64 {
        1
    }
}

fn main() {}
