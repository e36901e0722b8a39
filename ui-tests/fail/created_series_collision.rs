use metricsmith::{metric, Counter, Histogram};

/// Order processing time.
#[metric(buckets = [0.5, 1.0, 5.0])]
static BUSINESS_ORDERS: Histogram;

// Its family `business_orders_created` is the histogram's `_created` series.
/// Orders created.
#[metric]
static BUSINESS_ORDERS_CREATED_TOTAL: Counter;

fn main() {}
