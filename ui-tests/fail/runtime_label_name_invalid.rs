use metricsmith::{LabelValue, RuntimeValue};

#[derive(LabelValue)]
#[label(name = "tenant-id", capacity = 16)]
struct Tenant(RuntimeValue);

fn main() {}
