use metricsmith::{metric, Gauge};

fn pool_size() -> f64 {
    4.0
}

/// Connections in the pool.
#[metric(callback = pool_size, multiprocess = "max")]
static POOL_CONNECTIONS: Gauge;

fn main() {}
