//! `metricsmith::axum::layer()` on an app of three routes, sent requests to each route and
//! to 1 000 distinct random paths: the scrape has exactly the four `http_route` values of
//! the three templates and `_UNMATCHED`, exact counts per route, method and status, no
//! request in progress, and passes our strict reader, promtool and Python's parsers; a
//! real Prometheus scraping it sees the same. The layer's families are in the catalog
//! (with the series budget they can reach) and in the generated rules.
//!
//! This binary drives the layer from one test only, so the counts are exact.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use metricsmith::{Format, MetricType};
use metricsmith_tests::http::{parse_raw, raw_exchange};
use metricsmith_tests::{
    http_client, promtool_check_metrics, python_parse, reader, render_text, require, AxumServer,
    PrometheusServer, PythonParser, Tool,
};

const DURATION: &str = "http_server_request_duration_seconds";
const ACTIVE: &str = "http_server_active_requests";

async fn get_order(Path(id): Path<u32>) -> (StatusCode, String) {
    if id <= 10 {
        (StatusCode::OK, format!("order {id}\n"))
    } else {
        (StatusCode::NOT_FOUND, format!("no order {id}\n"))
    }
}

fn app() -> Router {
    Router::new()
        .route("/", get(|| async { "index\n" }))
        .route("/orders", post(|| async { (StatusCode::CREATED, "created\n") }))
        .route("/orders/{id}", get(get_order))
        .layer(metricsmith::axum::layer())
}

/// Sends `method path` and returns the status.
fn send(agent: &ureq::Agent, server: &AxumServer, method: &str, path: &str) -> u16 {
    // One connection per request: a server that answers a body-less POST or PUT without
    // reading its (empty, chunked) body closes the connection, and a pooled connection
    // reused at that moment would fail the next request.
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(server.url(path))
        .header("Connection", "close")
        .body(())
        .expect("a request");
    agent.run(request).unwrap_or_else(|error| panic!("{method} {path}: {error}")).status().as_u16()
}

/// 1 000 distinct paths no route matches: random segments, some under `/orders/`.
fn random_paths() -> Vec<String> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut paths = BTreeSet::new();
    while paths.len() < 1000 {
        let path = match next() % 4 {
            0 => format!("/orders/{}/items/{:x}", next() % 100, next()),
            1 => format!("/wp-{:x}.php", next()),
            2 => format!("/{:x}/{:x}", next(), next()),
            _ => format!("/static/{:x}.js?v={}", next(), next() % 10),
        };
        paths.insert(path);
    }
    paths.into_iter().collect()
}

/// The `_count` samples of the duration histogram: (method, route, status) → count.
fn counts(text: &str) -> BTreeMap<(String, String, String), f64> {
    let samples = reader::samples(text).expect("a well-formed scrape");
    samples
        .iter()
        .filter(|sample| sample.name == format!("{DURATION}_count"))
        .map(|sample| {
            let label = |name: &str| sample.label(name).expect("every label").to_owned();
            (
                (label("http_request_method"), label("http_route"), label("http_response_status_code")),
                sample.value,
            )
        })
        .collect()
}

