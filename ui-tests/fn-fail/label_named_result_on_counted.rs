use metricsmith::{counted, LabelValue};

#[derive(LabelValue)]
enum Outcome {
    Paid,
    Declined,
}

#[counted(name = "charges_total", labels(result = outcome))]
fn charge(outcome: Outcome) {
    let _ = outcome;
}

fn main() {}
