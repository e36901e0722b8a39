//! `name`, `labels`, `buckets`, `help`, `max_series` and `metric = STATIC`.
#![deny(warnings)]

use metricsmith::{counted, in_flight, metric, timed, CallResult, Counter, Gauge, Histogram, LabelValue};

#[derive(LabelValue, Clone, Copy)]
#[label(name = "method")]
enum PaymentMethod {
    Card,
    Wallet,
}

#[derive(LabelValue, Clone, Copy)]
enum Channel {
    Web,
    App,
}

/// Gateway latency, by payment method and channel.
#[metric(buckets = [0.1, 1.0])]
static GATEWAY_DURATION_SECONDS: Histogram<(PaymentMethod, Channel)>;

/// Gateway calls, by payment method and result.
#[metric]
static GATEWAY_CALLS_TOTAL: Counter<(PaymentMethod, CallResult)>;

/// Gateway calls in progress, by channel.
#[metric]
static GATEWAY_CALLS_IN_PROGRESS: Gauge<Channel>;

#[timed(metric = GATEWAY_DURATION_SECONDS, labels(method = method, channel = channel))]
#[counted(metric = GATEWAY_CALLS_TOTAL, labels(method = method))]
#[in_flight(metric = GATEWAY_CALLS_IN_PROGRESS, labels(channel = channel))]
fn call_gateway(method: PaymentMethod, channel: &&Channel) -> Result<(), String> {
    let _ = (method, channel);
    Ok(())
}

#[timed(name = "charge_duration_seconds", buckets = [0.01, 0.1, 1], help = "Charge latency.", max_series = 100)]
#[counted(name = "charges_total", labels(method = method, express = express))]
#[in_flight(name = "charges_in_flight", labels(r#type = method))]
fn charge(method: &PaymentMethod, express: bool) {
    let _ = (method, express);
}

fn main() {
    call_gateway(PaymentMethod::Wallet, &&Channel::App).unwrap();
    charge(&PaymentMethod::Card, true);
    assert_eq!(GATEWAY_DURATION_SECONDS.labels((PaymentMethod::Wallet, Channel::App)).count(), 1);
    assert_eq!(GATEWAY_CALLS_TOTAL.labels((PaymentMethod::Wallet, CallResult::Ok)).get(), 1);
    assert_eq!(GATEWAY_CALLS_IN_PROGRESS.labels(Channel::App).get(), 0.0);
    let mut out = Vec::new();
    metricsmith::render(metricsmith::Format::Prometheus, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("# HELP charge_duration_seconds Charge latency.\n"));
    assert!(text.contains("charge_duration_seconds_bucket{le=\"0.01\"} 1\n"));
    assert!(text.contains("charges_total{method=\"card\",express=\"true\",result=\"ok\"} 1\n"));
    assert!(text.contains("charges_in_flight{type=\"wallet\"} 0\n"));
    let _ = (PaymentMethod::Card, Channel::Web);
}
