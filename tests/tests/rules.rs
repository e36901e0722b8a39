//! The Prometheus rules generated from the catalog (`catalog().rules()`): `promtool check
//! rules` accepts them, and `promtool test rules` evaluates them on known series — the
//! recorded call rate, error ratio and p99 latency per function and per HTTP route have
//! the expected values, and the alerts fire (with their labels and annotations) when
//! the thresholds are crossed and stay silent otherwise. (This binary has the HTTP
//! layer's families: the tests crate turns on the `axum` feature.)

use std::path::Path;
use std::process::Command;

use metricsmith::RuleOptions;
use metricsmith_tests::{require, Tool};

/// Instrumented in this binary, so the catalog has the shared function families (the
/// shop's `charge` is linked through the test library too).
#[metricsmith::timed]
#[metricsmith::counted]
fn reconcile(fail: bool) -> Result<(), String> {
    if fail {
        Err("mismatch".to_owned())
    } else {
        Ok(())
    }
}

fn promtool(promtool: &Path, args: &[&str], dir: &Path) -> (bool, String) {
    let output = Command::new(promtool).args(args).current_dir(dir).output().expect("run promtool");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn generated_rules_name_every_instrumented_function_family() {
    reconcile(false).unwrap();
    let yaml = metricsmith::catalog().rules();
    assert!(yaml.contains("# counted functions: ") && yaml.contains("reconcile"), "{yaml}");
    for name in [
        "record: function:function_calls:rate5m",
        "record: function:function_calls_errors:ratio_rate5m",
        "record: function:function_calls_duration_seconds:p99_rate5m",
        "alert: FunctionErrorRatioHigh",
        "alert: FunctionLatencyP99High",
        "record: http_route:http_server_requests:rate5m",
        "record: http_route:http_server_requests_errors:ratio_rate5m",
        "record: http_route:http_server_request_duration_seconds:p99_rate5m",
        "alert: HttpServerErrorRatioHigh",
        "alert: HttpServerLatencyP99High",
    ] {
        assert_eq!(yaml.matches(name).count(), 1, "{name} once in:\n{yaml}");
    }
}

#[test]
fn promtool_accepts_the_generated_rules() {
    let Some(promtool_path) = require(Tool::Promtool, "promtool_accepts_the_generated_rules") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let options =
        RuleOptions { error_ratio: 0.01, latency_p99_seconds: 0.25, window: "1m", alert_after: "2m" };
    for (file, yaml) in [
        ("default.yml", metricsmith::catalog().rules()),
        ("custom.yml", metricsmith::catalog().rules_with(&options)),
    ] {
        std::fs::write(dir.path().join(file), &yaml).expect("write the rules");
        let (success, output) = promtool(&promtool_path, &["check", "rules", file], dir.path());
        assert!(success && output.contains("SUCCESS: 10 rules found"), "{output}\n--- {file} ---\n{yaml}");
    }
}

/// Per-minute samples for `promtool test rules`: `charge` makes 60 calls a minute, 6 of
/// them errors, most taking between 1 and 2.5 s; `resize` makes 60 fast, successful calls.
const TEST_FILE: &str = r#"rule_files:
  - rules.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'function_calls_total{function="charge",module="shop",result="ok"}'
        values: '0+54x30'
      - series: 'function_calls_total{function="charge",module="shop",result="error"}'
        values: '0+6x30'
      - series: 'function_calls_total{function="charge",module="shop",result="panic"}'
        values: '0+0x30'
      - series: 'function_calls_total{function="resize",module="img",result="ok"}'
        values: '0+60x30'
      - series: 'function_calls_duration_seconds_bucket{function="charge",module="shop",le="1"}'
        values: '0+0x30'
      - series: 'function_calls_duration_seconds_bucket{function="charge",module="shop",le="2.5"}'
        values: '0+60x30'
      - series: 'function_calls_duration_seconds_bucket{function="charge",module="shop",le="+Inf"}'
        values: '0+60x30'
      - series: 'function_calls_duration_seconds_bucket{function="resize",module="img",le="0.1"}'
        values: '0+60x30'
      - series: 'function_calls_duration_seconds_bucket{function="resize",module="img",le="+Inf"}'
        values: '0+60x30'
      - series: 'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/orders/{id}",http_response_status_code="200"}'
        values: '0+48x30'
      - series: 'http_server_request_duration_seconds_count{http_request_method="GET",http_route="/orders/{id}",http_response_status_code="503"}'
        values: '0+12x30'
      - series: 'http_server_request_duration_seconds_count{http_request_method="POST",http_route="/orders",http_response_status_code="201"}'
        values: '0+120x30'
      - series: 'http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/orders/{id}",http_response_status_code="200",le="0.5"}'
        values: '0+0x30'
      - series: 'http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/orders/{id}",http_response_status_code="200",le="2.5"}'
        values: '0+48x30'
      - series: 'http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/orders/{id}",http_response_status_code="200",le="+Inf"}'
        values: '0+48x30'
      - series: 'http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/orders/{id}",http_response_status_code="503",le="0.5"}'
        values: '0+0x30'
      - series: 'http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/orders/{id}",http_response_status_code="503",le="2.5"}'
        values: '0+12x30'
      - series: 'http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/orders/{id}",http_response_status_code="503",le="+Inf"}'
        values: '0+12x30'
      - series: 'http_server_request_duration_seconds_bucket{http_request_method="POST",http_route="/orders",http_response_status_code="201",le="0.1"}'
        values: '0+120x30'
      - series: 'http_server_request_duration_seconds_bucket{http_request_method="POST",http_route="/orders",http_response_status_code="201",le="+Inf"}'
        values: '0+120x30'
    promql_expr_test:
      - expr: function:function_calls:rate5m
        eval_time: 20m
        exp_samples:
          - labels: 'function:function_calls:rate5m{function="charge",module="shop"}'
            value: 1
          - labels: 'function:function_calls:rate5m{function="resize",module="img"}'
            value: 1
      - expr: function:function_calls_errors:ratio_rate5m
        eval_time: 20m
        exp_samples:
          - labels: 'function:function_calls_errors:ratio_rate5m{function="charge",module="shop"}'
            value: 0.1
          - labels: 'function:function_calls_errors:ratio_rate5m{function="resize",module="img"}'
            value: 0
      - expr: function:function_calls_duration_seconds:p99_rate5m
        eval_time: 20m
        exp_samples:
          - labels: 'function:function_calls_duration_seconds:p99_rate5m{function="charge",module="shop"}'
            value: 2.485
          - labels: 'function:function_calls_duration_seconds:p99_rate5m{function="resize",module="img"}'
            value: 0.099
      - expr: http_route:http_server_requests:rate5m
        eval_time: 20m
        exp_samples:
          - labels: 'http_route:http_server_requests:rate5m{http_route="/orders/{id}"}'
            value: 1
          - labels: 'http_route:http_server_requests:rate5m{http_route="/orders"}'
            value: 2
      - expr: http_route:http_server_requests_errors:ratio_rate5m
        eval_time: 20m
        exp_samples:
          - labels: 'http_route:http_server_requests_errors:ratio_rate5m{http_route="/orders/{id}"}'
            value: 0.2
          - labels: 'http_route:http_server_requests_errors:ratio_rate5m{http_route="/orders"}'
            value: 0
      - expr: http_route:http_server_request_duration_seconds:p99_rate5m
        eval_time: 20m
        exp_samples:
          - labels: 'http_route:http_server_request_duration_seconds:p99_rate5m{http_route="/orders/{id}"}'
            value: 2.48
          - labels: 'http_route:http_server_request_duration_seconds:p99_rate5m{http_route="/orders"}'
            value: 0.099
    alert_rule_test:
      - alertname: FunctionErrorRatioHigh
        eval_time: 5m
      - alertname: FunctionErrorRatioHigh
        eval_time: 20m
        exp_alerts:
          - exp_labels:
              severity: warning
              function: charge
              module: shop
            exp_annotations:
              summary: "shop::charge fails 10% of its calls"
              description: "More than 0.05 of the calls of charge in shop ended in an error or a panic over the last 5m."
      - alertname: FunctionLatencyP99High
        eval_time: 20m
        exp_alerts:
          - exp_labels:
              severity: warning
              function: charge
              module: shop
            exp_annotations:
              summary: "shop::charge p99 latency is 2.485s"
              description: "The 99th percentile latency of charge in shop was above 1s over the last 5m."
      - alertname: HttpServerErrorRatioHigh
        eval_time: 5m
      - alertname: HttpServerErrorRatioHigh
        eval_time: 20m
        exp_alerts:
          - exp_labels:
              severity: warning
              http_route: /orders/{id}
            exp_annotations:
              summary: "/orders/{id} answers 20% of its requests with a 5xx status"
              description: "More than 0.05 of the requests to /orders/{id} got a 5xx status over the last 5m."
      - alertname: HttpServerLatencyP99High
        eval_time: 20m
        exp_alerts:
          - exp_labels:
              severity: warning
              http_route: /orders/{id}
            exp_annotations:
              summary: "/orders/{id} p99 latency is 2.48s"
              description: "The 99th percentile latency of /orders/{id} was above 1s over the last 5m."
"#;

#[test]
fn promtool_evaluates_the_generated_rules_to_the_expected_values_and_alerts() {
    let Some(promtool_path) =
        require(Tool::Promtool, "promtool_evaluates_the_generated_rules_to_the_expected_values_and_alerts")
    else {
        return;
    };
    reconcile(true).unwrap_err();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("rules.yml"), metricsmith::catalog().rules()).expect("write the rules");
    std::fs::write(dir.path().join("test.yml"), TEST_FILE).expect("write the test");
    let (success, output) = promtool(&promtool_path, &["test", "rules", "test.yml"], dir.path());
    assert!(success && output.contains("SUCCESS"), "promtool test rules:\n{output}");
}
