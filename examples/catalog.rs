//! Prints the catalog of every metric this program registers — the shop scenario's,
//! the shared `function_calls_*` families, `build_info`, the process collector's and
//! metricsmith's own — as Markdown, JSON, or the Prometheus rules generated from it.
//!
//! ```text
//! cargo run --example catalog              # Markdown table
//! cargo run --example catalog -- --json    # JSON
//! cargo run --example catalog -- --rules   # Prometheus recording and alerting rules (YAML)
//! ```

use metricsmith_examples::shop;

// `build_info{version="0.1.0",commit="",branch=""} 1`; CI would pass the commit, e.g.
// `commit = env!("GIT_COMMIT")` from a build script.
metricsmith::build_info!();

fn main() {
    // Uses the shop so its instruments are linked into this program, and registered.
    shop::enqueue(shop::Order::random(&mut shop::Dice::new(1)));

    let catalog = metricsmith::catalog();
    let output = match std::env::args().nth(1).as_deref() {
        None | Some("--markdown") => catalog.to_markdown(),
        Some("--json") => catalog.to_json(),
        Some("--rules") => catalog.rules(),
        Some(other) => {
            eprintln!("unknown argument `{other}`\nusage: catalog [--markdown | --json | --rules]");
            std::process::exit(2);
        }
    };
    print!("{output}");
}
