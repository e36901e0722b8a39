use metricsmith::{metric, Info};

/// Version of the shop service.
#[metric(labels(version = "1.2.3", le = "0.5"))]
static SHOP_BUILD_INFO: Info;

fn main() {}
