//! A child forked while another thread of its parent is building what the first scrape
//! builds lazily (the registry, each family's label text, the function families' series
//! lists) must not wait for that thread, which does not exist in the child.
//!
//! That needs a process whose registry was never built: the test runs this binary again
//! (`METRICSMITH_FIRST_SCRAPE_SCENARIO=1`, this test only), where one thread renders for
//! the first time while the main thread forks children at staggered moments; each child
//! renders under `alarm` and exits 0, or is killed by the alarm if it hangs (an event, not
//! a timing).

#[cfg(not(target_os = "linux"))]
#[test]
fn forks_during_the_first_scrape_never_hang() {
    eprintln!("skipped: uses Linux's fork and alarm");
}

#[cfg(target_os = "linux")]
#[test]
fn forks_during_the_first_scrape_never_hang() {
    if std::env::var_os(SCENARIO).is_some() {
        scenario();
        return;
    }
    let output = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "forks_during_the_first_scrape_never_hang", "--nocapture", "--test-threads=1"])
        .env(SCENARIO, "1")
        .output()
        .expect("the scenario runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "scenario failed:\n{stderr}\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(stderr.contains("every child exited 0"), "{stderr}");
}

const SCENARIO: &str = "METRICSMITH_FIRST_SCRAPE_SCENARIO";

#[cfg(target_os = "linux")]
use metricsmith::{metric, Counter, Format, LabelValue};

#[cfg(target_os = "linux")]
#[derive(LabelValue, Clone, Copy)]
enum Shelf {
    S0,
    S1,
    S2,
    S3,
    S4,
    S5,
    S6,
    S7,
    S8,
    S9,
    S10,
    S11,
    S12,
    S13,
    S14,
    S15,
    S16,
    S17,
    S18,
    S19,
}

#[cfg(target_os = "linux")]
#[derive(LabelValue, Clone, Copy)]
enum Aisle {
    A0,
    A1,
    A2,
    A3,
    A4,
    A5,
    A6,
    A7,
    A8,
    A9,
    A10,
    A11,
    A12,
    A13,
    A14,
    A15,
    A16,
    A17,
    A18,
    A19,
}

#[cfg(target_os = "linux")]
#[derive(LabelValue, Clone, Copy)]
enum Bay {
    B0,
    B1,
    B2,
    B3,
    B4,
    B5,
    B6,
    B7,
    B8,
    B9,
}

/// 4 000 series, so the first scrape takes long enough to fork in the middle of it.
#[cfg(target_os = "linux")]
#[metric]
static FIRST_SCRAPE_PICKS_TOTAL: Counter<(Shelf, Aisle, Bay)>;

#[cfg(target_os = "linux")]
fn render() -> usize {
    let mut out = Vec::new();
    metricsmith::render(Format::OpenMetrics, &mut out);
    out.len()
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn scenario() {
    const CHILDREN: usize = 40;
    FIRST_SCRAPE_PICKS_TOTAL.labels((Shelf::S1, Aisle::A2, Bay::B3)).inc();
    let scraper = std::thread::spawn(render);
    let mut pids = Vec::new();
    for child in 0..CHILDREN {
        // Staggered, so the forks fall at different points of the first scrape.
        for _ in 0..child * 20_000 {
            std::hint::spin_loop();
        }
        // SAFETY: the child renders, then leaves with `_exit`.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            // SAFETY: plain system calls; the alarm's default action kills a hung child.
            unsafe {
                libc::alarm(30);
                let code = if render() > 0 { 0 } else { 1 };
                libc::_exit(code);
            }
        }
        pids.push(pid);
    }
    scraper.join().expect("the first scrape");
    let mut failed = Vec::new();
    for pid in pids {
        let mut status = 0;
        // SAFETY: waits for our own child.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
            failed.push((pid, status));
        }
    }
    assert!(failed.is_empty(), "children hung or failed (pid, wait status): {failed:?}");
    eprintln!("every child exited 0");
}
