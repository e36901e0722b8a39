use metricsmith::{metric, Counter, LabelValue, RuntimeValue};

#[derive(LabelValue)]
#[label(capacity = 32)]
struct Tenant(RuntimeValue);

/// Requests by tenant: 32 tenants and `_OTHER` are 33 series.
#[metric(max_series = 32)]
static TENANT_REQUESTS_TOTAL: Counter<Tenant>;

fn main() {}
