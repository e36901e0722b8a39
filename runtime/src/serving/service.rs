//! The `/metrics` endpoint as a service value, for programs that already run an HTTP
//! server: [`MetricsService`] for hyper (and, with the `tower` feature, for tower and
//! every stack built on it), and the response builder the axum handler shares.

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::sync::Arc;
#[cfg(feature = "tower")]
use std::task::{Context, Poll};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{HeaderValue, ACCEPT, ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};

/// Serves the metrics of this process to every request it is given: `GET` and `HEAD`
/// get the exposition in the format negotiated from the `Accept` header (see
/// [`render_for_accept`](crate::render_for_accept)), other methods `405 Method Not
/// Allowed`. Built with [`MetricsService::at`], requests for other paths get `404`.
///
/// It is a [`hyper::service::Service`], so hyper's connection builders serve it
/// directly, and with the `tower` feature also a `tower_service::Service`, for tower
/// layers, `axum::Router::route_service`, tonic and other tower-based stacks. The
/// request body is never read. Rendering takes little time and does not block on
/// anything, so it runs inline in `call`. Cloning is cheap.
///
/// ```
/// use http_body_util::Empty;
/// use hyper::body::Bytes;
/// use hyper::service::Service;
/// use hyper::{Request, StatusCode};
/// use metricsmith::MetricsService;
///
/// let service = MetricsService::at("/metrics");
/// let request = Request::get("/metrics")
///     .header("accept", "application/openmetrics-text")
///     .body(Empty::<Bytes>::new())?;
/// // The future is ready at once (`ready_now` polls it once; any executor works).
/// let response = ready_now(service.call(request))?;
/// assert_eq!(response.status(), StatusCode::OK);
/// assert!(response.headers()["content-type"].to_str()?.starts_with("application/openmetrics-text"));
///
/// let not_found = ready_now(service.call(Request::get("/").body(Empty::<Bytes>::new())?))?;
/// assert_eq!(not_found.status(), StatusCode::NOT_FOUND);
///
/// # fn ready_now<F: std::future::Future>(future: F) -> F::Output {
/// #     let mut future = std::pin::pin!(future);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     match future.as_mut().poll(&mut cx) {
/// #         std::task::Poll::Ready(output) => output,
/// #         std::task::Poll::Pending => unreachable!("MetricsService answers at once"),
/// #     }
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// With hyper, one connection:
///
/// ```no_run
/// # async fn run(stream: tokio::net::TcpStream) -> Result<(), hyper::Error> {
/// let io = hyper_util::rt::TokioIo::new(stream);
/// hyper::server::conn::http1::Builder::new()
///     .serve_connection(io, metricsmith::MetricsService::at("/metrics"))
///     .await
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct MetricsService {
    /// The only path served, or `None` for every path.
    path: Option<Arc<str>>,
}

impl MetricsService {
    /// A service that answers every path, for mounting where the surrounding router has
    /// already chosen the path (e.g. `router.route_service("/metrics", service)`).
    ///
    /// ```
    /// let service = metricsmith::MetricsService::new();
    /// assert_eq!(service.path(), None);
    /// ```
    pub fn new() -> Self {
        MetricsService { path: None }
    }

    /// A service that answers only `path` (e.g. `"/metrics"`) and `404 Not Found`
    /// elsewhere, for serving a connection directly.
    ///
    /// ```
    /// let service = metricsmith::MetricsService::at("/metrics");
    /// assert_eq!(service.path(), Some("/metrics"));
    /// ```
    pub fn at(path: impl Into<String>) -> Self {
        MetricsService { path: Some(Arc::from(path.into())) }
    }

    /// The only path this service answers, or `None` when it answers every path.
    ///
    /// ```
    /// assert_eq!(metricsmith::MetricsService::default().path(), None);
    /// ```
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    fn answer<B>(&self, request: &Request<B>) -> Response<Full<Bytes>> {
        match &self.path {
            Some(path) if request.uri().path() != &**path => {
                plain(StatusCode::NOT_FOUND, "not found; metrics are at another path\n")
            }
            _ => metrics_response(request.method(), request.headers()),
        }
    }
}

impl<B> hyper::service::Service<Request<B>> for MetricsService {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn call(&self, request: Request<B>) -> Self::Future {
        ready(Ok(self.answer(&request)))
    }
}

#[cfg(feature = "tower")]
impl<B> tower_service::Service<Request<B>> for MetricsService {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        ready(Ok(self.answer(&request)))
    }
}

/// The answer to a request for the metrics path: the negotiated exposition for `GET`,
/// the same headers without a body for `HEAD`, `405` with `Allow` otherwise.
pub(crate) fn metrics_response(method: &Method, headers: &HeaderMap) -> Response<Full<Bytes>> {
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed; use GET or HEAD\n");
        response.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    // Several Accept headers mean the same as one with their values joined by commas;
    // a value that is not visible ASCII cannot name a format and is skipped.
    let accept =
        headers.get_all(ACCEPT).iter().filter_map(|value| value.to_str().ok()).collect::<Vec<_>>().join(",");
    let (content_type, body) = crate::exposition::render_for_accept(&accept);
    // Content-Length is explicit so that HEAD reports the length GET would send.
    let length = HeaderValue::from(body.len());
    let body = if method == Method::HEAD { Bytes::new() } else { Bytes::from(body) };
    let mut response = Response::new(Full::new(body));
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert(CONTENT_LENGTH, length);
    response
}

/// A short `text/plain` answer with `status`.
pub(crate) fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}
