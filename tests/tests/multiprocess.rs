//! The multiprocess mode end to end: worker processes (`src/bin/multiprocess_worker`)
//! started with `exec` or forked by another worker record into one directory, and a
//! scrape of any of them shows the merged values. Linux only, like the mode.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use metricsmith::Format;
use metricsmith_tests::protobuf::model::Histogram as Proto;
use metricsmith_tests::protobuf::{self, decoded_buckets, expected_buckets};
use metricsmith_tests::reader::{self, Family};
use metricsmith_tests::KillOnDrop;

/// A generous bound for one answer of a worker (the machine is shared and slow).
const PATIENCE: Duration = Duration::from_secs(120);

/// A worker process, driven line by line.
struct Worker {
    stdin: ChildStdin,
    lines: Receiver<String>,
    errors: Receiver<String>,
    _child: KillOnDrop,
}

impl Worker {
    fn start(binary: &str) -> Worker {
        let mut child = Command::new(binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {binary}: {error}"));
        let stdin = child.stdin.take().expect("stdin");
        let lines = forward(child.stdout.take().expect("stdout"));
        let errors = forward(child.stderr.take().expect("stderr"));
        Worker { stdin, lines, errors, _child: KillOnDrop(child) }
    }

    fn v1() -> Worker {
        Worker::start(env!("CARGO_BIN_EXE_multiprocess_worker"))
    }

    fn v2() -> Worker {
        Worker::start(env!("CARGO_BIN_EXE_multiprocess_worker_v2"))
    }

    fn line(&self) -> String {
        self.lines.recv_timeout(PATIENCE).expect("the worker answers")
    }

    /// Sends `command` and returns its one-line answer.
    fn ask(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").expect("the worker reads");
        self.stdin.flush().expect("the worker reads");
        self.line()
    }

    /// Asks the worker to exit and waits until it has (its output closes).
    fn exit(&mut self) {
        writeln!(self.stdin, "exit").expect("the worker reads");
        self.stdin.flush().expect("the worker reads");
        match self.lines.recv_timeout(PATIENCE) {
            Err(mpsc::RecvTimeoutError::Disconnected) => {}
            other => panic!("the worker did not exit: {other:?}"),
        }
        let _ = self._child.wait();
    }

    fn ok(&mut self, command: &str) {
        assert_eq!(self.ask(command), "ok", "{command}");
    }

    fn init(&mut self, dir: &Path) {
        self.ok(&format!("init {}", dir.display()));
    }

    /// Forks children; their pids.
    fn fork(&mut self, count: usize, records: usize, value: f64, then: &str) -> Vec<u32> {
        let answer = self.ask(&format!("fork {count} {records} {value} {then}"));
        let pids = answer.strip_prefix("children ").unwrap_or_else(|| panic!("children, not {answer:?}"));
        pids.split_whitespace().map(|pid| pid.parse().expect("a pid")).collect()
    }

    fn pid(&mut self) -> u32 {
        self.ask("pid").strip_prefix("pid ").and_then(|pid| pid.parse().ok()).expect("a pid")
    }

    /// A scrape, read strictly (so every scrape is also well-formed text 0.0.4).
    fn scrape(&mut self) -> Scrape {
        assert_eq!(self.ask("scrape"), "BEGIN");
        let mut text = String::new();
        loop {
            let line = self.line();
            if line == "END" {
                break;
            }
            text.push_str(&line);
            text.push('\n');
        }
        let families =
            reader::read(Format::Prometheus, &text).unwrap_or_else(|error| panic!("{error}\n{text}"));
        Scrape { families, text }
    }

    /// A scrape in the protobuf format: the histogram `name`'s one series, decoded.
    fn native(&mut self, name: &str) -> Proto {
        let answer = self.ask("protobuf");
        let hex = answer.strip_prefix("protobuf ").unwrap_or_else(|| panic!("protobuf, not {answer:?}"));
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).expect("hexadecimal"))
            .collect();
        let families = protobuf::decode(&bytes).unwrap_or_else(|error| panic!("{error}"));
        let family = protobuf::family(&families, name);
        assert_eq!(family.metric.len(), 1, "{name}: one series");
        family.metric[0].histogram.clone().expect("a histogram")
    }

    /// Everything the worker writes to stderr from now on until a note of its own: all
    /// it wrote before the call, however late the pipe delivers it.
    fn stderr_until_now(&mut self) -> String {
        self.ok("note --end-of-stderr--");
        let mut lines = Vec::new();
        loop {
            let line = self.errors.recv_timeout(PATIENCE).expect("the worker's note");
            if line == "--end-of-stderr--" {
                break lines.join("\n");
            }
            lines.push(line);
        }
    }
}

