use metricsmith::LabelValue;

#[derive(LabelValue)]
enum Outcome<const N: usize> {
    Success,
    Declined,
}

fn main() {}
