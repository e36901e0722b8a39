use metricsmith::LabelSet;

#[derive(LabelSet)]
enum Outcome {
    Success,
    Declined,
}

fn main() {}
