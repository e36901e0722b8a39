use metricsmith::timed;

#[timed(native)]
fn charge() {}

fn main() {}
