//! The tower layer that records every request of an HTTP service into
//! `http_server_request_duration_seconds` and `http_server_active_requests`.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::families::{HTTP_SERVER_ACTIVE_REQUESTS, HTTP_SERVER_REQUEST_DURATION_SECONDS};
use super::{HttpRequestMethod, HttpResponseStatusCode, HttpRoute};
use crate::functions::clock;
use crate::instruments::GaugeSeries;

/// How the layer finds a request's route: from its URI or its extensions (which a router
/// has filled by the time a route's own layers run).
pub type RouteOf = fn(&::http::Uri, &::http::Extensions) -> HttpRoute;

/// The status recorded for a request whose handler panicked: no response was sent, and
/// the failure is the server's.
const PANICKED: u16 = 500;
/// The status recorded for a request whose response future was dropped before it
/// finished (the client went away): nginx's 499, "client closed request".
const CANCELLED: u16 = 499;

/// A tower [`Layer`](tower_layer::Layer) that records every request of the service it
/// wraps:
///
/// - `http_server_request_duration_seconds{http_request_method, http_route,
///   http_response_status_code}`: a histogram of the seconds from the request reaching
///   the layer to its response (its head: the body may stream on), with OpenTelemetry's
///   buckets `0.005 … 10`;
/// - `http_server_active_requests{http_request_method, http_route}`: the requests in
///   progress.
///
/// These are OpenTelemetry's HTTP server metrics as Prometheus spells them, so dashboards
/// and alerts made for them work unchanged. The labels are [`HttpRequestMethod`],
/// [`HttpRoute`] and [`HttpResponseStatusCode`]: bounded, so no request can add a series
/// beyond the families' budget. A handler that panics is recorded with status `500` (the
/// panic goes on unchanged), a request whose response future is dropped before it
/// finishes (the client went away) with `499`; both leave the active gauge as they found it.
///
/// Made by `metricsmith::tower::layer()` (routes from the extensions) and
/// `metricsmith::axum::layer()` (routes from axum's `MatchedPath`).
#[derive(Clone, Copy, Debug)]
pub struct HttpMetricsLayer {
    route: RouteOf,
}

impl HttpMetricsLayer {
    /// A layer that finds each request's route with `route`.
    pub const fn new(route: RouteOf) -> Self {
        HttpMetricsLayer { route }
    }

    /// The same layer, finding each request's route with `route` instead: for a router
    /// that keeps its match elsewhere, or a protocol whose paths are bounded by design
    /// (gRPC's `/package.Service/Method`).
    ///
    /// ```
    /// use metricsmith::http::HttpRoute;
    /// use metricsmith::RuntimeLabel;
    ///
    /// // gRPC paths are the services' methods: bounded by the proto files.
    /// let layer = metricsmith::tower::layer().with_route(|uri, _| HttpRoute::get(uri.path()));
    /// # let _ = layer;
    /// ```
    pub const fn with_route(self, route: RouteOf) -> Self {
        HttpMetricsLayer { route }
    }
}

impl<S> tower_layer::Layer<S> for HttpMetricsLayer {
    type Service = HttpMetrics<S>;
    fn layer(&self, inner: S) -> HttpMetrics<S> {
        HttpMetrics { inner, route: self.route }
    }
}

/// The service [`HttpMetricsLayer`] wraps around another: records each request, then
/// hands it on.
#[derive(Clone, Copy, Debug)]
pub struct HttpMetrics<S> {
    inner: S,
    route: RouteOf,
}

impl<S, B, ResponseBody> tower_service::Service<::http::Request<B>> for HttpMetrics<S>
where
    S: tower_service::Service<::http::Request<B>, Response = ::http::Response<ResponseBody>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: ::http::Request<B>) -> Self::Future {
        let method = HttpRequestMethod::from(request.method());
        let route = (self.route)(request.uri(), request.extensions());
        // Started before the inner call: a handler that panics while it is called is
        // recorded as it unwinds through here.
        let recording = Recording::start(method, route);
        let inner = self.inner.call(request);
        ResponseFuture { inner, recording: Some(recording) }
    }
}

/// One request being recorded: its active-gauge series (already incremented) and its
/// start. Records exactly once: with the response's status, or on drop (a panic while
/// the inner service was called, or a cancel).
#[derive(Debug)]
struct Recording {
    method: HttpRequestMethod,
    route: HttpRoute,
    active: GaugeSeries,
    start: clock::Start,
    /// The request began while another panic unwound, so `panicking()` says nothing of it.
    unwinding_at_start: bool,
}

impl Recording {
    #[inline]
    fn start(method: HttpRequestMethod, route: HttpRoute) -> Self {
        let active = HTTP_SERVER_ACTIVE_REQUESTS.labels((method, route));
        active.inc();
        Recording {
            method,
            route,
            active,
            start: clock::start(),
            unwinding_at_start: std::thread::panicking(),
        }
    }

    #[inline]
    fn finish(self, status: HttpResponseStatusCode) {
        let seconds = clock::seconds_since(self.start);
        HTTP_SERVER_REQUEST_DURATION_SECONDS.labels((self.method, self.route, status)).observe(seconds);
        self.active.dec();
        core::mem::forget(self);
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        // Not finished: the inner call panicked, or the response future was dropped.
        let status = if std::thread::panicking() && !self.unwinding_at_start { PANICKED } else { CANCELLED };
        let seconds = clock::seconds_since(self.start);
        let status = HttpResponseStatusCode::from_u16(status);
        HTTP_SERVER_REQUEST_DURATION_SECONDS.labels((self.method, self.route, status)).observe(seconds);
        self.active.dec();
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`HttpMetrics`]: the inner service's, recording the
    /// request when it completes, panics or is dropped.
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        recording: Option<Recording>,
    }
}

impl<F, ResponseBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<::http::Response<ResponseBody>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        // A panic in the poll drops the watch, which records `500` as it unwinds: the
        // future itself may be dropped long after, when no panic is unwinding any more.
        let watch = PanicWatch { recording: this.recording, already_unwinding: std::thread::panicking() };
        let poll = this.inner.poll(cx);
        core::mem::forget(watch);
        if let Poll::Ready(result) = &poll {
            if let Some(recording) = this.recording.take() {
                let status = match result {
                    Ok(response) => HttpResponseStatusCode::from(response.status()),
                    // No response at all: the server failed to answer.
                    Err(_) => HttpResponseStatusCode::from_u16(PANICKED),
                };
                recording.finish(status);
            }
        }
        poll
    }
}

/// Lives on the stack of one poll; only dropped (rather than forgotten) when the poll
/// unwinds.
struct PanicWatch<'a> {
    recording: &'a mut Option<Recording>,
    already_unwinding: bool,
}

impl Drop for PanicWatch<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.already_unwinding {
            if let Some(recording) = self.recording.take() {
                recording.finish(HttpResponseStatusCode::from_u16(PANICKED));
            }
        }
    }
}
