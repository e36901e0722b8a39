metricsmith::build_info!(commit = "4f2a9c1", service = "shop");

fn main() {}
