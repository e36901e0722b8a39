use metricsmith::{metric, Info};

/// Version of the shop service.
#[metric(labels(version = "1.2.3", version = "1.2.4"))]
static SHOP_BUILD_INFO: Info;

fn main() {}
