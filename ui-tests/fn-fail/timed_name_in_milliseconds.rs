use metricsmith::timed;

#[timed(name = "payment_gateway_latency_ms")]
fn call_gateway() {}

fn main() {}
