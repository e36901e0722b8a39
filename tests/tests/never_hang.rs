//! Signal handlers and forked children (issue 13): recording and scraping never wait
//! for good, and a handler that interrupts its own thread's recording loses nothing.
//!
//! Every scenario runs in a forked child under `alarm`: a child that hangs is killed by
//! the alarm's default action, and the parent sees that signal instead of exit status 0
//! (an event, not a timing). Children report with `write(2)` (no std lock a thread of
//! the parent may have held at the fork) and leave with `_exit`.
//!
//! The signal storms use a POSIX interval timer (every 20 µs) on `SIGUSR1`, since the
//! watchdog takes `SIGALRM`.

#[cfg(not(target_os = "linux"))]
#[test]
fn signal_and_fork_tests_need_linux() {
    eprintln!("skipped: the signal and fork tests use Linux's fork, alarm and POSIX timers");
}

#[cfg(target_os = "linux")]
mod linux {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
    use std::sync::Once;
    use std::thread;

    use metricsmith::{metric, Counter, FloatCounter, Format, Histogram, LabelValue, Summary};

    /// Seconds a child may take before its alarm kills it: generous, a liveness bound.
    const CHILD_SECONDS: u32 = 30;
    /// Handler runs each signal scenario waits for.
    const HANDLER_RUNS_WANTED: u64 = 5_000;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Ending {
        Exited(i32),
        KilledBy(i32),
    }

