use metricsmith::{LabelValue, RuntimeValue};

#[derive(LabelValue)]
#[label(capacity = 1000000)]
struct Tenant(RuntimeValue);

fn main() {}
