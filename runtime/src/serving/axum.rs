//! `/metrics` for [axum](https://docs.rs/axum) 0.8 apps (feature `axum`).
//!
//! Merge [`router()`] into your app, or route [`handler`] at a path of your choice. Both
//! serve the exposition on your app's port, next to your routes, in the format
//! negotiated from the `Accept` header (protobuf, OpenMetrics 1.0 or text 0.0.4, as
//! [`Format::from_accept`](crate::Format::from_accept) decides), gzip-compressed when
//! `Accept-Encoding` asks for it; `HEAD` gets the headers, other methods `405 Method Not
//! Allowed`. For `_created` lines in OpenMetrics, route
//! `MetricsService::new().with_created_timestamps(true)` with `route_service` instead.
//!
//! ```
//! use axum::{routing::get, Router};
//!
//! let app: Router = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .merge(metricsmith::axum::router()); // GET /metrics
//! # let _ = app;
//! ```
//!
//! For other stacks built on tower, and for hyper itself, use
//! [`MetricsService`](crate::MetricsService).

use ::axum::body::Body;
use ::axum::http::{HeaderMap, Method};
use ::axum::response::Response;
use ::axum::routing::get;
use ::axum::Router;

/// A router that serves [`handler`] at `GET /metrics` (and `HEAD`), to merge into an
/// app with [`Router::merge`]. Generic over the app's state, so it merges into any
/// router.
///
/// ```
/// use axum::{extract::State, routing::get, Router};
///
/// #[derive(Clone)]
/// struct AppState { greeting: &'static str }
///
/// let app = Router::new()
///     .route("/", get(|State(state): State<AppState>| async move { state.greeting }))
///     .merge(metricsmith::axum::router())
///     .with_state(AppState { greeting: "hello" });
/// # let _: Router = app;
/// ```
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new().route("/metrics", get(handler))
}

/// The metrics handler, for routing at another path than `/metrics`:
/// `router.route("/internal/metrics", get(metricsmith::axum::handler))`.
///
/// Answers with the exposition of every registered instrument, its `Content-Type` and
/// `Content-Length`; a `HEAD` request gets the same headers and no body. Rendering
/// takes little time and never waits, so it runs inline on the request's task.
///
/// ```
/// use axum::{body::Body, http::Request, routing::get, Router};
/// use tower_service::Service;
///
/// # tokio_test_block_on(async {
/// let mut app: Router = Router::new().route("/internal/metrics", get(metricsmith::axum::handler));
/// let request = Request::get("/internal/metrics").body(Body::empty()).unwrap();
/// let response = app.call(request).await.unwrap();
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
/// # });
/// # fn tokio_test_block_on<F: std::future::Future>(future: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
/// # }
/// ```
pub async fn handler(method: Method, headers: HeaderMap) -> Response {
    super::service::metrics_response(&method, &headers, crate::exposition::RenderOptions::default())
        .map(Body::new)
}
