metricsmith::build_info!();
metricsmith::build_info!(commit = "4f2a9c1");

fn main() {}
