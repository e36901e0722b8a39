use metricsmith::{metric, Counter};

/// Orders processed.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter;

mod checkout {
    use metricsmith::{metric, Counter};

    /// Orders processed at checkout.
    #[metric(name = "orders_processed_total")]
    pub static ORDERS: Counter;
}

fn main() {}
