//! The process collector (Linux, default feature `process`) against values this test
//! computes itself: its own `/proc` reads, files it opens, threads it starts, memory it
//! touches and a child process it starts between two clock readings.
//!
//! One test function: the open-file and thread deltas need a process where nothing
//! else opens files or starts threads meanwhile.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::fs::File;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{SystemTime, UNIX_EPOCH};

use metricsmith::Format;
use metricsmith_tests::PROCESS_FAMILIES;

/// The unlabelled `process_*` samples of a text 0.0.4 exposition.
fn process_values(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|line| line.starts_with("process_"))
        .map(|line| {
            let (name, value) = line.split_once(' ').expect("`name value`");
            let value = match value {
                "+Inf" => f64::INFINITY,
                value => value.parse().unwrap_or_else(|_| panic!("`{line}` has no number")),
            };
            (name.to_owned(), value)
        })
        .collect()
}

fn scrape() -> BTreeMap<String, f64> {
    let mut out = Vec::new();
    metricsmith::render(Format::Prometheus, &mut out);
    let text = String::from_utf8(out).expect("UTF-8");
    let values = process_values(&text);
    for family in PROCESS_FAMILIES {
        assert!(values.contains_key(family), "`{family}` missing from the scrape:\n{text}");
    }
    values
}

/// A `/proc/self/status` field in kB, as bytes.
fn status_kb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let line = status.lines().find(|line| line.starts_with(field)).expect("field present");
    let kb: f64 = line.split_whitespace().nth(1).expect("a number").parse().expect("kB");
    kb * 1024.0
}

fn status_threads() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let line = status.lines().find(|line| line.starts_with("Threads:")).expect("Threads line");
    line.split_whitespace().nth(1).expect("a number").parse().expect("thread count")
}

fn open_fds_now() -> f64 {
    // The directory handle `read_dir` holds is listed too, as it is when the collector
    // counts, so both counts include one handle of their own.
    std::fs::read_dir("/proc/self/fd").expect("list /proc/self/fd").count() as f64
}

fn soft_open_files_limit() -> f64 {
    let limits = std::fs::read_to_string("/proc/self/limits").expect("read /proc/self/limits");
    let line = limits.lines().find(|line| line.starts_with("Max open files")).expect("limit line");
    match line.split_whitespace().nth(3).expect("soft limit") {
        "unlimited" => f64::INFINITY,
        soft => soft.parse().expect("a number"),
    }
}

fn getconf(name: &str) -> f64 {
    let output = Command::new("getconf").arg(name).output().expect("run getconf");
    String::from_utf8_lossy(&output.stdout).trim().parse().expect("getconf prints a number")
}

/// utime + stime of this process from `/proc/self/stat`, in seconds.
fn own_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("read /proc/self/stat");
    // Fields after the command name (which may contain spaces) start at field 3.
    let fields: Vec<&str> = stat.rsplit_once(')').expect("(comm)").1.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / getconf("CLK_TCK")
}

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_secs_f64()
}

#[test]
fn process_metrics_match_what_the_process_measures_itself() {
    // Open files: five more files open, five more counted, and the count equals a listing.
    let before = scrape();
    assert_eq!(before["process_open_fds"], open_fds_now());
    let files: Vec<File> = (0..5).map(|_| File::open("/proc/self/status").expect("open")).collect();
    let with_files = scrape();
    assert_eq!(with_files["process_open_fds"], before["process_open_fds"] + 5.0);
    drop(files);
    assert_eq!(scrape()["process_open_fds"], before["process_open_fds"]);
    assert_eq!(before["process_max_fds"], soft_open_files_limit());

    // Threads: three more threads, parked on a barrier while the scrape counts them.
    let threads_before = scrape()["process_threads"];
    assert_eq!(threads_before, status_threads());
    let started = Arc::new(Barrier::new(4));
    let release = Arc::new(Barrier::new(4));
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let (started, release) = (Arc::clone(&started), Arc::clone(&release));
            std::thread::spawn(move || {
                started.wait();
                release.wait();
            })
        })
        .collect();
    started.wait();
    assert_eq!(scrape()["process_threads"], threads_before + 3.0);
    release.wait();
    handles.into_iter().for_each(|handle| handle.join().expect("thread ends"));

    // Memory: 64 MiB touched shows up in the resident set, and both gauges agree with
    // /proc/self/status (read right after, so allow a few MiB of drift).
    let resident_before = scrape()["process_resident_memory_bytes"];
    let block = vec![1u8; 64 << 20];
    let values = scrape();
    let resident = values["process_resident_memory_bytes"];
    assert!(resident >= resident_before + (60 << 20) as f64, "{resident_before} -> {resident}");
    assert!((resident - status_kb("VmRSS:")).abs() < (4 << 20) as f64, "{resident} vs VmRSS");
    let virtual_bytes = values["process_virtual_memory_bytes"];
    assert!((virtual_bytes - status_kb("VmSize:")).abs() < (16 << 20) as f64, "{virtual_bytes} vs VmSize");
    assert!(virtual_bytes >= resident);
    drop(std::hint::black_box(block));

    // CPU time: what /proc/self/stat says, never going back.
    let cpu = scrape()["process_cpu_seconds_total"];
    let own = own_cpu_seconds();
    let tick = 1.0 / getconf("CLK_TCK");
    assert!(cpu <= own + tick && cpu >= before["process_cpu_seconds_total"], "{cpu} vs {own}");
    // Read a moment apart: the CPU time spent in between is a few ticks at most.
    assert!(own - cpu <= 0.1, "{cpu} vs {own}");

    // Start time: a child started between two readings of the clock reports a start
    // time between them (the kernel's boot time has whole-second resolution).
    let started_before = unix_now();
    let output = Command::new(env!("CARGO_BIN_EXE_print_exposition")).output().expect("run the child");
    let ended_after = unix_now();
    assert!(output.status.success());
    let child = process_values(&String::from_utf8(output.stdout).expect("UTF-8"));
    let start = child["process_start_time_seconds"];
    assert!(
        start >= started_before.floor() - 1.0 && start <= ended_after + 1.0,
        "child start {start} outside [{started_before}, {ended_after}]"
    );
    // A fresh single-threaded child has exactly one thread.
    assert_eq!(child["process_threads"], 1.0);
    // And this process started before this test did.
    assert!(before["process_start_time_seconds"] <= started_before);
}
