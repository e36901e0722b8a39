use metricsmith::{metric, Counter, Metrics};

#[derive(Metrics)]
#[metrics(prefix = "batch")]
struct BatchMetrics {
    /// Rows imported.
    rows_total: Counter,
}

/// The nightly import's metrics.
#[metric]
static BATCH: BatchMetrics;

/// The hourly import's metrics, meant to be separate.
#[metric]
static BATCH2: BatchMetrics;

fn main() {}
