use metricsmith::LabelSet;

#[derive(LabelSet)]
struct Labels {}

fn main() {}
