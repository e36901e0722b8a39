//! A broken naming rule, in parts, and how callers turn it into a message.

use std::fmt;

/// A broken naming rule: what is wrong, and how to fix it.
///
/// The fix is kept apart from the problem so each caller can say it the way its user
/// writes the name: [`render`](NamingError::render) with a [`RenameAs`].
///
/// ```
/// use metricsmith_naming::{check_metric_name, InstrumentKind, RenameAs};
///
/// let errors = check_metric_name("orders_processed", InstrumentKind::Counter);
/// assert_eq!(errors[0].suggestion(), Some("orders_processed_total"));
/// assert_eq!(
///     errors[0].render(RenameAs::Name),
///     "counter `orders_processed` must end in `_total`: name it `orders_processed_total`"
/// );
/// assert_eq!(
///     errors[0].render(RenameAs::Static),
///     "counter `orders_processed` must end in `_total`: rename the static to `ORDERS_PROCESSED_TOTAL`"
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct NamingError {
    problem: String,
    fix: Fix,
}

/// How to fix a broken naming rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Use `name`, which passes every rule. `advice` goes before the rename
    /// ("record seconds and "); it is often empty.
    Rename {
        /// Said before the rename: "record seconds and ", "separate words with a
        /// single `_` and ", or nothing.
        advice: String,
        /// The corrected name.
        name: String,
    },
    /// No passing name could be computed (an empty name, a name that is nothing but
    /// a unit): what to do, in words.
    Describe(String),
}

/// How a caller spells "use this name instead", after the problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameAs<'a> {
    /// The name is written as a string: "name it \`orders_total\`".
    Name,
    /// The name is a static's identifier, in upper case: "rename the static to
    /// \`ORDERS_TOTAL\`".
    Static,
    /// The name is a group field's identifier joined to the group's `prefix` (empty
    /// for none): "rename the field to \`orders_total\` (metric \`shop_orders_total\`)".
    Field {
        /// The group's prefix, without the `_` that joins it.
        prefix: &'a str,
    },
    /// The name is a group's `prefix` option: "write \`prefix = "shop"\`".
    PrefixOption,
}

impl NamingError {
    pub(crate) fn new(problem: String, fix: Fix) -> Self {
        NamingError { problem, fix }
    }

    /// What is wrong, naming the metric or label: "counter \`x\` must end in \`_total\`".
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// How to fix it.
    pub fn fix(&self) -> &Fix {
        &self.fix
    }

    /// The name to use instead, when one could be computed; it passes every rule.
    pub fn suggestion(&self) -> Option<&str> {
        match &self.fix {
            Fix::Rename { name, .. } => Some(name),
            Fix::Describe(_) => None,
        }
    }

    /// The complete message, the rename spelled as `rename` says: "problem: fix".
    pub fn render(&self, rename: RenameAs<'_>) -> String {
        let fix = match &self.fix {
            Fix::Rename { advice, name } => format!("{advice}{}", rename.spell(name)),
            Fix::Describe(advice) => advice.clone(),
        };
        format!("{}: {fix}", self.problem)
    }
}

impl RenameAs<'_> {
    fn spell(self, name: &str) -> String {
        match self {
            RenameAs::Name => format!("name it `{name}`"),
            RenameAs::Static => format!("rename the static to `{}`", name.to_uppercase()),
            RenameAs::Field { prefix: "" } => format!("rename the field to `{name}`"),
            RenameAs::Field { prefix } => {
                let field = name.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('_')).unwrap_or(name);
                format!("rename the field to `{field}` (metric `{name}`)")
            }
            RenameAs::PrefixOption => format!("write `prefix = \"{name}\"`"),
        }
    }
}

/// The message as a name written as a string would get it ([`RenameAs::Name`]).
impl fmt::Display for NamingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(RenameAs::Name))
    }
}

/// The message, as [`Display`](fmt::Display) writes it: what `unwrap()` and `?` print.
impl fmt::Debug for NamingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for NamingError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn rename(advice: &str, name: &str) -> NamingError {
        NamingError::new(
            "counter `x` is wrong".into(),
            Fix::Rename { advice: advice.into(), name: name.into() },
        )
    }

    #[test]
    fn every_spelling_of_a_rename() {
        let error = rename("record seconds and ", "shop_wait_seconds_total");
        assert_eq!(
            error.render(RenameAs::Name),
            "counter `x` is wrong: record seconds and name it `shop_wait_seconds_total`"
        );
        assert_eq!(
            error.render(RenameAs::Static),
            "counter `x` is wrong: record seconds and rename the static to `SHOP_WAIT_SECONDS_TOTAL`"
        );
        assert_eq!(
            error.render(RenameAs::Field { prefix: "shop" }),
            "counter `x` is wrong: record seconds and rename the field to `wait_seconds_total` (metric `shop_wait_seconds_total`)"
        );
        assert_eq!(
            error.render(RenameAs::Field { prefix: "" }),
            "counter `x` is wrong: record seconds and rename the field to `shop_wait_seconds_total`"
        );
        assert_eq!(
            error.render(RenameAs::PrefixOption),
            "counter `x` is wrong: record seconds and write `prefix = \"shop_wait_seconds_total\"`"
        );
        assert_eq!(error.to_string(), error.render(RenameAs::Name));
        assert_eq!(format!("{error:?}"), error.to_string());
        assert_eq!(error.suggestion(), Some("shop_wait_seconds_total"));
    }

    #[test]
    fn a_field_whose_fix_left_the_prefix_is_named_in_full() {
        let error = rename("", "orders_total");
        assert_eq!(
            error.render(RenameAs::Field { prefix: "shop" }),
            "counter `x` is wrong: rename the field to `orders_total` (metric `orders_total`)"
        );
        // `shopping_total` starts with `shop` but not with the prefix `shop_`.
        let error = rename("", "shopping_total");
        assert_eq!(
            error.render(RenameAs::Field { prefix: "shop" }),
            "counter `x` is wrong: rename the field to `shopping_total` (metric `shopping_total`)"
        );
    }

    #[test]
    fn a_described_fix_reads_the_same_whatever_the_spelling() {
        let error = NamingError::new("gauge name must not be empty".into(), Fix::Describe("start it".into()));
        for spelling in
            [RenameAs::Name, RenameAs::Static, RenameAs::Field { prefix: "p" }, RenameAs::PrefixOption]
        {
            assert_eq!(error.render(spelling), "gauge name must not be empty: start it");
        }
        assert_eq!(error.suggestion(), None);
    }
}
