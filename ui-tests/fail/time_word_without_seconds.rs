use metricsmith::{metric, Histogram};

// The seed guide's example of a bad name: "What unit? Seconds? Milliseconds?"
/// Time to answer a request.
#[metric]
static RESPONSE_TIME: Histogram;

fn main() {}
