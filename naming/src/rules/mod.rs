//! The style rules for metric names, label names and group prefixes, each reporting
//! every violation with one suggested name.
//!
//! Every rule is a small function that reports at most what it checks, together with
//! the name it would write instead (its local fix). The checkers here collect all
//! violations, then compute one fully corrected name by applying fixes until no rule
//! fires. Every error for a name carries that same corrected name, so whichever
//! message the user follows, the suggested name passes every rule (a suggestion that
//! fixed one rule but broke another would send the user round in circles). When no
//! corrected name can be computed (for example an empty name), the error says in
//! words what to write instead.

mod charset;
mod snake_case;
mod suffix;
mod tokens;
mod violation;

pub use snake_case::to_snake_case;

use crate::error::NamingError;
use crate::kind::InstrumentKind;
use charset::{no_reserved_prefix, non_empty, not_reserved_label, CHARSET_RULES};
use suffix::{duration_in_seconds, info_suffix, no_derived_suffix, time_in_seconds, total_suffix};
use tokens::{base_units, no_type_words};
use violation::{corrected, of_owner, Subject, Violation};

/// Every rule for a metric name (the full name, after any group prefix was joined).
///
/// Returns all violations found, in a stable order: character-set rules first, then
/// `_total`, reserved suffixes, units, metric-type words and a word of time without
/// its unit. An empty vec means the
/// name is valid. Every error carries the same suggestion, which passes all rules.
///
/// ```
/// use metricsmith_naming::{check_metric_name, InstrumentKind, RenameAs};
///
/// assert_eq!(check_metric_name("order_queue_depth", InstrumentKind::Gauge), vec![]);
/// let errors = check_metric_name("payment_latency_ms", InstrumentKind::Histogram);
/// assert_eq!(
///     errors[0].render(RenameAs::Name),
///     "`payment_latency_ms` uses the abbreviated unit `ms`: record seconds and name it `payment_latency_seconds`"
/// );
/// ```
pub fn check_metric_name(name: &str, kind: InstrumentKind) -> Vec<NamingError> {
    let violations = metric_violations(name, kind);
    if violations.is_empty() {
        return Vec::new();
    }
    let suggestion = corrected(name, |n| metric_violations(n, kind));
    violations.into_iter().map(|v| v.into_error(suggestion.clone())).collect()
}

/// Every rule for a histogram filled from durations (`#[timed]`, `observe_duration`):
/// the histogram rules of [`check_metric_name`], and a name ending in `_seconds`.
///
/// The `_seconds` rule is reported on its own only when no other rule fires; either
/// way every error suggests a name that satisfies both.
///
/// ```
/// use metricsmith_naming::check_duration_histogram_name;
///
/// let errors = check_duration_histogram_name("payment_latency");
/// assert_eq!(errors[0].suggestion(), Some("payment_latency_seconds"));
/// assert_eq!(check_duration_histogram_name("payment_latency_seconds"), vec![]);
/// ```
pub fn check_duration_histogram_name(name: &str) -> Vec<NamingError> {
    let violations = histogram_violations_but_time_words(name);
    let duration = duration_in_seconds(name);
    if violations.is_empty() && duration.is_none() {
        return Vec::new();
    }
    let suggestion = corrected(name, duration_histogram_violations);
    match duration {
        Some(duration) if violations.is_empty() => vec![duration.into_error(suggestion)],
        _ => violations.into_iter().map(|v| v.into_error(suggestion.clone())).collect(),
    }
}

/// Label-name rules. `context` is the metric (or type) the label belongs to, used in
/// the message; it may be empty. Reports the first violation only.
///
/// ```
/// use metricsmith_naming::check_label_name;
///
/// assert_eq!(check_label_name("payment_method", "orders_total"), None);
/// let error = check_label_name("le", "orders_total").unwrap();
/// assert_eq!(
///     error.to_string(),
///     "label `le` of `orders_total` is reserved for histogram bucket bounds: choose another label name"
/// );
/// ```
pub fn check_label_name(label: &str, context: &str) -> Option<NamingError> {
    let violation = label_violations(label, context).into_iter().next()?;
    let suggestion = corrected(label, |l| label_violations(l, context));
    Some(violation.into_error(suggestion))
}

/// Rules for a `#[derive(Metrics)]` group's `prefix`, which starts every member's
/// name: the character-set rules (the other rules are checked on each full name).
/// Render the error with [`RenameAs::PrefixOption`](crate::RenameAs::PrefixOption).
///
/// `group` is the group's type name, used in the message; it may be empty.
///
/// ```
/// use metricsmith_naming::{check_group_prefix, RenameAs};
///
/// let error = check_group_prefix("Shop", "ShopMetrics").unwrap();
/// assert_eq!(
///     error.render(RenameAs::PrefixOption),
///     "metric group prefix `Shop` of `ShopMetrics` contains upper case letters, but names are lowercase snake_case: write `prefix = \"shop\"`"
/// );
/// ```
pub fn check_group_prefix(prefix: &str, group: &str) -> Option<NamingError> {
    let violations = |p: &str| {
        let subject = Subject { noun: "metric group prefix", name: p, owner: group };
        CHARSET_RULES.iter().filter_map(|rule| rule(&subject)).collect::<Vec<_>>()
    };
    if prefix.is_empty() {
        let problem = format!("metric group prefix{} is empty", of_owner(group));
        let remove = "remove `prefix = \"\"` for names without a prefix";
        return Some(Violation::new(problem, None, remove).into_error(None));
    }
    let violation = violations(prefix).into_iter().next()?;
    let suggestion = corrected(prefix, violations);
    Some(violation.into_error(suggestion))
}

fn metric_violations(name: &str, kind: InstrumentKind) -> Vec<Violation> {
    let subject = Subject::metric(name, kind);
    // Nothing else can be said about an empty name.
    if let Some(empty) = non_empty(&subject) {
        return vec![empty];
    }
    let mut found: Vec<Violation> = CHARSET_RULES.iter().filter_map(|rule| rule(&subject)).collect();
    found.extend(total_suffix(name, kind));
    found.extend(no_derived_suffix(name, kind));
    found.extend(info_suffix(name, kind));
    found.extend(base_units(name));
    found.extend(no_type_words(name));
    found.extend(time_in_seconds(name, kind));
    found
}

/// The histogram rules but the time-word one, which `duration_in_seconds` (any name must
/// end in `_seconds`) covers in its own words; then that rule.
fn duration_histogram_violations(name: &str) -> Vec<Violation> {
    let mut found = histogram_violations_but_time_words(name);
    found.extend(duration_in_seconds(name));
    found
}

fn histogram_violations_but_time_words(name: &str) -> Vec<Violation> {
    let time_word = time_in_seconds(name, InstrumentKind::Histogram);
    let mut found = metric_violations(name, InstrumentKind::Histogram);
    found.retain(|violation| Some(violation) != time_word.as_ref());
    found
}

fn label_violations(label: &str, context: &str) -> Vec<Violation> {
    let subject = Subject::label(label, context);
    if let Some(empty) = non_empty(&subject) {
        return vec![empty];
    }
    // The specific `__` message goes before the generic leading-`_` one.
    let mut found: Vec<Violation> = no_reserved_prefix(&subject).into_iter().collect();
    found.extend(CHARSET_RULES.iter().filter_map(|rule| rule(&subject)));
    found.extend(not_reserved_label(&subject));
    found
}

#[cfg(test)]
mod tests;
