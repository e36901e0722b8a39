//! The two families the HTTP layer records into, with OpenTelemetry's HTTP server
//! metric names as Prometheus spells them, so dashboards and alerts made for
//! OpenTelemetry-instrumented services work unchanged.

use super::{HttpRequestMethod, HttpResponseStatusCode, HttpRoute};
use crate::instruments::{Gauge, Histogram};

/// OpenTelemetry's advised buckets for `http.server.request.duration`, in seconds.
pub const HTTP_DURATION_BUCKETS: [f64; 14] =
    [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];

/// Duration of HTTP server requests.
// At most 10 methods × 34 routes × 17 status codes = 5 780 label combinations of 14
// buckets: what the budget allows.
#[metricsmith::metric(
    buckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
    max_series = 100000
)]
pub(crate) static HTTP_SERVER_REQUEST_DURATION_SECONDS: Histogram<(
    HttpRequestMethod,
    HttpRoute,
    HttpResponseStatusCode,
)>;

/// Number of active HTTP server requests.
#[metricsmith::metric]
pub(crate) static HTTP_SERVER_ACTIVE_REQUESTS: Gauge<(HttpRequestMethod, HttpRoute)>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duration_buckets_are_the_declared_ones() {
        assert_eq!(HTTP_SERVER_REQUEST_DURATION_SECONDS.buckets(), HTTP_DURATION_BUCKETS);
    }
}