fn forward(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

struct Scrape {
    families: Vec<Family>,
    text: String,
}

impl Scrape {
    /// The value of the one sample `name{labels}` (labels given must match, others may
    /// be there too); panics if there is none or more than one.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let found: Vec<f64> = self
            .families
            .iter()
            .flat_map(|family| &family.samples)
            .filter(|sample| sample.name == name && sample.has_labels(labels))
            .map(|sample| sample.value)
            .collect();
        match found.as_slice() {
            [value] => *value,
            _ => panic!("{} samples {name}{labels:?} in\n{}", found.len(), self.text),
        }
    }

    /// Every sample `name` by its `label`.
    fn by_label(&self, name: &str, label: &str) -> BTreeMap<String, f64> {
        self.families
            .iter()
            .flat_map(|family| &family.samples)
            .filter(|sample| sample.name == name)
            .map(|sample| (sample.label(label).unwrap_or_default().to_owned(), sample.value))
            .collect()
    }

    fn has(&self, name: &str) -> bool {
        self.families.iter().flat_map(|family| &family.samples).any(|sample| sample.name == name)
    }
}

fn directory() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// The process files in `dir`.
fn process_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .expect("the directory")
        .filter(|entry| {
            entry.as_ref().is_ok_and(|entry| entry.file_name().to_string_lossy().starts_with("proc-"))
        })
        .count()
}

/// Values recorded before `init` are kept; forked children record into files of their
/// own from zero; counters, float counters, histograms, summaries and the function
/// families add up over every process.
#[test]
fn forked_children_add_up_and_start_at_zero() {
    let dir = directory();
    let mut parent = Worker::v1();
    parent.ok("record 1");
    parent.init(dir.path());
    parent.fork(3, 4, 2.5, "stay");
    let scrape = parent.scrape();
    // One record in the parent and four in each child; a child that inherited the
    // parent's counts would add the parent's record three more times.
    assert_eq!(scrape.value("mp_events_total", &[("kind", "a")]), 13.0);
    assert_eq!(scrape.value("mp_events_total", &[("kind", "b")]), 26.0);
    assert_eq!(scrape.value("mp_amount_total", &[]), 1.0 + 12.0 * 2.5);
    assert_eq!(scrape.value("mp_latency_seconds_count", &[]), 13.0);
    assert_eq!(scrape.value("mp_latency_seconds_bucket", &[("le", "+Inf")]), 13.0);
    assert_eq!(scrape.value("mp_latency_seconds_bucket", &[("le", "2")]), 1.0, "only the parent's 1.0");
    assert_eq!(scrape.value("mp_latency_seconds_sum", &[]), 31.0);
    assert_eq!(
        (scrape.value("mp_size_bytes_count", &[]), scrape.value("mp_size_bytes_sum", &[])),
        (13.0, 31.0)
    );
    // A native histogram merges too (its native buckets: see
    // `native_histograms_merge_bucket_by_bucket`).
    assert_eq!(scrape.value("mp_native_seconds_count", &[]), 13.0);
    assert_eq!(scrape.value("mp_native_seconds_sum", &[]), 31.0);
    let function = [("function", "mp_handle"), ("result", "ok")];
    assert_eq!(scrape.value("function_calls_total", &function), 13.0);
    assert_eq!(scrape.value("function_calls_duration_seconds_count", &[("function", "mp_work")]), 13.0);
    assert_eq!(process_files(dir.path()), 4, "the parent's file and one per child");
    // Disk per process: a header page and the runs' cells (8 bytes a cell, each run
    // rounded up to a page: 45 pages for this worker's families, most of them the 17
    // copies of each native histogram), nothing per record.
    for entry in std::fs::read_dir(dir.path()).expect("the directory") {
        let entry = entry.expect("an entry");
        if entry.file_name().to_string_lossy().starts_with("proc-") {
            assert_eq!(entry.metadata().expect("its size").len(), 46 * 4096, "{entry:?}");
        }
    }
    // The process collector shows every running process, by pid.
    let live = parent.ask("live");
    let live: Vec<&str> = live.strip_prefix("live ").expect("live pids").split(' ').collect();
    assert_eq!(live.len(), 4, "{live:?}");
    for family in ["process_resident_memory_bytes", "process_cpu_seconds_total", "process_start_time_seconds"]
    {
        let shown = scrape.by_label(family, "pid");
        assert_eq!(shown.keys().map(String::as_str).collect::<Vec<_>>(), live, "{family}");
        assert!(
            shown.values().all(|value| *value > 0.0 || family == "process_cpu_seconds_total"),
            "{family}: {shown:?}"
        );
    }
}

