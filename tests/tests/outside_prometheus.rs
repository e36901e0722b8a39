//! A real Prometheus server (Debian package `prometheus`) scrapes `metricsmith::serve()`
//! on loopback and its query API returns the values the program set.
//!
//! The server picks its own loopback port, gets a 1 s scrape interval and a temp TSDB; it is
//! killed when the test ends, also on failure. Every wait is bounded. Prometheus also
//! scrapes endpoints that require a bearer token or basic auth, with the credentials
//! from its scrape config.

use metricsmith::{metric, serve_with, Counter, ServeOptions};
use metricsmith_examples::shop::{self, PaymentMethod, PAYMENT_GATEWAY_DURATION_SECONDS};
use metricsmith_tests::{drive_shop, require, PrometheusServer, Tool};

/// Times the Prometheus test bumped this counter; nothing else touches it.
#[metric]
static PROMETHEUS_SCRAPE_PROBES_TOTAL: Counter;

#[test]
fn prometheus_scrapes_serve_and_sees_the_values() {
    let Some(prometheus) = require(Tool::Prometheus, "prometheus_scrapes_serve_and_sees_the_values") else {
        return;
    };
    for _ in 0..7 {
        PROMETHEUS_SCRAPE_PROBES_TOTAL.inc();
    }
    drive_shop(40, 31);
    let queue_depth = shop::queue_depth() as f64;
    let observations: u64 = PaymentMethod::ALL
        .iter()
        .map(|method| PAYMENT_GATEWAY_DURATION_SECONDS.labels(*method).count())
        .sum();
    assert_eq!((PROMETHEUS_SCRAPE_PROBES_TOTAL.get(), queue_depth, observations), (7, 9.0, 31));

    let endpoint = metricsmith::serve("127.0.0.1:0").expect("serve on an ephemeral loopback port");
    let mut server = PrometheusServer::start(&prometheus, endpoint.local_addr());
    let job = PrometheusServer::JOB;
    server.wait_for_value(&format!("up{{job=\"{job}\"}}"), 1.0);
    server.wait_for_value(&format!("prometheus_scrape_probes_total{{job=\"{job}\"}}"), 7.0);
    server.wait_for_value(&format!("order_queue_depth{{job=\"{job}\"}}"), queue_depth);
    server.wait_for_value(
        &format!("sum(payment_gateway_duration_seconds_count{{job=\"{job}\"}})"),
        observations as f64,
    );
    let cards = PAYMENT_GATEWAY_DURATION_SECONDS.labels(PaymentMethod::Card).count();
    server.wait_for_value(
        &format!(
            "payment_gateway_duration_seconds_bucket{{job=\"{job}\",payment_method=\"card\",le=\"+Inf\"}}"
        ),
        cards as f64,
    );
    drop(server);
    endpoint.shutdown();
}

/// Prometheus scrapes an endpoint guarded by `options` with `job_settings` in its config.
fn prometheus_scrapes_with_credentials(test: &str, options: ServeOptions, job_settings: &str) {
    let Some(prometheus) = require(Tool::Prometheus, test) else {
        return;
    };
    let endpoint = serve_with("127.0.0.1:0", options).expect("serve on an ephemeral loopback port");
    let mut server = PrometheusServer::start_with(&prometheus, endpoint.local_addr(), job_settings);
    let job = PrometheusServer::JOB;
    server.wait_for_value(&format!("up{{job=\"{job}\"}}"), 1.0);
    // Every series of the self-metric arrived: one per kind of rejected value.
    let mut own = Vec::new();
    metricsmith::render(metricsmith::Format::Prometheus, &mut own);
    let kinds = String::from_utf8(own)
        .unwrap()
        .lines()
        .filter(|line| line.starts_with("metricsmith_rejected_values_total{"))
        .count();
    assert!(kinds >= 5, "the self-metric has a series per kind: {kinds}");
    server
        .wait_for_value(&format!("count(metricsmith_rejected_values_total{{job=\"{job}\"}})"), kinds as f64);
    drop(server);
    endpoint.shutdown();
}

#[test]
fn prometheus_scrapes_with_a_bearer_token() {
    prometheus_scrapes_with_credentials(
        "prometheus_scrapes_with_a_bearer_token",
        ServeOptions::default().with_bearer_token("s3cret-token"),
        "    authorization:\n      credentials: s3cret-token\n",
    );
}

#[test]
fn prometheus_scrapes_with_basic_auth() {
    prometheus_scrapes_with_credentials(
        "prometheus_scrapes_with_basic_auth",
        ServeOptions::default().with_basic_auth("prometheus", "open sesame"),
        "    basic_auth:\n      username: prometheus\n      password: open sesame\n",
    );
}
