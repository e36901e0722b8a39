//! Compile-pass and compile-fail tests of the macros: every `pass/*.rs` must build and
//! run, every `fail/*.rs` must fail with exactly its committed `.stderr`.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p
//! metricsmith-ui-tests`, then read every changed `.stderr` as a user would.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("fail/*.rs");
}
