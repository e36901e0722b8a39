//! Compile-pass and compile-fail tests live in `tests/ui.rs`; this library holds what the
//! pass programs share (trybuild builds them with this crate as a dependency).

use metricsmith::Format;

/// Renders every registered metric in `format`, as a scrape would return it.
pub fn scrape(format: Format) -> String {
    let mut out = Vec::new();
    metricsmith::render(format, &mut out);
    String::from_utf8(out).expect("expositions are UTF-8")
}

/// Asserts that a scrape in `format` contains every one of `lines` (each with its `\n`).
pub fn assert_scrape_contains<S: AsRef<str>>(format: Format, lines: &[S]) {
    let text = scrape(format);
    for line in lines {
        let line = line.as_ref();
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}
