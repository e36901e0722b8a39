use metricsmith::{LabelValue, RuntimeValue};

#[derive(LabelValue)]
#[label(capacity = 8)]
struct Tenant {
    value: RuntimeValue,
}

fn main() {}
