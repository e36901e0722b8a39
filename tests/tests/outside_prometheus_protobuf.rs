//! A real Prometheus (Debian's 2.42) scraping `metricsmith::serve()` through a recording
//! proxy: with `--enable-feature=native-histograms` it asks for the protobuf format and
//! gets it, gzip-compressed, and its query API returns the shop's values as the program
//! reports them; without the flag it gets OpenMetrics, gzip-compressed, as before.

use metricsmith::Format;
use metricsmith_examples::shop::{
    self, OrderLabels, Outcome, PaymentMethod, ORDERS_PROCESSED_TOTAL, PAYMENT_GATEWAY_DURATION_SECONDS,
};
use metricsmith_tests::{drive_shop, require, Heads, PrometheusServer, RecordingProxy, Tool};

const JOB: &str = PrometheusServer::JOB;

/// Waits until Prometheus holds the shop's values as the program reports them.
fn wait_for_the_shop(server: &mut PrometheusServer) {
    server.wait_for_value(&format!("up{{job=\"{JOB}\"}}"), 1.0);
    server.wait_for_value(&format!("order_queue_depth{{job=\"{JOB}\"}}"), shop::queue_depth() as f64);
    let mut observations = 0;
    for method in PaymentMethod::ALL {
        let series = PAYMENT_GATEWAY_DURATION_SECONDS.labels(method);
        let labels = format!("job=\"{JOB}\",payment_method=\"{}\"", metricsmith::LabelValue::as_str(&method));
        server.wait_for_value(
            &format!("payment_gateway_duration_seconds_count{{{labels}}}"),
            series.count() as f64,
        );
        server.wait_for_value(&format!("payment_gateway_duration_seconds_sum{{{labels}}}"), series.sum());
        let buckets = series.bucket_counts();
        server.wait_for_value(
            &format!("payment_gateway_duration_seconds_bucket{{{labels},le=\"+Inf\"}}"),
            *buckets.last().unwrap() as f64,
        );
        // The shop's third bound is 0.25.
        server.wait_for_value(
            &format!("payment_gateway_duration_seconds_bucket{{{labels},le=\"0.25\"}}"),
            buckets[2] as f64,
        );
        observations += series.count();
    }
    let mut processed = 0;
    for outcome in [Outcome::Success, Outcome::Declined] {
        for payment_method in PaymentMethod::ALL {
            processed += ORDERS_PROCESSED_TOTAL.labels(OrderLabels { outcome, payment_method }).get();
        }
    }
    server.wait_for_value(&format!("sum(orders_processed_total{{job=\"{JOB}\"}})"), processed as f64);
    assert!(observations > 0, "the shop observed something");
}

/// The scrapes' answers: every one with `content_type`, gzip-compressed.
fn assert_answers(heads: &Heads, content_type: &str) {
    assert!(!heads.responses.is_empty(), "no scrape passed the proxy");
    for response in &heads.responses {
        assert!(response.starts_with("http/1.1 200"), "{response}");
        assert!(response.contains(&format!("\r\ncontent-type: {content_type}\r\n")), "{response}");
        assert!(response.contains("\r\ncontent-encoding: gzip\r\n"), "{response}");
    }
    for request in &heads.requests {
        assert!(request.contains("\r\naccept-encoding: gzip"), "Prometheus asks for gzip: {request}");
    }
}

#[test]
fn prometheus_with_native_histograms_scrapes_protobuf() {
    let Some(prometheus) = require(Tool::Prometheus, "prometheus_with_native_histograms_scrapes_protobuf")
    else {
        return;
    };
    drive_shop(30, 22);
    let endpoint = metricsmith::serve("127.0.0.1:0").expect("serve on an ephemeral loopback port");
    let proxy = RecordingProxy::start(endpoint.local_addr());
    let mut server = PrometheusServer::start_with_features(&prometheus, proxy.addr(), &["native-histograms"]);
    wait_for_the_shop(&mut server);
    let heads = proxy.heads();
    let lowercase = Format::Protobuf.content_type().to_ascii_lowercase();
    assert_answers(&heads, &lowercase);
    assert!(
        heads.requests.iter().all(|request| request.contains("\r\naccept: application/vnd.google.protobuf;")),
        "{:?}",
        heads.requests
    );
    drop(server);
    endpoint.shutdown();
}

#[test]
fn prometheus_without_the_flag_scrapes_openmetrics() {
    let Some(prometheus) = require(Tool::Prometheus, "prometheus_without_the_flag_scrapes_openmetrics")
    else {
        return;
    };
    drive_shop(30, 22);
    let endpoint = metricsmith::serve("127.0.0.1:0").expect("serve on an ephemeral loopback port");
    let proxy = RecordingProxy::start(endpoint.local_addr());
    let mut server = PrometheusServer::start(&prometheus, proxy.addr());
    wait_for_the_shop(&mut server);
    assert_answers(&proxy.heads(), &Format::OpenMetrics.content_type().to_ascii_lowercase());
    drop(server);
    endpoint.shutdown();
}
