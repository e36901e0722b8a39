//! The `/metrics` endpoint inside other servers, over real loopback HTTP:
//! `metricsmith::axum::router()` merged into an app, `metricsmith::axum::handler` at a
//! path of the app's choosing, `MetricsService` as a tower service routed by axum, and
//! `MetricsService` served by hyper itself. Each must negotiate the format (protobuf
//! too) and gzip, answer `HEAD` with GET's headers and no body, and refuse other methods.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use hyper_util::rt::TokioIo;
use metricsmith::MetricsService;
use metricsmith_tests::http::{
    agrees_in_some_round, content_length, gunzip, head_length_matches_get, steady,
};
use metricsmith_tests::protobuf;
use metricsmith_tests::{http_client, AxumServer};

const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// What Prometheus itself sends when scraping.
const PROMETHEUS_SERVER_ACCEPT: &str = "application/openmetrics-text;version=1.0.0;q=0.5,\
     application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
/// A self-metric the runtime always registers, so every scrape contains it.
const SELF_METRIC: &str = "metricsmith_rejected_values_total";

struct Reply {
    status: u16,
    headers: ureq::http::HeaderMap,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|value| value.to_str().unwrap().to_owned())
    }
}

fn request(method: &str, url: &str, accept: Option<&str>) -> Reply {
    let agent = http_client();
    let mut request = match method {
        "GET" => agent.get(url),
        "HEAD" => agent.head(url),
        "DELETE" => agent.delete(url),
        other => panic!("unsupported {other}"),
    };
    if let Some(accept) = accept {
        request = request.header("Accept", accept);
    }
    reply(request.call().unwrap_or_else(|error| panic!("{method} {url}: {error}")))
}

/// A GET or HEAD with `headers`: status, headers and the body's bytes as sent.
fn fetch(method: &str, url: &str, headers: &[(&str, &str)]) -> (u16, ureq::http::HeaderMap, Vec<u8>) {
    let agent = http_client();
    let mut request = if method == "HEAD" { agent.head(url) } else { agent.get(url) };
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request.call().unwrap_or_else(|error| panic!("{method} {url}: {error}"));
    let body = response.body_mut().with_config().limit(u64::MAX).read_to_vec().unwrap();
    (response.status().as_u16(), response.headers().clone(), body)
}

fn post(url: &str) -> Reply {
    reply(http_client().post(url).send("").unwrap_or_else(|error| panic!("POST {url}: {error}")))
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let headers = response.headers().clone();
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap();
    Reply { status, headers, body }
}

/// Sends a raw `HEAD` and returns the response head (lower-cased) and whatever body
/// bytes followed it before the server closed.
fn raw_head(addr: SocketAddr, path: &str) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "HEAD {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("the server answers and closes");
    let end = response.windows(4).position(|window| window == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8(response[..end].to_vec()).unwrap().to_ascii_lowercase();
    (head, response[end + 4..].to_vec())
}

/// Everything a metrics endpoint at `http://addr{path}` must do.
fn check_endpoint(addr: SocketAddr, path: &str) {
    let url = format!("http://{addr}{path}");

    // Prometheus' own Accept header gets OpenMetrics.
    let scrape = request("GET", &url, Some(PROMETHEUS_SERVER_ACCEPT));
    assert_eq!(scrape.status, 200);
    assert_eq!(scrape.header("content-type").as_deref(), Some(OPENMETRICS));
    assert!(scrape.body.contains(SELF_METRIC) && scrape.body.ends_with("# EOF\n"), "{}", scrape.body);

    // Plain text when asked for it, or when the client names no format.
    for accept in [Some("text/plain"), Some("*/*"), None] {
        let scrape = request("GET", &url, accept);
        assert_eq!(scrape.status, 200);
        assert_eq!(scrape.header("content-type").as_deref(), Some(PROMETHEUS_TEXT), "{accept:?}");
        assert_eq!(scrape.header("content-length"), Some(scrape.body.len().to_string()));
        assert!(scrape.body.contains(&format!("# TYPE {SELF_METRIC} counter\n")), "{accept:?}");
        assert!(!scrape.body.contains("# EOF"));
    }

    // HEAD: GET's headers, no body.
    let agreed = head_length_matches_get(|| {
        let before = request("GET", &url, None);
        let (head, body) = raw_head(addr, path);
        let after = request("GET", &url, None);
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(body.is_empty(), "HEAD sent a body of {} bytes", body.len());
        assert!(head.contains(&format!("\r\ncontent-type: {PROMETHEUS_TEXT}")), "{head}");
        (before.body.len(), content_length(&head), after.body.len())
    });
    assert!(agreed, "no GET, HEAD, GET round agreed on Content-Length");

    check_gzip_and_protobuf(&url);

    // Other methods are refused, saying which ones work.
    for reply in [post(&url), request("DELETE", &url, None)] {
        assert_eq!(reply.status, 405);
        let allow = reply.header("allow").expect("an Allow header").replace(' ', "");
        assert!(allow.contains("GET") && allow.contains("HEAD"), "{allow}");
        assert!(!reply.body.contains(SELF_METRIC));
    }
}

