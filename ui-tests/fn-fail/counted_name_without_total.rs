use metricsmith::counted;

#[counted(name = "payment_attempts")]
fn charge() {}

fn main() {}
