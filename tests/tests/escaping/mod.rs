//! Instruments whose HELP text and label values hold every character the formats
//! escape (`\`, `"`, line feed) and non-ASCII text. Included as a module by the tests
//! that need them (`mod escaping;`), so each test binary declares its own copy.

use metricsmith::{metric, Counter, Info, LabelValue};

/// A label with one value that needs every escape, and one that needs none.
#[derive(LabelValue, Clone, Copy)]
#[label(name = "tricky")]
pub enum Tricky {
    #[label(rename = "a\"b\\c\nd é")]
    Nasty,
    Plain,
}

/// Help with a back\slash, "double quotes", größe ✓
/// and a second line.
#[metric]
pub static ESCAPING_PROBES_TOTAL: Counter<Tricky>;

/// Build facts with awkward label values.
#[metric(labels(version = "1.0\"beta\\x\ny ü", edition = "2021"))]
pub static ESCAPING_PROBE_INFO: Info;

/// The HELP text of [`ESCAPING_PROBES_TOTAL`], as its doc comment spells it.
pub const ESCAPED_HELP: &str = "Help with a back\\slash, \"double quotes\", größe ✓\nand a second line.";
/// The text of [`Tricky::Nasty`].
pub const NASTY_VALUE: &str = "a\"b\\c\nd é";
/// The `version` label of [`ESCAPING_PROBE_INFO`].
pub const NASTY_VERSION: &str = "1.0\"beta\\x\ny ü";
