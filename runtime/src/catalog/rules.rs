//! Prometheus recording and alerting rules for the instrumented functions and HTTP
//! routes, generated from the catalog: call rate, error ratio and p99 latency per
//! function, request rate, 5xx ratio and p99 latency per route.

use std::fmt::Write as _;

use crate::catalog::Catalog;

/// Thresholds and windows of the rules [`Catalog::rules_with`] writes.
///
/// ```
/// let options = metricsmith::RuleOptions { error_ratio: 0.01, ..Default::default() };
/// assert_eq!(options.latency_p99_seconds, 1.0);
/// assert_eq!(options.window, "5m");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOptions {
    /// Alert when more than this fraction of a function's calls fail (`result` is
    /// `error` or `panic`), or of a route's requests get a `5xx` status. Default 0.05.
    pub error_ratio: f64,
    /// Alert when a function's or a route's p99 latency is above this many seconds.
    /// Default 1.
    pub latency_p99_seconds: f64,
    /// The `rate()` window of the recording rules, a PromQL duration. Default `5m`.
    pub window: &'static str,
    /// How long a condition must hold before its alert fires (`for:`). Default `10m`.
    pub alert_after: &'static str,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions { error_ratio: 0.05, latency_p99_seconds: 1.0, window: "5m", alert_after: "10m" }
    }
}

/// The shared families `#[counted]` and `#[timed]` record into (autometrics' names).
const CALLS: &str = metricsmith_naming::FUNCTION_CALLS_TOTAL;
const DURATION: &str = metricsmith_naming::FUNCTION_CALLS_DURATION_SECONDS;
/// The histogram `metricsmith::axum::layer()` and `metricsmith::tower::layer()` record into.
const HTTP_DURATION: &str = "http_server_request_duration_seconds";

impl Catalog {
    /// [`rules_with`](Self::rules_with) the default [`RuleOptions`].
    ///
    /// ```
    /// use metricsmith::counted;
    ///
    /// #[counted]
    /// fn charge() -> Result<(), String> { Ok(()) }
    ///
    /// let yaml = metricsmith::catalog().rules();
    /// assert!(yaml.contains("record: function:function_calls:rate5m"));
    /// assert!(yaml.contains("alert: FunctionErrorRatioHigh"));
    /// ```
    pub fn rules(&self) -> String {
        self.rules_with(&RuleOptions::default())
    }

    /// Prometheus rules as YAML (a `rule_files:` entry of `prometheus.yml`), for the
    /// functions instrumented with `#[counted]` and `#[timed]` into the shared
    /// `function_calls_*` families; every result has the labels `function` and `module`.
    ///
    /// Recording rules (with `window` = `5m`):
    /// - `function:function_calls:rate5m`: calls per second;
    /// - `function:function_calls_errors:ratio_rate5m`: fraction of calls whose
    ///   `result` is `error` or `panic` (0 for a function without such series);
    /// - `function:function_calls_duration_seconds:p99_rate5m`: 99th percentile latency.
    ///
    /// Alerting rules: `FunctionErrorRatioHigh` and `FunctionLatencyP99High`, firing after
    /// `alert_after` above the thresholds. Rules whose family has no series (no function
    /// is `#[counted]`, or none `#[timed]`) are left out.
    ///
    /// With the HTTP layer's families (feature `tower`, see `metricsmith::axum::layer()`),
    /// the same per route, every result labelled `http_route`:
    /// - `http_route:http_server_requests:rate5m`: requests per second;
    /// - `http_route:http_server_requests_errors:ratio_rate5m`: fraction of requests
    ///   answered with a `5xx` status (`http_response_status_code=~"5.."`);
    /// - `http_route:http_server_request_duration_seconds:p99_rate5m`: p99 latency;
    /// - alerts `HttpServerErrorRatioHigh` and `HttpServerLatencyP99High`, with the same
    ///   thresholds.
    ///
    /// Without any of these families the file has no groups (`groups: []`), which
    /// Prometheus accepts.
    ///
    /// ```
    /// use metricsmith::{timed, RuleOptions};
    ///
    /// #[timed]
    /// fn resize() {}
    ///
    /// let options = RuleOptions { latency_p99_seconds: 0.25, window: "1m", ..Default::default() };
    /// let yaml = metricsmith::catalog().rules_with(&options);
    /// assert!(yaml.contains("record: function:function_calls_duration_seconds:p99_rate1m"));
    /// assert!(yaml.contains("> 0.25"));
    /// ```
    pub fn rules_with(&self, options: &RuleOptions) -> String {
        // The `function` values of a shared family, if it has series.
        let functions = |family: &str| -> Option<Vec<&'static str>> {
            let metric = self.get(family).filter(|metric| metric.series > 0)?;
            let function = metric.labels.iter().find(|label| label.name == "function");
            Some(function.map_or_else(Vec::new, |label| label.values.clone()))
        };
        let counted = functions(CALLS);
        let timed = functions(DURATION);
        let mut out = String::new();
        out.push_str(
            "# Prometheus rules for functions instrumented with metricsmith's #[counted] and #[timed],\n\
             # which record into autometrics' families function_calls_total{function,module,result} and\n\
             # function_calls_duration_seconds{function,module}. Generated by metricsmith::catalog().rules().\n",
        );
        for (what, names) in [("counted", &counted), ("timed", &timed)] {
            if let Some(names) = names {
                let _ = writeln!(out, "# {what} functions: {}", names.join(", "));
            }
        }
        // The layer's families are registered with the `tower` feature; their routes come
        // at run time, so their rules are written whether or not they have series yet.
        let http = self.get(HTTP_DURATION).is_some();
        if http {
            out.push_str(
                "# HTTP requests recorded by metricsmith::axum::layer() or metricsmith::tower::layer() into\n\
                 # http_server_request_duration_seconds{http_request_method,http_route,http_response_status_code}.\n",
            );
        }
        if counted.is_none() && timed.is_none() && !http {
            out.push_str("groups: []\n");
            return out;
        }
        out.push_str("groups:\n");
        if counted.is_some() || timed.is_some() {
            function_groups(&mut out, counted.is_some(), timed.is_some(), options);
        }
        if http {
            http_groups(&mut out, options);
        }
        out
    }
}