/// The native buckets a histogram's processes hold, each at the resolution its own values
/// drove it to (8-bucket windows), merge bucket by bucket into one scrape at the coarsest
/// resolution: the count is the sum of both signs' buckets and the zero bucket, the sum
/// is every observation's, each bucket holds exactly the observations Prometheus puts
/// in it at the schema shown. Forked and exec'd processes, a `SIGKILL`ed one, and exited
/// ones whose files were compacted into the archive (which stores their buckets in one
/// window) all count.
#[test]
fn native_histograms_merge_bucket_by_bucket() {
    // Values away from powers of two (bucket bounds at every schema), so each bucket is
    // known whatever the schema.
    let wide = [0.001, 0.002, 1000.0, -3.0, 0.0, -0.0];
    let narrow = [5.0, 5.5, 6.0, -0.3];
    let dir = directory();
    let mut first = Worker::v1();
    first.init(dir.path());
    first.ok(&format!("offsets {}", wide.map(|value| value.to_string()).join(" ")));
    let mut second = Worker::v1();
    second.init(dir.path());
    second.ok(&format!("offsets {}", narrow.map(|value| value.to_string()).join(" ")));
    // Forked children record 2.5 into the classic-and-native histogram and -2.5 into the
    // native-only one, three times each.
    let children = first.fork(2, 3, 2.5, "stay");
    let mut offsets: Vec<f64> = wide.iter().chain(&narrow).copied().collect();
    offsets.extend([-2.5; 6]);
    let check = |scraper: &mut Worker, when: &str| {
        let merged = scraper.native("mp_native_offset_meters");
        let schema = merged.schema.expect("a schema");
        assert!(schema < 2, "{when}: at a resolution coarser than the wide values' window allows: {schema}");
        let positive = decoded_buckets(&merged.positive_span, &merged.positive_delta);
        let negative = decoded_buckets(&merged.negative_span, &merged.negative_delta);
        let nonzero = || offsets.iter().copied().filter(|value| *value != 0.0);
        assert_eq!(positive, expected_buckets(nonzero().filter(|value| *value > 0.0), schema), "{when}");
        assert_eq!(negative, expected_buckets(nonzero().filter(|value| *value < 0.0), schema), "{when}");
        assert_eq!(merged.zero_count, Some(2), "{when}: 0 and -0");
        let in_buckets: u64 = positive.iter().chain(&negative).map(|(_, count)| count).sum();
        assert_eq!(
            merged.sample_count,
            Some(in_buckets + 2),
            "{when}: the count is the buckets' and the zero bucket's"
        );
        assert_eq!(merged.sample_count, Some(offsets.len() as u64), "{when}");
        let sum: f64 = offsets.iter().sum();
        let shown = merged.sample_sum.expect("a sum");
        assert!((shown - sum).abs() < 1e-9, "{when}: sum {shown}, not {sum}");
        // Beside classic buckets: the six 2.5 of the children.
        let both = scraper.native("mp_native_seconds");
        let schema = both.schema.expect("a schema");
        assert_eq!(
            decoded_buckets(&both.positive_span, &both.positive_delta),
            expected_buckets([2.5; 6], schema)
        );
        assert_eq!((both.sample_count, both.sample_sum), (Some(6), Some(15.0)), "{when}");
    };
    check(&mut first, "running");
    check(&mut second, "scraped by the exec'd process");
    first.ok(&format!("kill {}", children[0]));
    check(&mut second, "one child killed");
    first.ok(&format!("mark {}", children[0]));
    second.exit();
    // This scrape reads the exited process's own file, then compacts it.
    check(&mut first, "killed child compacted, exec'd process exited");
    assert_eq!(process_files(dir.path()), 2, "the first worker's and the running child's");
    check(&mut first, "from the archive");
}

