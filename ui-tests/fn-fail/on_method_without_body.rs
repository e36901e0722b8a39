use metricsmith::timed;

trait Gateway {
    #[timed]
    fn charge(&self);
}

fn main() {}
