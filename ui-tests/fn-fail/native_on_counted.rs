use metricsmith::counted;

#[counted(name = "charges_total", native)]
fn charge() {}

fn main() {}