/// A child forked while other threads of its parent record never hangs (the fork hooks
/// map its own file and repair what the vanished threads left mid-update) and records
/// into its own file: the children's amounts add up exactly while the parent's threads
/// fill the histogram, whose `+Inf` bucket still equals its count.
#[test]
fn children_forked_while_threads_record_get_their_own_files() {
    let dir = directory();
    let mut parent = Worker::v1();
    parent.init(dir.path());
    parent.ok("threads 2");
    let children = parent.fork(8, 3, 1.5, "exit");
    assert_eq!(children.len(), 8);
    let scrape = parent.scrape();
    assert_eq!(scrape.value("mp_amount_total", &[]), 8.0 * 3.0 * 1.5, "only the children record amounts");
    let count = scrape.value("mp_latency_seconds_count", &[]);
    assert_eq!(scrape.value("mp_latency_seconds_bucket", &[("le", "+Inf")]), count);
    assert!(count > 24.0, "the parent's threads recorded too: {count}");
    // The children's 24 observations of 1.5, and the threads' of 1.0.
    assert_eq!(scrape.value("mp_latency_seconds_sum", &[]), 24.0 * 1.5 + (count - 24.0));
    for child in children {
        assert_eq!(scrape.value("mp_all_level", &[("pid", &child.to_string())]), 1.5);
    }
}

/// Every gauge mode, with running processes and exited ones; the values of exited ones
/// stay what they were once their files are compacted.
#[test]
fn every_gauge_mode() {
    let dir = directory();
    let mut parent = Worker::v1();
    parent.init(dir.path());
    parent.ok("gauge 4");
    let parent_pid = parent.pid();
    // Written in this order: the parent's 4, the running children's 5 and 3, then the
    // exited children's 0.5 and 9.
    let five = parent.fork(1, 1, 5.0, "stay")[0];
    let three = parent.fork(1, 1, 3.0, "stay")[0];
    let half = parent.fork(1, 1, 0.5, "exit")[0];
    let nine = parent.fork(1, 1, 9.0, "exit")[0];
    let check = |scrape: &Scrape| {
        let all = scrape.by_label("mp_all_level", "pid");
        let expected: BTreeMap<String, f64> =
            [(parent_pid, 4.0), (five, 5.0), (three, 3.0), (half, 0.5), (nine, 9.0)]
                .into_iter()
                .map(|(pid, value)| (pid.to_string(), value))
                .collect();
        assert_eq!(all, expected, "all: one series per process, exited ones too");
        let live = scrape.by_label("mp_liveall_level", "pid");
        let expected: BTreeMap<String, f64> = [(parent_pid, 4.0), (five, 5.0), (three, 3.0)]
            .into_iter()
            .map(|(pid, value)| (pid.to_string(), value))
            .collect();
        assert_eq!(live, expected, "liveall: the running processes");
        for (name, value) in [
            ("mp_min_level", 0.5),
            ("mp_livemin_level", 3.0),
            ("mp_max_level", 9.0),
            ("mp_livemax_level", 5.0),
            ("mp_sum_level", 21.5),
            ("mp_livesum_level", 12.0),
            ("mp_mostrecent_level", 9.0),
            ("mp_livemostrecent_level", 3.0),
        ] {
            assert_eq!(scrape.value(name, &[]), value, "{name}");
        }
        // A labelled gauge of mode `all`: one series per label combination and process.
        assert_eq!(scrape.value("mp_queue_depth", &[("kind", "b"), ("pid", &nine.to_string())]), 9.0);
        assert_eq!(scrape.by_label("mp_queue_depth", "pid").len(), 5);
    };
    let before = parent.scrape();
    check(&before);
    parent.ok(&format!("mark {half}"));
    assert_eq!(process_files(dir.path()), 3, "the exited children's files are compacted");
    check(&parent.scrape());
}

