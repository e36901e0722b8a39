//! `promtool check metrics` (Debian package `prometheus`) finds nothing to complain
//! about in the shop scenario's exposition: zero findings, not just exit 0.
//!
//! Only text format 0.0.4: promtool lints with the 0.0.4 parser, which cannot read
//! OpenMetrics (`# TYPE x info` is a parse error, and a counter's `x_total` samples do
//! not match its `# TYPE x counter` line). Python's OpenMetrics parser and the real
//! Prometheus server (which scrapes OpenMetrics) check that format instead.

use metricsmith::Format;
use metricsmith_tests::{drive_shop, promtool_check_metrics, render_text, require, Tool};

#[test]
fn promtool_finds_nothing_in_the_shop_exposition() {
    let Some(promtool) = require(Tool::Promtool, "promtool_finds_nothing_in_the_shop_exposition") else {
        return;
    };
    // Leaves some orders in the queue, so the gauge is not at its start value.
    drive_shop(200, 180);

    let text = render_text(Format::Prometheus);
    assert!(text.contains("payment_gateway_duration_seconds_bucket{"), "the shop is registered:\n{text}");
    let report = promtool_check_metrics(&promtool, &text);
    assert!(
        report.success && report.findings.is_empty(),
        "promtool check metrics reported (exit ok: {}):\n{}\n--- input ---\n{text}",
        report.success,
        report.findings
    );
}
