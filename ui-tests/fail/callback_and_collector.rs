use metricsmith::{metric, CollectError, CollectedValues, Collector, Gauge};

struct Broker;

impl Collector for Broker {
    type Labels = ();
    fn collect(&self, values: &mut CollectedValues<()>) -> Result<(), CollectError> {
        values.set((), 1.0);
        Ok(())
    }
}

static BROKER: Broker = Broker;

fn queue_depth() -> f64 {
    0.0
}

/// Messages waiting in the broker.
#[metric(callback = queue_depth, collector = BROKER)]
static BROKER_QUEUE_DEPTH: Gauge;

fn main() {}