/// gzip when asked (the same bytes, compressed; HEAD has gzip's headers),
/// 406 when nothing is acceptable, and protobuf for Prometheus' native-histogram header.
fn check_gzip_and_protobuf(url: &str) {
    let gzip = [("Accept-Encoding", "gzip")];
    let header = |headers: &ureq::http::HeaderMap, name: &str| {
        headers.get(name).map(|value| value.to_str().unwrap().to_owned())
    };
    let agreed = agrees_in_some_round(|| {
        let (_, _, before) = fetch("GET", url, &[]);
        let (status, headers, compressed) = fetch("GET", url, &gzip);
        let (_, _, after) = fetch("GET", url, &[]);
        assert_eq!(status, 200);
        assert_eq!(header(&headers, "content-encoding").as_deref(), Some("gzip"));
        assert_eq!(header(&headers, "vary").as_deref(), Some("Accept, Accept-Encoding"));
        assert_eq!(header(&headers, "content-type").as_deref(), Some(PROMETHEUS_TEXT));
        assert_eq!(header(&headers, "content-length"), Some(compressed.len().to_string()));
        assert!(compressed.len() * 3 < before.len(), "{} of {} bytes", compressed.len(), before.len());
        let inflated = gunzip(&compressed);
        (steady(&before), steady(&inflated), steady(&after))
    });
    assert!(agreed, "no round inflated to the uncompressed body");
    // HEAD: gzip's headers, no body. (That its length is exactly GET's is proven on a
    // fixed body in the runtime's unit tests: here values move between requests, and
    // a compressed length changes with any of them.)
    let (status, headers, body) = fetch("HEAD", url, &gzip);
    assert_eq!((status, body.len()), (200, 0));
    assert_eq!(header(&headers, "content-encoding").as_deref(), Some("gzip"));
    let length: usize = header(&headers, "content-length").expect("a Content-Length").parse().unwrap();
    let (_, _, plain) = fetch("GET", url, &[]);
    assert!(
        length > 20 && length * 3 < plain.len(),
        "HEAD says {length} compressed bytes of {}",
        plain.len()
    );
    // Without the header, or refusing gzip: the plain body, still varying on the header.
    let (_, headers, _) = fetch("GET", url, &[("Accept-Encoding", "gzip;q=0, identity")]);
    assert_eq!(header(&headers, "content-encoding"), None);
    assert_eq!(header(&headers, "vary").as_deref(), Some("Accept, Accept-Encoding"));
    for method in ["GET", "HEAD"] {
        let (status, headers, _) = fetch(method, url, &[("Accept-Encoding", "identity;q=0")]);
        assert_eq!(status, 406, "{method}");
        assert_eq!(header(&headers, "vary").as_deref(), Some("Accept, Accept-Encoding"));
    }

    let native =
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,\
         application/openmetrics-text;version=1.0.0;q=0.8,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    let (status, headers, compressed) = fetch("GET", url, &[("Accept", native), ("Accept-Encoding", "gzip")]);
    assert_eq!(status, 200);
    assert_eq!(
        header(&headers, "content-type").as_deref(),
        Some("application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")
    );
    let families = protobuf::decode(&gunzip(&compressed)).expect("delimited MetricFamily messages");
    assert!(families.iter().any(|family| family.name.as_deref() == Some(SELF_METRIC)));
}

#[test]
fn the_axum_router_merges_into_an_app_and_serves_metrics() {
    #[derive(Clone)]
    struct AppState {
        greeting: &'static str,
    }
    let app = Router::new()
        .route(
            "/",
            get(|axum::extract::State(state): axum::extract::State<AppState>| async move { state.greeting }),
        )
        .merge(metricsmith::axum::router())
        .with_state(AppState { greeting: "hello" });
    let server = AxumServer::start(app);

    check_endpoint(server.addr(), "/metrics");
    // The app's own routes are untouched.
    let hello = request("GET", &server.url("/"), None);
    assert_eq!((hello.status, hello.body.as_str()), (200, "hello"));
    assert_eq!(request("GET", &server.url("/metrics/"), None).status, 404);
}

#[test]
fn the_axum_handler_serves_metrics_at_any_path() {
    let app = Router::new().route("/internal/metrics", get(metricsmith::axum::handler));
    let server = AxumServer::start(app);

    check_endpoint(server.addr(), "/internal/metrics");
    assert_eq!(request("GET", &server.url("/metrics"), None).status, 404);
}

#[test]
fn metrics_service_is_a_tower_service_for_axum() {
    let app = Router::new().route_service("/scrape", MetricsService::new());
    let server = AxumServer::start(app);

    check_endpoint(server.addr(), "/scrape");
}

/// Serves `service` with hyper's HTTP/1 connection builder and nothing else: the way a
/// program without a framework uses it. The accept loop lives as long as the test binary.
fn serve_with_hyper(service: MetricsService) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    thread::spawn(move || {
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((stream, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let connection = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    let _ = connection.await;
                });
            }
        })
    });
    addr
}

#[test]
fn metrics_service_serves_hyper_connections_directly() {
    let addr = serve_with_hyper(MetricsService::at("/metrics"));

    check_endpoint(addr, "/metrics");
    for path in ["/", "/metricsx", "/metrics/", "/favicon.ico"] {
        let reply = request("GET", &format!("http://{addr}{path}"), None);
        assert_eq!(reply.status, 404, "{path}");
        assert!(!reply.body.contains(SELF_METRIC), "{path} leaked metrics");
    }
    // The query string is not part of the path.
    assert_eq!(request("GET", &format!("http://{addr}/metrics?x=1"), None).status, 200);
}

#[test]
fn metrics_service_without_a_path_answers_every_path() {
    let addr = serve_with_hyper(MetricsService::new());

    check_endpoint(addr, "/");
    check_endpoint(addr, "/anything/at/all");
}
