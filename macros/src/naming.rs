//! Naming rules for metric and label names (DESIGN.md, "Naming rules").
//!
//! Pure string logic with no `syn` dependency: callers pass the name as a `&str`
//! and attach the returned messages to the offending token's span.
//!
//! Every rule is a small private function that reports at most what it checks,
//! together with the name it would write instead (its local fix). The public
//! checkers collect all violations, then compute one fully corrected name by
//! applying fixes until no rule fires. Every error for a name carries that same
//! corrected name, so whichever message the user follows, the suggested name
//! passes every rule (a suggestion that fixed one rule but broke another would
//! send the user round in circles). When no corrected name can be computed
//! (for example an empty name), the message says in words what to write instead.

use std::fmt;

/// What kind of instrument a name belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    FloatCounter,
    Gauge,
    Histogram,
    Summary,
    Info,
    StateSet,
}

impl MetricKind {
    /// Lowercase word used in messages: "counter", "float counter", "gauge",
    /// "histogram", "summary", "info metric", "state set".
    pub fn describe(self) -> &'static str {
        match self {
            MetricKind::Counter => "counter",
            MetricKind::FloatCounter => "float counter",
            MetricKind::Gauge => "gauge",
            MetricKind::Histogram => "histogram",
            MetricKind::Summary => "summary",
            MetricKind::Info => "info metric",
            MetricKind::StateSet => "state set",
        }
    }

    fn is_counter(self) -> bool {
        matches!(self, MetricKind::Counter | MetricKind::FloatCounter)
    }
}

/// A violated naming rule: `message` is the complete, user-facing compile error text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamingError {
    pub message: String,
    pub suggestion: Option<String>,
}

/// Every rule for a metric name (the full name, after any group prefix was joined).
///
/// Returns all violations found, in a stable order: character-set rules first, then
/// `_total`, reserved suffixes, units and metric-type words. An empty vec means the
/// name is valid. Every error carries the same suggestion, which passes all rules.
pub fn check_metric_name(name: &str, kind: MetricKind) -> Vec<NamingError> {
    let violations = metric_violations(name, kind);
    if violations.is_empty() {
        return Vec::new();
    }
    let suggestion = corrected(name, |n| metric_violations(n, kind));
    violations.into_iter().map(|v| v.into_error(suggestion.clone())).collect()
}

/// Extra rule for histograms filled from durations (`#[timed]`, `observe_duration`):
/// the name must end in `_seconds`. The other histogram rules are reported by
/// [`check_metric_name`]; the suggestion here satisfies both.
pub fn check_duration_histogram_name(name: &str) -> Option<NamingError> {
    let violation = duration_in_seconds(name)?;
    let suggestion = corrected(name, duration_histogram_violations);
    Some(violation.into_error(suggestion))
}

/// Label-name rules. `context` is the metric (or type) the label belongs to, used in
/// the message; it may be empty. Reports the first violation only.
pub fn check_label_name(label: &str, context: &str) -> Option<NamingError> {
    let violation = label_violations(label, context).into_iter().next()?;
    let suggestion = corrected(label, |l| label_violations(l, context));
    Some(violation.into_error(suggestion))
}

/// Rules for a `#[derive(Metrics)]` group's `prefix`, which starts every member's
/// name: the character-set rules (the other rules are checked on each full name).
/// The message ends in the corrected `prefix = "..."` to write.
///
/// `group` is the group's type name, used in the message; it may be empty.
pub fn check_group_prefix(prefix: &str, group: &str) -> Option<NamingError> {
    let violations = |p: &str| {
        let subject = Subject { noun: "metric group prefix", name: p, owner: group };
        CHARSET_RULES.iter().filter_map(|rule| rule(&subject)).collect::<Vec<_>>()
    };
    if prefix.is_empty() {
        return Some(NamingError {
            message: format!(
                "metric group prefix{} is empty: remove `prefix = \"\"` for names without a prefix",
                of_owner(group)
            ),
            suggestion: None,
        });
    }
    let violation = violations(prefix).into_iter().next()?;
    let suggestion = corrected(prefix, violations);
    let mut error = violation.into_error(suggestion);
    if let Some(fixed) = &error.suggestion {
        error.message =
            error.message.replace(&format!("name it `{fixed}`"), &format!("write `prefix = \"{fixed}\"`"));
    }
    Some(error)
}

/// `snake_case` conversion used for enum variants, type names and upper-case metric names.
///
/// - `_` is kept as a word separator; no doubled separator is introduced.
/// - An upper-case letter after a lower-case letter or a digit starts a word:
///   `PaymentMethod` → `payment_method`, `Card2Fa` → `card2_fa`.
/// - In a run of capitals (an acronym) the last capital starts a new word when a
///   lower-case letter follows: `HTTPStatus` → `http_status`; a run at the end stays
///   one word: `StatusOK` → `status_ok`, `ORDERS_TOTAL` → `orders_total`.
/// - Digits stay with the word before them, and lower-case letters after digits stay
///   in that word: `Http2Status` → `http2_status`, `Sha256sum` → `sha256sum`.
///
/// Mixed-case acronyms split at their last capital (`IPv6Addr` → `i_pv6_addr`);
/// use an explicit rename for those.
pub fn to_snake_case(ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 4);
    let mut prev: Option<char> = None;
    let mut chars = ident.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_uppercase() {
            let next_is_lower = chars.peek().is_some_and(|n| n.is_lowercase());
            let starts_word = prev
                .is_some_and(|p| p.is_lowercase() || p.is_numeric() || (p.is_uppercase() && next_is_lower));
            if starts_word && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

// ---------------------------------------------------------------------------
// Violations and correction
// ---------------------------------------------------------------------------

/// One broken rule, before the final suggestion is known.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Violation {
    /// What is wrong, naming the metric: "counter `x` must end in `_total`".
    problem: String,
    /// Advice placed before "name it `…`", e.g. "record seconds and ". Often empty.
    lead: String,
    /// What to write instead, in words, when no corrected name can be computed.
    fallback: String,
    /// The name with only this rule fixed, if a fix can be computed.
    fix: Option<String>,
}

