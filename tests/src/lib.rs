//! Helpers shared by the integration tests, above all the ones that drive outside tools:
//! `promtool`, Python's `prometheus_client` parsers and a real Prometheus server.
//!
//! A test asks for its tool with [`require`]. When the tool is missing the test is
//! skipped with a printed reason, unless `METRICSMITH_REQUIRE_EXTERNAL=1` (set by
//! `.ci/run`), in which case it fails and says what to install.
//!
//! Everything here talks to `127.0.0.1` only, and every wait is bounded.
//!
//! This library depends on the shop scenario (`metricsmith-examples`), so a test binary
//! that uses it also registers the shop's instruments. A test that needs a registry of
//! only its own instruments (`render_snapshots.rs`) does not use this library.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::fs::File;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use metricsmith_examples::shop::{self, Dice, Order};

pub mod http;
pub mod protobuf;
pub mod reader;
pub mod wide;

/// The families of the process collector (Linux, default feature `process`).
pub const PROCESS_FAMILIES: [&str; 7] = [
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_virtual_memory_bytes",
    "process_open_fds",
    "process_max_fds",
    "process_start_time_seconds",
    "process_threads",
];

/// The environment variable that turns a missing outside tool into a failure.
pub const REQUIRE_EXTERNAL: &str = "METRICSMITH_REQUIRE_EXTERNAL";

/// An outside program a test drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// `promtool` from the Debian package `prometheus`.
    Promtool,
    /// The `prometheus` server binary from the Debian package `prometheus`.
    Prometheus,
    /// A Python interpreter (`python3`, else `python`) that can import `prometheus_client`.
    PythonClient,
    /// `prometheus-pushgateway` from the Debian package of that name (`pushgateway`
    /// elsewhere).
    Pushgateway,
    /// `curl`, a client that decompresses what it asked to be compressed.
    Curl,
}

