//! Character-set rules, shared by metric names, label names and group prefixes:
//! lowercase snake_case, `[a-z][a-z0-9_]*`. Prometheus' syntax allows more (upper
//! case, a leading `_`, `:` in metric names); these rules keep names conventional.

use super::snake_case::to_snake_case;
use super::violation::{non_empty_string, of_owner, Subject, Violation};
use crate::syntax::{is_metric_name_char, is_reserved_label_name};

pub(super) type CharsetRule = fn(&Subject<'_>) -> Option<Violation>;

/// The rules shared by metric and label names, in reporting order.
pub(super) const CHARSET_RULES: &[CharsetRule] = &[
    allowed_characters,
    no_colon,
    lowercase,
    no_leading_underscore,
    no_leading_digit,
    no_double_underscore,
    no_trailing_underscore,
];

pub(super) fn non_empty(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.is_empty() {
        return None;
    }
    let problem = format!("{} name{} must not be empty", subject.noun, of_owner(subject.owner));
    Some(Violation::new(problem, None, "use lowercase letters, digits and `_`, starting with a letter"))
}

/// Characters outside Prometheus' metric-name syntax. Case and `:` have rules of
/// their own, so for a label name a `:` is reported by [`no_colon`].
pub(super) fn allowed_characters(subject: &Subject<'_>) -> Option<Violation> {
    let bad = subject.name.chars().find(|&c| !is_metric_name_char(c))?;
    let fix: String = subject.name.chars().map(|c| if is_metric_name_char(c) { c } else { '_' }).collect();
    Some(Violation::new(
        format!(
            "{subject} contains `{}`, but names allow only lowercase letters, digits and `_`",
            bad.escape_debug()
        ),
        Some(fix),
        "use only lowercase letters, digits and `_`",
    ))
}

pub(super) fn no_colon(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.contains(':') {
        return None;
    }
    // Colons are reserved for names produced by recording rules.
    Some(Violation::new(
        format!("{subject} contains `:`, which is reserved for recording rules"),
        Some(subject.name.replace(':', "_")),
        "separate words with `_`",
    ))
}

pub(super) fn lowercase(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.chars().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    Some(Violation::new(
        format!("{subject} contains upper case letters, but names are lowercase snake_case"),
        Some(to_snake_case(subject.name)),
        "write it in lowercase snake_case",
    ))
}

pub(super) fn no_leading_underscore(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.starts_with('_') {
        return None;
    }
    Some(Violation::new(
        format!("{subject} starts with `_`, but names start with a letter"),
        non_empty_string(subject.name.trim_start_matches('_')),
        "start it with a letter",
    ))
}

/// Labels only: Prometheus keeps `__`-prefixed labels (`__name__`, …) for itself.
pub(super) fn no_reserved_prefix(subject: &Subject<'_>) -> Option<Violation> {
    if !is_reserved_label_name(subject.name) {
        return None;
    }
    Some(Violation::new(
        format!("{subject} starts with `__`, which is reserved for prometheus internals"),
        non_empty_string(subject.name.trim_start_matches('_')),
        "start it with a letter",
    ))
}

pub(super) fn no_leading_digit(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(Violation::new(
        format!("{subject} starts with a digit, but names start with a letter"),
        move_leading_numbers(subject.name),
        "start it with a letter",
    ))
}

/// `5xx_responses_total` → `responses_5xx_total`: the leading numeric tokens move to
/// the end, but before a final `total` so a counter stays a counter.
fn move_leading_numbers(name: &str) -> Option<String> {
    let tokens: Vec<&str> = name.split('_').collect();
    let first_word = tokens.iter().position(|t| t.starts_with(|c: char| c.is_ascii_alphabetic()))?;
    let (numbers, words) = tokens.split_at(first_word);
    let (words, tail): (&[&str], &[&str]) = match words.split_last() {
        Some((&"total", init)) if !init.is_empty() => (init, &["total"]),
        _ => (words, &[]),
    };
    let reordered: Vec<&str> = words.iter().chain(numbers).chain(tail).copied().collect();
    Some(reordered.join("_"))
}

pub(super) fn no_double_underscore(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.contains("__") {
        return None;
    }
    let mut fix = String::with_capacity(subject.name.len());
    for c in subject.name.chars() {
        if !(c == '_' && fix.ends_with('_')) {
            fix.push(c);
        }
    }
    Some(
        Violation::new(
            format!("{subject} contains `__`, but words are separated by a single `_`"),
            Some(fix),
            "separate words with a single `_`",
        )
        .with_lead("separate words with a single `_` and "),
    )
}

pub(super) fn no_trailing_underscore(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.ends_with('_') {
        return None;
    }
    Some(Violation::new(
        format!("{subject} ends in `_`, but names end with a letter or digit"),
        non_empty_string(subject.name.trim_end_matches('_')),
        "end it with a letter or digit",
    ))
}

/// Labels only: `le` and `quantile` carry histogram and summary structure.
pub(super) fn not_reserved_label(subject: &Subject<'_>) -> Option<Violation> {
    let purpose = match subject.name {
        "le" => "histogram bucket bounds",
        "quantile" => "summary quantiles",
        _ => return None,
    };
    Some(Violation::new(format!("{subject} is reserved for {purpose}"), None, "choose another label name"))
}
