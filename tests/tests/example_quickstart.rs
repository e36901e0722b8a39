//! The README's first command, `cargo run --example quickstart`, as a user runs it: the
//! built example binary prints where it serves as its first line, serves the shop's
//! metrics with values that move, rejects a bad argument with its usage, and refuses to
//! serve every interface without credentials.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use metricsmith_tests::{KillOnDrop, REQUIRE_EXTERNAL};

/// `target/<profile>/examples/quickstart`, next to this test's own `deps/` directory:
/// `cargo test --workspace` builds every example before running tests.
fn quickstart_binary() -> Option<PathBuf> {
    let deps = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let binary = deps.parent()?.join("examples").join(format!("quickstart{}", std::env::consts::EXE_SUFFIX));
    if binary.is_file() {
        return Some(binary);
    }
    let why = format!("{} is not built (run `cargo test --workspace`)", binary.display());
    if std::env::var(REQUIRE_EXTERNAL).is_ok_and(|value| value == "1") {
        panic!("the quickstart example: {why}");
    }
    let _ = writeln!(std::io::stderr().lock(), "skipping the quickstart test: {why}");
    None
}

fn value_of(scrape: &str, series: &str) -> Option<f64> {
    scrape.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn quickstart_serves_live_shop_metrics_from_its_first_line() {
    let Some(binary) = quickstart_binary() else { return };
    let child = Command::new(&binary)
        .args(["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the quickstart example");
    let mut running = KillOnDrop(child);
    let stdout = running.stdout.take().expect("piped stdout");
    let mut first_line = String::new();
    BufReader::new(stdout).read_line(&mut first_line).expect("read the first line");
    let url = first_line
        .trim_end()
        .strip_prefix("serving metrics on ")
        .unwrap_or_else(|| panic!("first line is `serving metrics on URL`, got {first_line:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/metrics"), "{url}");

    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(5))).build().into();
    let charged =
        "function_calls_total{function=\"charge\",module=\"metricsmith_examples::shop\",result=\"ok\"}";
    let deadline = Instant::now() + Duration::from_secs(30);
    let (first, later) = loop {
        assert!(Instant::now() < deadline, "charges never moved within 30 s");
        let scrape = |agent: &ureq::Agent| -> String {
            agent.get(&url).call().expect("scrape").body_mut().read_to_string().expect("a text body")
        };
        let first = scrape(&agent);
        std::thread::sleep(Duration::from_millis(300));
        let later = scrape(&agent);
        if value_of(&later, charged) > value_of(&first, charged) {
            break (first, later);
        }
    };
    // The shop's families are all there, with the guides' labels.
    for series in [
        "orders_processed_total{outcome=\"success\",payment_method=\"card\"}",
        "payment_gateway_duration_seconds_count{payment_method=\"wallet\"}",
        "order_queue_depth",
    ] {
        assert!(value_of(&later, series).is_some(), "{series} missing from:\n{later}");
    }
    assert!(value_of(&first, charged).is_some(), "{charged} missing from the first scrape");
}

#[test]
fn quickstart_rejects_an_unknown_argument_with_its_usage() {
    let Some(binary) = quickstart_binary() else { return };
    let output = Command::new(&binary).arg("--port").output().expect("run the quickstart example");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown argument `--port`") && stderr.contains("usage: quickstart"), "{stderr}");
}

#[test]
fn quickstart_refuses_every_interface_without_credentials() {
    let Some(binary) = quickstart_binary() else { return };
    let mut quickstart = KillOnDrop(
        Command::new(&binary)
            .args(["--addr", "0.0.0.0:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the quickstart example"),
    );
    // A quickstart that serves instead of refusing would run until killed.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = quickstart.try_wait().expect("wait for the quickstart") {
            break status;
        }
        assert!(Instant::now() < deadline, "the quickstart is serving 0.0.0.0 without credentials");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    quickstart.stdout.take().expect("piped stdout").read_to_string(&mut stdout).expect("read stdout");
    quickstart.stderr.take().expect("piped stderr").read_to_string(&mut stderr).expect("read stderr");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("quickstart: refusing to serve metrics without authentication on 0.0.0.0:0"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "printed a serving line: {stdout}");
}
