use metricsmith::{metric, Histogram, LabelValue};

#[derive(LabelValue)]
enum Region {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9,
}

#[derive(LabelValue)]
enum Shop {
    S0, S1, S2, S3, S4, S5, S6, S7, S8, S9,
}

#[derive(LabelValue)]
enum Product {
    P0, P1, P2, P3, P4, P5, P6, P7, P8, P9,
}

/// Checkout latency, by region, shop and product.
#[metric]
static CHECKOUT_DURATION_SECONDS: Histogram<(Region, Shop, Product)>;

fn main() {}
