use metricsmith::timed;

#[timed(unit = "seconds")]
fn charge() {}

fn main() {}
