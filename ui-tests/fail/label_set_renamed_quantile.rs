use metricsmith::{LabelSet, LabelValue};

#[derive(LabelValue)]
enum Quartile {
    First,
    Last,
}

#[derive(LabelSet)]
struct Labels {
    #[label(name = "quantile")]
    quartile: Quartile,
}

fn main() {}
