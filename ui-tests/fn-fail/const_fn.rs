use metricsmith::timed;

#[timed]
const fn fee_cents(amount: u64) -> u64 {
    amount / 100
}

fn main() {}
