//! The naming rules of [metricsmith](https://docs.rs/metricsmith), in one place for
//! its macros (which check names at compile time) and its runtime (which checks the
//! names it is given at run time and writes unit metadata).
//!
//! Pure string logic, with no dependencies:
//!
//! - **Syntax** — what Prometheus accepts at all: [`metric_name_syntax`] (
//!   `[a-zA-Z_:][a-zA-Z0-9_:]*`), [`label_name_syntax`] (`[a-zA-Z_][a-zA-Z0-9_]*`),
//!   [`is_reserved_label_name`] (the `__` prefix).
//! - **Style rules** — what metricsmith requires on top, each broken rule a
//!   [`NamingError`] with a suggested name that passes every rule:
//!   [`check_metric_name`], [`check_duration_histogram_name`], [`check_label_name`],
//!   [`check_group_prefix`].
//! - **Units** — the [`BASE_UNITS`], and [`unit_of`] for OpenMetrics `# UNIT`; the
//!   rules use the same table to say which base unit replaces a non-base one.
//! - **Shared names** — the families `#[counted]`, `#[timed]` and `#[in_flight]`
//!   record into: [`FUNCTION_CALLS_TOTAL`], [`FUNCTION_CALLS_DURATION_SECONDS`],
//!   [`FUNCTION_CALLS_CONCURRENT`].
//!
//! An error keeps its parts (the problem, the fix), and its caller renders it the way
//! the name is written where the user must change it:
//!
//! ```
//! use metricsmith_naming::{check_metric_name, InstrumentKind, RenameAs};
//!
//! let errors = check_metric_name("upload_kilobytes_total", InstrumentKind::Counter);
//! assert_eq!(errors.len(), 1);
//! assert_eq!(
//!     errors[0].render(RenameAs::Name),
//!     "`upload_kilobytes_total` uses the non-base unit `kilobytes`: record bytes and name it `upload_bytes_total`"
//! );
//! assert_eq!(
//!     errors[0].render(RenameAs::Field { prefix: "upload" }),
//!     "`upload_kilobytes_total` uses the non-base unit `kilobytes`: record bytes and rename the field to `bytes_total` (metric `upload_bytes_total`)"
//! );
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod families;
mod kind;
mod rules;
mod syntax;
mod units;

pub use error::{Fix, NamingError, RenameAs};
pub use families::{FUNCTION_CALLS_CONCURRENT, FUNCTION_CALLS_DURATION_SECONDS, FUNCTION_CALLS_TOTAL};
pub use kind::InstrumentKind;
pub use rules::{
    check_duration_histogram_name, check_group_prefix, check_label_name, check_metric_name, to_snake_case,
};
pub use syntax::{
    is_label_name, is_label_name_char, is_metric_name, is_metric_name_char, is_reserved_label_name,
    label_name_syntax, metric_name_syntax, SyntaxError,
};
pub use units::{unit_of, BaseUnit, BASE_UNITS};
