use metricsmith::{Counter, Metrics};

#[derive(Metrics)]
struct ShopMetrics(Counter);

fn main() {}
