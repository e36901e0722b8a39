use metricsmith::{LabelSet, LabelValue};

#[derive(LabelValue)]
enum Bound {
    Low,
    High,
}

#[derive(LabelSet)]
struct Labels {
    le: Bound,
}

fn main() {}
