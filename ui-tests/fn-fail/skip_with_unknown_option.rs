use metricsmith::counted;

struct Gateway;

#[counted]
impl Gateway {
    #[metricsmith(ignore)]
    fn charge(&self) {}
}

fn main() {}
