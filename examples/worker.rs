//! A background worker without a port: runs a bounded number of tasks and pushes its
//! metrics to a Pushgateway with `push_add` every few tasks and at the end.
//!
//! ```text
//! prometheus-pushgateway --web.listen-address=127.0.0.1:9091 &
//! cargo run --example worker -- --pushgateway http://127.0.0.1:9091 [--instance NAME] [--tasks N] [--push-every N]
//! curl -s http://127.0.0.1:9091/metrics | grep worker_
//! ```
//!
//! A push that fails is reported and the worker goes on: the next push carries every
//! count since start. It exits with status 1 if its last push failed. The worker is in
//! `examples/src/worker.rs`.

use metricsmith::LabelValue;
use metricsmith_examples::cli::{self, Flags};
use metricsmith_examples::worker::{self, Task, WorkerConfig};

const USAGE: &str = "usage: worker [--pushgateway URL] [--instance NAME] [--tasks N] [--push-every N]\n\
                     defaults: --pushgateway http://127.0.0.1:9091 --instance worker-1 --tasks 50 --push-every 10";

fn main() {
    let config = cli::or_usage(config(), USAGE);
    println!("worker {}: {} tasks, pushing to {}", config.instance, config.tasks, config.pushgateway);
    let report = worker::run(&config);
    for task in Task::ALL {
        let index = task.index();
        println!("{:>16}: {} ok, {} failed", task.as_str(), report.succeeded[index], report.failed[index]);
    }
    for error in &report.push_errors {
        eprintln!("worker: push failed: {error}");
    }
    println!("{} pushes accepted, {} failed", report.pushes, report.push_errors.len());
    if report.last_push_failed {
        std::process::exit(1);
    }
}

fn config() -> Result<WorkerConfig, String> {
    let flags = Flags::parse(std::env::args().skip(1), &["pushgateway", "instance", "tasks", "push-every"])?;
    Ok(WorkerConfig {
        pushgateway: flags.text("pushgateway", "http://127.0.0.1:9091"),
        instance: flags.text("instance", "worker-1"),
        tasks: flags.number("tasks", 50)?,
        push_every: flags.number("push-every", 10)?,
        simulate_work: true,
        seed: 0x3011,
    })
}
