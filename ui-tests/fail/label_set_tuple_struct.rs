use metricsmith::{LabelSet, LabelValue};

#[derive(LabelValue)]
enum Outcome {
    Success,
    Declined,
}

#[derive(LabelSet)]
struct Labels(Outcome);

fn main() {}
