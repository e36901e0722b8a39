use metricsmith::{counted, timed};

#[timed]
#[counted]
fn charge(cents: u64) -> Result<u64, String> {
    let fee: u32 = cents / 100;
    Ok(fee)
}

fn main() {}
