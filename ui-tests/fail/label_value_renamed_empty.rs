use metricsmith::LabelValue;

#[derive(LabelValue)]
enum Outcome {
    Success,
    #[label(rename = "")]
    Declined,
}

fn main() {}
