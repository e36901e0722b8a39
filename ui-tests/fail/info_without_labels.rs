use metricsmith::{metric, Info};

/// Version of the shop service.
#[metric]
static SHOP_BUILD_INFO: Info;

fn main() {}
