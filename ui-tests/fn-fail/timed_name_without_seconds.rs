use metricsmith::timed;

#[timed(name = "payment_gateway_latency")]
fn call_gateway() {}

fn main() {}
