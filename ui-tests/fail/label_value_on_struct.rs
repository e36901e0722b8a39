use metricsmith::LabelValue;

#[derive(LabelValue)]
struct Outcome {
    success: bool,
}

fn main() {}