impl Tool {
    /// How the tool is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Promtool => "promtool",
            Tool::Prometheus => "prometheus",
            Tool::PythonClient => "python3 with prometheus_client",
            Tool::Pushgateway => "prometheus-pushgateway",
            Tool::Curl => "curl",
        }
    }

    /// What to run to install it.
    pub fn install_hint(self) -> &'static str {
        match self {
            Tool::Promtool | Tool::Prometheus => "apt-get install prometheus",
            Tool::PythonClient => "pip install prometheus_client",
            Tool::Pushgateway => "apt-get install prometheus-pushgateway",
            Tool::Curl => "apt-get install curl",
        }
    }

    /// Where the tool is, looked up once per process.
    pub fn locate(self) -> Option<PathBuf> {
        static PROMTOOL: OnceLock<Option<PathBuf>> = OnceLock::new();
        static PROMETHEUS: OnceLock<Option<PathBuf>> = OnceLock::new();
        static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
        static PUSHGATEWAY: OnceLock<Option<PathBuf>> = OnceLock::new();
        static CURL: OnceLock<Option<PathBuf>> = OnceLock::new();
        match self {
            Tool::Promtool => PROMTOOL.get_or_init(|| find_on_path("promtool")),
            Tool::Prometheus => PROMETHEUS.get_or_init(|| find_on_path("prometheus")),
            Tool::PythonClient => PYTHON.get_or_init(|| {
                ["python3", "python"].into_iter().filter_map(find_on_path).find(|python| {
                    Command::new(python)
                        .args(["-c", "import prometheus_client"])
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .is_ok_and(|status| status.success())
                })
            }),
            Tool::Pushgateway => PUSHGATEWAY
                .get_or_init(|| ["prometheus-pushgateway", "pushgateway"].into_iter().find_map(find_on_path)),
            Tool::Curl => CURL.get_or_init(|| find_on_path("curl")),
        }
        .clone()
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The tool `test` needs, or `None` when the test should skip (after printing why).
///
/// # Panics
///
/// When the tool is missing and `METRICSMITH_REQUIRE_EXTERNAL=1`.
pub fn require(tool: Tool, test: &str) -> Option<PathBuf> {
    if let Some(path) = tool.locate() {
        return Some(path);
    }
    let hint = tool.install_hint();
    if std::env::var(REQUIRE_EXTERNAL).is_ok_and(|value| value == "1") {
        panic!("{test}: {tool} not found and {REQUIRE_EXTERNAL}=1 requires it: install it with `{hint}`");
    }
    // Straight to the stderr handle, not `eprintln!`: the test harness captures the
    // macro's output of passing tests, and a skip must be visible.
    let _ = writeln!(std::io::stderr().lock(), "skipping {test}: {tool} not found ({hint})");
    None
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Runs `program args` with `input` on stdin and returns its output. The input is
/// written from another thread so a program that answers while reading cannot deadlock.
fn run_with_stdin(program: &Path, args: &[&OsStr], input: &[u8]) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", program.display()));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    let writer = thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("wait for the child process");
    // A program may exit without reading everything; its exit status tells the story.
    let _ = writer.join();
    output
}

/// Renders the whole registry of this test binary as UTF-8 text.
pub fn render_text(format: metricsmith::Format) -> String {
    let mut out = Vec::new();
    metricsmith::render(format, &mut out);
    String::from_utf8(out).expect("the exposition is UTF-8")
}

/// Replays the shop scenario deterministically: `orders` random orders (fixed seed) are
/// enqueued, and the first `processed` of them are processed without sleeping.
pub fn drive_shop(orders: usize, processed: usize) {
    let mut dice = Dice::new(0x5eed);
    for _ in 0..orders {
        shop::enqueue(Order::random(&mut dice));
    }
    for _ in 0..processed {
        shop::process_next(false).expect("an order is waiting");
    }
}

// ---------------------------------------------------------------------------------------
// promtool

/// What `promtool check metrics` said about an exposition.
#[derive(Debug)]
pub struct PromtoolReport {
    /// Whether it exited 0.
    pub success: bool,
    /// Its stdout and stderr: the findings, one a line. Empty means none.
    pub findings: String,
}

/// Runs `promtool check metrics` (which reads the exposition from stdin).
pub fn promtool_check_metrics(promtool: &Path, exposition: &str) -> PromtoolReport {
    let output = run_with_stdin(promtool, &["check".as_ref(), "metrics".as_ref()], exposition.as_bytes());
    let mut findings = String::from_utf8_lossy(&output.stdout).into_owned();
    findings.push_str(&String::from_utf8_lossy(&output.stderr));
    PromtoolReport { success: output.status.success(), findings }
}

// ---------------------------------------------------------------------------------------
// Python's prometheus_client

/// One of `prometheus_client`'s two parsers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PythonParser {
    /// `prometheus_client.parser.text_string_to_metric_families` (text format 0.0.4).
    Text,
    /// `prometheus_client.openmetrics.parser.text_string_to_metric_families`.
    OpenMetrics,
}

impl PythonParser {
    /// The format this parser reads.
    pub fn format(self) -> metricsmith::Format {
        match self {
            PythonParser::Text => metricsmith::Format::Prometheus,
            PythonParser::OpenMetrics => metricsmith::Format::OpenMetrics,
        }
    }
}

/// A metric family as a Python parser read it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedFamily {
    /// The family name (parsers strip `_total`/`_info` in OpenMetrics).
    pub name: String,
    /// `counter`, `gauge`, `histogram`, `summary`, `info`, `stateset`, `unknown`.
    pub kind: String,
    /// The unescaped HELP text.
    pub help: String,
    /// The unit (`# UNIT`), empty when none.
    pub unit: String,
    /// Its samples, in exposition order.
    pub samples: Vec<ParsedSample>,
}

/// One sample as a Python parser read it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedSample {
    /// The sample name, e.g. `orders_processed_total` or `x_bucket`.
    pub name: String,
    /// Unescaped label values by label name.
    pub labels: BTreeMap<String, String>,
    /// The value exactly as Python holds it.
    pub value: f64,
}

/// Feeds `exposition` to one of Python's parsers and returns what it read.
///
/// # Panics
///
/// When the parser rejects the input (with Python's error message).
pub fn python_parse(python: &Path, parser: PythonParser, exposition: &str) -> Vec<ParsedFamily> {
    let mut results = python_parse_many(python, &[(parser, exposition.to_owned())]);
    results.pop().expect("one result per case").unwrap_or_else(|error| {
        panic!("Python's {parser:?} parser rejected the exposition:\n{error}\n--- input ---\n{exposition}")
    })
}

