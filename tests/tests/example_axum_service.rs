//! The `axum_service` example's app (`metricsmith_examples::web::app()`, what
//! `cargo run --example axum_service` serves) on loopback: requests to every route,
//! then its own `/metrics` must count them by route and status class, time each one,
//! show nothing in progress, and keep unknown paths under one `not_found` label. The
//! scrape must pass promtool, and a real Prometheus scraping the app must see the same.
//!
//! This binary drives the app from one test only, so the counts are exact.

use metricsmith_examples::web::{Route, StatusClass, HTTP_REQUESTS_TOTAL};
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

#[test]
fn every_route_is_observed_under_its_bounded_label() {
    let server = AxumServer::start(metricsmith_examples::web::app());

    // Before any request, every route's series exist at 0.
    let (status, scrape) = send(&server, "GET", "/metrics");
    assert_eq!(status, 200);
    let samples = reader::samples(&scrape).unwrap();
    for route in ["index", "place_order", "process_order", "get_order", "not_found"] {
        assert_eq!(value(&samples, "http_request_duration_seconds_count", &[("route", route)]), Some(0.0));
        for status in ["2xx", "3xx", "4xx", "5xx"] {
            let labels = [("route", route), ("status", status)];
            assert_eq!(value(&samples, "http_requests_total", &labels), Some(0.0), "{labels:?}");
        }
    }

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
        ("index", "2xx", 1.0),
        ("place_order", "2xx", 3.0),
        ("process_order", "2xx", 3.0),
        ("process_order", "4xx", 2.0),
        ("get_order", "2xx", 1.0),
        ("get_order", "4xx", 2.0),
        ("not_found", "4xx", 3.0),
    ];
    for route in ["index", "place_order", "process_order", "get_order", "not_found"] {
        let mut total = 0.0;
        for status in ["2xx", "3xx", "4xx", "5xx"] {
            let want = expected
                .iter()
                .find(|(r, s, _)| *r == route && *s == status)
                .map_or(0.0, |(_, _, count)| *count);
            let labels = [("route", route), ("status", status)];
            assert_eq!(value(&samples, "http_requests_total", &labels), Some(want), "{labels:?}");
            total += want;
        }
        // Every request was timed, and none is in progress any more.
        let labels = [("route", route)];
        assert_eq!(value(&samples, "http_request_duration_seconds_count", &labels), Some(total), "{route}");
        let inf = [("route", route), ("le", "+Inf")];
        assert_eq!(value(&samples, "http_request_duration_seconds_bucket", &inf), Some(total), "{route}");
        assert_eq!(value(&samples, "http_requests_in_progress", &labels), Some(0.0), "{route}");
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
        let declined_lookups = HTTP_REQUESTS_TOTAL.labels((Route::GetOrder, StatusClass::ClientError)).get();
        assert_eq!(declined_lookups, 2);
        prometheus.wait_for_value(
            &format!("http_requests_total{{job=\"{job}\",route=\"get_order\",status=\"4xx\"}}"),
            declined_lookups as f64,
        );
        prometheus.wait_for_value(
            &format!("sum(http_request_duration_seconds_count{{job=\"{job}\"}})"),
            expected.iter().map(|(_, _, count)| count).sum(),
        );
    }
}