impl Violation {
    fn new(problem: String, fix: Option<String>, fallback: impl Into<String>) -> Self {
        Violation { problem, lead: String::new(), fallback: fallback.into(), fix }
    }

    fn with_lead(mut self, lead: impl Into<String>) -> Self {
        self.lead = lead.into();
        self
    }

    fn into_error(self, suggestion: Option<String>) -> NamingError {
        let message = match &suggestion {
            Some(name) => format!("{}: {}name it `{name}`", self.problem, self.lead),
            None => format!("{}: {}", self.problem, self.fallback),
        };
        NamingError { message, suggestion }
    }
}

/// Fixes never need many rounds (each removes one problem); the cap only guards
/// against two fixes undoing each other.
const MAX_FIX_ROUNDS: usize = 32;

/// Applies the first violation's fix until no rule fires. `None` when some violation
/// on the way has no computable fix or the fixes do not converge.
fn corrected(name: &str, violations: impl Fn(&str) -> Vec<Violation>) -> Option<String> {
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
struct Subject<'a> {
    noun: &'static str,
    name: &'a str,
    owner: &'a str,
}

impl<'a> Subject<'a> {
    fn metric(name: &'a str, kind: MetricKind) -> Self {
        Subject { noun: kind.describe(), name, owner: "" }
    }

