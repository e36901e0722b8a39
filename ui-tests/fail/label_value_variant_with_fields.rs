use metricsmith::LabelValue;

#[derive(LabelValue)]
enum Outcome {
    Success,
    Declined(String),
}

fn main() {}
