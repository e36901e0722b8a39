//! Prometheus' name syntax: what the data model accepts at all. The style rules
//! (lowercase snake_case, suffixes, units) are stricter and build on these.

/// Why a name is not valid Prometheus syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxError {
    /// The name is empty.
    Empty,
    /// The first character cannot start a name (a digit, `-`, ...).
    InvalidStart(char),
    /// A character names never contain (`-`, `.`, a space, a non-ASCII letter, ...).
    InvalidCharacter(char),
}

/// Whether `c` may appear in a metric name: `[a-zA-Z0-9_:]` (any position but the
/// first for a digit).
pub const fn is_metric_name_char(c: char) -> bool {
    is_label_name_char(c) || c == ':'
}

/// Whether `c` may appear in a label name: `[a-zA-Z0-9_]` (any position but the first
/// for a digit).
pub const fn is_label_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Checks a metric name against `[a-zA-Z_:][a-zA-Z0-9_:]*`.
///
/// ```
/// use metricsmith_naming::{metric_name_syntax, SyntaxError};
///
/// assert_eq!(metric_name_syntax("job:http_requests:rate5m"), Ok(()));
/// assert_eq!(metric_name_syntax("5xx_total"), Err(SyntaxError::InvalidStart('5')));
/// ```
pub fn metric_name_syntax(name: &str) -> Result<(), SyntaxError> {
    syntax(name, is_metric_name_char)
}

/// Checks a label name against `[a-zA-Z_][a-zA-Z0-9_]*`. Names starting with `__` pass:
/// whether they are reserved is [`is_reserved_label_name`]'s question.
///
/// ```
/// use metricsmith_naming::{label_name_syntax, SyntaxError};
///
/// assert_eq!(label_name_syntax("payment_method"), Ok(()));
/// assert_eq!(label_name_syntax("payment-method"), Err(SyntaxError::InvalidCharacter('-')));
/// assert_eq!(label_name_syntax(""), Err(SyntaxError::Empty));
/// ```
pub fn label_name_syntax(name: &str) -> Result<(), SyntaxError> {
    syntax(name, is_label_name_char)
}

/// Whether `name` is a valid metric name: [`metric_name_syntax`] passes.
pub fn is_metric_name(name: &str) -> bool {
    metric_name_syntax(name).is_ok()
}

/// Whether `name` is a valid label name: [`label_name_syntax`] passes.
///
/// ```
/// assert!(metricsmith_naming::is_label_name("trace_id"));
/// assert!(!metricsmith_naming::is_label_name("trace-id"));
/// ```
pub fn is_label_name(name: &str) -> bool {
    label_name_syntax(name).is_ok()
}

/// Whether a label name is reserved for Prometheus' own use: it starts with `__`
/// (`__name__`, `__address__`, ...).
///
/// ```
/// assert!(metricsmith_naming::is_reserved_label_name("__name__"));
/// assert!(!metricsmith_naming::is_reserved_label_name("_shard"));
/// ```
pub fn is_reserved_label_name(name: &str) -> bool {
    name.starts_with("__")
}

/// A name of `allowed` characters whose first is not a digit.
fn syntax(name: &str, allowed: fn(char) -> bool) -> Result<(), SyntaxError> {
    let mut chars = name.chars();
    let first = chars.next().ok_or(SyntaxError::Empty)?;
    if !allowed(first) || first.is_ascii_digit() {
        return Err(SyntaxError::InvalidStart(first));
    }
    match chars.find(|&c| !allowed(c)) {
        Some(bad) => Err(SyntaxError::InvalidCharacter(bad)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names() {
        for name in ["a", "_", ":", "orders_total", "job:requests:rate5m", "HTTP2_streams", "_x", ":x"] {
            assert_eq!(metric_name_syntax(name), Ok(()), "{name}");
        }
        assert_eq!(metric_name_syntax(""), Err(SyntaxError::Empty));
        assert_eq!(metric_name_syntax("5xx"), Err(SyntaxError::InvalidStart('5')));
        assert_eq!(metric_name_syntax("-x"), Err(SyntaxError::InvalidStart('-')));
        assert_eq!(metric_name_syntax("a-b"), Err(SyntaxError::InvalidCharacter('-')));
        assert_eq!(metric_name_syntax("température"), Err(SyntaxError::InvalidCharacter('é')));
        assert!(is_metric_name("x:y") && !is_metric_name("x.y"));
    }

    #[test]
    fn label_names() {
        for name in ["a", "_", "__name__", "payment_method", "Method2"] {
            assert_eq!(label_name_syntax(name), Ok(()), "{name}");
        }
        assert_eq!(label_name_syntax(""), Err(SyntaxError::Empty));
        assert_eq!(label_name_syntax("2fa"), Err(SyntaxError::InvalidStart('2')));
        assert_eq!(label_name_syntax(":x"), Err(SyntaxError::InvalidStart(':')));
        assert_eq!(label_name_syntax("x:y"), Err(SyntaxError::InvalidCharacter(':')));
        assert_eq!(label_name_syntax("a b"), Err(SyntaxError::InvalidCharacter(' ')));
        assert!(is_label_name("a_1") && !is_label_name("a.1"));
    }

    #[test]
    fn reserved_label_names() {
        assert!(is_reserved_label_name("__name__"));
        assert!(is_reserved_label_name("__"));
        assert!(!is_reserved_label_name("_a"));
        assert!(!is_reserved_label_name("a__b"));
    }
}
