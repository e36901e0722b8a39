//! The HTTP layer for axum: each request's route is the template axum matched.

use ::axum::extract::MatchedPath;

use super::layer::HttpMetricsLayer;
use super::HttpRoute;
use crate::labels::RuntimeLabel;

/// The template axum matched (`MatchedPath`), or the unmatched route when there is none
/// (the fallback answers).
fn matched_path(_: &::http::Uri, extensions: &::http::Extensions) -> HttpRoute {
    match extensions.get::<MatchedPath>() {
        Some(path) => HttpRoute::get(path.as_str()),
        None => HttpRoute::unmatched(),
    }
}

/// The HTTP metrics layer for an axum `Router`: every request recorded into
/// `http_server_request_duration_seconds` and `http_server_active_requests` (see
/// [`HttpMetricsLayer`]), its route the template axum matched (`MatchedPath`), or
/// `_UNMATCHED` for what the fallback answers, whatever the path.
///
/// Add it last, with `Router::layer` after every route and merge: axum runs it once a
/// route has matched, and for the fallback. What is added after it is not recorded, and a
/// router merged after it (even `metricsmith::axum::router()`) brings its own fallback,
/// whose requests would not be recorded either. Scrapes of `/metrics` are recorded like
/// any route.
///
/// ```
/// use axum::{body::Body, http::Request, routing::get, Router};
/// use tower_service::Service;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let mut app: Router = Router::new()
///     .route("/invoices/{id}", get(|| async { "an invoice" }))
///     .merge(metricsmith::axum::router())
///     .layer(metricsmith::axum::layer());
/// for path in ["/invoices/1", "/invoices/2", "/wp-login.php"] {
///     app.call(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
/// }
/// # });
///
/// let text = String::from_utf8(metricsmith::render_for_accept("text/plain").1).unwrap();
/// let count = |route: &str, status: &str| format!(
///     "http_server_request_duration_seconds_count{{http_request_method=\"GET\",http_route=\"{route}\",http_response_status_code=\"{status}\"}} "
/// );
/// assert!(text.contains(&(count("/invoices/{id}", "200") + "2\n")));
/// assert!(text.contains(&(count("_UNMATCHED", "404") + "1\n")));
/// assert!(!text.contains("wp-login"));
/// ```
pub fn layer() -> HttpMetricsLayer {
    HttpMetricsLayer::new(matched_path)
}