/// A worker killed with `SIGKILL` loses nothing it recorded; its `live` gauges (and its
/// calls in flight) are gone at once, and stay gone once its file is compacted.
#[test]
fn a_killed_worker_loses_nothing() {
    let dir = directory();
    let mut parent = Worker::v1();
    parent.init(dir.path());
    let held = parent.fork(1, 5, 1.0, "hold")[0];
    let in_flight = [("function", "mp_hold")];
    let scrape = parent.scrape();
    assert_eq!(scrape.value("function_calls_concurrent", &in_flight), 1.0);
    assert_eq!(scrape.value("mp_livesum_level", &[]), 1.0);
    assert!(scrape.by_label("mp_liveall_level", "pid").contains_key(&held.to_string()));
    parent.ok(&format!("kill {held}"));
    let scrape = parent.scrape();
    assert_eq!(scrape.value("mp_events_total", &[("kind", "a")]), 5.0, "nothing lost");
    assert_eq!(scrape.value("mp_latency_seconds_count", &[]), 5.0);
    assert_eq!(scrape.value("function_calls_concurrent", &in_flight), 0.0, "its call is no longer in flight");
    assert_eq!(scrape.value("mp_livesum_level", &[]), 0.0);
    assert!(!scrape.by_label("mp_liveall_level", "pid").contains_key(&held.to_string()));
    parent.ok(&format!("mark {held}"));
    assert_eq!(process_files(dir.path()), 1, "only the parent's file is left");
    let scrape = parent.scrape();
    assert_eq!(scrape.value("mp_events_total", &[("kind", "a")]), 5.0, "still counted from the archive");
    assert_eq!(scrape.value("function_calls_concurrent", &in_flight), 0.0);
    assert_eq!(parent.ask("live"), format!("live {}", parent.pid()));
}

/// Processes started with `exec` join with `init` on the same directory; one that exits
/// stays counted; any process's scrape shows the merged values.
#[test]
fn exec_started_processes_join_the_group() {
    let dir = directory();
    let mut first = Worker::v1();
    first.init(dir.path());
    first.ok("record 1");
    let mut second = Worker::v1();
    second.ok("record 2");
    second.init(dir.path());
    second.ok("record 2");
    for worker in [&mut first, &mut second] {
        assert_eq!(worker.scrape().value("mp_amount_total", &[]), 5.0);
    }
    second.exit();
    // Its lock is released when it exits; the first sees it exited but counted.
    let scrape = first.scrape();
    assert_eq!(scrape.value("mp_amount_total", &[]), 5.0);
    assert_eq!(scrape.by_label("mp_liveall_level", "pid").len(), 1);
    // Each scrape failed to read the broken gauge (and left it out); the counts add up
    // over both processes, the exited one's included. A scrape shows the failures
    // before its own.
    assert!(!scrape.has("mp_broken_readings"));
    assert_eq!(scrape.value("metricsmith_collect_failures_total", &[("metric", "mp_broken_readings")]), 2.0);
    assert_eq!(scrape.by_label("process_threads", "pid").len(), 1, "the running process only");
    // `init` again with the same directory does nothing; another one is refused.
    first.init(dir.path());
    let other = directory();
    let refused = first.ask(&format!("init {}", other.path().display()));
    assert!(refused.starts_with("error ") && refused.contains("already records into"), "{refused}");
}

