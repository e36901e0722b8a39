use metricsmith::counted;

struct Cart;

#[counted]
impl Cart {
    const fn new() -> Self {
        Cart
    }

    fn checkout(&self) {}
}

fn main() {}
