use metricsmith::{LabelSet, LabelValue};

#[derive(LabelValue)]
enum Outcome {
    Success,
    Declined,
}

#[derive(LabelSet)]
struct Labels {
    outcome: Outcome,
    customer_id: String,
}

fn main() {}
