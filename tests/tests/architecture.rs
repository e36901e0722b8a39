//! The layers of the runtime and of the macros, as ARCHITECTURE.md lists them, checked
//! against the code: a module names (`crate::…`) only the layers below its own, so no
//! import runs upward and no import cycle can form between layers. Tests (`tests.rs`
//! files, `*_tests.rs` files and trailing `#[cfg(test)] mod tests` blocks) may reach
//! anywhere.

use std::fs;
use std::path::{Path, PathBuf};

/// The top-level modules of `runtime/src`, bottom layer first (ARCHITECTURE.md).
const RUNTIME_LAYERS: &[&str] = &[
    "rejections",
    "checks",
    "labels",
    "family",
    "storage",
    "exemplars",
    "instruments",
    "collect",
    "registry",
    "functions",
    "multiprocess",
    "exposition",
    "testing",
    "serving",
    "integrations",
    "catalog",
    "builtin",
];

/// The top-level modules of `macros/src`, bottom layer first (ARCHITECTURE.md).
const MACRO_LAYERS: &[&str] = &[
    "errors",
    "common",
    "options",
    "buckets",
    "instrument",
    "label_value",
    "label_set",
    "function",
    "metrics_group",
    "metric",
];

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("runtime/src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its trailing unit tests.
fn without_tests(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(start) => &text[..start],
        None => text,
    }
}

/// Every `crate::name` a line of code (not a comment) names, `$crate::` excluded.
fn named_modules(code: &str) -> Vec<(usize, String)> {
    let mut named = Vec::new();
    for (index, line) in code.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let before = &rest[..at];
            rest = &rest[at + "crate::".len()..];
            if before.ends_with('$') || before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            named.push((index + 1, name));
        }
    }
    named
}

/// Every import of a file of `folder` that names a layer above its own, or none.
fn layering_problems(folder: &str, layers: &[&str]) -> Vec<String> {
    let rank = |module: &str| layers.iter().position(|layer| *layer == module);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(folder);
    let mut files = Vec::new();
    source_files(&src, &mut files);
    files.sort();
    assert!(files.len() > 10, "found only {} files under {}", files.len(), src.display());
    let mut problems = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under the folder");
        let module = relative.components().next().expect("a path").as_os_str().to_string_lossy();
        let module = module.trim_end_matches(".rs");
        let file_name = relative.file_name().map(|name| name.to_string_lossy()).unwrap_or_default();
        if module == "lib" || file_name == "tests.rs" || file_name.ends_with("_tests.rs") {
            continue;
        }
        let Some(own) = rank(module) else {
            problems
                .push(format!("{}: module `{module}` is in no layer of ARCHITECTURE.md", relative.display()));
            continue;
        };
        let text = fs::read_to_string(file).expect("a readable source file");
        for (line, name) in named_modules(without_tests(&text)) {
            match rank(&name) {
                Some(other) if other <= own => {}
                Some(_) => problems.push(format!(
                    "{folder}/{}:{line}: `{module}` imports `{name}`, a layer above it",
                    relative.display()
                )),
                None => problems.push(format!(
                    "{folder}/{}:{line}: `crate::{name}` goes through the crate root: name the layer it lives in",
                    relative.display()
                )),
            }
        }
    }
    problems
}

#[test]
fn every_runtime_module_imports_only_the_layers_below_it() {
    let problems = layering_problems("runtime/src", RUNTIME_LAYERS);
    assert!(problems.is_empty(), "layering broken:\n{}", problems.join("\n"));
}

#[test]
fn every_macro_module_imports_only_the_layers_below_it() {
    let problems = layering_problems("macros/src", MACRO_LAYERS);
    assert!(problems.is_empty(), "layering broken:\n{}", problems.join("\n"));
}

#[test]
fn the_check_sees_upward_and_root_imports() {
    let code = "use crate::registry::Registered;\nlet x = crate::render(f);\n// crate::serving in a comment\n$crate::metric\n";
    assert_eq!(named_modules(code), [(1, "registry".to_owned()), (2, "render".to_owned())]);
    assert_eq!(without_tests("a\n#[cfg(test)]\nmod tests {\nuse crate::x;\n}"), "a\n");
}
