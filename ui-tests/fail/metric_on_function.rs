use metricsmith::metric;

#[metric]
fn orders_processed_total() {}

fn main() {}
