//! Unit tests of the rules, one file per family of rules. The helpers check, for
//! every error they return, that its suggestion passes every rule and is the name the
//! message ends with.

mod api;
mod charset;
mod snake_case;
mod suffix;
mod tokens;
mod ui_cases;

use super::violation::{Subject, Violation};
use crate::{
    check_duration_histogram_name, check_label_name, check_metric_name, InstrumentKind, NamingError, RenameAs,
};

/// An error as a user reads it when the name is a string: the message, and the
/// suggested name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Shown {
    pub(super) message: String,
    pub(super) suggestion: Option<String>,
}

pub(super) fn shown(error: &NamingError) -> Shown {
    Shown { message: error.render(RenameAs::Name), suggestion: error.suggestion().map(str::to_owned) }
}

/// `check_metric_name`, asserting that every suggestion passes every rule and is
/// the name the message ends with.
pub(super) fn metric_errors(name: &str, kind: InstrumentKind) -> Vec<Shown> {
    let errors: Vec<Shown> = check_metric_name(name, kind).iter().map(shown).collect();
    for error in &errors {
        if let Some(suggestion) = &error.suggestion {
            assert_eq!(
                check_metric_name(suggestion, kind),
                vec![],
                "suggestion for {} `{name}` is itself invalid",
                kind.describe()
            );
            assert!(error.message.ends_with(&format!("name it `{suggestion}`")));
        }
    }
    errors
}

pub(super) fn single_error(name: &str, kind: InstrumentKind) -> Shown {
    let mut errors = metric_errors(name, kind);
    assert_eq!(errors.len(), 1, "expected one error for `{name}`: {errors:?}");
    errors.remove(0)
}

pub(super) fn suggestion(name: &str, kind: InstrumentKind) -> Option<String> {
    let errors = metric_errors(name, kind);
    assert!(!errors.is_empty(), "`{name}` unexpectedly valid");
    errors[0].suggestion.clone()
}

/// The first error of `check_duration_histogram_name`, asserting that its suggestion
/// passes the histogram and the duration rules.
pub(super) fn duration_error(name: &str) -> Option<Shown> {
    let errors: Vec<Shown> = check_duration_histogram_name(name).iter().map(shown).collect();
    for suggestion in errors.iter().filter_map(|error| error.suggestion.as_ref()) {
        assert_eq!(check_metric_name(suggestion, InstrumentKind::Histogram), vec![]);
        assert_eq!(check_duration_histogram_name(suggestion), vec![]);
    }
    errors.into_iter().next()
}

pub(super) fn label_error(label: &str, context: &str) -> Option<Shown> {
    let error = check_label_name(label, context).as_ref().map(shown);
    if let Some(suggestion) = error.as_ref().and_then(|e| e.suggestion.as_ref()) {
        assert_eq!(check_label_name(suggestion, context), None);
    }
    error
}

pub(super) fn gauge(name: &str) -> Subject<'_> {
    Subject::metric(name, InstrumentKind::Gauge)
}

pub(super) fn fix_of(violation: Option<Violation>) -> Option<String> {
    violation.expect("rule should fire").fix
}
