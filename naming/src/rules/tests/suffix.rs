//! The suffix rules.

use super::*;
use crate::rules::suffix::*;
use crate::InstrumentKind::*;

#[test]
fn total_suffix_rule() {
    assert_eq!(total_suffix("orders_total", Counter), None);
    assert_eq!(total_suffix("orders_total", FloatCounter), None);
    assert_eq!(total_suffix("queue_depth", Gauge), None);
    assert_eq!(fix_of(total_suffix("orders", FloatCounter)).as_deref(), Some("orders_total"));
    assert_eq!(fix_of(total_suffix("queue_depth_total", Gauge)).as_deref(), Some("queue_depth"));
    assert_eq!(fix_of(total_suffix("_total", Gauge)), None);
    assert_eq!(
        single_error("queue_depth_total", Gauge).message,
        "gauge `queue_depth_total` must not end in `_total`, which is reserved for counters: name it `queue_depth`"
    );
    assert_eq!(
        single_error("cpu_seconds", FloatCounter).message,
        "float counter `cpu_seconds` must end in `_total`: name it `cpu_seconds_total`"
    );
    for kind in [Histogram, Summary, StateSet] {
        assert_eq!(suggestion("latency_seconds_total", kind).as_deref(), Some("latency_seconds"));
    }
    assert_eq!(suggestion("build_info_total", Info).as_deref(), Some("build_info"));
}

#[test]
fn no_derived_suffix_rule() {
    assert_eq!(no_derived_suffix("requests_total", Counter), None);
    assert_eq!(no_derived_suffix("build_info", Info), None);
    for (name, fixed) in [
        ("latency_bucket", "latency"),
        ("requests_count", "requests"),
        ("latency_sum", "latency"),
        ("requests_created", "requests"),
        ("build_info", "build"),
        ("requests_count_total", "requests_total"),
    ] {
        assert_eq!(fix_of(no_derived_suffix(name, Gauge)).as_deref(), Some(fixed), "{name}");
    }
    assert_eq!(
        single_error("requests_count_total", Counter).message,
        "counter `requests_count_total` must not use the suffix `_count`, which collides with the `_count` series of histograms and summaries: name it `requests_total`"
    );
    assert_eq!(
        single_error("build_info", Gauge).message,
        "gauge `build_info` must not use the suffix `_info`, which is reserved for info metrics: name it `build`"
    );
    assert_eq!(suggestion("requests_count", Counter).as_deref(), Some("requests_total"));
    assert_eq!(suggestion("rpc_latency_seconds_bucket", Histogram).as_deref(), Some("rpc_latency_seconds"));
    // A counter's family may end in `_created`: its samples end in `_total`.
    assert_eq!(metric_errors("business_orders_created_total", Counter), vec![]);
    assert_eq!(metric_errors("prometheus_tsdb_head_chunks_created_total", FloatCounter), vec![]);
    assert_eq!(
        no_derived_suffix("business_orders_created", Gauge).and_then(|v| v.fix).as_deref(),
        Some("business_orders")
    );
    assert_eq!(suggestion("jobs_created", Histogram).as_deref(), Some("jobs"));
    assert_eq!(suggestion("jobs_count_total", Counter).as_deref(), Some("jobs_total"));
    // A name that is nothing but the suffix is not flagged by this rule.
    assert_eq!(no_derived_suffix("count", Gauge), None);
}

#[test]
fn info_suffix_rule() {
    assert_eq!(info_suffix("build_info", Info), None);
    assert_eq!(info_suffix("build", Gauge), None);
    assert_eq!(info_suffix("build_info_total", Info), None);
    assert_eq!(fix_of(info_suffix("build", Info)).as_deref(), Some("build_info"));
    assert_eq!(
        single_error("build", Info),
        Shown {
            message: "info metric `build` must end in `_info`: name it `build_info`".into(),
            suggestion: Some("build_info".into()),
        }
    );
}

