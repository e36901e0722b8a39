use metricsmith::timed;

struct Gateway;

#[timed(name = "gateway_duration_seconds")]
impl Gateway {
    fn charge(&self) {}
}

fn main() {}
