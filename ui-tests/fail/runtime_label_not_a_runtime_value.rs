use metricsmith::LabelValue;

#[derive(LabelValue)]
#[label(capacity = 8)]
struct Tenant(String);

fn main() {}
