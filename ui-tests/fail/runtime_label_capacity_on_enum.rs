use metricsmith::LabelValue;

#[derive(LabelValue)]
#[label(capacity = 8)]
enum Region {
    Eu,
    Us,
}

fn main() {}