/// Parses many expositions in one Python run (starting Python costs more than parsing):
/// for each `(parser, text)`, what the parser read, or Python's error message. Values
/// travel as `repr()` strings: shortest round-trip digits, and `inf`/`nan` survive.
///
/// # Panics
///
/// When Python itself fails (not when a parser rejects a text: that is an `Err`).
pub fn python_parse_many(
    python: &Path,
    cases: &[(PythonParser, String)],
) -> Vec<Result<Vec<ParsedFamily>, String>> {
    const SCRIPT: &str = r#"
import json, sys, traceback
from prometheus_client.parser import text_string_to_metric_families as read_text
from prometheus_client.openmetrics.parser import text_string_to_metric_families as read_openmetrics
results = []
for mode, text in json.load(sys.stdin):
    read = read_openmetrics if mode == "openmetrics" else read_text
    try:
        results.append({"ok": [
            {
                "name": family.name,
                "type": family.type,
                "help": family.documentation,
                "unit": family.unit,
                "samples": [
                    {"name": sample.name, "labels": sample.labels, "value": repr(sample.value)}
                    for sample in family.samples
                ],
            }
            for family in read(text)
        ]})
    except Exception:
        results.append({"error": traceback.format_exc()})
sys.stdout.write(json.dumps(results))
"#;
    let input: Vec<(&str, &str)> = cases
        .iter()
        .map(|(parser, text)| {
            let mode = match parser {
                PythonParser::Text => "text",
                PythonParser::OpenMetrics => "openmetrics",
            };
            (mode, text.as_str())
        })
        .collect();
    let input = serde_json::to_vec(&input).expect("cases serialize");
    let output = run_with_stdin(python, &["-c".as_ref(), SCRIPT.as_ref()], &input);
    assert!(output.status.success(), "python failed:\n{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    let results = json.as_array().expect("a list of results");
    assert_eq!(results.len(), cases.len(), "one result per case");
    results
        .iter()
        .map(|result| match result.get("ok") {
            Some(families) => Ok(families.as_array().expect("families").iter().map(parsed_family).collect()),
            None => Err(json_str(result, "error")),
        })
        .collect()
}

/// An exemplar as Python's OpenMetrics parser read it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedExemplar {
    /// The sample it is attached to, e.g. `x_total` or `x_bucket`.
    pub sample: String,
    /// The sample's labels (with `le` for a bucket).
    pub sample_labels: BTreeMap<String, String>,
    /// The exemplar's own labels, unescaped.
    pub labels: BTreeMap<String, String>,
    /// The exemplar's value.
    pub value: f64,
    /// Its timestamp, if it has one, as Python holds it: `SECONDS.NANOSECONDS` (nine
    /// digits) for a decimal timestamp, else the float's `repr()`.
    pub timestamp: Option<String>,
}

/// Feeds `exposition` to Python's OpenMetrics parser and returns every exemplar it read,
/// in exposition order.
///
/// # Panics
///
/// When the parser rejects the input (with Python's error message).
pub fn python_exemplars(python: &Path, exposition: &str) -> Vec<ParsedExemplar> {
    const SCRIPT: &str = r#"
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
from prometheus_client.samples import Timestamp
def timestamp(ts):
    if ts is None:
        return None
    return f"{ts.sec}.{ts.nsec:09d}" if isinstance(ts, Timestamp) else repr(ts)
text = sys.stdin.buffer.read().decode("utf-8")
exemplars = [
    {
        "sample": sample.name,
        "sample_labels": sample.labels,
        "labels": sample.exemplar.labels,
        "value": repr(float(sample.exemplar.value)),
        "timestamp": timestamp(sample.exemplar.timestamp),
    }
    for family in text_string_to_metric_families(text)
    for sample in family.samples
    if sample.exemplar is not None
]
sys.stdout.write(json.dumps(exemplars))
"#;
    let output = run_with_stdin(python, &["-c".as_ref(), SCRIPT.as_ref()], exposition.as_bytes());
    assert!(
        output.status.success(),
        "Python's OpenMetrics parser rejected the exposition:\n{}\n--- input ---\n{exposition}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    let labels = |value: &serde_json::Value| -> BTreeMap<String, String> {
        let object = value.as_object().expect("labels");
        object.iter().map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned())).collect()
    };
    let float =
        |text: String| text.parse().unwrap_or_else(|_| panic!("Python value `{text}` is not a float"));
    let exemplars = json.as_array().expect("a list of exemplars").iter();
    exemplars
        .map(|exemplar| ParsedExemplar {
            sample: json_str(exemplar, "sample"),
            sample_labels: labels(&exemplar["sample_labels"]),
            labels: labels(&exemplar["labels"]),
            value: float(json_str(exemplar, "value")),
            timestamp: exemplar["timestamp"].as_str().map(str::to_owned),
        })
        .collect()
}

