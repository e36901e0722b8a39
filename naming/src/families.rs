//! The shared families `#[counted]`, `#[timed]` and `#[in_flight]` record into when
//! a function has no metric of its own (autometrics' names, so its dashboards work).

/// `#[counted]`'s counter: calls by `function`, `module` and `result`.
pub const FUNCTION_CALLS_TOTAL: &str = "function_calls_total";

/// `#[timed]`'s histogram: call durations by `function` and `module`.
pub const FUNCTION_CALLS_DURATION_SECONDS: &str = "function_calls_duration_seconds";

/// `#[in_flight]`'s gauge: calls in progress by `function` and `module`.
pub const FUNCTION_CALLS_CONCURRENT: &str = "function_calls_concurrent";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check_duration_histogram_name, check_metric_name, InstrumentKind};

    #[test]
    fn the_shared_families_follow_the_rules() {
        assert_eq!(check_metric_name(FUNCTION_CALLS_TOTAL, InstrumentKind::Counter), vec![]);
        assert_eq!(check_duration_histogram_name(FUNCTION_CALLS_DURATION_SECONDS), vec![]);
        assert_eq!(check_metric_name(FUNCTION_CALLS_CONCURRENT, InstrumentKind::Gauge), vec![]);
    }
}
