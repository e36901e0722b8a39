use metricsmith::timed;

#[timed(name = "charge_duration_seconds", native(schema = -5))]
fn charge() {}

fn main() {}
