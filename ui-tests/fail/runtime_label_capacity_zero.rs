use metricsmith::{LabelValue, RuntimeValue};

#[derive(LabelValue)]
#[label(capacity = 0)]
struct Tenant(RuntimeValue);

fn main() {}
