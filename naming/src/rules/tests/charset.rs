//! The character-set rules.

use super::*;
use crate::rules::charset::*;
use crate::rules::violation::Subject;
use crate::InstrumentKind::*;

#[test]
fn non_empty_rule() {
    assert_eq!(non_empty(&gauge("x")), None);
    assert!(non_empty(&gauge("")).is_some());
    assert_eq!(
        metric_errors("", Counter),
        vec![Shown {
            message: "counter name must not be empty: use lowercase letters, digits and `_`, starting with a letter"
                .into(),
            suggestion: None,
        }]
    );
    assert_eq!(
        label_error("", "orders_total").map(|e| e.message),
        Some("label name of `orders_total` must not be empty: use lowercase letters, digits and `_`, starting with a letter".into())
    );
}

#[test]
fn allowed_characters_rule() {
    assert_eq!(allowed_characters(&gauge("Queue:depth_2")), None);
    assert_eq!(fix_of(allowed_characters(&gauge("queue-depth"))).as_deref(), Some("queue_depth"));
    assert_eq!(fix_of(allowed_characters(&gauge("queue.depth é"))).as_deref(), Some("queue_depth__"));
    assert_eq!(
        single_error("orders-processed_total", Counter).message,
        "counter `orders-processed_total` contains `-`, but names allow only lowercase letters, digits and `_`: name it `orders_processed_total`"
    );
    assert_eq!(suggestion("queue depth", Gauge).as_deref(), Some("queue_depth"));
    assert_eq!(suggestion("températures_celsius", Gauge).as_deref(), Some("temp_ratures_celsius"));
}

#[test]
fn no_colon_rule() {
    assert_eq!(no_colon(&gauge("queue_depth")), None);
    assert_eq!(
        fix_of(no_colon(&gauge("job:http_requests:rate5m"))).as_deref(),
        Some("job_http_requests_rate5m")
    );
    assert_eq!(
        single_error("job:requests", Gauge).message,
        "gauge `job:requests` contains `:`, which is reserved for recording rules: name it `job_requests`"
    );
    assert_eq!(suggestion("job::requests_total", Counter).as_deref(), Some("job_requests_total"));
}

#[test]
fn lowercase_rule() {
    assert_eq!(lowercase(&gauge("queue_depth")), None);
    assert_eq!(fix_of(lowercase(&gauge("ORDER_QUEUE_DEPTH"))).as_deref(), Some("order_queue_depth"));
    assert_eq!(fix_of(lowercase(&gauge("orderQueueDepth"))).as_deref(), Some("order_queue_depth"));
    assert_eq!(
        single_error("OrdersProcessed_total", Counter).message,
        "counter `OrdersProcessed_total` contains upper case letters, but names are lowercase snake_case: name it `orders_processed_total`"
    );
    assert_eq!(suggestion("HTTPRequests", Counter).as_deref(), Some("http_requests_total"));
}

#[test]
fn no_leading_underscore_rule() {
    assert_eq!(no_leading_underscore(&gauge("depth")), None);
    assert_eq!(fix_of(no_leading_underscore(&gauge("__depth"))).as_deref(), Some("depth"));
    assert_eq!(fix_of(no_leading_underscore(&gauge("___"))), None);
    assert_eq!(
        single_error("_queue_depth", Gauge).message,
        "gauge `_queue_depth` starts with `_`, but names start with a letter: name it `queue_depth`"
    );
}

#[test]
fn no_reserved_prefix_rule() {
    let label = |name| Subject::label(name, "x");
    assert_eq!(no_reserved_prefix(&label("_method")), None);
    assert_eq!(no_reserved_prefix(&label("method")), None);
    assert_eq!(fix_of(no_reserved_prefix(&label("__method"))).as_deref(), Some("method"));
    assert_eq!(
        label_error("__name__", "orders_total"),
        Some(Shown {
            message: "label `__name__` of `orders_total` starts with `__`, which is reserved for prometheus internals: name it `name`"
                .into(),
            suggestion: Some("name".into()),
        })
    );
}

#[test]
fn no_leading_digit_rule() {
    assert_eq!(no_leading_digit(&gauge("http2_streams")), None);
    assert_eq!(
        fix_of(no_leading_digit(&gauge("5xx_responses_total"))).as_deref(),
        Some("responses_5xx_total")
    );
    assert_eq!(fix_of(no_leading_digit(&gauge("2_fa_enabled"))).as_deref(), Some("fa_enabled_2"));
    assert_eq!(fix_of(no_leading_digit(&gauge("42"))), None);
    assert_eq!(
        single_error("5xx_responses_total", Counter).message,
        "counter `5xx_responses_total` starts with a digit, but names start with a letter: name it `responses_5xx_total`"
    );
    assert_eq!(
        single_error("404", Gauge).message,
        "gauge `404` starts with a digit, but names start with a letter: start it with a letter"
    );
}

#[test]
fn no_double_underscore_rule() {
    assert_eq!(no_double_underscore(&gauge("queue_depth")), None);
    assert_eq!(fix_of(no_double_underscore(&gauge("queue___depth"))).as_deref(), Some("queue_depth"));
    assert_eq!(
        single_error("queue__depth", Gauge).message,
        "gauge `queue__depth` contains `__`, but words are separated by a single `_`: separate words with a single `_` and name it `queue_depth`"
    );
}

#[test]
fn no_trailing_underscore_rule() {
    assert_eq!(no_trailing_underscore(&gauge("queue_depth")), None);
    assert_eq!(fix_of(no_trailing_underscore(&gauge("queue_depth_"))).as_deref(), Some("queue_depth"));
    assert_eq!(
        single_error("queue_depth_", Gauge).message,
        "gauge `queue_depth_` ends in `_`, but names end with a letter or digit: name it `queue_depth`"
    );
    // Here the `_total` rule fires too, and both errors suggest the same name.
    let errors = metric_errors("orders_total_", Counter);
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().all(|e| e.suggestion.as_deref() == Some("orders_total")));
}

#[test]
fn not_reserved_label_rule() {
    let label = |name| Subject::label(name, "x");
    assert_eq!(not_reserved_label(&label("level")), None);
    assert!(not_reserved_label(&label("le")).is_some());
    assert!(not_reserved_label(&label("quantile")).is_some());
    assert_eq!(
        label_error("le", "payment_gateway_duration_seconds"),
        Some(Shown {
            message: "label `le` of `payment_gateway_duration_seconds` is reserved for histogram bucket bounds: choose another label name"
                .into(),
            suggestion: None,
        })
    );
    assert_eq!(
        label_error("quantile", "").map(|e| e.message),
        Some("label `quantile` is reserved for summary quantiles: choose another label name".into())
    );
}
