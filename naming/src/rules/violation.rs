//! One broken rule before the suggestion for the whole name is known, and the
//! correction loop that computes that suggestion.

use std::fmt;

use crate::error::{Fix, NamingError};

/// One broken rule, with its local fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Violation {
    /// What is wrong, naming the metric: "counter `x` must end in `_total`".
    pub(super) problem: String,
    /// Advice placed before the rename, e.g. "record seconds and ". Often empty.
    pub(super) lead: String,
    /// What to write instead, in words, when no corrected name can be computed.
    pub(super) fallback: String,
    /// The name with only this rule fixed, if a fix can be computed.
    pub(super) fix: Option<String>,
}

impl Violation {
    pub(super) fn new(problem: String, fix: Option<String>, fallback: impl Into<String>) -> Self {
        Violation { problem, lead: String::new(), fallback: fallback.into(), fix }
    }

    pub(super) fn with_lead(mut self, lead: impl Into<String>) -> Self {
        self.lead = lead.into();
        self
    }

    /// The error for this violation, given the corrected name of the whole name.
    pub(super) fn into_error(self, suggestion: Option<String>) -> NamingError {
        let fix = match suggestion {
            Some(name) => Fix::Rename { advice: self.lead, name },
            None => Fix::Describe(self.fallback),
        };
        NamingError::new(self.problem, fix)
    }
}

/// Fixes never need many rounds (each removes one problem); the cap only guards
/// against two fixes undoing each other.
const MAX_FIX_ROUNDS: usize = 32;

/// Applies the first violation's fix until no rule fires. `None` when some violation
/// on the way has no computable fix or the fixes do not converge.
pub(super) fn corrected(name: &str, violations: impl Fn(&str) -> Vec<Violation>) -> Option<String> {
    let mut current = name.to_owned();
    for _ in 0..MAX_FIX_ROUNDS {
        match violations(&current).into_iter().next() {
            None => return Some(current),
            Some(violation) => current = violation.fix?,
        }
    }
    None
}

/// Who a name belongs to, as it appears at the start of a message:
/// "counter `x`" or "label `x` of `orders_total`".
pub(super) struct Subject<'a> {
    pub(super) noun: &'static str,
    pub(super) name: &'a str,
    pub(super) owner: &'a str,
}

impl<'a> Subject<'a> {
    pub(super) fn metric(name: &'a str, kind: crate::kind::InstrumentKind) -> Self {
        Subject { noun: kind.describe(), name, owner: "" }
    }

    pub(super) fn label(name: &'a str, owner: &'a str) -> Self {
        Subject { noun: "label", name, owner }
    }
}

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.noun, self.name)?;
        if !self.owner.is_empty() {
            write!(f, " of `{}`", self.owner)?;
        }
        Ok(())
    }
}

/// " of `owner`", or nothing for an empty owner.
pub(super) fn of_owner(owner: &str) -> String {
    if owner.is_empty() {
        String::new()
    } else {
        format!(" of `{owner}`")
    }
}

pub(super) fn non_empty_string(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}
