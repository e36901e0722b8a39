use metricsmith::{metric, Gauge};

struct Broker;

static BROKER: Broker = Broker;

/// Messages waiting in the broker.
#[metric(collector = BROKER)]
static BROKER_QUEUE_DEPTH: Gauge;

fn main() {}