/// A service restarted on the same directory starts a new generation: the previous
/// run's counts are neither added again nor left behind.
#[test]
fn a_restart_on_the_same_directory_starts_anew() {
    let dir = directory();
    let mut first = Worker::v1();
    first.init(dir.path());
    first.ok("record 3");
    first.fork(2, 1, 1.0, "exit");
    first.exit();
    let mut restarted = Worker::v1();
    restarted.init(dir.path());
    restarted.ok("record 1");
    let scrape = restarted.scrape();
    assert_eq!(scrape.value("mp_amount_total", &[]), 1.0, "the previous run is not counted");
    assert_eq!(scrape.by_label("mp_all_level", "pid").len(), 1, "nor are its processes shown");
    assert_eq!(process_files(dir.path()), 1);
    assert!(!dir.path().read_dir().unwrap().any(|entry| entry
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with("archive-")));
}

/// During a rolling restart two builds share the directory: families merge by name and
/// label values; a family whose buckets or gauge mode changed is refused (each build
/// shows its own), and the scrape says so on stderr.
#[test]
fn builds_of_another_layout_merge_by_name_and_labels() {
    let dir = directory();
    let mut old = Worker::v1();
    old.init(dir.path());
    old.ok("record 1");
    old.ok("gauge 7");
    let mut new = Worker::v2();
    new.init(dir.path());
    new.ok("record 1");
    new.ok("gauge 2");
    let scrape = old.scrape();
    assert_eq!(scrape.value("mp_events_total", &[("kind", "a")]), 2.0, "same kind, other index");
    assert_eq!(scrape.value("mp_events_total", &[("kind", "b")]), 4.0);
    assert_eq!(scrape.by_label("mp_events_total", "kind").len(), 2, "kind `c` is unknown to the old build");
    assert_eq!(scrape.value("mp_amount_total", &[]), 2.0);
    assert_eq!(scrape.value("mp_latency_seconds_count", &[]), 1.0, "other buckets: not merged");
    assert_eq!(scrape.value("mp_sum_level", &[]), 7.0, "a sum there, a max here: not merged");
    assert_eq!(scrape.value("mp_livesum_level", &[]), 9.0);
    assert!(!scrape.has("mp_new_total"));
    let stderr = old.stderr_until_now();
    assert!(
        stderr.contains(
            "`mp_latency_seconds` is not merged: its buckets are [0.5, 1.0, 2.0] there and [0.5, 2.0] here"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "`mp_sum_level` is not merged: it is a gauge of mode `max` there and a gauge of mode `sum` here"
        ),
        "{stderr}"
    );
    let scrape = new.scrape();
    assert_eq!(scrape.value("mp_events_total", &[("kind", "c")]), 4.0);
    assert_eq!(scrape.value("mp_events_total", &[("kind", "a")]), 2.0);
    assert_eq!(scrape.value("mp_new_total", &[]), 1.0);
    // The old build's families the new one lacks are said, not shown.
    let stderr = new.stderr_until_now();
    assert!(stderr.contains("`mp_all_level` is not in this build"), "{stderr}");
}

