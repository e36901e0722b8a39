// Unit and type words are matched as whole `_`-separated tokens, so these names, which
// contain `s`, `ms`, `h`, `min` or `b` inside longer words, are valid.
use metricsmith::{metric, Counter, Format, Histogram};

/// Text messages sent to customers.
#[metric]
static SMS_SENT_TOTAL: Counter;

/// Hourly reports generated.
#[metric]
static HOURLY_REPORTS_TOTAL: Counter;

/// Messages delivered to mailboxes.
#[metric]
static MBOX_MESSAGES_TOTAL: Counter;

/// Fastest request latency seen in each reporting window.
#[metric(buckets = [0.001, 0.01, 0.1])]
static LATENCY_MIN_SECONDS: Histogram;

fn main() {
    SMS_SENT_TOTAL.inc();
    HOURLY_REPORTS_TOTAL.inc_by(2);
    MBOX_MESSAGES_TOTAL.inc_by(3);
    LATENCY_MIN_SECONDS.observe(0.005);
    assert_eq!(SMS_SENT_TOTAL.get(), 1);
    assert_eq!(HOURLY_REPORTS_TOTAL.get(), 2);
    assert_eq!(MBOX_MESSAGES_TOTAL.get(), 3);
    assert_eq!(LATENCY_MIN_SECONDS.count(), 1);

    metricsmith_ui_tests::assert_scrape_contains(
        Format::Prometheus,
        &[
            "sms_sent_total 1\n",
            "hourly_reports_total 2\n",
            "mbox_messages_total 3\n",
            "latency_min_seconds_bucket{le=\"0.01\"} 1\n",
        ],
    );
}
