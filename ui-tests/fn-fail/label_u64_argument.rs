use metricsmith::timed;

#[timed(name = "order_lookup_duration_seconds", labels(order_id = order_id))]
fn lookup(order_id: u64) {
    let _ = order_id;
}

fn main() {}
