//! Users read the macros' documentation on `metricsmith`'s re-exports (the macros
//! crate only points there): each re-export's doc comment names every option its macro
//! takes and has an example, which `cargo test --doc` runs.

use std::fs;
use std::path::Path;

/// Each macro re-exported by `runtime/src/lib.rs`, and the options its parser accepts
/// (`macros/src/**/arguments.rs`).
const MACROS: &[(&str, &[&str])] = &[
    ("metric", &["name", "buckets", "max_series", "callback", "collector", "labels", "crate"]),
    ("LabelValue", &["name", "rename", "crate"]),
    ("LabelSet", &["name", "crate"]),
    ("Metrics", &["prefix", "crate", "name", "buckets", "max_series", "callback", "collector", "labels"]),
    ("timed", &["name", "metric", "labels", "buckets", "help", "max_series", "crate"]),
    ("counted", &["name", "metric", "labels", "help", "max_series", "crate"]),
    ("in_flight", &["name", "metric", "labels", "help", "max_series", "crate"]),
];

/// The doc comment right above `pub use metricsmith_macros::{name};`.
fn docs_of(lib: &str, name: &str) -> String {
    let export = format!("pub use metricsmith_macros::{name};");
    let lines: Vec<&str> = lib.lines().collect();
    let at = lines.iter().position(|line| *line == export).unwrap_or_else(|| panic!("`{export}` in lib.rs"));
    let docs: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .take_while(|line| line.starts_with("///"))
        .map(|line| line.trim_start_matches("///"))
        .collect();
    docs.into_iter().rev().collect::<Vec<_>>().join("\n")
}

/// Whether `docs` show `option` as written in code: `` `name = ``, `(name = "..."`,
/// `` `labels(``, `` `crate` ``.
fn names_option(docs: &str, option: &str) -> bool {
    ["`", "(", " "]
        .iter()
        .any(|before| [" =", "(", "`"].iter().any(|after| docs.contains(&format!("{before}{option}{after}"))))
}

#[test]
fn every_macro_is_documented_with_its_options_and_an_example() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime/src/lib.rs"))
        .expect("runtime/src/lib.rs");
    for (name, options) in MACROS {
        let docs = docs_of(&lib, name);
        assert!(docs.lines().count() > 10, "`{name}` has a few lines of docs at most:\n{docs}");
        assert!(docs.contains("```\n"), "`{name}` has no runnable example:\n{docs}");
        for option in *options {
            assert!(names_option(&docs, option), "the docs of `{name}` do not name its option `{option}`");
        }
    }
}
