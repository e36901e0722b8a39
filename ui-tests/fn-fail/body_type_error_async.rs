use metricsmith::counted;

#[counted]
async fn charge(cents: u64) -> Result<u64, String> {
    if cents == 0 {
        return Err(0);
    }
    Ok(cents)
}

fn main() {}