/// A family labelled by values registered at run time is not merged: each process
/// numbers its values in the order it met them, so adding series of one index would add
/// other tenants' counts. Each scrape shows the serving process's own values and says
/// so once on stderr, while the other families still merge.
#[test]
fn families_of_runtime_label_values_show_the_serving_process_values() {
    let dir = directory();
    let mut first = Worker::v1();
    first.init(dir.path());
    first.ok("tenant acme");
    first.ok("record 1");
    let mut second = Worker::v1();
    second.init(dir.path());
    // `globex` takes the slot `acme` has in the first process.
    second.ok("tenant globex");
    second.ok("tenant acme");
    second.ok("tenant acme");
    second.ok("record 1");
    let scrape = first.scrape();
    assert_eq!(scrape.value("mp_amount_total", &[]), 2.0, "the other families merge");
    let tenants = scrape.by_label("mp_tenant_requests_total", "tenant");
    assert_eq!(tenants, BTreeMap::from([("acme".to_owned(), 1.0)]), "the first process's own");
    let scrape = second.scrape();
    let tenants = scrape.by_label("mp_tenant_requests_total", "tenant");
    assert_eq!(tenants, BTreeMap::from([("acme".to_owned(), 2.0), ("globex".to_owned(), 1.0)]));
    let note = "`mp_tenant_requests_total` is not merged: its label values are registered at run time";
    for worker in [&mut first, &mut second] {
        let stderr = worker.stderr_until_now();
        assert_eq!(stderr.matches(note).count(), 1, "said: {stderr}");
    }
    // Said once per process, not at every scrape.
    first.scrape();
    let stderr = first.stderr_until_now();
    assert!(!stderr.contains("mp_tenant_requests_total"), "{stderr}");
}

/// A thousand worker restarts: the directory keeps the live processes' files, one
/// archive, the layout and the two lock files, whether the supervisor marks each exited
/// worker dead or scrapes compact them; and every restart's count is kept.
#[test]
fn the_directory_stays_bounded_over_a_thousand_restarts() {
    let dir = directory();
    let mut master = Worker::v1();
    master.init(dir.path());
    master.ok("restarts 500 mark");
    master.ok("restarts 500 scrape");
    let scrape = master.scrape();
    assert_eq!(scrape.value("mp_amount_total", &[]), 1000.0);
    // `all` keeps one value per exited pid: the series of the exited processes.
    assert!(scrape.by_label("mp_all_level", "pid").len() > 1);
    let files: Vec<(String, u64)> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            (entry.file_name().to_string_lossy().into_owned(), entry.metadata().unwrap().len())
        })
        .collect();
    assert!(files.len() <= 5, "{files:?}");
    // The layout's runs take 45 pages; the archive adds, per exited pid, one value of
    // each `all`-mode series (3 here): 1000 × 4 words at most.
    let bytes: u64 = files.iter().map(|(_, len)| len).sum();
    assert!(bytes <= 2 * 46 * 4096 + 1000 * 4 * 8 + 16 * 1024, "{bytes} bytes in {files:?}");
}

/// Scrapes while other processes record keep the guarantees of one process: every
/// histogram's `+Inf` bucket equals its count, its sum is exact (every observation is
/// 1.0), and no total goes backwards.
#[test]
fn scrapes_during_writes_in_other_processes_are_consistent() {
    let dir = directory();
    let mut parent = Worker::v1();
    parent.init(dir.path());
    parent.fork(2, 0, 0.0, "busy");
    let mut last = (0.0, 0.0);
    for _ in 0..30 {
        let scrape = parent.scrape();
        let count = scrape.value("mp_latency_seconds_count", &[]);
        assert_eq!(scrape.value("mp_latency_seconds_bucket", &[("le", "+Inf")]), count);
        assert_eq!(scrape.value("mp_latency_seconds_sum", &[]), count, "every observation is 1.0");
        assert_eq!(scrape.value("mp_size_bytes_sum", &[]), scrape.value("mp_size_bytes_count", &[]));
        let events = scrape.value("mp_events_total", &[("kind", "a")]);
        assert!(count >= last.0 && events >= last.1, "went backwards: {last:?} then {:?}", (count, events));
        last = (count, events);
    }
    assert!(last.0 > 0.0, "the children recorded");
}
