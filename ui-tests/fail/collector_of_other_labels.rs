use metricsmith::{metric, CollectError, CollectedValues, Collector, Gauge, LabelValue};

#[derive(LabelValue, Clone, Copy)]
enum Queue {
    Orders,
    Refunds,
}

struct Broker;

impl Collector for Broker {
    type Labels = ();
    fn collect(&self, values: &mut CollectedValues<()>) -> Result<(), CollectError> {
        values.set((), 1.0);
        Ok(())
    }
}

static BROKER: Broker = Broker;

/// Messages waiting in each broker queue.
#[metric(collector = BROKER)]
static BROKER_QUEUE_DEPTH: Gauge<Queue>;

fn main() {}
