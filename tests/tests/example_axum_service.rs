//! The `axum_service` example's app (`metricsmith_examples::web::app()`, what
//! `cargo run --example axum_service` serves) on loopback: requests to every route,
//! then its own `/metrics` must count them by method, route template and status code
//! (`metricsmith::axum::layer()`), show nothing in progress, and keep unknown paths under
//! the one `_UNMATCHED` route. The scrape must pass promtool, and a real Prometheus
//! scraping the app must see the same.
//!
//! This binary drives the app from one test only, so the counts are exact.

use metricsmith_tests::reader::{self, Sample};
use metricsmith_tests::{http_client, promtool_check_metrics, require, AxumServer, PrometheusServer, Tool};

fn send(server: &AxumServer, method: &str, path: &str) -> (u16, String) {
    let agent = http_client();
    let url = server.url(path);
    let result = match method {
        "GET" => agent.get(&url).call(),
        "POST" => agent.post(&url).send(""),
        other => panic!("unsupported {other}"),
    };
    let mut response = result.unwrap_or_else(|error| panic!("{method} {path}: {error}"));
    (response.status().as_u16(), response.body_mut().read_to_string().unwrap())
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut matching = samples.iter().filter(|sample| sample.name == name && sample.has_labels(labels));
    let found = matching.next().map(|sample| sample.value);
    assert!(matching.next().is_none(), "several {name} samples match {labels:?}");
    found
}

const DURATION: &str = "http_server_request_duration_seconds";

#[test]
fn every_route_is_observed_under_its_bounded_label() {
    let server = AxumServer::start(metricsmith_examples::web::app());

    // Before any request no method, route or status exists, so no series either.
    let (status, scrape) = send(&server, "GET", "/metrics");
    assert_eq!(status, 200);
    assert!(!scrape.contains(DURATION), "{scrape}");

    assert_eq!(send(&server, "GET", "/").0, 200);
    for expected_depth in 1..=3 {
        let (status, body) = send(&server, "POST", "/orders");
        assert_eq!((status, body), (202, format!("queued; {expected_depth} waiting\n")));
    }
    for _ in 0..3 {
        let (status, body) = send(&server, "POST", "/orders/process");
        assert_eq!(status, 200);
        assert!(body.ends_with(": success\n") || body.ends_with(": declined\n"), "{body}");
    }
    assert_eq!(send(&server, "POST", "/orders/process"), (409, "the queue is empty\n".to_owned()));
    let (status, body) = send(&server, "GET", "/orders/2");
    assert_eq!(status, 200);
    assert!(body.starts_with("order 2: "), "{body}");
    assert_eq!(send(&server, "GET", "/orders/3").0, 404);
    assert_eq!(send(&server, "GET", "/orders/abc").0, 400);
    for path in ["/wp-login.php", "/orders/1/edit", "/.env"] {
        assert_eq!(send(&server, "GET", path).0, 404, "{path}");
    }
    // A method the route lacks is the route's 405, not an unknown path.
    assert_eq!(send(&server, "GET", "/orders/process").0, 405);

    let (status, scrape) = send(&server, "GET", "/metrics");
    assert_eq!(status, 200);
    let samples = reader::samples(&scrape).unwrap();
    let expected = [
        ("GET", "/", "200", 1.0),
        ("POST", "/orders", "202", 3.0),
        ("POST", "/orders/process", "200", 3.0),
        ("POST", "/orders/process", "409", 1.0),
        ("GET", "/orders/process", "405", 1.0),
        ("GET", "/orders/{id}", "200", 1.0),
        ("GET", "/orders/{id}", "404", 1.0),
        ("GET", "/orders/{id}", "400", 1.0),
        ("GET", "_UNMATCHED", "404", 3.0),
        // The first scrape, recorded once it was answered.
        ("GET", "/metrics", "200", 1.0),
    ];
    for (method, route, status, count) in expected {
        let labels =
            [("http_request_method", method), ("http_route", route), ("http_response_status_code", status)];
        assert_eq!(value(&samples, &format!("{DURATION}_count"), &labels), Some(count), "{labels:?}");
        let inf = [labels[0], labels[1], labels[2], ("le", "+Inf")];
        assert_eq!(value(&samples, &format!("{DURATION}_bucket"), &inf), Some(count), "{labels:?}");
    }
    let total: f64 =
        samples.iter().filter(|sample| sample.name == format!("{DURATION}_count")).map(|s| s.value).sum();
    assert_eq!(total, expected.iter().map(|(_, _, _, count)| count).sum::<f64>());
    // Nothing in progress but the scrape being answered.
    for sample in samples.iter().filter(|sample| sample.name == "http_server_active_requests") {
        let scraping = sample.label("http_route") == Some("/metrics")
            && sample.label("http_request_method") == Some("GET");
        assert_eq!(sample.value, if scraping { 1.0 } else { 0.0 }, "{sample:?}");
    }
    // The paths themselves never became label values.
    assert!(!scrape.contains("wp-login") && !scrape.contains("orders/3"));
    // The shop behind the routes recorded the processed orders.
    let processed: f64 =
        samples.iter().filter(|sample| sample.name == "orders_processed_total").map(|s| s.value).sum();
    assert_eq!(processed, 3.0);
    assert_eq!(value(&samples, "order_queue_depth", &[]), Some(0.0));

    if let Some(promtool) =
        require(Tool::Promtool, "every_route_is_observed_under_its_bounded_label (promtool)")
    {
        let report = promtool_check_metrics(&promtool, &scrape);
        assert!(report.success && report.findings.is_empty(), "promtool:\n{}", report.findings);
    }

    if let Some(prometheus) =
        require(Tool::Prometheus, "every_route_is_observed_under_its_bounded_label (prometheus)")
    {
        let mut prometheus = PrometheusServer::start(&prometheus, server.addr());
        let job = PrometheusServer::JOB;
        prometheus.wait_for_value(&format!("up{{job=\"{job}\"}}"), 1.0);
        prometheus.wait_for_value(
            &format!("{DURATION}_count{{job=\"{job}\",http_request_method=\"GET\",http_route=\"/orders/{{id}}\",http_response_status_code=\"400\"}}"),
            1.0,
        );
        // Prometheus' own scrapes add to `/metrics`: every other route is as sent.
        prometheus.wait_for_value(
            &format!("sum({DURATION}_count{{job=\"{job}\",http_route!=\"/metrics\"}})"),
            total - 1.0,
        );
    }
}
