use metricsmith::LabelValue;

#[derive(LabelValue)]
enum Outcome {}

fn main() {}
