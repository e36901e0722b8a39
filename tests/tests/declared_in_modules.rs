//! Metrics declared with the macros in two modules of one binary all appear in the
//! first scrape, at 0, before any of them is used, with every label combination.

use metricsmith::{render, Format};

mod checkout {
    use metricsmith::{metric, Counter, Histogram, LabelSet, LabelValue};

    #[derive(LabelValue)]
    pub enum Outcome {
        Success,
        Declined,
    }

    #[derive(LabelValue)]
    #[label(name = "payment_method")]
    pub enum PaymentMethod {
        Card,
        Wallet,
        #[label(rename = "bank_transfer")]
        Transfer,
    }

    #[derive(LabelSet)]
    pub struct CheckoutLabels {
        pub outcome: Outcome,
        pub payment_method: PaymentMethod,
        pub express: bool,
    }

    /// Checkouts finished, by outcome, payment method and express delivery.
    #[metric]
    pub static CHECKOUTS_TOTAL: Counter<CheckoutLabels>;

    /// Time to confirm a checkout.
    #[metric(buckets = [0.1, 1.0])]
    pub static CHECKOUT_CONFIRMATION_DURATION_SECONDS: Histogram<PaymentMethod>;
}

mod warehouse {
    use metricsmith::{metric, Gauge, LabelValue, Metrics};

    #[derive(LabelValue)]
    pub enum Zone {
        Cold,
        Dry,
    }

    /// Pallets waiting to be put away, by zone.
    #[metric]
    pub static PUTAWAY_BACKLOG_PALLETS: Gauge<Zone>;

    #[derive(Metrics)]
    #[metrics(prefix = "warehouse")]
    pub struct WarehouseMetrics {
        /// Parcels picked.
        pub picks_total: metricsmith::Counter,
        /// Doors currently open.
        pub open_doors: Gauge,
    }

    #[metric]
    pub static WAREHOUSE: WarehouseMetrics;
}

#[test]
fn every_series_of_both_modules_is_in_the_first_scrape_at_zero() {
    let mut out = Vec::new();
    render(Format::Prometheus, &mut out);
    let text = String::from_utf8(out).unwrap();

    let mut expected = Vec::new();
    for outcome in ["success", "declined"] {
        for method in ["card", "wallet", "bank_transfer"] {
            for express in ["false", "true"] {
                expected.push(format!(
                    "checkouts_total{{outcome=\"{outcome}\",payment_method=\"{method}\",express=\"{express}\"}} 0"
                ));
            }
        }
    }
    for method in ["card", "wallet", "bank_transfer"] {
        for le in ["0.1", "1", "+Inf"] {
            expected.push(format!(
                "checkout_confirmation_duration_seconds_bucket{{payment_method=\"{method}\",le=\"{le}\"}} 0"
            ));
        }
        expected
            .push(format!("checkout_confirmation_duration_seconds_count{{payment_method=\"{method}\"}} 0"));
        expected.push(format!("checkout_confirmation_duration_seconds_sum{{payment_method=\"{method}\"}} 0"));
    }
    expected.push("putaway_backlog_pallets{zone=\"cold\"} 0".to_owned());
    expected.push("putaway_backlog_pallets{zone=\"dry\"} 0".to_owned());
    expected.push("warehouse_picks_total 0".to_owned());
    expected.push("warehouse_open_doors 0".to_owned());

    let lines: Vec<&str> = text.lines().collect();
    for line in &expected {
        assert!(lines.contains(&line.as_str()), "missing `{line}` in:\n{text}");
    }
    // Exactly these series for the checkout counter: 2 × 3 × 2, nothing else.
    assert_eq!(lines.iter().filter(|line| line.starts_with("checkouts_total{")).count(), 12);
    assert!(metricsmith::check_registry().is_ok());

    // And the statics are the ones rendered: a use shows up in the next scrape.
    warehouse::WAREHOUSE.picks_total.inc();
    checkout::CHECKOUTS_TOTAL
        .labels(checkout::CheckoutLabels {
            outcome: checkout::Outcome::Declined,
            payment_method: checkout::PaymentMethod::Transfer,
            express: true,
        })
        .inc();
    let mut out = Vec::new();
    render(Format::Prometheus, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\nwarehouse_picks_total 1\n"));
    assert!(text.contains(
        "\ncheckouts_total{outcome=\"declined\",payment_method=\"bank_transfer\",express=\"true\"} 1\n"
    ));
}