#[test]
fn three_routes_and_a_thousand_random_paths_make_four_route_values_with_exact_counts() {
    let server = AxumServer::start(app());
    let agent = http_client();
    let text = render_text(Format::Prometheus);
    assert!(!text.contains(DURATION), "no request yet, so no series:\n{text}");

    let mut sent: BTreeMap<(&str, &str, u16), f64> = BTreeMap::new();
    let mut expect = |method: &'static str, path: &str, route: &'static str, status: u16| {
        assert_eq!(send(&agent, &server, method, path), status, "{method} {path}");
        *sent.entry((method, route, status)).or_default() += 1.0;
    };
    for _ in 0..3 {
        expect("GET", "/", "/", 200);
    }
    expect("HEAD", "/", "/", 200);
    expect("POST", "/orders", "/orders", 201);
    expect("POST", "/orders", "/orders", 201);
    for id in 1..=5 {
        expect("GET", &format!("/orders/{id}"), "/orders/{id}", 200);
    }
    expect("GET", "/orders/98", "/orders/{id}", 404);
    expect("GET", "/orders/99", "/orders/{id}", 404);
    // A method the route lacks is the route's 405, an invalid id its 400.
    expect("DELETE", "/orders/7", "/orders/{id}", 405);
    expect("GET", "/orders/seven", "/orders/{id}", 400);
    // A made-up method is `_OTHER`, never a value of its own (sent raw: clients refuse it).
    let brew =
        raw_exchange(server.addr(), b"BREW / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    assert_eq!(parse_raw(&brew).0, 405);
    let paths = random_paths();
    for (index, path) in paths.iter().enumerate() {
        let method = ["GET", "POST", "PUT"][index % 3];
        expect(method, path, "_UNMATCHED", 404);
    }

    let text = render_text(Format::Prometheus);
    let counts = counts(&text);
    let mut expected: BTreeMap<(String, String, String), f64> = sent
        .iter()
        .map(|((method, route, status), count)| {
            ((method.to_string(), route.to_string(), status.to_string()), *count)
        })
        .collect();
    *expected.entry(("_OTHER".into(), "/".into(), "405".into())).or_default() += 1.0;
    // Every other series of the seen methods, routes and codes exists at 0.
    let nonzero: BTreeMap<_, _> =
        counts.iter().filter(|(_, count)| **count > 0.0).map(|(k, v)| (k.clone(), *v)).collect();
    assert_eq!(nonzero, expected);
    let routes: BTreeSet<&str> = counts.keys().map(|(_, route, _)| route.as_str()).collect();
    assert_eq!(routes, BTreeSet::from(["/", "/orders", "/orders/{id}", "_UNMATCHED"]));
    let methods: BTreeSet<&str> = counts.keys().map(|(method, _, _)| method.as_str()).collect();
    assert_eq!(methods, BTreeSet::from(["DELETE", "GET", "HEAD", "POST", "PUT", "_OTHER"]));
    let statuses: BTreeSet<&str> = counts.keys().map(|(_, _, status)| status.as_str()).collect();
    assert_eq!(statuses, BTreeSet::from(["200", "201", "400", "404", "405"]));
    assert_eq!(counts.len(), methods.len() * routes.len() * statuses.len());
    for path in paths.iter().take(50) {
        assert!(!text.contains(path.as_str()), "{path} became a label value");
    }

    // Every request finished: nothing in progress, every `+Inf` bucket is its count.
    let samples = reader::samples(&text).unwrap();
    let active: Vec<_> = samples.iter().filter(|sample| sample.name == ACTIVE).collect();
    assert_eq!(active.len(), methods.len() * routes.len());
    assert!(active.iter().all(|sample| sample.value == 0.0), "{active:?}");
    for sample in samples.iter().filter(|sample| sample.name == format!("{DURATION}_bucket")) {
        if sample.label("le") == Some("+Inf") {
            let key = ["http_request_method", "http_route", "http_response_status_code"]
                .map(|name| sample.label(name).unwrap().to_owned());
            assert_eq!(counts[&(key[0].clone(), key[1].clone(), key[2].clone())], sample.value);
        }
    }

    for format in [Format::Prometheus, Format::OpenMetrics] {
        let text = render_text(format);
        reader::read(format, &text).unwrap_or_else(|error| panic!("{format:?}: {error}"));
    }
    if let Some(promtool) = require(Tool::Promtool, "http layer scrape (promtool)") {
        let report = promtool_check_metrics(&promtool, &text);
        assert!(report.success && report.findings.is_empty(), "promtool:\n{}", report.findings);
    }
    if let Some(python) = require(Tool::PythonClient, "http layer scrape (python)") {
        for parser in [PythonParser::Text, PythonParser::OpenMetrics] {
            let families = python_parse(&python, parser, &render_text(parser.format()));
            let duration = families.iter().find(|family| family.name == DURATION).expect("the histogram");
            let total: f64 = duration
                .samples
                .iter()
                .filter(|sample| sample.name == format!("{DURATION}_count"))
                .map(|sample| sample.value)
                .sum();
            assert_eq!(total, expected.values().sum::<f64>(), "{parser:?}");
        }
    }

    let catalog = metricsmith::catalog();
    let duration = catalog.get(DURATION).expect("the layer's histogram is in the catalog");
    assert_eq!(duration.metric_type, MetricType::Histogram);
    assert_eq!(duration.label_sets, counts.len());
    // 10 methods × (32 templates + `_OTHER` + `_UNMATCHED`) × (16 codes + `_OTHER`), 14 buckets.
    assert_eq!(duration.max_label_sets, 10 * 34 * 17);
    assert_eq!(duration.max_series, 10 * 34 * 17 * (14 + 3));
    assert_eq!(catalog.get(ACTIVE).map(|active| active.max_label_sets), Some(10 * 34));
    let rules = catalog.rules();
    assert!(rules.contains("record: http_route:http_server_requests:rate5m"), "{rules}");

    if let Some(prometheus) = require(Tool::Prometheus, "http layer scrape (prometheus)") {
        let endpoint = metricsmith::serve("127.0.0.1:0").expect("a loopback endpoint");
        let mut prometheus = PrometheusServer::start(&prometheus, endpoint.local_addr());
        let job = PrometheusServer::JOB;
        prometheus.wait_for_value(&format!("up{{job=\"{job}\"}}"), 1.0);
        prometheus.wait_for_value(
            &format!("count(count by (http_route) ({DURATION}_count{{job=\"{job}\"}}))"),
            4.0,
        );
        prometheus.wait_for_value(
            &format!("sum({DURATION}_count{{job=\"{job}\",http_route=\"_UNMATCHED\"}})"),
            1000.0,
        );
        prometheus.wait_for_value(
            &format!("{DURATION}_count{{job=\"{job}\",http_request_method=\"GET\",http_route=\"/orders/{{id}}\",http_response_status_code=\"404\"}}"),
            2.0,
        );
        endpoint.shutdown();
    }
}
