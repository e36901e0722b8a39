use metricsmith::timed;

#[timed]
fn charge(cents: u64) -> u64 {
    let fee = cents / ;
    fee
}

fn main() {
    charge(1);
}