fn json_str(value: &serde_json::Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_owned()
}

fn parsed_family(family: &serde_json::Value) -> ParsedFamily {
    let samples = family["samples"].as_array().expect("samples").iter().map(|sample| {
        let labels = sample["labels"].as_object().expect("labels");
        let value = json_str(sample, "value");
        ParsedSample {
            name: json_str(sample, "name"),
            labels: labels
                .iter()
                .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned()))
                .collect(),
            value: value.parse().unwrap_or_else(|_| panic!("Python value `{value}` is not a float")),
        }
    });
    ParsedFamily {
        name: json_str(family, "name"),
        kind: json_str(family, "type"),
        help: json_str(family, "help"),
        unit: json_str(family, "unit"),
        samples: samples.collect(),
    }
}

// ---------------------------------------------------------------------------------------
// A real Prometheus server

/// How long Prometheus gets to start, scrape and answer before a test gives up.
pub const PROMETHEUS_PATIENCE: Duration = Duration::from_secs(60);

/// A Prometheus server on a loopback port of its choosing, scraping one target every
/// second, with config and TSDB in a temp dir. Killed on drop, also when the test panics.
pub struct PrometheusServer {
    child: KillOnDrop,
    api: String,
    agent: ureq::Agent,
    dir: tempfile::TempDir,
}

impl PrometheusServer {
    /// The job name of the scraped target (`up{job="metricsmith"}`).
    pub const JOB: &'static str = "metricsmith";

    /// Starts `binary` scraping `http://target/metrics`.
    ///
    /// # Panics
    ///
    /// When it does not start (with its log).
    pub fn start(binary: &Path, target: SocketAddr) -> Self {
        Self::start_configured(binary, target, "", None, &[])
    }

    /// Starts `binary` scraping `http://target/metrics`, evaluating `rules` (the YAML of
    /// a rule file) every second when given.
    ///
    /// # Panics
    ///
    /// When it does not start (with its log).
    pub fn start_with_rules(binary: &Path, target: SocketAddr, rules: Option<&str>) -> Self {
        Self::start_configured(binary, target, "", rules, &[])
    }

    /// Like [`start`](Self::start), with more settings for the scrape job: YAML lines
    /// indented by four spaces, e.g. `"    authorization:\n      credentials: x\n"`.
    ///
    /// # Panics
    ///
    /// When it does not start (with its log).
    pub fn start_with(binary: &Path, target: SocketAddr, job_settings: &str) -> Self {
        Self::start_configured(binary, target, job_settings, None, &[])
    }

    /// Like [`start`](Self::start), with `--enable-feature` flags: `native-histograms`
    /// makes 2.42 ask for the protobuf format.
    ///
    /// # Panics
    ///
    /// When it does not start (with its log).
    pub fn start_with_features(binary: &Path, target: SocketAddr, features: &[&str]) -> Self {
        Self::start_configured(binary, target, "", None, features)
    }