#[test]
fn duration_in_seconds_rule() {
    assert_eq!(duration_in_seconds("payment_gateway_duration_seconds"), None);
    for (name, fixed) in [
        ("payment_latency", "payment_latency_seconds"),
        ("payment_latency_ms", "payment_latency_seconds"),
        ("payment_latency_millis", "payment_latency_seconds"),
        ("payment_latency_milliseconds", "payment_latency_seconds"),
        ("payment_latency_us", "payment_latency_seconds"),
        ("job_runtime_minutes", "job_runtime_seconds"),
        ("request_duration", "request_duration_seconds"),
    ] {
        assert_eq!(fix_of(duration_in_seconds(name)).as_deref(), Some(fixed), "{name}");
    }
    assert_eq!(
        duration_error("payment_latency"),
        Some(Shown {
            message: "histogram `payment_latency` records durations and must end in `_seconds`: name it `payment_latency_seconds`"
                .into(),
            suggestion: Some("payment_latency_seconds".into()),
        })
    );
    // The suggestion also satisfies the general histogram rules.
    assert_eq!(
        duration_error("payment_latency_seconds_total").and_then(|e| e.suggestion).as_deref(),
        Some("payment_latency_seconds")
    );
    assert_eq!(
        duration_error("PaymentLatencyMs").and_then(|e| e.suggestion).as_deref(),
        Some("payment_latency_seconds")
    );
    assert_eq!(duration_error("function_calls_duration_seconds"), None);
}

#[test]
fn every_time_word_last_needs_seconds() {
    for word in TIME_WORDS {
        let name = format!("order_{word}");
        for kind in [Gauge, Histogram, Summary] {
            assert_eq!(
                single_error(&name, kind),
                Shown {
                    message: format!(
                        "{} `{name}` ends in `{word}` but names no unit: record seconds and name it `{name}_seconds`",
                        kind.describe()
                    ),
                    suggestion: Some(format!("{name}_seconds")),
                },
                "{word}"
            );
            assert_eq!(time_in_seconds(&format!("{name}_seconds"), kind), None, "{word}");
            // Not last, the word names no quantity of its own.
            assert_eq!(time_in_seconds(&format!("{word}_queue_depth"), kind), None, "{word}");
        }
    }
    assert_eq!(suggestion("response_time", Histogram).as_deref(), Some("response_time_seconds"));
    assert_eq!(suggestion("oldest_order_age", Gauge).as_deref(), Some("oldest_order_age_seconds"));
}

#[test]
fn a_counter_of_time_names_its_unit_before_total() {
    for word in ["time", "duration", "latency", "elapsed", "age", "uptime"] {
        let name = format!("cpu_{word}_total");
        for kind in [Counter, FloatCounter] {
            assert_eq!(suggestion(&name, kind), Some(format!("cpu_{word}_seconds_total")), "{word}");
        }
    }
    assert_eq!(
        single_error("cpu_time_total", Counter).message,
        "counter `cpu_time_total` ends in `time` but names no unit: record seconds and name it `cpu_time_seconds_total`"
    );
    assert_eq!(metric_errors("node_disk_io_time_seconds_total", Counter), vec![]);
    // Counters of waits and delays count events (node_exporter's
    // `node_infiniband_port_transmit_wait_total`, `..._jukebox_delay_total`).
    for name in ["port_transmit_wait_total", "nfs_event_jukebox_delay_total"] {
        assert_eq!(metric_errors(name, Counter), vec![], "{name}");
        assert_eq!(metric_errors(name, FloatCounter), vec![], "{name}");
    }
}

#[test]
fn time_words_are_whole_words_and_only_for_quantities() {
    for name in ["job_runtime", "request_timeout", "orders_waiting", "time", "agent_ages"] {
        for kind in [Gauge, Histogram] {
            assert_eq!(time_in_seconds(name, kind), None, "{name}");
        }
    }
    assert_eq!(metric_errors("build_info", Info), vec![]);
    assert_eq!(time_in_seconds("session_age", StateSet), None);
    assert_eq!(time_in_seconds("session_age_info", Info), None);
    // With another broken rule, the one suggestion passes both.
    assert_eq!(suggestion("response_time_total", Gauge).as_deref(), Some("response_time_seconds"));
    assert_eq!(suggestion("ResponseTime", Histogram).as_deref(), Some("response_time_seconds"));
    assert_eq!(suggestion("response_time_ms", Histogram).as_deref(), Some("response_time_seconds"));
}

#[test]
fn a_timed_histogram_keeps_its_own_message() {
    assert_eq!(
        duration_error("charge_duration").map(|error| error.message).as_deref(),
        Some("histogram `charge_duration` records durations and must end in `_seconds`: name it `charge_duration_seconds`")
    );
    assert_eq!(check_duration_histogram_name("charge_duration").len(), 1);
}
