use metricsmith::timed;

#[timed]
#[timed(name = "charge_duration_seconds")]
fn charge() {}

fn main() {}