    /// The scrape job's extra `job_settings`, the optional `rules` file and feature flags
    /// together.
    ///
    /// # Panics
    ///
    /// When it does not start (with its log).
    fn start_configured(
        binary: &Path,
        target: SocketAddr,
        job_settings: &str,
        rules: Option<&str>,
        features: &[&str],
    ) -> Self {
        assert!(target.ip().is_loopback(), "only loopback targets: {target}");
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("prometheus.yml");
        let rule_files = match rules {
            Some(rules) => {
                let path = dir.path().join("rules.yml");
                std::fs::write(&path, rules).expect("write rules.yml");
                format!("rule_files:\n  - '{}'\n", path.display())
            }
            None => String::new(),
        };
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n{rule_files}\
                 scrape_configs:\n  - job_name: {job}\n    metrics_path: /metrics\n    \
                 static_configs:\n      - targets: ['{target}']\n{job_settings}",
                job = Self::JOB
            ),
        )
        .expect("write prometheus.yml");
        let mut args = vec![
            format!("--config.file={}", config.display()),
            format!("--storage.tsdb.path={}", dir.path().join("data").display()),
            "--web.listen-address=127.0.0.1:0".to_owned(),
            // Info, for the line that says where it listens.
            "--log.level=info".to_owned(),
        ];
        if !features.is_empty() {
            args.push(format!("--enable-feature={}", features.join(",")));
        }
        let log = dir.path().join("prometheus.log");
        let mut child = spawn_logged(binary, &args, &log);
        let addr = listening_address(&mut child, &log, PROMETHEUS_PATIENCE);
        let agent = loopback_agent(Duration::from_secs(5));
        PrometheusServer { child, api: format!("http://{addr}/api/v1"), agent, dir }
    }

    /// The server's log so far, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("prometheus.log")).unwrap_or_default()
    }

    /// Runs an instant query; `Err` while the server is not up or the query fails.
    pub fn query(&mut self, promql: &str) -> Result<Vec<QueryResult>, String> {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("prometheus exited with {status}:\n{}", self.log());
        }
        let mut response = self
            .agent
            .get(format!("{}/query", self.api))
            .query("query", promql)
            .call()
            .map_err(|error| error.to_string())?;
        let body = response.body_mut().read_to_string().map_err(|error| error.to_string())?;
        let json: serde_json::Value =
            serde_json::from_str(&body).map_err(|error| format!("{error}: {body}"))?;
        if json["status"] != "success" {
            return Err(body);
        }
        let results = json["data"]["result"].as_array().ok_or_else(|| body.clone())?;
        Ok(results.iter().map(query_result).collect())
    }

    /// Polls `promql` until it returns exactly one series whose value is `expected`.
    ///
    /// # Panics
    ///
    /// After [`PROMETHEUS_PATIENCE`], with the last answer and the server's log.
    pub fn wait_for_value(&mut self, promql: &str, expected: f64) {
        let deadline = Instant::now() + PROMETHEUS_PATIENCE;
        let mut last = Err("no answer yet".to_owned());
        while Instant::now() < deadline {
            last = self.query(promql);
            if let Ok([only]) = last.as_deref() {
                if only.value == expected {
                    return;
                }
            }
            thread::sleep(Duration::from_millis(250));
        }
        panic!(
            "`{promql}` did not return {expected} within {PROMETHEUS_PATIENCE:?}; last answer: {last:?}\n\
             scrape targets: {}\n--- prometheus log ---\n{}",
            self.targets(),
            self.log()
        );
    }

    /// Each scrape target's health and last scrape error (a rejected exposition shows
    /// up here), for failure messages.
    pub fn targets(&self) -> String {
        let answer = self.agent.get(format!("{}/targets", self.api)).call();
        let body = answer
            .map_err(|error| error.to_string())
            .and_then(|mut response| response.body_mut().read_to_string().map_err(|error| error.to_string()));
        let json: serde_json::Value = match body.as_deref().map(serde_json::from_str) {
            Ok(Ok(json)) => json,
            _ => return format!("unavailable ({body:?})"),
        };
        let targets = json["data"]["activeTargets"].as_array().cloned().unwrap_or_default();
        let described: Vec<String> = targets
            .iter()
            .map(|target| format!("{} {} {:?}", target["scrapeUrl"], target["health"], target["lastError"]))
            .collect();
        described.join("; ")
    }
}

/// One series of an instant-query answer.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryResult {
    /// Its labels, `__name__` included when present.
    pub labels: BTreeMap<String, String>,
    /// Its value.
    pub value: f64,
}

