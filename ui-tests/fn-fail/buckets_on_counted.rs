use metricsmith::counted;

#[counted(name = "charges_total", buckets = [0.1, 1.0])]
fn charge() {}

fn main() {}
