use metricsmith::{LabelValue, RuntimeValue};

#[derive(LabelValue)]
struct Tenant(RuntimeValue);

fn main() {}
