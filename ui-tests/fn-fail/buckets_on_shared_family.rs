use metricsmith::timed;

#[timed(buckets = [0.1, 1.0])]
fn charge() {}

fn main() {}