    fn label(name: &'a str, owner: &'a str) -> Self {
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

type CharsetRule = fn(&Subject<'_>) -> Option<Violation>;

/// The `[a-z][a-z0-9_]*` rules shared by metric and label names, in reporting order.
const CHARSET_RULES: &[CharsetRule] = &[
    allowed_characters,
    no_colon,
    lowercase,
    no_leading_underscore,
    no_leading_digit,
    no_double_underscore,
    no_trailing_underscore,
];

fn metric_violations(name: &str, kind: MetricKind) -> Vec<Violation> {
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
    found
}

fn duration_histogram_violations(name: &str) -> Vec<Violation> {
    let mut found = metric_violations(name, MetricKind::Histogram);
    found.extend(duration_in_seconds(name));
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

// ---------------------------------------------------------------------------
// Character-set rules (metric and label names)
// ---------------------------------------------------------------------------

fn non_empty(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.is_empty() {
        return None;
    }
    let problem = format!("{} name{} must not be empty", subject.noun, of_owner(subject.owner));
    Some(Violation::new(problem, None, "use lowercase letters, digits and `_`, starting with a letter"))
}

/// Letters of either case, digits, `_` and `:`; case and `:` have rules of their own.
fn is_ascii_word_or_colon(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == ':'
}

fn allowed_characters(subject: &Subject<'_>) -> Option<Violation> {
    let bad = subject.name.chars().find(|&c| !is_ascii_word_or_colon(c))?;
    let fix: String = subject.name.chars().map(|c| if is_ascii_word_or_colon(c) { c } else { '_' }).collect();
    Some(Violation::new(
        format!(
            "{subject} contains `{}`, but names allow only lowercase letters, digits and `_`",
            bad.escape_debug()
        ),
        Some(fix),
        "use only lowercase letters, digits and `_`",
    ))
}

fn no_colon(subject: &Subject<'_>) -> Option<Violation> {
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

fn lowercase(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.chars().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    Some(Violation::new(
        format!("{subject} contains upper case letters, but names are lowercase snake_case"),
        Some(to_snake_case(subject.name)),
        "write it in lowercase snake_case",
    ))
}

fn no_leading_underscore(subject: &Subject<'_>) -> Option<Violation> {
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
fn no_reserved_prefix(subject: &Subject<'_>) -> Option<Violation> {
    if !subject.name.starts_with("__") {
        return None;
    }
    Some(Violation::new(
        format!("{subject} starts with `__`, which is reserved for prometheus internals"),
        non_empty_string(subject.name.trim_start_matches('_')),
        "start it with a letter",
    ))
}

fn no_leading_digit(subject: &Subject<'_>) -> Option<Violation> {
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

fn no_double_underscore(subject: &Subject<'_>) -> Option<Violation> {
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

fn no_trailing_underscore(subject: &Subject<'_>) -> Option<Violation> {
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
fn not_reserved_label(subject: &Subject<'_>) -> Option<Violation> {
    let purpose = match subject.name {
        "le" => "histogram bucket bounds",
        "quantile" => "summary quantiles",
        _ => return None,
    };
    Some(Violation::new(format!("{subject} is reserved for {purpose}"), None, "choose another label name"))
}

// ---------------------------------------------------------------------------
// Suffix rules (metric names)
// ---------------------------------------------------------------------------

/// The name without a trailing `_total`, so suffix rules also see `x_count_total`.
fn without_total(name: &str) -> (&str, bool) {
    match name.strip_suffix("_total") {
        Some(stem) => (stem, true),
        None => (name, false),
    }
}

fn total_suffix(name: &str, kind: MetricKind) -> Option<Violation> {
    let what = kind.describe();
    let ends_in_total = name.ends_with("_total");
    if kind.is_counter() && !ends_in_total {
        Some(Violation::new(
            format!("{what} `{name}` must end in `_total`"),
            Some(format!("{name}_total")),
            "add the `_total` suffix",
        ))
    } else if !kind.is_counter() && ends_in_total {
        Some(Violation::new(
            format!("{what} `{name}` must not end in `_total`, which is reserved for counters"),
            non_empty_string(without_total(name).0),
            "drop the `_total` suffix",
        ))
    } else {
        None
    }
}

/// Suffixes of the series Prometheus derives from a family, and why each is taken.
const DERIVED_SUFFIXES: &[(&str, &str)] = &[
    ("_bucket", "collides with the bucket series of histograms"),
    ("_count", "collides with the `_count` series of histograms and summaries"),
    ("_sum", "collides with the `_sum` series of histograms and summaries"),
    ("_created", "collides with the `_created` series of counters, histograms and summaries"),
    ("_info", "is reserved for info metrics"),
];

fn no_derived_suffix(name: &str, kind: MetricKind) -> Option<Violation> {
    // Info metrics must end in `_info`; `info_suffix` checks them.
    if kind == MetricKind::Info {
        return None;
    }
    let (stem, had_total) = without_total(name);
    let (suffix, reason) = DERIVED_SUFFIXES.iter().find(|(suffix, _)| stem.ends_with(suffix))?;
    let fix = stem.strip_suffix(suffix).and_then(non_empty_string).map(|base| {
        if had_total {
            format!("{base}_total")
        } else {
            base
        }
    });
    Some(Violation::new(
        format!("{} `{name}` must not use the suffix `{suffix}`, which {reason}", kind.describe()),
        fix,
        format!("drop the `{suffix}` suffix"),
    ))
}

fn info_suffix(name: &str, kind: MetricKind) -> Option<Violation> {
    // A stray `_total` is the `_total` rule's business, not a missing `_info`.
    if kind != MetricKind::Info || without_total(name).0.ends_with("_info") {
        return None;
    }
    Some(Violation::new(
        format!("{} `{name}` must end in `_info`", kind.describe()),
        Some(format!("{name}_info")),
        "add the `_info` suffix",
    ))
}

/// Durations are recorded in seconds, the base unit, so dashboards need no scaling.
fn duration_in_seconds(name: &str) -> Option<Violation> {
    if name.ends_with("_seconds") {
        return None;
    }
    let mut tokens: Vec<&str> = name.split('_').collect();
    // A trailing time unit (`_ms`, `_millis`, `_minutes`, …) becomes `_seconds`;
    // anything else, `_duration` included, is kept and `_seconds` appended, which
    // gives the `x_duration_seconds` names used throughout the project.
    let ends_in_time_unit =
        tokens.last().and_then(|last| non_base_unit(last)).is_some_and(|(_, base)| base == "seconds");
    if ends_in_time_unit {
        tokens.pop();
    }
    tokens.push("seconds");
    Some(Violation::new(
        format!("histogram `{name}` records durations and must end in `_seconds`"),
        Some(tokens.join("_")),
        "end it in `_seconds`",
    ))
}

// ---------------------------------------------------------------------------
// Token rules (metric names)
// ---------------------------------------------------------------------------

/// How a token misses the base unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UnitForm {
    NonBase,
    Abbreviated,
}

/// Whole-word units with a different base unit.
///
/// Only plural (or plural-less) unit words are listed: singular `day`, `hour`,
/// `minute`, `week`, `second`, `pound`, … are common as plain words (`day_of_week`,
/// `hour_of_day`, `last_minute_orders_total`) and a metric measured in them would
/// use the plural anyway. Prefixed forms are unambiguous, so those are flagged in
/// the singular too (`millisecond`, `kilobyte`).
const NON_BASE_UNITS: &[(&str, &str)] = &[
    ("minutes", "seconds"),
    ("hours", "seconds"),
    ("days", "seconds"),
    ("weeks", "seconds"),
    ("bits", "bytes"),
    ("kelvins", "kelvin"),
    ("fahrenheit", "celsius"),
    ("rankine", "celsius"),
    ("inches", "meters"),
    ("yards", "meters"),
    ("miles", "meters"),
    ("feet", "meters"),
    ("calories", "joules"),
    ("pounds", "grams"),
    ("ounces", "grams"),
];

/// Abbreviated unit tokens. `m` is the SI symbol for meters (minutes are `min`).
const ABBREVIATED_UNITS: &[(&str, &str)] = &[
    ("s", "seconds"),
    ("sec", "seconds"),
    ("secs", "seconds"),
    ("ms", "seconds"),
    ("msec", "seconds"),
    ("msecs", "seconds"),
    ("millis", "seconds"),
    ("us", "seconds"),
    ("usec", "seconds"),
    ("usecs", "seconds"),
    ("micros", "seconds"),
    ("ns", "seconds"),
    ("nsec", "seconds"),
    ("nsecs", "seconds"),
    ("nanos", "seconds"),
    ("h", "seconds"),
    ("hr", "seconds"),
    ("hrs", "seconds"),
    ("d", "seconds"),
    ("b", "bytes"),
    ("kb", "bytes"),
    ("mb", "bytes"),
    ("gb", "bytes"),
    ("tb", "bytes"),
    ("pb", "bytes"),
    ("kib", "bytes"),
    ("mib", "bytes"),
    ("gib", "bytes"),
    ("tib", "bytes"),
    ("pib", "bytes"),
    ("m", "meters"),
    ("mm", "meters"),
    ("cm", "meters"),
    ("km", "meters"),
    ("kg", "grams"),
];

/// SI and IEC prefixes; any of them on a unit below is a non-base unit.
const UNIT_PREFIXES: &[&str] = &[
    "kilo", "mega", "giga", "tera", "peta", "exa", "milli", "micro", "nano", "pico", "femto", "centi",
    "deci", "kibi", "mebi", "gibi", "tebi", "pebi", "exbi",
];

/// Units that take a prefix, with the base unit to use instead.
const PREFIXABLE_UNITS: &[(&str, &str)] = &[
    ("seconds", "seconds"),
    ("second", "seconds"),
    ("bytes", "bytes"),
    ("byte", "bytes"),
    ("bits", "bytes"),
    ("bit", "bytes"),
    ("meters", "meters"),
    ("meter", "meters"),
    ("metres", "meters"),
    ("metre", "meters"),
    ("grams", "grams"),
    ("gram", "grams"),
    ("joules", "joules"),
    ("joule", "joules"),
    ("volts", "volts"),
    ("volt", "volts"),
    ("amperes", "amperes"),
    ("ampere", "amperes"),
    ("watts", "watts"),
    ("watt", "watts"),
    ("hertz", "hertz"),
];

fn lookup(table: &[(&str, &'static str)], token: &str) -> Option<&'static str> {
    table.iter().find(|(unit, _)| *unit == token).map(|&(_, base)| base)
}

/// The base unit for a token that names a non-base or abbreviated unit.
fn non_base_unit(token: &str) -> Option<(UnitForm, &'static str)> {
    if let Some(base) = lookup(ABBREVIATED_UNITS, token) {
        return Some((UnitForm::Abbreviated, base));
    }
    let prefixed = || {
        UNIT_PREFIXES
            .iter()
            .filter_map(|prefix| token.strip_prefix(prefix))
            .find_map(|unit| lookup(PREFIXABLE_UNITS, unit))
    };
    lookup(NON_BASE_UNITS, token).or_else(prefixed).map(|base| (UnitForm::NonBase, base))
}

/// The name with the token at `index` replaced (`Some`) or removed (`None`).
fn with_token(name: &str, index: usize, replacement: Option<&str>) -> String {
    let tokens: Vec<&str> = name
        .split('_')
        .enumerate()
        .filter_map(|(i, token)| if i == index { replacement } else { Some(token) })
        .collect();
    tokens.join("_")
}

/// Units are matched as whole `_`-separated tokens, so `sms_sent_total` and
/// `hourly_reports_total` are fine while `days_since_total` is not.
fn base_units(name: &str) -> Vec<Violation> {
    name.split('_')
        .enumerate()
        .filter_map(|(index, token)| {
            let (form, base) = non_base_unit(token)?;
            let form = match form {
                UnitForm::NonBase => "non-base",
                UnitForm::Abbreviated => "abbreviated",
            };
            // `latency_ms_seconds` already names the base unit: drop the token rather
            // than repeat the unit; `ms_seconds` alone then names nothing measured.
            let names_base_already =
                name.split('_').enumerate().any(|(i, other)| i != index && other == base);
            let fix = if names_base_already {
                Some(with_token(name, index, None)).filter(|rest| rest.split('_').any(|other| other != base))
            } else {
                Some(with_token(name, index, Some(base)))
            };
            Some(
                Violation::new(
                    format!("`{name}` uses the {form} unit `{token}`"),
                    fix,
                    format!("record {base} and write `{base}` in its place"),
                )
                .with_lead(format!("record {base} and ")),
            )
        })
        .collect()
}

const TYPE_WORDS: &[&str] =
    &["counter", "counters", "gauge", "gauges", "histogram", "histograms", "summary", "summaries"];

/// The type is exposed in `# TYPE`; repeating it in the name adds nothing.
fn no_type_words(name: &str) -> Vec<Violation> {
    name.split('_')
        .enumerate()
        .filter(|(_, token)| TYPE_WORDS.contains(token))
        .map(|(index, token)| {
            let rest = with_token(name, index, None);
            // Only a type word (and `total`) means nothing is left to suggest.
            let fix = match without_total(&rest).0 {
                "" | "total" => None,
                _ => Some(rest),
            };
            Violation::new(
                format!("`{name}` contains the metric type word `{token}`"),
                fix,
                "the type is in the metadata, name what is measured instead",
            )
            .with_lead("the type is in the metadata, ")
        })
        .collect()
}

/// " of `owner`", or nothing for an empty owner.
fn of_owner(owner: &str) -> String {
    if owner.is_empty() {
        String::new()
    } else {
        format!(" of `{owner}`")
    }
}

fn non_empty_string(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::MetricKind::*;
    use super::*;

    /// `check_metric_name`, asserting that every suggestion passes every rule and is
    /// the name the message ends with.
    fn metric_errors(name: &str, kind: MetricKind) -> Vec<NamingError> {
        let errors = check_metric_name(name, kind);
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

    fn single_error(name: &str, kind: MetricKind) -> NamingError {
        let mut errors = metric_errors(name, kind);
        assert_eq!(errors.len(), 1, "expected one error for `{name}`: {errors:?}");
        errors.remove(0)
    }

    fn suggestion(name: &str, kind: MetricKind) -> Option<String> {
        let errors = metric_errors(name, kind);
        assert!(!errors.is_empty(), "`{name}` unexpectedly valid");
        errors[0].suggestion.clone()
    }

    fn duration_error(name: &str) -> Option<NamingError> {
        let error = check_duration_histogram_name(name);
        if let Some(suggestion) = error.as_ref().and_then(|e| e.suggestion.as_ref()) {
            assert_eq!(check_metric_name(suggestion, Histogram), vec![]);
            assert_eq!(check_duration_histogram_name(suggestion), None);
        }
        error
    }

    fn label_error(label: &str, context: &str) -> Option<NamingError> {
        let error = check_label_name(label, context);
        if let Some(suggestion) = error.as_ref().and_then(|e| e.suggestion.as_ref()) {
            assert_eq!(check_label_name(suggestion, context), None);
        }
        error
    }

    fn gauge(name: &str) -> Subject<'_> {
        Subject::metric(name, Gauge)
    }

    fn fix_of(violation: Option<Violation>) -> Option<String> {
        violation.expect("rule should fire").fix
    }

    // --- public API -------------------------------------------------------

    #[test]
    fn describe_words() {
        let words: Vec<_> = [Counter, FloatCounter, Gauge, Histogram, Summary, Info, StateSet]
            .map(MetricKind::describe)
            .to_vec();
        assert_eq!(
            words,
            ["counter", "float counter", "gauge", "histogram", "summary", "info metric", "state set"]
        );
    }

    #[test]
    fn valid_names_pass() {
        let valid = [
            ("sms_sent_total", Counter),
            ("hourly_reports_total", Counter),
            ("mbox_messages_total", Counter),
            ("http_requests_total", Counter),
            ("process_cpu_seconds_total", FloatCounter),
            ("process_resident_memory_bytes", Gauge),
            ("build_info", Info),
            ("function_calls_duration_seconds", Histogram),
            ("function_calls_concurrent", Gauge),
            ("payment_gateway_duration_seconds", Histogram),
            ("order_queue_depth", Gauge),
            ("orders_processed_total", Counter),
            ("function_calls_total", Counter),
            ("process_start_time_seconds", Gauge),
            ("rpc_duration_seconds", Summary),
            ("order_state", StateSet),
            ("http2_streams", Gauge),
            ("last_minute_orders_total", Counter),
            ("orders_per_day_of_week", Gauge),
            ("room_temperature_celsius", Gauge),
            ("payload_size_bytes", Histogram),
        ];
        for (name, kind) in valid {
            assert_eq!(check_metric_name(name, kind), vec![], "{name}");
        }
        assert_eq!(check_duration_histogram_name("function_calls_duration_seconds"), None);
        assert_eq!(check_duration_histogram_name("payment_gateway_duration_seconds"), None);
    }

    #[test]
    fn design_examples_exact_messages() {
        assert_eq!(
            single_error("orders_processed", Counter),
            NamingError {
                message: "counter `orders_processed` must end in `_total`: name it `orders_processed_total`"
                    .into(),
                suggestion: Some("orders_processed_total".into()),
            }
        );
        assert_eq!(
            single_error("payment_latency_ms", Gauge).message,
            "`payment_latency_ms` uses the abbreviated unit `ms`: record seconds and name it `payment_latency_seconds`"
        );
    }

    #[test]
    fn an_abbreviation_next_to_its_base_unit_is_dropped_not_doubled() {
        assert_eq!(
            single_error("payment_latency_ms_seconds", Gauge).message,
            "`payment_latency_ms_seconds` uses the abbreviated unit `ms`: record seconds and name it `payment_latency_seconds`"
        );
        // Nothing but the unit would be left: no name to suggest.
        let error = single_error("h_seconds", Gauge);
        assert_eq!(error.suggestion, None);
        assert!(!error.message.contains("seconds_seconds"), "{}", error.message);
    }

    #[test]
    fn all_violations_in_stable_order_with_one_suggestion() {
        let errors = metric_errors("Requests_Counter_MS", Counter);
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "counter `Requests_Counter_MS` contains upper case letters, but names are lowercase snake_case: name it `requests_seconds_total`",
                "counter `Requests_Counter_MS` must end in `_total`: name it `requests_seconds_total`",
            ]
        );
        let errors = metric_errors("requests_counter_ms", Counter);
        assert_eq!(errors.len(), 3);
        assert!(errors[0].message.starts_with("counter `requests_counter_ms` must end in `_total`"));
        assert!(errors[1].message.starts_with("`requests_counter_ms` uses the abbreviated unit `ms`"));
        assert!(errors[2].message.starts_with("`requests_counter_ms` contains the metric type word"));
        assert!(errors.iter().all(|e| e.suggestion.as_deref() == Some("requests_seconds_total")));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for name in ["", "_", "__", ":", "é", "ÉTÉ", "1", "_1_", "total", "counter", "a\u{0}b", "`"] {
            for kind in [Counter, FloatCounter, Gauge, Histogram, Summary, Info, StateSet] {
                let _ = metric_errors(name, kind);
            }
            let _ = duration_error(name);
            let _ = label_error(name, "");
            let _ = to_snake_case(name);
        }
    }

    #[test]
    fn uncomputable_suggestion_says_what_to_do() {
        let error = single_error("gauge", Gauge);
        assert_eq!(
            error.message,
            "`gauge` contains the metric type word `gauge`: the type is in the metadata, name what is measured instead"
        );
        assert_eq!(error.suggestion, None);
        // One unfixable problem leaves every error for the name without a suggestion.
        let errors = metric_errors("_", Counter);
        assert_eq!(errors.len(), 3);
        assert!(errors.iter().all(|e| e.suggestion.is_none()));
    }

    // --- character-set rules ----------------------------------------------

    #[test]
    fn non_empty_rule() {
        assert_eq!(non_empty(&gauge("x")), None);
        assert!(non_empty(&gauge("")).is_some());
        assert_eq!(
            metric_errors("", Counter),
            vec![NamingError {
                message: "counter name must not be empty: use lowercase letters, digits and `_`, starting with a letter"
                    .into(),
                suggestion: None,
            }]
        );
        assert_eq!(
            label_error("", "orders_total").map(|e| e.message),
            Some("label name of `orders_total` must not be empty: use lowercase letters, digits and `_`, starting with a letter".into())
        );
    }

    #[test]
    fn allowed_characters_rule() {
        assert_eq!(allowed_characters(&gauge("Queue:depth_2")), None);
        assert_eq!(fix_of(allowed_characters(&gauge("queue-depth"))).as_deref(), Some("queue_depth"));
        assert_eq!(fix_of(allowed_characters(&gauge("queue.depth é"))).as_deref(), Some("queue_depth__"));
        assert_eq!(
            single_error("orders-processed_total", Counter).message,
            "counter `orders-processed_total` contains `-`, but names allow only lowercase letters, digits and `_`: name it `orders_processed_total`"
        );
        assert_eq!(suggestion("queue depth", Gauge).as_deref(), Some("queue_depth"));
        assert_eq!(suggestion("températures_celsius", Gauge).as_deref(), Some("temp_ratures_celsius"));
    }

    #[test]
    fn no_colon_rule() {
        assert_eq!(no_colon(&gauge("queue_depth")), None);
        assert_eq!(
            fix_of(no_colon(&gauge("job:http_requests:rate5m"))).as_deref(),
            Some("job_http_requests_rate5m")
        );
        assert_eq!(
            single_error("job:requests", Gauge).message,
            "gauge `job:requests` contains `:`, which is reserved for recording rules: name it `job_requests`"
        );
        assert_eq!(suggestion("job::requests_total", Counter).as_deref(), Some("job_requests_total"));
    }

    #[test]
    fn lowercase_rule() {
        assert_eq!(lowercase(&gauge("queue_depth")), None);
        assert_eq!(fix_of(lowercase(&gauge("ORDER_QUEUE_DEPTH"))).as_deref(), Some("order_queue_depth"));
        assert_eq!(fix_of(lowercase(&gauge("orderQueueDepth"))).as_deref(), Some("order_queue_depth"));
        assert_eq!(
            single_error("OrdersProcessed_total", Counter).message,
            "counter `OrdersProcessed_total` contains upper case letters, but names are lowercase snake_case: name it `orders_processed_total`"
        );
        assert_eq!(suggestion("HTTPRequests", Counter).as_deref(), Some("http_requests_total"));
    }

    #[test]
    fn no_leading_underscore_rule() {
        assert_eq!(no_leading_underscore(&gauge("depth")), None);
        assert_eq!(fix_of(no_leading_underscore(&gauge("__depth"))).as_deref(), Some("depth"));
        assert_eq!(fix_of(no_leading_underscore(&gauge("___"))), None);
        assert_eq!(
            single_error("_queue_depth", Gauge).message,
            "gauge `_queue_depth` starts with `_`, but names start with a letter: name it `queue_depth`"
        );
    }

    #[test]
    fn no_reserved_prefix_rule() {
        let label = |name| Subject::label(name, "x");
        assert_eq!(no_reserved_prefix(&label("_method")), None);
        assert_eq!(no_reserved_prefix(&label("method")), None);
        assert_eq!(fix_of(no_reserved_prefix(&label("__method"))).as_deref(), Some("method"));
        assert_eq!(
            label_error("__name__", "orders_total"),
            Some(NamingError {
                message: "label `__name__` of `orders_total` starts with `__`, which is reserved for prometheus internals: name it `name`"
                    .into(),
                suggestion: Some("name".into()),
            })
        );
    }

    #[test]
    fn no_leading_digit_rule() {
        assert_eq!(no_leading_digit(&gauge("http2_streams")), None);
        assert_eq!(
            fix_of(no_leading_digit(&gauge("5xx_responses_total"))).as_deref(),
            Some("responses_5xx_total")
        );
        assert_eq!(fix_of(no_leading_digit(&gauge("2_fa_enabled"))).as_deref(), Some("fa_enabled_2"));
        assert_eq!(fix_of(no_leading_digit(&gauge("42"))), None);
        assert_eq!(
            single_error("5xx_responses_total", Counter).message,
            "counter `5xx_responses_total` starts with a digit, but names start with a letter: name it `responses_5xx_total`"
        );
        assert_eq!(
            single_error("404", Gauge).message,
            "gauge `404` starts with a digit, but names start with a letter: start it with a letter"
        );
    }

    #[test]
    fn no_double_underscore_rule() {
        assert_eq!(no_double_underscore(&gauge("queue_depth")), None);
        assert_eq!(fix_of(no_double_underscore(&gauge("queue___depth"))).as_deref(), Some("queue_depth"));
        assert_eq!(
            single_error("queue__depth", Gauge).message,
            "gauge `queue__depth` contains `__`, but words are separated by a single `_`: separate words with a single `_` and name it `queue_depth`"
        );
    }

    #[test]
    fn no_trailing_underscore_rule() {
        assert_eq!(no_trailing_underscore(&gauge("queue_depth")), None);
        assert_eq!(fix_of(no_trailing_underscore(&gauge("queue_depth_"))).as_deref(), Some("queue_depth"));
        assert_eq!(
            single_error("queue_depth_", Gauge).message,
            "gauge `queue_depth_` ends in `_`, but names end with a letter or digit: name it `queue_depth`"
        );
        // Here the `_total` rule fires too, and both errors suggest the same name.
        let errors = metric_errors("orders_total_", Counter);
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.suggestion.as_deref() == Some("orders_total")));
    }

    #[test]
    fn not_reserved_label_rule() {
        let label = |name| Subject::label(name, "x");
        assert_eq!(not_reserved_label(&label("level")), None);
        assert!(not_reserved_label(&label("le")).is_some());
        assert!(not_reserved_label(&label("quantile")).is_some());
        assert_eq!(
            label_error("le", "payment_gateway_duration_seconds"),
            Some(NamingError {
                message: "label `le` of `payment_gateway_duration_seconds` is reserved for histogram bucket bounds: choose another label name"
                    .into(),
                suggestion: None,
            })
        );
        assert_eq!(
            label_error("quantile", "").map(|e| e.message),
            Some("label `quantile` is reserved for summary quantiles: choose another label name".into())
        );
    }

    #[test]
    fn label_names() {
        for label in ["method", "payment_method", "outcome", "function", "module", "result", "http2"] {
            assert_eq!(check_label_name(label, "orders_total"), None, "{label}");
        }
        assert_eq!(
            label_error("PaymentMethod", "OrderLabels"),
            Some(NamingError {
                message: "label `PaymentMethod` of `OrderLabels` contains upper case letters, but names are lowercase snake_case: name it `payment_method`"
                    .into(),
                suggestion: Some("payment_method".into()),
            })
        );
        assert_eq!(label_error("method:", "").and_then(|e| e.suggestion).as_deref(), Some("method"));
        // Lowercasing lands on a reserved name: no suggestion, say what to do instead.
        assert_eq!(
            label_error("LE", "").map(|e| e.message),
            Some("label `LE` contains upper case letters, but names are lowercase snake_case: write it in lowercase snake_case".into())
        );
    }

    #[test]
    fn group_prefix_rules() {
        for prefix in ["shop", "shop_berlin", "http2"] {
            assert_eq!(check_group_prefix(prefix, "ShopMetrics"), None, "{prefix}");
        }
        assert_eq!(
            check_group_prefix("Shop-Berlin", "ShopMetrics"),
            Some(NamingError {
                message: "metric group prefix `Shop-Berlin` of `ShopMetrics` contains `-`, but names allow only lowercase letters, digits and `_`: write `prefix = \"shop_berlin\"`"
                    .into(),
                suggestion: Some("shop_berlin".into()),
            })
        );
        let fixed = |prefix| check_group_prefix(prefix, "").and_then(|e| e.suggestion);
        assert_eq!(fixed("shop_").as_deref(), Some("shop"));
        assert_eq!(fixed("shop:eu").as_deref(), Some("shop_eu"));
        assert_eq!(fixed("_shop").as_deref(), Some("shop"));
        assert_eq!(fixed("Shop").as_deref(), Some("shop"));
        assert_eq!(fixed("42"), None);
        assert_eq!(
            check_group_prefix("", "ShopMetrics").map(|e| e.message),
            Some("metric group prefix of `ShopMetrics` is empty: remove `prefix = \"\"` for names without a prefix".into())
        );
    }

    // --- suffix rules -----------------------------------------------------

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
        assert_eq!(
            suggestion("rpc_latency_seconds_bucket", Histogram).as_deref(),
            Some("rpc_latency_seconds")
        );
        assert_eq!(suggestion("jobs_created_total", Counter).as_deref(), Some("jobs_total"));
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
            NamingError {
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
            Some(NamingError {
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

    // --- token rules ------------------------------------------------------

    #[test]
    fn base_units_rule() {
        assert!(base_units("process_resident_memory_bytes").is_empty());
        let found = base_units("upload_kilobytes_ms");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].fix.as_deref(), Some("upload_bytes_ms"));
        assert_eq!(found[1].fix.as_deref(), Some("upload_kilobytes_seconds"));
        assert_eq!(
            single_error("upload_kilobytes_total", Counter).message,
            "`upload_kilobytes_total` uses the non-base unit `kilobytes`: record bytes and name it `upload_bytes_total`"
        );
        assert_eq!(
            single_error("days_since_total", Counter).message,
            "`days_since_total` uses the non-base unit `days`: record seconds and name it `seconds_since_total`"
        );
    }

    #[test]
    fn unit_table() {
        let non_base = [
            ("minutes", "seconds"),
            ("hours", "seconds"),
            ("days", "seconds"),
            ("weeks", "seconds"),
            ("bits", "bytes"),
            ("kelvins", "kelvin"),
            ("fahrenheit", "celsius"),
            ("rankine", "celsius"),
            ("inches", "meters"),
            ("yards", "meters"),
            ("miles", "meters"),
            ("feet", "meters"),
            ("calories", "joules"),
            ("pounds", "grams"),
            ("ounces", "grams"),
        ];
        for (unit, base) in non_base {
            let error = single_error(&format!("cargo_{unit}"), Gauge);
            assert_eq!(
                error.message,
                format!("`cargo_{unit}` uses the non-base unit `{unit}`: record {base} and name it `cargo_{base}`")
            );
        }
    }

    #[test]
    fn abbreviated_units() {
        let seconds = [
            "s", "sec", "secs", "ms", "msec", "msecs", "millis", "us", "usec", "usecs", "micros", "ns",
            "nsec", "nsecs", "nanos", "h", "hr", "hrs", "d",
        ];
        let bytes = ["b", "kb", "mb", "gb", "tb", "pb", "kib", "mib", "gib", "tib", "pib"];
        let meters = ["m", "mm", "cm", "km"];
        let table = seconds
            .iter()
            .map(|u| (*u, "seconds"))
            .chain(bytes.iter().map(|u| (*u, "bytes")))
            .chain(meters.iter().map(|u| (*u, "meters")))
            .chain([("kg", "grams")]);
        for (unit, base) in table {
            let error = single_error(&format!("transfer_{unit}_total"), Counter);
            assert_eq!(
                error.message,
                format!("`transfer_{unit}_total` uses the abbreviated unit `{unit}`: record {base} and name it `transfer_{base}_total`")
            );
        }
    }

    #[test]
    fn prefixed_units() {
        let bases = [
            ("seconds", "seconds"),
            ("second", "seconds"),
            ("bytes", "bytes"),
            ("bits", "bytes"),
            ("meters", "meters"),
            ("metres", "meters"),
            ("grams", "grams"),
            ("joules", "joules"),
            ("volts", "volts"),
            ("amperes", "amperes"),
            ("watts", "watts"),
            ("hertz", "hertz"),
        ];
        let prefixes = [
            "kilo", "mega", "giga", "tera", "peta", "milli", "micro", "nano", "pico", "kibi", "mebi", "gibi",
            "tebi", "pebi",
        ];
        for prefix in prefixes {
            for (unit, base) in bases {
                let name = format!("load_{prefix}{unit}");
                let error = single_error(&name, Gauge);
                assert!(error.message.contains(&format!("the non-base unit `{prefix}{unit}`")), "{name}");
                assert_eq!(error.suggestion, Some(format!("load_{base}")), "{name}");
            }
        }
        for (name, kind, fixed) in [
            ("upload_mebibytes", Gauge, "upload_bytes"),
            ("rtt_microseconds", Histogram, "rtt_seconds"),
            ("gc_pause_nanoseconds", Summary, "gc_pause_seconds"),
            ("distance_kilometers_total", Counter, "distance_meters_total"),
            ("battery_millivolts", Gauge, "battery_volts"),
            ("tick_millisecond", Gauge, "tick_seconds"),
        ] {
            assert_eq!(suggestion(name, kind).as_deref(), Some(fixed), "{name}");
        }
    }

    #[test]
    fn units_are_whole_tokens() {
        // Unit words inside longer tokens, and singular time words, are not units.
        for name in [
            "sms_sent_total",
            "hourly_reports_total",
            "mbox_messages_total",
            "msgs_total",
            "second_opinion_requests_total",
            "hour_of_day",
            "kilo_batches",
            "bus_mode",
            // `min`/`max` mean minimum/maximum far more often than minutes.
            "latency_min_seconds",
            "temperature_min_celsius",
        ] {
            assert!(base_units(name).is_empty(), "{name}");
        }
        assert_eq!(base_units("days_remaining").len(), 1);
    }

    #[test]
    fn no_type_words_rule() {
        assert!(no_type_words("http_requests_total").is_empty());
        assert!(no_type_words("encounters_total").is_empty());
        for word in TYPE_WORDS {
            let found = no_type_words(&format!("requests_{word}_total"));
            assert_eq!(found.len(), 1, "{word}");
            assert_eq!(found[0].fix.as_deref(), Some("requests_total"));
        }
        assert_eq!(fix_of(no_type_words("counter_total").into_iter().next()), None);
        assert_eq!(
            single_error("requests_counter_total", Counter).message,
            "`requests_counter_total` contains the metric type word `counter`: the type is in the metadata, name it `requests_total`"
        );
        assert_eq!(suggestion("latency_histogram_seconds", Histogram).as_deref(), Some("latency_seconds"));
        assert_eq!(suggestion("queue_gauge", Gauge).as_deref(), Some("queue"));
    }

    // --- to_snake_case ------------------------------------------------------

    #[test]
    fn snake_case_conversion() {
        for (ident, snake) in [
            ("PaymentMethod", "payment_method"),
            ("HTTPStatus", "http_status"),
            ("Card2Fa", "card2_fa"),
            ("Card", "card"),
            ("card", "card"),
            ("StatusOK", "status_ok"),
            ("Http2Status", "http2_status"),
            ("Sha256sum", "sha256sum"),
            ("V2", "v2"),
            ("Base64URL", "base64_url"),
            ("IPv6Addr", "i_pv6_addr"),
            ("ORDERS_PROCESSED_TOTAL", "orders_processed_total"),
            ("Bank_Transfer", "bank_transfer"),
            ("already_snake", "already_snake"),
            ("_Private", "_private"),
            ("A", "a"),
            ("", ""),
        ] {
            assert_eq!(to_snake_case(ident), snake, "{ident}");
        }
    }
}
