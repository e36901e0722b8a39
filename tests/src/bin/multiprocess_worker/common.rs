//! The command loop of the multiprocess test workers (`multiprocess_worker` and its other
//! build, `multiprocess_worker_v2`, which includes this file): one command per line on stdin, one answer per line
//! on stdout, so a test drives processes of one group — started with `exec`, or forked
//! by a worker — and scrapes any of them. Linux only, like the multiprocess mode.
//!
//! | command | does | answers |
//! | --- | --- | --- |
//! | `init DIR` | `multiprocess::init(DIR)` | `ok` or `error MESSAGE` |
//! | `record V` | records `V` into every instrument once | `ok` |
//! | `gauge V` | sets every gauge to `V` | `ok` |
//! | `offsets V…` | observes each `V` into the native-only histogram | `ok` |
//! | `tenant NAME` | counts one request of tenant `NAME`, a label value registered at run time | `ok` |
//! | `fork N K V THEN` | forks `N` children one after the other; each records `V` `K` times, then per `THEN`: `exit`s, `stay`s (sleeps until killed), `hold`s (sleeps inside an `#[in_flight]` call) or stays `busy` (records 1.0 into the histogram, the counter and the summary until killed) | `children PID…` once each child has recorded (and those that exit have been reaped) |
//! | `threads N` | starts `N` threads that record as `busy` children do, until the worker exits | `ok` once each has recorded |
//! | `kill PID` | `SIGKILL`s a child and reaps it | `ok` |
//! | `mark PID` | `multiprocess::mark_process_dead(PID)` | `ok` or `error MESSAGE` |
//! | `restarts N MARK` | `N` times: forks a child that records 1 and exits, reaps it, and with `MARK` = `mark` calls `mark_process_dead`, else scrapes every 10th time | `ok` |
//! | `live` | `multiprocess::live_pids()` | `live PID…` |
//! | `scrape` | renders (text 0.0.4) | `BEGIN`, the exposition, `END` |
//! | `protobuf` | renders (protobuf) | `protobuf HEX`: the bytes in hexadecimal |
//! | `pid` | this process's pid | `pid PID` |
//! | `note TEXT` | writes `TEXT` to stderr, after all it wrote there before | `ok` |
//! | `exit` | exits | nothing |
//!
//! Children die with their worker (`PR_SET_PDEATHSIG`), so a test that fails leaves none.

use std::io::{BufRead, Write};
use std::time::Duration;

use metricsmith::{
    counted, in_flight, metric, timed, Counter, FloatCounter, Gauge, LabelValue, RuntimeLabel,
};
use metricsmith::{RuntimeValue, Summary};

// The instruments both builds declare alike.

/// Amounts recorded.
#[metric]
pub static MP_AMOUNT_TOTAL: FloatCounter;

/// Sizes of the work.
#[metric]
pub static MP_SIZE_BYTES: Summary;

/// Durations in native buckets beside the classic ones, merged bucket by bucket.
#[metric(native)]
pub static MP_NATIVE_SECONDS: metricsmith::Histogram;

/// Offsets in native buckets only, negative ones too; a window of 8 buckets, so that
/// each process lowers its resolution as far as its own values need.
#[metric(native(schema = 2, max_buckets = 8), buckets = [])]
pub static MP_NATIVE_OFFSET_METERS: metricsmith::Histogram;

/// A gauge of mode `livesum`.
#[metric(multiprocess = "livesum")]
pub static MP_LIVESUM_LEVEL: Gauge;

/// A tenant, a label value registered at run time (in each process in its own order).
#[derive(LabelValue, Clone, Copy)]
#[label(name = "tenant", capacity = 4)]
pub struct Tenant(RuntimeValue);

/// Requests, by tenant: not merged over processes (each scrape shows its own process's).
#[metric]
pub static MP_TENANT_REQUESTS_TOTAL: Counter<Tenant>;

#[counted]
pub fn mp_handle() {}

#[timed]
pub fn mp_work() {}

#[in_flight]
pub fn mp_hold(ready: &dyn Fn()) {
    ready();
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Records `value` into the instruments both builds declare alike, gauges aside.
pub fn record_common(value: f64) {
    MP_AMOUNT_TOTAL.inc_by(value);
    MP_SIZE_BYTES.observe(value);
    MP_NATIVE_SECONDS.observe(value);
    MP_NATIVE_OFFSET_METERS.observe(-value);
    mp_handle();
    mp_work();
}

/// Sets the gauges both builds declare alike.
pub fn set_common_gauges(value: f64) {
    MP_LIVESUM_LEVEL.set(value);
}

/// What a worker build records.
pub struct Instruments {
    /// Records `value` into every instrument once.
    pub record: fn(f64),
    /// Sets every gauge to `value`.
    pub set_gauges: fn(f64),
    /// Records 1.0 into the histogram, the counter and the summary.
    pub busy: fn(),
}

fn answer(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn fork_child(then: &str, records: usize, value: f64, instruments: &Instruments) -> i32 {
    let mut ends = [0i32; 2];
    // SAFETY: `ends` has room for the two descriptors.
    assert_eq!(unsafe { libc::pipe(ends.as_mut_ptr()) }, 0, "a pipe");
    let worker = std::process::id();
    // SAFETY: the child runs its own code (recording, pipes, sleeping: what a prefork
    // worker does after fork, also when the worker has recording threads) and never
    // returns into the command loop.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        // SAFETY: plain system calls in the child.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            // The worker died before the signal was asked for: no orphan.
            if libc::getppid() as u32 != worker {
                libc::_exit(0);
            }
            libc::close(ends[0]);
        }
        for _ in 0..records {
            (instruments.record)(value);
        }
        let ready = || {
            // SAFETY: one byte to the parent, on our end of the pipe.
            unsafe { libc::write(ends[1], [1u8].as_ptr().cast(), 1) };
        };
        match then {
            "exit" => {
                ready();
                // SAFETY: ends the child at once, without running the parent's exit code.
                unsafe { libc::_exit(0) }
            }
            "hold" => mp_hold(&ready),
            "busy" => {
                ready();
                loop {
                    (instruments.busy)();
                }
            }
            _ => {
                ready();
                loop {
                    std::thread::sleep(Duration::from_secs(1));
                }
            }
        }
        // SAFETY: as above.
        unsafe { libc::_exit(0) }
    }
    // SAFETY: our ends of the pipe.
    unsafe {
        libc::close(ends[1]);
        let mut byte = 0u8;
        libc::read(ends[0], (&mut byte as *mut u8).cast(), 1);
        libc::close(ends[0]);
    }
    if then == "exit" {
        reap(pid);
    }
    pid
}

