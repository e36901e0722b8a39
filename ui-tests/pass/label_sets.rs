use metricsmith::{metric, Counter, Format, LabelSet, LabelValue, NamedLabelValue};

#[derive(Clone, Copy, LabelValue)]
enum Outcome {
    Success,
    Declined,
}

#[derive(Clone, Copy, LabelValue)]
#[label(name = "method")]
enum PaymentMethod {
    Card,
    Wallet,
    #[label(rename = "bank_transfer")]
    Transfer,
}

#[derive(LabelSet)]
struct CheckoutLabels {
    outcome: Outcome,
    #[label(name = "payment_method")]
    method: PaymentMethod,
    /// A `bool` takes its label name from the field.
    express: bool,
}

/// Orders processed, by outcome and payment method.
#[metric]
static ORDERS_PROCESSED_TOTAL: Counter<(Outcome, PaymentMethod)>;

/// Checkouts, by outcome, payment method and delivery speed.
#[metric]
static CHECKOUTS_TOTAL: Counter<CheckoutLabels>;

/// Payments, by method.
#[metric]
static PAYMENTS_TOTAL: Counter<PaymentMethod>;

fn main() {
    assert_eq!(PaymentMethod::LABEL_NAME, "method");
    assert_eq!(PaymentMethod::Transfer.as_str(), "bank_transfer");
    assert_eq!(<CheckoutLabels as LabelSet>::COMBINATIONS, 12);

    ORDERS_PROCESSED_TOTAL.labels((Outcome::Declined, PaymentMethod::Transfer)).inc();
    CHECKOUTS_TOTAL
        .labels(CheckoutLabels { outcome: Outcome::Success, method: PaymentMethod::Wallet, express: true })
        .inc_by(2);
    PAYMENTS_TOTAL.labels(PaymentMethod::Card).inc();
    assert_eq!(ORDERS_PROCESSED_TOTAL.labels((Outcome::Declined, PaymentMethod::Transfer)).get(), 1);

    metricsmith_ui_tests::assert_scrape_contains(
        Format::Prometheus,
        &[
            "orders_processed_total{outcome=\"declined\",method=\"bank_transfer\"} 1\n",
            "orders_processed_total{outcome=\"success\",method=\"card\"} 0\n",
            "checkouts_total{outcome=\"success\",payment_method=\"wallet\",express=\"true\"} 2\n",
            "checkouts_total{outcome=\"declined\",payment_method=\"card\",express=\"false\"} 0\n",
            "payments_total{method=\"card\"} 1\n",
        ],
    );
}
