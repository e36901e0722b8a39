use metricsmith::counted;

#[counted(name = "function_calls_total")]
fn charge() {}

fn main() {}
