//! HTTP services: the label types of OpenTelemetry's HTTP semantic conventions (feature
//! `http`), and the layer that records every request with them into the standard
//! families (features `tower` and `axum`).

#[cfg(feature = "axum")]
pub(crate) mod axum;
#[cfg(feature = "tower")]
mod families;
// Public at `metricsmith::tower`.
#[cfg(feature = "tower")]
pub(crate) mod layer;
mod method;
mod route;
mod status;

#[cfg(feature = "tower")]
pub use families::HTTP_DURATION_BUCKETS;
pub use method::HttpRequestMethod;
pub use route::HttpRoute;
pub use status::HttpResponseStatusCode;

/// The layer for any tower HTTP service: each request's route is the [`HttpRoute`] in
/// its extensions (put there by whatever routes it), or the unmatched route.
#[cfg(feature = "tower")]
pub(crate) fn tower_layer() -> layer::HttpMetricsLayer {
    layer::HttpMetricsLayer::new(|_, extensions| {
        extensions.get::<HttpRoute>().copied().unwrap_or_else(HttpRoute::unmatched)
    })
}
