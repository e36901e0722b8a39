//! The public checkers: valid names, exact messages, ordering, odd input.

use super::*;
use crate::InstrumentKind::*;
use crate::{check_group_prefix, to_snake_case};

#[test]
fn valid_names_pass() {
    let valid = [
        ("sms_sent_total", Counter),
        ("hourly_reports_total", Counter),
        ("mbox_messages_total", Counter),
        ("http_requests_total", Counter),
        ("process_cpu_seconds_total", FloatCounter),
        ("process_resident_memory_bytes", Gauge),
        ("build_info", Info),
        ("function_calls_duration_seconds", Histogram),
        ("function_calls_concurrent", Gauge),
        ("payment_gateway_duration_seconds", Histogram),
        ("order_queue_depth", Gauge),
        ("orders_processed_total", Counter),
        ("function_calls_total", Counter),
        ("process_start_time_seconds", Gauge),
        ("rpc_duration_seconds", Summary),
        ("order_state", StateSet),
        ("http2_streams", Gauge),
        ("last_minute_orders_total", Counter),
        ("orders_per_day_of_week", Gauge),
        ("room_temperature_celsius", Gauge),
        ("payload_size_bytes", Histogram),
    ];
    for (name, kind) in valid {
        assert_eq!(check_metric_name(name, kind), vec![], "{name}");
    }
    assert_eq!(check_duration_histogram_name("function_calls_duration_seconds"), vec![]);
    assert_eq!(check_duration_histogram_name("payment_gateway_duration_seconds"), vec![]);
}

#[test]
fn design_examples_exact_messages() {
    assert_eq!(
        single_error("orders_processed", Counter),
        Shown {
            message: "counter `orders_processed` must end in `_total`: name it `orders_processed_total`"
                .into(),
            suggestion: Some("orders_processed_total".into()),
        }
    );
    assert_eq!(
        single_error("payment_latency_ms", Gauge).message,
        "`payment_latency_ms` uses the abbreviated unit `ms`: record seconds and name it `payment_latency_seconds`"
    );
}

#[test]
fn all_violations_in_stable_order_with_one_suggestion() {
    let errors = metric_errors("Requests_Counter_MS", Counter);
    let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "counter `Requests_Counter_MS` contains upper case letters, but names are lowercase snake_case: name it `requests_seconds_total`",
            "counter `Requests_Counter_MS` must end in `_total`: name it `requests_seconds_total`",
        ]
    );
    let errors = metric_errors("requests_counter_ms", Counter);
    assert_eq!(errors.len(), 3);
    assert!(errors[0].message.starts_with("counter `requests_counter_ms` must end in `_total`"));
    assert!(errors[1].message.starts_with("`requests_counter_ms` uses the abbreviated unit `ms`"));
    assert!(errors[2].message.starts_with("`requests_counter_ms` contains the metric type word"));
    assert!(errors.iter().all(|e| e.suggestion.as_deref() == Some("requests_seconds_total")));
}

#[test]
fn odd_input_does_not_panic() {
    for name in ["", "_", "__", ":", "é", "ÉTÉ", "1", "_1_", "total", "counter", "a\u{0}b", "`"] {
        for kind in [Counter, FloatCounter, Gauge, Histogram, Summary, Info, StateSet] {
            let _ = metric_errors(name, kind);
        }
        let _ = duration_error(name);
        let _ = label_error(name, "");
        let _ = to_snake_case(name);
    }
}

#[test]
fn uncomputable_suggestion_says_what_to_do() {
    let error = single_error("gauge", Gauge);
    assert_eq!(
        error.message,
        "`gauge` contains the metric type word `gauge`: the type is in the metadata, name what is measured instead"
    );
    assert_eq!(error.suggestion, None);
    // One unfixable problem leaves every error for the name without a suggestion.
    let errors = metric_errors("_", Counter);
    assert_eq!(errors.len(), 3);
    assert!(errors.iter().all(|e| e.suggestion.is_none()));
}

#[test]
fn label_names() {
    for label in ["method", "payment_method", "outcome", "function", "module", "result", "http2"] {
        assert_eq!(check_label_name(label, "orders_total"), None, "{label}");
    }
    assert_eq!(
        label_error("PaymentMethod", "OrderLabels"),
        Some(Shown {
            message: "label `PaymentMethod` of `OrderLabels` contains upper case letters, but names are lowercase snake_case: name it `payment_method`"
                .into(),
            suggestion: Some("payment_method".into()),
        })
    );
    assert_eq!(label_error("method:", "").and_then(|e| e.suggestion).as_deref(), Some("method"));
    // Lowercasing lands on a reserved name: no suggestion, say what to do instead.
    assert_eq!(
        label_error("LE", "").map(|e| e.message),
        Some("label `LE` contains upper case letters, but names are lowercase snake_case: write it in lowercase snake_case".into())
    );
}

#[test]
fn group_prefix_rules() {
    for prefix in ["shop", "shop_berlin", "http2"] {
        assert_eq!(check_group_prefix(prefix, "ShopMetrics"), None, "{prefix}");
    }
    let prefix_error = |prefix, group| {
        check_group_prefix(prefix, group).map(|error| Shown {
            message: error.render(RenameAs::PrefixOption),
            suggestion: error.suggestion().map(str::to_owned),
        })
    };
    assert_eq!(
        prefix_error("Shop-Berlin", "ShopMetrics"),
        Some(Shown {
            message: "metric group prefix `Shop-Berlin` of `ShopMetrics` contains `-`, but names allow only lowercase letters, digits and `_`: write `prefix = \"shop_berlin\"`"
                .into(),
            suggestion: Some("shop_berlin".into()),
        })
    );
    let fixed = |prefix| prefix_error(prefix, "").and_then(|e| e.suggestion);
    assert_eq!(fixed("shop_").as_deref(), Some("shop"));
    assert_eq!(fixed("shop:eu").as_deref(), Some("shop_eu"));
    assert_eq!(fixed("_shop").as_deref(), Some("shop"));
    assert_eq!(fixed("Shop").as_deref(), Some("shop"));
    assert_eq!(fixed("42"), None);
    assert_eq!(
        prefix_error("", "ShopMetrics").map(|e| e.message),
        Some("metric group prefix of `ShopMetrics` is empty: remove `prefix = \"\"` for names without a prefix".into())
    );
}

#[test]
fn names_passing_the_style_rules_pass_prometheus_syntax() {
    use crate::{is_label_name, is_metric_name};
    let names = [
        "orders_total",
        "a",
        "http2_streams",
        "x_info",
        "_",
        "__x",
        "a:b",
        "A",
        "9",
        "a-b",
        "é",
        "",
        "le",
        "queue_depth",
        "build_info",
        "ab_c_total",
        "trace_id",
    ];
    for name in names {
        for kind in InstrumentKind::ALL {
            if check_metric_name(name, kind).is_empty() {
                assert!(is_metric_name(name), "{name}");
            }
        }
        if check_label_name(name, "").is_none() {
            assert!(is_label_name(name), "{name}");
        }
    }
    // And every suggestion does too.
    for name in names {
        for error in check_metric_name(name, Counter) {
            assert!(error.suggestion().is_none_or(is_metric_name), "{name}");
        }
        if let Some(error) = check_label_name(name, "") {
            assert!(error.suggestion().is_none_or(is_label_name), "{name}");
        }
    }
}