fn query_result(result: &serde_json::Value) -> QueryResult {
    let labels = result["metric"].as_object().map(|labels| {
        labels
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().unwrap_or_default().to_owned()))
            .collect()
    });
    // Prometheus sends `[timestamp, "value"]`, the value as a Go float string.
    let value = result["value"][1].as_str().and_then(|value| value.parse().ok()).unwrap_or(f64::NAN);
    QueryResult { labels: labels.unwrap_or_default(), value }
}

/// Where a child started with `--web.listen-address=127.0.0.1:0` listens, read from the
/// line `msg="Listening on" address=127.0.0.1:PORT` of its info log (Prometheus and the
/// Pushgateway both write it). The child picks its own port: a port picked here, released
/// and handed over could be taken meanwhile by anything else binding port 0, a parallel
/// test's server included.
///
/// # Panics
///
/// When the child exits, or says nothing of the kind within `patience` (with its log;
/// the child is killed then, as the caller's [`KillOnDrop`] unwinds).
fn listening_address(child: &mut KillOnDrop, log: &Path, patience: Duration) -> SocketAddr {
    let deadline = Instant::now() + patience;
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let address = text
            .lines()
            .filter(|line| line.contains("msg=\"Listening on\""))
            .find_map(|line| line.split_once(" address=")?.1.split_whitespace().next()?.parse().ok());
        if let Some(address) = address {
            return address;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{} exited with {status}:\n{text}", log.display());
        }
        if Instant::now() >= deadline {
            panic!("no `Listening on` line in {} within {patience:?}:\n{text}", log.display());
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// A loopback port that refuses connections for as long as it is held: the local port
/// of a connection this process keeps open. Nothing listens there, and no other socket
/// can bind it meanwhile, unlike a port bound and released, which anything binding port
/// 0 (a parallel test's server, another program) may take and answer on.
pub struct RefusingPort {
    port: u16,
    _connection: (TcpListener, TcpStream),
}

impl RefusingPort {
    /// Holds a fresh one.
    ///
    /// # Panics
    ///
    /// When no loopback connection can be made.
    pub fn hold() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
        let stream = TcpStream::connect(listener.local_addr().expect("local address")).expect("connect");
        let port = stream.local_addr().expect("local address").port();
        RefusingPort { port, _connection: (listener, stream) }
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }
}

// ---------------------------------------------------------------------------------------
// Watching HTTP on the wire

/// The HTTP heads that passed through a [`RecordingProxy`], in order, lower-cased.
#[derive(Clone, Debug, Default)]
pub struct Heads {
    /// Request heads, client to server.
    pub requests: Vec<String>,
    /// Response heads, server to client.
    pub responses: Vec<String>,
}

/// A loopback TCP proxy in front of an HTTP server that keeps a copy of every request
/// and response head passing through (bodies are passed on and skipped by their
/// `Content-Length`), so a test can see what a client such as Prometheus asked for and
/// was sent: its `Accept` header, the answer's `Content-Type` and `Content-Encoding`.
/// For clients that send no `HEAD` requests, whose answers have a length but no body.
/// It stops accepting when dropped; open connections end when either side closes.
pub struct RecordingProxy {
    addr: SocketAddr,
    heads: std::sync::Arc<std::sync::Mutex<Heads>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl RecordingProxy {
    /// Listens on a free loopback port and forwards every connection to `target`.
    ///
    /// # Panics
    ///
    /// When no loopback port can be had, or `target` is not loopback.
    pub fn start(target: SocketAddr) -> Self {
        assert!(target.ip().is_loopback(), "only loopback targets: {target}");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
        let addr = listener.local_addr().expect("local address");
        let heads = std::sync::Arc::new(std::sync::Mutex::new(Heads::default()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (recorded, stopping) = (heads.clone(), stop.clone());
        thread::spawn(move || {
            for client in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let (Ok(client), Ok(server)) = (client, TcpStream::connect(target)) else { continue };
                for (from, to, requests) in [(&client, &server, true), (&server, &client, false)] {
                    let (Ok(from), Ok(to)) = (from.try_clone(), to.try_clone()) else { continue };
                    let recorded = recorded.clone();
                    thread::spawn(move || forward(from, to, &recorded, requests));
                }
            }
        });
        RecordingProxy { addr, heads, stop }
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The heads recorded so far.
    pub fn heads(&self) -> Heads {
        self.heads.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Copies `from` to `to` until either closes, recording each HTTP head on the way.
fn forward(mut from: TcpStream, mut to: TcpStream, heads: &std::sync::Mutex<Heads>, requests: bool) {
    use std::io::Read;
    let mut buffer = [0u8; 16 * 1024];
    // Bytes not yet passed over: the start of a head, or of a body to skip.
    let mut pending: Vec<u8> = Vec::new();
    // Bytes of the current message's body still to skip before the next head.
    let mut body_left = 0usize;
    while let Ok(read) = from.read(&mut buffer) {
        if read == 0 || to.write_all(&buffer[..read]).is_err() {
            break;
        }
        pending.extend_from_slice(&buffer[..read]);
        loop {
            let skipped = body_left.min(pending.len());
            pending.drain(..skipped);
            body_left -= skipped;
            if body_left > 0 {
                break;
            }
            let Some(end) = pending.windows(4).position(|window| window == b"\r\n\r\n") else { break };
            let head = String::from_utf8_lossy(&pending[..end]).to_ascii_lowercase();
            pending.drain(..end + 4);
            body_left = http::content_length_or_zero(&head);
            let mut recorded = heads.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if requests {
                recorded.requests.push(head);
            } else {
                recorded.responses.push(head);
            }
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Both);
    let _ = from.shutdown(std::net::Shutdown::Both);
}

// ---------------------------------------------------------------------------------------
// Watching the process

/// How many panics happened so far on the endpoint's thread (`metricsmith-http`), where
/// hyper's connection tasks run: tokio catches a task's panic, so without this a panic
/// in the endpoint would pass unnoticed. The first call installs a panic hook that
/// counts them and then reports them as the previous hook did.
pub fn endpoint_panics() -> usize {
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if thread::current().name() == Some("metricsmith-http") {
                PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
    PANICS.load(Ordering::SeqCst)
}

/// A memory figure of this process from `/proc/self/status`, in KiB: `VmRSS` (resident
/// now) or `VmHWM` (peak resident). `None` where there is no `/proc` (not Linux).
pub fn memory_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

/// How many of this process's threads are named `name` (as Linux keeps it: at most
/// 15 bytes). `None` where there is no `/proc`.
pub fn threads_named(name: &str) -> Option<usize> {
    let short = &name.as_bytes()[..name.len().min(15)];
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    let named = tasks
        .filter_map(|task| std::fs::read(task.ok()?.path().join("comm")).ok())
        .filter(|comm| comm.strip_suffix(b"\n").unwrap_or(comm) == short)
        .count();
    Some(named)
}

// ---------------------------------------------------------------------------------------
// axum apps on loopback

/// An axum router served on a free loopback port by a tokio runtime on a thread of its
/// own, so blocking clients can talk to it. Shuts down (gracefully) on drop.
pub struct AxumServer {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl AxumServer {
    /// Serves `app` on `127.0.0.1:0`.
    ///
    /// # Panics
    ///
    /// When no loopback port or runtime can be had.
    pub fn start(app: axum::Router) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
        let addr = listener.local_addr().expect("local address");
        listener.set_nonblocking(true).expect("a non-blocking listener, as tokio needs");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        thread::spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("register the listener");
                let shutdown = async {
                    let _ = stopped.await;
                };
                let _ = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
            })
        });
        AxumServer { addr, stop: Some(stop) }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for AxumServer {
    fn drop(&mut self) {
        // The thread ends once open connections close; nothing waits for it.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A client for loopback tests: 4xx/5xx are responses, not errors, and no request
/// waits longer than 10 s.
pub fn http_client() -> ureq::Agent {
    loopback_agent(Duration::from_secs(10))
}

/// A client that returns 4xx/5xx responses instead of errors and gives up after `timeout`.
fn loopback_agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(timeout)).build().into()
}

/// Starts `binary` with `args`, no stdin, and stdout and stderr appended to `log`.
fn spawn_logged(binary: &Path, args: &[String], log: &Path) -> KillOnDrop {
    let log = File::create(log).expect("create the log file");
    let child = Command::new(binary)
        .args(args)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone the log handle"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
    KillOnDrop(child)
}

/// A child process that is killed and reaped when this handle drops, also when the test
/// panics; it is the [`Child`] otherwise.
#[derive(Debug)]
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl std::ops::Deref for KillOnDrop {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for KillOnDrop {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

// ---------------------------------------------------------------------------------------
// A real Pushgateway

/// How long a Pushgateway gets to start before a test gives up.
pub const PUSHGATEWAY_PATIENCE: Duration = Duration::from_secs(30);

/// A Pushgateway on a loopback port of its choosing, without persistence, logging to a
/// temp dir. Killed on drop, also when the test panics. Start one per test: groups and the
/// gateway's type checks are shared by everything pushed to it.
pub struct PushgatewayServer {
    child: KillOnDrop,
    url: String,
    agent: ureq::Agent,
    dir: tempfile::TempDir,
}

impl PushgatewayServer {
    /// Starts `binary` and waits until it reports ready.
    ///
    /// # Panics
    ///
    /// When it exits or is not ready within [`PUSHGATEWAY_PATIENCE`] (with its log).
    pub fn start(binary: &Path) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        // Info, for the line that says where it listens.
        let args = ["--web.listen-address=127.0.0.1:0".to_owned(), "--log.level=info".to_owned()];
        let log = dir.path().join("pushgateway.log");
        let mut child = spawn_logged(binary, &args, &log);
        let addr = listening_address(&mut child, &log, PUSHGATEWAY_PATIENCE);
        let agent = loopback_agent(Duration::from_secs(5));
        let mut server = PushgatewayServer { child, url: format!("http://{addr}"), agent, dir };
        server.wait_until_ready();
        server
    }

    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + PUSHGATEWAY_PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the pushgateway exited with {status}:\n{}", self.log());
            }
            let ready = self.agent.get(format!("{}/-/ready", self.url)).call();
            if ready.is_ok_and(|response| response.status() == 200) {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        panic!("the pushgateway was not ready within {PUSHGATEWAY_PATIENCE:?}:\n{}", self.log());
    }

    /// Its base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its log so far, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pushgateway.log")).unwrap_or_default()
    }

    /// What Prometheus would scrape from it: every pushed series (with `job` and the
    /// grouping labels), `push_time_seconds`, and its own metrics, as text 0.0.4.
    pub fn scrape(&self) -> String {
        let mut response = self
            .agent
            .get(format!("{}/metrics", self.url))
            .header("Accept", "text/plain; version=0.0.4")
            .call()
            .unwrap_or_else(|error| panic!("scraping the pushgateway failed: {error}\n{}", self.log()));
        assert_eq!(response.status(), 200, "scraping the pushgateway");
        response.body_mut().read_to_string().expect("a UTF-8 scrape")
    }

    /// The scraped samples named `name` whose labels include every pair of `labels`.
    pub fn samples(&self, name: &str, labels: &[(&str, &str)]) -> Vec<reader::Sample> {
        let scrape = self.scrape();
        reader::samples(&scrape)
            .unwrap_or_else(|error| panic!("the pushgateway's scrape: {error}\n{scrape}"))
            .into_iter()
            .filter(|sample| sample.name == name && sample.has_labels(labels))
            .collect()
    }

    /// The value of the one scraped sample named `name` with (at least) `labels`, or
    /// `None` when there is none.
    ///
    /// # Panics
    ///
    /// When several samples match.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        match &self.samples(name, labels)[..] {
            [] => None,
            [only] => Some(only.value),
            several => panic!("{} samples of {name} match {labels:?}: {several:?}", several.len()),
        }
    }

    /// Sends `body` (text format) with `method` to `path` below the gateway's URL,
    /// bypassing metricsmith: a second client, to set up what a test checks against.
    /// Returns the status and the reply.
    pub fn raw(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let url = format!("{}{path}", self.url);
        let content_type = "text/plain; version=0.0.4; charset=utf-8";
        let result = match method {
            "PUT" => self.agent.put(&url).header("Content-Type", content_type).send(body),
            "POST" => self.agent.post(&url).header("Content-Type", content_type).send(body),
            "DELETE" => self.agent.delete(&url).call(),
            other => panic!("unsupported method {other}"),
        };
        let mut response = result.unwrap_or_else(|error| panic!("{method} {url}: {error}"));
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap_or_default())
    }
}