fn reap(pid: i32) {
    let mut status = 0;
    // SAFETY: waits for our own child.
    unsafe { libc::waitpid(pid, &mut status, 0) };
}

fn scrape() -> String {
    let mut out = Vec::new();
    metricsmith::render(metricsmith::Format::Prometheus, &mut out);
    String::from_utf8(out).expect("UTF-8 exposition")
}

/// Runs commands from stdin until `exit` or the end of input.
pub fn run(instruments: Instruments) {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let words: Vec<&str> = line.split_whitespace().collect();
        let number = |at: usize| words.get(at).and_then(|word| word.parse::<f64>().ok()).unwrap_or(0.0);
        match words.as_slice() {
            ["init", dir] => match metricsmith::multiprocess::init(dir) {
                Ok(()) => answer("ok"),
                Err(error) => answer(&format!("error {error}")),
            },
            ["record", _] => {
                (instruments.record)(number(1));
                answer("ok");
            }
            ["tenant", name] => {
                MP_TENANT_REQUESTS_TOTAL.labels(Tenant::get(name)).inc();
                answer("ok");
            }
            ["offsets", values @ ..] => {
                for value in values.iter().filter_map(|value| value.parse::<f64>().ok()) {
                    MP_NATIVE_OFFSET_METERS.observe(value);
                }
                answer("ok");
            }
            ["protobuf"] => {
                let mut out = Vec::new();
                metricsmith::render(metricsmith::Format::Protobuf, &mut out);
                let hex: String = out.iter().map(|byte| format!("{byte:02x}")).collect();
                answer(&format!("protobuf {hex}"));
            }
            ["gauge", _] => {
                (instruments.set_gauges)(number(1));
                answer("ok");
            }
            ["fork", count, records, _, then] => {
                let count: usize = count.parse().unwrap_or(0);
                let records: usize = records.parse().unwrap_or(0);
                let pids: Vec<String> = (0..count)
                    .map(|_| fork_child(then, records, number(3), &instruments).to_string())
                    .collect();
                answer(&format!("children {}", pids.join(" ")));
            }
            ["threads", count] => {
                let busy = instruments.busy;
                let count: usize = count.parse().unwrap_or(0);
                let (started, recording) = std::sync::mpsc::channel();
                for _ in 0..count {
                    let started = started.clone();
                    std::thread::spawn(move || {
                        busy();
                        let _ = started.send(());
                        loop {
                            busy();
                        }
                    });
                }
                // Each has recorded once, and records from now on.
                (0..count).for_each(|_| recording.recv().expect("a recording thread"));
                answer("ok");
            }
            ["kill", pid] => {
                let pid: i32 = pid.parse().unwrap_or(0);
                // SAFETY: signals and reaps our own child.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                reap(pid);
                answer("ok");
            }
            ["mark", pid] => match metricsmith::multiprocess::mark_process_dead(pid.parse().unwrap_or(0)) {
                Ok(()) => answer("ok"),
                Err(error) => answer(&format!("error {error}")),
            },
            ["restarts", count, mark] => {
                let count: usize = count.parse().unwrap_or(0);
                for restart in 0..count {
                    let pid = fork_child("exit", 1, 1.0, &instruments);
                    if *mark == "mark" {
                        if let Err(error) = metricsmith::multiprocess::mark_process_dead(pid as u32) {
                            answer(&format!("error {error}"));
                        }
                    } else if restart % 10 == 9 {
                        scrape();
                    }
                }
                answer("ok");
            }
            ["live"] => {
                let pids: Vec<String> =
                    metricsmith::multiprocess::live_pids().iter().map(u32::to_string).collect();
                answer(&format!("live {}", pids.join(" ")));
            }
            ["scrape"] => {
                let text = scrape();
                let mut out = std::io::stdout().lock();
                let _ = write!(out, "BEGIN\n{text}END\n");
                let _ = out.flush();
            }
            ["pid"] => answer(&format!("pid {}", std::process::id())),
            ["note", text] => {
                eprintln!("{text}");
                answer("ok");
            }
            ["exit"] => break,
            _ => answer(&format!("error unknown command {line:?}")),
        }
    }
}
