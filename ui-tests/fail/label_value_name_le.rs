use metricsmith::LabelValue;

#[derive(LabelValue)]
#[label(name = "le")]
enum Bound {
    Low,
    High,
}

fn main() {}
