//! A background worker with no port of its own, from the Python guide's Celery worker:
//! it runs tasks and, since Prometheus cannot scrape it, pushes its metrics to a
//! Pushgateway with `push_add` after every few tasks and when it stops.
//!
//! Each task run is timed, counted by result and tracked while in progress by stacking
//! `#[timed]`, `#[counted]` and `#[in_flight]` on one function, each recording into a
//! metric of the worker's own, labelled by the task.

use std::time::Duration;

use metricsmith::push::{PushError, Pushgateway};
use metricsmith::{counted, in_flight, metric, timed, CallResult, Counter, Gauge, Histogram, LabelValue};

use crate::shop::Dice;

/// The kinds of task the worker runs.
#[derive(LabelValue, Clone, Copy, Debug, PartialEq, Eq)]
#[label(name = "task")]
pub enum Task {
    /// Makes a thumbnail.
    ResizeImage,
    /// Sends an order confirmation.
    SendEmail,
    /// Builds a sales report.
    GenerateReport,
}

impl Task {
    /// Every task, in label-index order.
    pub const ALL: [Task; 3] = [Task::ResizeImage, Task::SendEmail, Task::GenerateReport];
}

/// Tasks the worker ran, by task and result (`ok`, `error`, `panic`).
#[metric]
pub static WORKER_TASKS_TOTAL: Counter<(Task, CallResult)>;

/// Task execution time, by task.
#[metric(buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0])]
pub static WORKER_TASK_DURATION_SECONDS: Histogram<Task>;

/// Tasks executing right now, by task.
#[metric]
pub static WORKER_TASKS_IN_PROGRESS: Gauge<Task>;

/// Keeps the worker's own families in its push: not the shop's or the process
/// collector's, which this program also registers.
pub fn worker_family(name: &str) -> bool {
    name.starts_with("worker_")
}

/// How a worker run goes.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// The Pushgateway's URL, e.g. `http://127.0.0.1:9091`.
    pub pushgateway: String,
    /// The `instance` grouping label: one group per worker.
    pub instance: String,
    /// How many tasks to run before stopping.
    pub tasks: usize,
    /// Push after every this many tasks (and once at the end).
    pub push_every: usize,
    /// Sleep a few milliseconds per task, as real work would take (tests do not).
    pub simulate_work: bool,
    /// Seed of the task mix.
    pub seed: u64,
}

/// The worker's job name at the Pushgateway.
pub const JOB: &str = "worker";

/// What a worker run did.
#[derive(Debug, Default)]
pub struct WorkerReport {
    /// Tasks that succeeded, by [`Task`] label index.
    pub succeeded: [u64; 3],
    /// Tasks that failed, by [`Task`] label index.
    pub failed: [u64; 3],
    /// Pushes the gateway accepted.
    pub pushes: usize,
    /// Pushes that failed. The worker keeps working: the next push carries every count
    /// since start, so a missed push loses nothing.
    pub push_errors: Vec<PushError>,
    /// Whether the final push, the one with the last counts, failed.
    pub last_push_failed: bool,
}

/// A task that did not complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFailed;

/// Runs `config.tasks` tasks, pushing to the Pushgateway as it goes.
pub fn run(config: &WorkerConfig) -> WorkerReport {
    let gateway = Pushgateway::new(config.pushgateway.clone())
        .job(JOB)
        .grouping("instance", config.instance.clone())
        .filter(worker_family);
    let mut report = WorkerReport::default();
    let mut dice = Dice::new(config.seed);
    for done in 1..=config.tasks {
        let task = Task::ALL[(dice.next_unit() * 3.0) as usize % 3];
        let fails = dice.next_unit() < 0.15;
        let work = Duration::from_micros(2_000 + (dice.next_unit() * 20_000.0) as u64);
        match run_task(task, fails, config.simulate_work.then_some(work)) {
            Ok(()) => report.succeeded[task.index()] += 1,
            Err(TaskFailed) => report.failed[task.index()] += 1,
        }
        if done % config.push_every.max(1) == 0 || done == config.tasks {
            let pushed = gateway.push_add();
            report.last_push_failed = pushed.is_err();
            match pushed {
                Ok(()) => report.pushes += 1,
                Err(error) => report.push_errors.push(error),
            }
        }
    }
    report
}

/// Runs one task: recorded in `worker_task_duration_seconds`, `worker_tasks_total` (a
/// failure is an `error`) and `worker_tasks_in_progress`, all labelled by `task`.
#[timed(metric = WORKER_TASK_DURATION_SECONDS, labels(task = task))]
#[counted(metric = WORKER_TASKS_TOTAL, labels(task = task))]
#[in_flight(metric = WORKER_TASKS_IN_PROGRESS, labels(task = task))]
fn run_task(task: Task, fails: bool, work: Option<Duration>) -> Result<(), TaskFailed> {
    if let Some(work) = work {
        std::thread::sleep(work);
    }
    if fails {
        return Err(TaskFailed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_keeps_working_while_the_gateway_is_down() {
        // A port that nothing listens on.
        let (pushgateway, _held) = crate::testing::refusing_url();
        let config = WorkerConfig {
            pushgateway,
            instance: "offline".to_owned(),
            tasks: 12,
            push_every: 5,
            simulate_work: false,
            seed: 3,
        };
        let report = run(&config);
        assert_eq!(report.succeeded.iter().chain(&report.failed).sum::<u64>(), 12);
        assert_eq!((report.pushes, report.push_errors.len(), report.last_push_failed), (0, 3, true));
        assert!(report.push_errors.iter().all(|error| matches!(error, PushError::Transport { .. })));
        // Every task was recorded all the same, ready for the next push.
        let recorded: u64 = Task::ALL
            .iter()
            .flat_map(|task| [CallResult::Ok, CallResult::Error].map(|result| (*task, result)))
            .map(|labels| WORKER_TASKS_TOTAL.labels(labels).get())
            .sum();
        assert_eq!(recorded, 12);
    }
}
