//! Compile-pass and compile-fail tests of `#[timed]`, `#[counted]` and `#[in_flight]`:
//! every `fn-pass/*.rs` must build without warnings and run, every `fn-fail/*.rs` must
//! fail with exactly its committed `.stderr`.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p
//! metricsmith-ui-tests --test ui_functions`, then read every changed `.stderr` as a
//! user would.

#[test]
fn ui_functions() {
    let cases = trybuild::TestCases::new();
    cases.pass("fn-pass/*.rs");
    cases.compile_fail("fn-fail/*.rs");
}
