use metricsmith::in_flight;

#[in_flight(name = "payments_in_flight_total")]
fn charge() {}

fn main() {}