    /// Renders once before any test forks, so these tests look at what they are about
    /// (forks during the first scrape are `fork_during_first_scrape.rs`'s subject).
    fn warm_up() {
        static WARM: Once = Once::new();
        WARM.call_once(|| {
            for format in [Format::Prometheus, Format::OpenMetrics] {
                render(format);
            }
        });
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        metricsmith::render(format, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes `message` to stderr without std's stderr lock.
    fn say(message: &str) {
        let line = format!("child {}: {message}\n", std::process::id());
        // SAFETY: writes a live buffer of the given length.
        unsafe { libc::write(2, line.as_ptr().cast(), line.len()) };
    }

    /// Runs `body` in a forked child under an alarm; returns how the child ended.
    fn in_child(body: impl FnOnce() -> Result<(), String>) -> Ending {
        warm_up();
        // SAFETY: the child runs `body` and leaves with `_exit`, never returning into the
        // test harness.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed: {}", std::io::Error::last_os_error());
        if pid == 0 {
            // SAFETY: plain system calls.
            unsafe { libc::alarm(CHILD_SECONDS) };
            let code = match catch_unwind(AssertUnwindSafe(body)) {
                Ok(Ok(())) => 0,
                Ok(Err(message)) => {
                    say(&message);
                    1
                }
                Err(_) => 2,
            };
            // SAFETY: ends the child without running the parent's exit handlers.
            unsafe { libc::_exit(code) }
        }
        let mut status = 0;
        loop {
            // SAFETY: waits for our own child.
            let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
            if waited == pid {
                break;
            }
            let error = std::io::Error::last_os_error();
            assert_eq!(error.kind(), std::io::ErrorKind::Interrupted, "waitpid failed: {error}");
        }
        if libc::WIFEXITED(status) {
            Ending::Exited(libc::WEXITSTATUS(status))
        } else {
            Ending::KilledBy(libc::WTERMSIG(status))
        }
    }

    fn assert_exited_cleanly(scenario: &str, ending: Ending) {
        match ending {
            Ending::Exited(0) => {}
            Ending::KilledBy(libc::SIGALRM) => {
                panic!("{scenario}: the child hung and was killed by its {CHILD_SECONDS} s alarm")
            }
            other => panic!("{scenario}: the child ended with {other:?} (see its message on stderr)"),
        }
    }

    // --- signal storms ------------------------------------------------------------------

    /// `SIGUSR1` every 20 µs, handled by `handler`, until dropped.
    struct Storm {
        timer: libc::timer_t,
    }

    impl Storm {
        fn start(handler: extern "C" fn(libc::c_int)) -> Storm {
            // SAFETY: installs a handler and a timer of this (single-threaded) child; the
            // structs are zeroed C structs filled in before use.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as usize;
                action.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut action.sa_mask);
                assert_eq!(libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()), 0);
                let mut event: libc::sigevent = std::mem::zeroed();
                event.sigev_notify = libc::SIGEV_SIGNAL;
                event.sigev_signo = libc::SIGUSR1;
                let mut timer: libc::timer_t = std::mem::zeroed();
                assert_eq!(libc::timer_create(libc::CLOCK_MONOTONIC, &mut event, &mut timer), 0);
                let every = libc::timespec { tv_sec: 0, tv_nsec: 20_000 };
                let spec = libc::itimerspec { it_interval: every, it_value: every };
                assert_eq!(libc::timer_settime(timer, 0, &spec, std::ptr::null_mut()), 0);
                Storm { timer }
            }
        }
    }

    impl Drop for Storm {
        fn drop(&mut self) {
            // SAFETY: deletes our timer, then blocks the signal so that none still
            // pending runs the handler after the counts are read.
            unsafe {
                libc::timer_delete(self.timer);
                block_storm_signal(libc::SIG_BLOCK);
            }
        }
    }

    /// Blocks (`SIG_BLOCK`) or unblocks (`SIG_UNBLOCK`) the storm's signal on this thread.
    fn block_storm_signal(how: libc::c_int) {
        // SAFETY: changes this thread's signal mask.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGUSR1);
            libc::pthread_sigmask(how, &set, std::ptr::null_mut());
        }
    }

    /// Records `main` on this thread while the storm's handler records too, until the
    /// handler has run [`HANDLER_RUNS_WANTED`] times; returns how often `main` ran.
    fn record_through_storm(handler: extern "C" fn(libc::c_int), runs: &AtomicU64, main: impl Fn()) -> u64 {
        let storm = Storm::start(handler);
        let mut done = 0;
        while runs.load(SeqCst) < HANDLER_RUNS_WANTED {
            main();
            done += 1;
        }
        drop(storm);
        done
    }

    fn check(findings: &mut Vec<String>, what: &str, actual: f64, expected: f64) {
        if actual != expected {
            findings.push(format!("{what} is {actual}, expected {expected}"));
        }
    }

    fn verdict(findings: Vec<String>) -> Result<(), String> {
        if findings.is_empty() {
            Ok(())
        } else {
            Err(findings.join("; "))
        }
    }

    #[derive(LabelValue, Clone, Copy)]
    #[label(name = "route")]
    enum Route {
        R0,
        R1,
        R2,
        R3,
        R4,
        R5,
        R6,
        R7,
        R8,
        R9,
    }

    #[derive(LabelValue, Clone, Copy)]
    #[label(name = "status")]
    enum Status {
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
    }

    /// Checks one histogram series against what main (1.0 each, bucket `le="1"`) and the
    /// handler (4.0 each, bucket `le="5"`) observed; default buckets.
    fn check_histogram(
        findings: &mut Vec<String>,
        what: &str,
        series: metricsmith::HistogramSeries,
        main: u64,
        handler: u64,
    ) {
        let buckets = series.bucket_counts();
        let at = |bound: f64| buckets[metricsmith::DEFAULT_BUCKETS.iter().position(|b| *b == bound).unwrap()];
        check(findings, &format!("{what} le=1 bucket"), at(1.0) as f64, main as f64);
        check(findings, &format!("{what} le=5 bucket"), at(5.0) as f64, (main + handler) as f64);
        check(findings, &format!("{what} count"), series.count() as f64, (main + handler) as f64);
        check(findings, &format!("{what} sum"), series.sum(), main as f64 + 4.0 * handler as f64);
    }

    /// 100 series × (11 buckets + overflow, sum, sequence) = 1 400 cells: not sharded, so
    /// every observation goes to the shared copy.
    #[metric]
    static STORM_WIDE_DURATION_SECONDS: Histogram<(Route, Status)>;
    static WIDE_HANDLER_RUNS: AtomicU64 = AtomicU64::new(0);

    extern "C" fn observe_wide(_: libc::c_int) {
        STORM_WIDE_DURATION_SECONDS.labels((Route::R3, Status::S5)).observe(4.0);
        WIDE_HANDLER_RUNS.fetch_add(1, SeqCst);
    }

    /// The shared copy: the handler observes the series its thread is observing.
    #[test]
    fn a_handler_observing_the_same_unsharded_series_returns_and_loses_nothing() {
        let ending = in_child(|| {
            let series = STORM_WIDE_DURATION_SECONDS.labels((Route::R3, Status::S5));
            let main = record_through_storm(observe_wide, &WIDE_HANDLER_RUNS, || series.observe(1.0));
            let mut findings = Vec::new();
            check_histogram(&mut findings, "histogram", series, main, WIDE_HANDLER_RUNS.load(SeqCst));
            render(Format::Prometheus);
            verdict(findings)
        });
        assert_exited_cleanly("a handler on the shared copy of a 1 400-cell histogram", ending);
    }

    /// One series, sharded; every owned shard taken by a parked thread.
    #[metric]
    static STORM_NARROW_DURATION_SECONDS: Histogram;
    /// Recorded once by each parked thread, to claim its shard.
    #[metric]
    static STORM_PARKED_THREADS_TOTAL: Counter;
    static NARROW_HANDLER_RUNS: AtomicU64 = AtomicU64::new(0);

    extern "C" fn observe_narrow(_: libc::c_int) {
        STORM_NARROW_DURATION_SECONDS.observe(4.0);
        NARROW_HANDLER_RUNS.fetch_add(1, SeqCst);
    }

    #[test]
    fn a_handler_observing_the_same_series_on_the_shared_shard_returns_and_loses_nothing() {
        let ending = in_child(|| {
            // The parked threads inherit the blocked signal, so it comes to this thread.
            block_storm_signal(libc::SIG_BLOCK);
            let parked = AtomicUsize::new(0);
            let parked = &*Box::leak(Box::new(parked));
            for _ in 0..16 {
                thread::spawn(move || {
                    STORM_PARKED_THREADS_TOTAL.inc();
                    parked.fetch_add(1, SeqCst);
                    loop {
                        thread::park();
                    }
                });
            }
            while parked.load(SeqCst) < 16 {
                thread::yield_now();
            }
            block_storm_signal(libc::SIG_UNBLOCK);
            // This thread records for the first time now: no owned shard is left.
            let main = record_through_storm(observe_narrow, &NARROW_HANDLER_RUNS, || {
                STORM_NARROW_DURATION_SECONDS.observe(1.0)
            });
            let mut findings = Vec::new();
            let series = STORM_NARROW_DURATION_SECONDS.labels(());
            check_histogram(&mut findings, "histogram", series, main, NARROW_HANDLER_RUNS.load(SeqCst));
            render(Format::Prometheus);
            verdict(findings)
        });
        assert_exited_cleanly("a handler on the shared shard with all 16 owned shards taken", ending);
    }

    /// Counted by main (1 each) and the handler (2 each), on main's owned shard.
    #[metric]
    static STORM_LOSS_EVENTS_TOTAL: Counter;
    /// Added by main (1.0 each) and the handler (2.0 each), on main's owned shard.
    #[metric]
    static STORM_LOSS_JOULES_TOTAL: FloatCounter;
    /// Observed by main (1.0 each) and the handler (4.0 each), on main's owned shard.
    #[metric]
    static STORM_LOSS_DURATION_SECONDS: Histogram;
    /// Observed by main (1.0 each) and the handler (4.0 each), on main's owned shard.
    #[metric]
    static STORM_LOSS_BYTES: Summary;
    static LOSS_HANDLER_RUNS: AtomicU64 = AtomicU64::new(0);

    extern "C" fn record_loss(_: libc::c_int) {
        STORM_LOSS_EVENTS_TOTAL.inc_by(2);
        STORM_LOSS_JOULES_TOTAL.inc_by(2.0);
        STORM_LOSS_DURATION_SECONDS.observe(4.0);
        STORM_LOSS_BYTES.observe(4.0);
        LOSS_HANDLER_RUNS.fetch_add(1, SeqCst);
    }

    /// The handler's updates, counted by the handler itself, against what each
    /// instrument shows: every one is there, and `_sum` is exactly the sum of the
    /// observations the buckets count. (Values are small integers: the float sums are
    /// exact.)
    #[test]
    fn a_handler_interrupting_its_threads_owned_shard_loses_no_update() {
        let ending = in_child(|| {
            let main = record_through_storm(record_loss, &LOSS_HANDLER_RUNS, || {
                STORM_LOSS_EVENTS_TOTAL.inc();
                STORM_LOSS_JOULES_TOTAL.inc_by(1.0);
                STORM_LOSS_DURATION_SECONDS.observe(1.0);
                STORM_LOSS_BYTES.observe(1.0);
            });
            let handler = LOSS_HANDLER_RUNS.load(SeqCst);
            let mut findings = Vec::new();
            let (main_f, handler_f) = (main as f64, handler as f64);
            check(&mut findings, "counter", STORM_LOSS_EVENTS_TOTAL.get() as f64, main_f + 2.0 * handler_f);
            check(&mut findings, "float counter", STORM_LOSS_JOULES_TOTAL.get(), main_f + 2.0 * handler_f);
            check_histogram(
                &mut findings,
                "histogram",
                STORM_LOSS_DURATION_SECONDS.labels(()),
                main,
                handler,
            );
            check(&mut findings, "summary count", STORM_LOSS_BYTES.count() as f64, main_f + handler_f);
            check(&mut findings, "summary sum", STORM_LOSS_BYTES.sum(), main_f + 4.0 * handler_f);
            render(Format::Prometheus);
            verdict(findings)
        });
        assert_exited_cleanly("a handler interrupting owned-shard writes", ending);
    }

    // --- forks ----------------------------------------------------------------------------

    const FORKS: usize = 25;
    const HAMMERS: usize = 2;

    /// Forks [`FORKS`] children while [`HAMMERS`] threads run `hammer` in a loop; every
    /// child must run `child` and exit 0.
    fn fork_while(scenario: &str, hammer: impl Fn() + Sync, child: impl Fn() -> Result<(), String>) {
        warm_up();
        let stop = AtomicBool::new(false);
        let started = AtomicUsize::new(0);
        let endings: Vec<Ending> = thread::scope(|scope| {
            for _ in 0..HAMMERS {
                scope.spawn(|| {
                    hammer();
                    started.fetch_add(1, SeqCst);
                    while !stop.load(SeqCst) {
                        hammer();
                    }
                });
            }
            while started.load(SeqCst) < HAMMERS {
                thread::yield_now();
            }
            let endings = (0..FORKS).map(|_| in_child(&child)).collect();
            stop.store(true, SeqCst);
            endings
        });
        let hung = endings.iter().filter(|ending| **ending == Ending::KilledBy(libc::SIGALRM)).count();
        let failed: Vec<_> = endings.iter().filter(|ending| **ending != Ending::Exited(0)).collect();
        assert!(
            failed.is_empty(),
            "{scenario}: {} of {FORKS} children did not exit 0 ({hung} hung and were killed by their alarm): {failed:?}",
            failed.len()
        );
    }

    /// The value of the sample line starting with `prefix` (name and labels).
    fn sample(text: &str, prefix: &str) -> Option<f64> {
        text.lines()
            .find_map(|line| line.strip_prefix(prefix)?.strip_prefix(' ')?.split(' ').next()?.parse().ok())
    }

    /// Scrapes, and checks that no series had to be read inconsistently: the fork
    /// repaired what the vanished threads left mid-write.
    fn scrape_consistently(format: Format) -> Result<String, String> {
        const TORN: &str = "metricsmith_rejected_values_total{kind=\"inconsistent_snapshot\"}";
        let before = sample(&render(format), TORN).ok_or("no inconsistent_snapshot count")?;
        let text = render(format);
        let after = sample(&text, TORN).ok_or("no inconsistent_snapshot count")?;
        if after != before {
            return Err(format!("{} series read inconsistently in a child", after - before));
        }
        Ok(text)
    }

    /// Observes 0.25 into `series` and checks that exactly that landed.
    fn observe_exactly(series: metricsmith::HistogramSeries) -> Result<(), String> {
        let (count, sum) = (series.count(), series.sum());
        series.observe(0.25);
        if series.count() != count + 1 || series.sum() != sum + 0.25 {
            return Err(format!(
                "observing 0.25 took count {count} to {} and sum {sum} to {}",
                series.count(),
                series.sum()
            ));
        }
        Ok(())
    }

    /// One series, sharded: the hammering threads write their owned shards.
    #[metric]
    static FORK_NARROW_DURATION_SECONDS: Histogram;

    #[test]
    fn children_forked_mid_observation_of_a_sharded_histogram_scrape_and_observe() {
        fork_while(
            "sharded histogram",
            || FORK_NARROW_DURATION_SECONDS.observe(0.5),
            || {
                scrape_consistently(Format::Prometheus)?;
                observe_exactly(FORK_NARROW_DURATION_SECONDS.labels(()))?;
                scrape_consistently(Format::OpenMetrics).map(drop)
            },
        );
    }

    /// 1 400 cells: the hammering threads take turns on the one shared copy.
    #[metric]
    static FORK_WIDE_DURATION_SECONDS: Histogram<(Route, Status)>;

    #[test]
    fn children_forked_mid_observation_of_an_unsharded_histogram_observe_and_scrape() {
        let series = FORK_WIDE_DURATION_SECONDS.labels((Route::R7, Status::S2));
        fork_while(
            "unsharded histogram",
            || series.observe(0.5),
            || {
                observe_exactly(series)?;
                scrape_consistently(Format::Prometheus).map(drop)
            },
        );
    }

    /// Observed with exemplars by the hammering threads and each child.
    #[metric]
    static FORK_EXEMPLAR_DURATION_SECONDS: Histogram;

    #[test]
    fn children_forked_while_exemplars_are_recorded_record_and_render_exemplars() {
        fork_while(
            "exemplars",
            || FORK_EXEMPLAR_DURATION_SECONDS.observe_with_exemplar(0.5, &[("trace_id", "parent")]),
            || {
                FORK_EXEMPLAR_DURATION_SECONDS.observe_with_exemplar(0.5, &[("trace_id", "child")]);
                let text = scrape_consistently(Format::OpenMetrics)?;
                if !text.contains("# {trace_id=\"child\"} 0.5") {
                    return Err("the child's exemplar is not in its scrape".into());
                }
                Ok(())
            },
        );
    }
}
