use metricsmith::{metric, Info};

/// Version of the shop service.
#[metric(labels(version = "1.2.3"))]
static SHOP_BUILD: Info;

fn main() {}