/// The recording and alerting groups of the function families.
fn function_groups(out: &mut String, counted: bool, timed: bool, options: &RuleOptions) {
    let window = options.window;
    let by = "sum by (function, module)";
    {
        out.push_str("  - name: metricsmith_functions\n    rules:\n");
        if counted {
            let _ = write!(
                out,
                "      - record: function:function_calls:rate{window}\n        expr: {by} (rate({CALLS}[{window}]))\n\
                 \x20     - record: function:function_calls_errors:ratio_rate{window}\n        expr: |\n\
                 \x20         (\n\
                 \x20           {by} (rate({CALLS}{{result=~\"error|panic\"}}[{window}]))\n\
                 \x20           or\n\
                 \x20           0 * {by} (rate({CALLS}[{window}]))\n\
                 \x20         )\n\
                 \x20         /\n\
                 \x20         {by} (rate({CALLS}[{window}]))\n"
            );
        }
        if timed {
            let _ = write!(
                out,
                "      - record: function:{DURATION}:p99_rate{window}\n        expr: histogram_quantile(0.99, sum by (function, module, le) (rate({DURATION}_bucket[{window}])))\n"
            );
        }
        out.push_str("  - name: metricsmith_function_alerts\n    rules:\n");
        let after = options.alert_after;
        if counted {
            let threshold = options.error_ratio;
            let _ = write!(
                out,
                "      - alert: FunctionErrorRatioHigh\n        expr: function:function_calls_errors:ratio_rate{window} > {threshold}\n        for: {after}\n        labels:\n          severity: warning\n        annotations:\n          summary: \"{{{{ $labels.module }}}}::{{{{ $labels.function }}}} fails {{{{ $value | humanizePercentage }}}} of its calls\"\n          description: \"More than {threshold} of the calls of {{{{ $labels.function }}}} in {{{{ $labels.module }}}} ended in an error or a panic over the last {window}.\"\n"
            );
        }
        if timed {
            let threshold = options.latency_p99_seconds;
            let _ = write!(
                out,
                "      - alert: FunctionLatencyP99High\n        expr: function:{DURATION}:p99_rate{window} > {threshold}\n        for: {after}\n        labels:\n          severity: warning\n        annotations:\n          summary: \"{{{{ $labels.module }}}}::{{{{ $labels.function }}}} p99 latency is {{{{ $value | humanizeDuration }}}}\"\n          description: \"The 99th percentile latency of {{{{ $labels.function }}}} in {{{{ $labels.module }}}} was above {threshold}s over the last {window}.\"\n"
            );
        }
    }
}

/// The recording and alerting groups of the HTTP server families, per route: request
/// rate, the fraction answered with a 5xx status, and the p99 latency.
fn http_groups(out: &mut String, options: &RuleOptions) {
    let window = options.window;
    let by = "sum by (http_route)";
    let count = format!("{HTTP_DURATION}_count");
    let _ = write!(
        out,
        "  - name: metricsmith_http\n    rules:\n\
         \x20     - record: http_route:http_server_requests:rate{window}\n        expr: {by} (rate({count}[{window}]))\n\
         \x20     - record: http_route:http_server_requests_errors:ratio_rate{window}\n        expr: |\n\
         \x20         (\n\
         \x20           {by} (rate({count}{{http_response_status_code=~\"5..\"}}[{window}]))\n\
         \x20           or\n\
         \x20           0 * {by} (rate({count}[{window}]))\n\
         \x20         )\n\
         \x20         /\n\
         \x20         {by} (rate({count}[{window}]))\n\
         \x20     - record: http_route:{HTTP_DURATION}:p99_rate{window}\n        expr: histogram_quantile(0.99, sum by (http_route, le) (rate({HTTP_DURATION}_bucket[{window}])))\n"
    );
    let after = options.alert_after;
    let (ratio, latency) = (options.error_ratio, options.latency_p99_seconds);
    let _ = write!(
        out,
        "  - name: metricsmith_http_alerts\n    rules:\n\
         \x20     - alert: HttpServerErrorRatioHigh\n        expr: http_route:http_server_requests_errors:ratio_rate{window} > {ratio}\n        for: {after}\n        labels:\n          severity: warning\n        annotations:\n          summary: \"{{{{ $labels.http_route }}}} answers {{{{ $value | humanizePercentage }}}} of its requests with a 5xx status\"\n          description: \"More than {ratio} of the requests to {{{{ $labels.http_route }}}} got a 5xx status over the last {window}.\"\n\
         \x20     - alert: HttpServerLatencyP99High\n        expr: http_route:{HTTP_DURATION}:p99_rate{window} > {latency}\n        for: {after}\n        labels:\n          severity: warning\n        annotations:\n          summary: \"{{{{ $labels.http_route }}}} p99 latency is {{{{ $value | humanizeDuration }}}}\"\n          description: \"The 99th percentile latency of {{{{ $labels.http_route }}}} was above {latency}s over the last {window}.\"\n"
    );
}
