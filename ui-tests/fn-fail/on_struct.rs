use metricsmith::timed;

#[timed]
struct Gateway;

fn main() {}
