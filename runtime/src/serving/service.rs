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
use hyper::header::{
    HeaderValue, ACCEPT, ACCEPT_ENCODING, ALLOW, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, VARY,
};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};

use super::compression::Coding;
use crate::exposition::{render_with, Format, RenderOptions};

/// Serves the metrics of this process to every request it is given: `GET` and `HEAD`
/// get the exposition in the format negotiated from the `Accept` header (see
/// [`Format::from_accept`]), gzip-compressed when `Accept-Encoding` asks for it, other
/// methods `405 Method Not Allowed`. Built with [`MetricsService::at`], requests for
/// other paths get `404`.
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
    render: RenderOptions,
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
        MetricsService { path: None, render: RenderOptions::default() }
    }

    /// A service that answers only `path` (e.g. `"/metrics"`) and `404 Not Found`
    /// elsewhere, for serving a connection directly.
    ///
    /// ```
    /// let service = metricsmith::MetricsService::at("/metrics");
    /// assert_eq!(service.path(), Some("/metrics"));
    /// ```
    pub fn at(path: impl Into<String>) -> Self {
        MetricsService { path: Some(Arc::from(path.into())), render: RenderOptions::default() }
    }

    /// Adds `_created` lines to OpenMetrics answers (see
    /// [`RenderOptions::created_timestamps`]; protobuf answers always carry created
    /// timestamps).
    ///
    /// ```
    /// let service = metricsmith::MetricsService::at("/metrics").with_created_timestamps(true);
    /// # let _ = service;
    /// ```
    #[must_use]
    pub fn with_created_timestamps(mut self, created_timestamps: bool) -> Self {
        self.render = self.render.with_created_timestamps(created_timestamps);
        self
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
            _ => metrics_response(request.method(), request.headers(), self.render),
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

/// The answer to a request for the metrics path: the exposition in the format and
/// content coding negotiated from `Accept` and `Accept-Encoding` for `GET`, the same
/// headers without a body for `HEAD` (its `Content-Length` is that of the body GET
/// would send, compressed or not), `406` when the request refuses both gzip and the
/// plain body, `405` with `Allow` for other methods.
pub(crate) fn metrics_response(
    method: &Method,
    headers: &HeaderMap,
    options: RenderOptions,
) -> Response<Full<Bytes>> {
    respond_with(method, headers, |format, body| render_with(format, options, body))
}

/// [`metrics_response`] with the body `render` writes in the negotiated format.
fn respond_with(
    method: &Method,
    headers: &HeaderMap,
    render: impl FnOnce(Format, &mut Vec<u8>),
) -> Response<Full<Bytes>> {
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed; use GET or HEAD\n");
        response.headers_mut().insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let (status, content_type, coding, body) =
        match Coding::negotiate(joined(headers, ACCEPT_ENCODING).as_deref()) {
            Some(coding) => {
                let format = Format::from_accept(joined(headers, ACCEPT).as_deref().unwrap_or(""));
                let mut body = Vec::new();
                render(format, &mut body);
                let (coding, body) = coding.encode(body);
                (StatusCode::OK, format.content_type(), coding, body)
            }
            None => {
                let refusal =
                "not acceptable: Accept-Encoding refuses both gzip and identity, the only codings served\n";
                (
                    StatusCode::NOT_ACCEPTABLE,
                    "text/plain; charset=utf-8",
                    Coding::Identity,
                    refusal.as_bytes().to_vec(),
                )
            }
        };
    // Content-Length is explicit so that HEAD reports the length GET would send.
    let length = HeaderValue::from(body.len());
    let body = if method == Method::HEAD { Bytes::new() } else { Bytes::from(body) };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let response_headers = response.headers_mut();
    response_headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response_headers.insert(CONTENT_LENGTH, length);
    if coding == Coding::Gzip {
        response_headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    // The answer depends on both headers: caches must keep one per combination.
    response_headers.insert(VARY, HeaderValue::from_static("Accept, Accept-Encoding"));
    response
}

/// The values of every `name` header joined by commas, which means the same as one
/// header with all of them (RFC 9110, section 5.3); `None` without any. A value that is
/// not visible ASCII cannot name a format or coding and is skipped.
fn joined(headers: &HeaderMap, name: hyper::header::HeaderName) -> Option<String> {
    let mut values = headers.get_all(&name).iter().peekable();
    values.peek()?;
    Some(values.filter_map(|value| value.to_str().ok()).collect::<Vec<_>>().join(","))
}

/// A short `text/plain` answer with `status`.
pub(crate) fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::io::Read;

    use http_body_util::BodyExt;

    use super::*;

    /// A body that compresses well, the same for every request (the registry's values
    /// move between requests; this does not).
    fn fixed(format: Format, body: &mut Vec<u8>) {
        for index in 0..400 {
            body.extend_from_slice(
                format!("{format:?}_requests_total{{shard=\"{index}\"}} {index}\n").as_bytes(),
            );
        }
    }

    fn ask(method: &Method, accept_encoding: Option<&str>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut headers = HeaderMap::new();
        if let Some(value) = accept_encoding {
            headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        }
        let (parts, body) = respond_with(method, &headers, fixed).into_parts();
        let mut body = std::pin::pin!(body.collect());
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        let std::task::Poll::Ready(Ok(collected)) = body.as_mut().poll(&mut context) else {
            panic!("a full body is ready at once")
        };
        (parts.status, parts.headers, collected.to_bytes().to_vec())
    }

    fn header(headers: &HeaderMap, name: hyper::header::HeaderName) -> Option<&str> {
        headers.get(name).map(|value| value.to_str().unwrap())
    }

    #[test]
    fn gzip_inflates_to_the_plain_body_byte_for_byte() {
        let (status, plain_headers, plain) = ask(&Method::GET, None);
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&plain_headers, CONTENT_ENCODING), None);
        let (status, headers, compressed) = ask(&Method::GET, Some("gzip"));
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, CONTENT_ENCODING), Some("gzip"));
        assert_eq!(header(&headers, CONTENT_LENGTH), Some(compressed.len().to_string().as_str()));
        assert_eq!(header(&headers, CONTENT_TYPE), header(&plain_headers, CONTENT_TYPE));
        for headers in [&headers, &plain_headers] {
            assert_eq!(header(headers, VARY), Some("Accept, Accept-Encoding"));
        }
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..]).read_to_end(&mut inflated).unwrap();
        assert_eq!(inflated, plain);
        assert!(compressed.len() * 4 < plain.len(), "{} of {} bytes", compressed.len(), plain.len());
    }

    #[test]
    fn head_has_the_headers_of_get_and_no_body() {
        for accept_encoding in
            [None, Some("gzip"), Some("x-gzip;q=0.5, identity;q=0.1"), Some("identity;q=0")]
        {
            let (get_status, get_headers, get_body) = ask(&Method::GET, accept_encoding);
            let (head_status, head_headers, head_body) = ask(&Method::HEAD, accept_encoding);
            assert_eq!(head_status, get_status, "{accept_encoding:?}");
            assert!(head_body.is_empty(), "{accept_encoding:?}");
            assert_eq!(head_headers, get_headers, "{accept_encoding:?}");
            assert_eq!(header(&head_headers, CONTENT_LENGTH), Some(get_body.len().to_string().as_str()));
        }
    }

    #[test]
    fn refusing_gzip_and_identity_is_not_acceptable() {
        for refusal in ["identity;q=0", "*;q=0", "br, identity;q=0"] {
            let (status, headers, body) = ask(&Method::GET, Some(refusal));
            assert_eq!(status, StatusCode::NOT_ACCEPTABLE, "{refusal}");
            assert_eq!(header(&headers, VARY), Some("Accept, Accept-Encoding"));
            assert!(String::from_utf8(body).unwrap().contains("gzip"), "the answer names what is served");
        }
        // Several headers are one list: here gzip is acceptable after all.
        let mut headers = HeaderMap::new();
        headers.append(ACCEPT_ENCODING, HeaderValue::from_static("identity;q=0"));
        headers.append(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        let response = respond_with(&Method::GET, &headers, fixed);
        assert_eq!(response.headers().get(CONTENT_ENCODING).unwrap(), "gzip");
    }
}
