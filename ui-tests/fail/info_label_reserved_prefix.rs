use metricsmith::{metric, Info};

/// Version of the shop service.
#[metric(labels(__version = "1.2.3"))]
static SHOP_BUILD_INFO: Info;

fn main() {}
