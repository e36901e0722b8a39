use metricsmith::LabelValue;

#[derive(LabelValue)]
#[label(name = "quantile")]
enum Quartile {
    First,
    Last,
}

fn main() {}
