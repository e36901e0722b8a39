//! The `worker` and `batch_job` examples (`metricsmith_examples::{worker, batch}::run`,
//! what `cargo run --example worker|batch_job` call) against a real Pushgateway on
//! loopback: what each run reports is what the gateway then serves, under the right job
//! and grouping labels, with `push_add` keeping a group's other metrics and `push`
//! replacing them, and only each job's own families pushed.
//!
//! Nothing else in this binary runs the worker or the batch job, so counts are exact.

use metricsmith::LabelValue;
use metricsmith_examples::batch::{self, BatchConfig};
use metricsmith_examples::worker::{self, Task, WorkerConfig};
use metricsmith_tests::{reader, require, PushgatewayServer, Tool};

/// A metric some other process pushed into the group earlier.
const FOREIGN: &str = "# TYPE foreign_level gauge\nforeign_level 42\n";

/// The names of the families the gateway holds for the group with `labels`, but its own.
fn families_in_group(server: &PushgatewayServer, labels: &[(&str, &str)]) -> Vec<String> {
    let mut names: Vec<String> = reader::samples(&server.scrape())
        .unwrap()
        .into_iter()
        .filter(|sample| sample.has_labels(labels))
        .map(|sample| sample.name)
        .filter(|name| !matches!(name.as_str(), "push_time_seconds" | "push_failure_time_seconds"))
        .collect();
    names.dedup();
    names
}

#[test]
fn the_worker_pushes_its_counts_with_push_add() {
    let Some(binary) = require(Tool::Pushgateway, "the_worker_pushes_its_counts_with_push_add") else {
        return;
    };
    let server = PushgatewayServer::start(&binary);
    let group = [("job", worker::JOB), ("instance", "w-test")];
    assert_eq!(server.raw("PUT", "/metrics/job/worker/instance/w-test", FOREIGN).0, 200);

    let config = WorkerConfig {
        pushgateway: server.url().to_owned(),
        instance: "w-test".to_owned(),
        tasks: 25,
        push_every: 10,
        simulate_work: false,
        seed: 7,
    };
    let report = worker::run(&config);
    assert!(report.push_errors.is_empty(), "{:?}", report.push_errors);
    assert_eq!((report.pushes, report.last_push_failed), (3, false), "after tasks 10, 20 and 25");
    assert_eq!(report.succeeded.iter().chain(&report.failed).sum::<u64>(), 25);
    assert!(report.failed.iter().sum::<u64>() > 0, "the seed makes some tasks fail");

    for task in Task::ALL {
        let (ok, failed) = (report.succeeded[task.index()], report.failed[task.index()]);
        let labels = |result| [group[0], group[1], ("task", task.as_str()), ("result", result)];
        assert_eq!(server.value("worker_tasks_total", &labels("ok")), Some(ok as f64), "{task:?}");
        assert_eq!(server.value("worker_tasks_total", &labels("error")), Some(failed as f64), "{task:?}");
        let task_labels = [group[0], group[1], ("task", task.as_str())];
        let timed = server.value("worker_task_duration_seconds_count", &task_labels);
        assert_eq!(timed, Some((ok + failed) as f64), "{task:?}");
        assert_eq!(server.value("worker_tasks_in_progress", &task_labels), Some(0.0), "{task:?}");
    }
    // push_add kept what was pushed under other names, and only worker families arrived.
    assert_eq!(server.value("foreign_level", &group), Some(42.0));
    let families = families_in_group(&server, &group);
    let strangers: Vec<&String> =
        families.iter().filter(|name| !name.starts_with("worker_") && *name != "foreign_level").collect();
    assert!(strangers.is_empty(), "pushed beyond the worker's families: {strangers:?}");
}

#[test]
fn the_batch_job_pushes_its_duration_last_success_and_rows() {
    let Some(binary) = require(Tool::Pushgateway, "the_batch_job_pushes_its_duration_last_success_and_rows")
    else {
        return;
    };
    let server = PushgatewayServer::start(&binary);
    let group = [("job", batch::JOB)];
    // What the previous run left: `push` replaces it.
    assert_eq!(server.raw("PUT", "/metrics/job/batch_import", FOREIGN).0, 200);

    let config = BatchConfig { pushgateway: server.url().to_owned(), rows: 500, seed: 11 };
    let report = batch::run(&config).expect("the push succeeds");
    assert_eq!(report.imported + report.skipped, 500);
    assert!(report.skipped > 0, "the seed makes some rows invalid");

    let rows = |outcome| [group[0], ("outcome", outcome)];
    let imported = server.value("batch_import_rows_processed_total", &rows("imported"));
    assert_eq!(imported, Some(report.imported as f64));
    let skipped = server.value("batch_import_rows_processed_total", &rows("skipped"));
    assert_eq!(skipped, Some(report.skipped as f64));
    // Gauges travel as shortest round-trip decimals: exactly the values the job set.
    let duration = server.value("batch_import_duration_seconds", &group);
    assert_eq!(duration, Some(report.duration_seconds));
    let last_success = server.value("batch_import_last_success_timestamp_seconds", &group);
    assert_eq!(last_success, Some(report.finished_at));
    assert!(report.finished_at > 1.7e9, "a Unix time: {}", report.finished_at);

    assert_eq!(server.value("foreign_level", &group), None, "push replaces the whole group");
    let families = families_in_group(&server, &group);
    assert_eq!(
        families,
        [
            "batch_import_duration_seconds",
            "batch_import_last_success_timestamp_seconds",
            "batch_import_rows_processed_total"
        ]
    );
}
