//! A batch job: imports rows, then pushes how long it took, when it succeeded and the
//! rows it processed to a Pushgateway, once, with `push` (replacing its previous run's
//! group).
//!
//! ```text
//! prometheus-pushgateway --web.listen-address=127.0.0.1:9091 &
//! cargo run --example batch_job -- --pushgateway http://127.0.0.1:9091 [--rows N]
//! curl -s http://127.0.0.1:9091/metrics | grep batch_import_
//! ```
//!
//! It exits with status 1 if the push fails. The job is in `examples/src/batch.rs`.

use metricsmith_examples::batch::{self, BatchConfig};
use metricsmith_examples::cli::{self, Flags};

const USAGE: &str = "usage: batch_job [--pushgateway URL] [--rows N]\n\
                     defaults: --pushgateway http://127.0.0.1:9091 --rows 10000";

fn main() {
    let config = cli::or_usage(config(), USAGE);
    match batch::run(&config) {
        Ok(report) => println!(
            "imported {} rows, skipped {}, in {:.6} s; pushed to {}",
            report.imported, report.skipped, report.duration_seconds, config.pushgateway
        ),
        Err(error) => {
            eprintln!("batch_job: the import ran, but its metrics were not pushed: {error}");
            std::process::exit(1);
        }
    }
}

fn config() -> Result<BatchConfig, String> {
    let flags = Flags::parse(std::env::args().skip(1), &["pushgateway", "rows"])?;
    Ok(BatchConfig {
        pushgateway: flags.text("pushgateway", "http://127.0.0.1:9091"),
        rows: flags.number("rows", 10_000)?,
        seed: 0xba7c,
    })
}
