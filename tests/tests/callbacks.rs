//! Values read at scrape time: `#[metric(callback = f)]` (plain, labelled, fallible)
//! and `#[metric(collector = SOURCE)]`. A callback or collector that fails — returns an
//! error or `None`, panics, leaves a series unset, gives a counter a negative value —
//! renders nothing for its family (no HELP, TYPE or series), counts the failure in
//! `metricsmith_collect_failures_total{metric}`, and leaves the rest of the scrape whole;
//! promtool and Python's parsers accept that scrape.
//!
//! Every test takes `SCRAPES`: a scrape collects every family, so one test's failing
//! family would count failures during another test's scrape.

use std::sync::atomic::{AtomicU8, Ordering::Relaxed};
use std::sync::{Mutex, MutexGuard};

use metricsmith::{
    metric, CollectError, CollectedValues, Collector, FloatCounter, Format, Gauge, LabelValue,
};
use metricsmith_tests::{promtool_check_metrics, python_parse, render_text, require, PythonParser, Tool};

static SCRAPES: Mutex<()> = Mutex::new(());

fn serialized() -> MutexGuard<'static, ()> {
    SCRAPES.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
enum Queue {
    Orders,
    Refunds,
}

/// What the sources below do at the next scrape.
const WORKS: u8 = 0;
const RETURNS_ERROR: u8 = 1;
const PANICS: u8 = 2;
const RETURNS_NONE: u8 = 3;
const LEAVES_A_SERIES_UNSET: u8 = 4;
const NEGATIVE: u8 = 5;

static POOL_MODE: AtomicU8 = AtomicU8::new(WORKS);
static BROKER_MODE: AtomicU8 = AtomicU8::new(WORKS);
static BYTES_MODE: AtomicU8 = AtomicU8::new(WORKS);

fn uptime_seconds() -> f64 {
    12.5
}

/// Seconds since the shop opened (a plain callback).
#[metric(callback = uptime_seconds)]
static SHOP_UPTIME_SECONDS: Gauge;

fn queue_length(queue: Queue) -> u32 {
    match queue {
        Queue::Orders => 7,
        Queue::Refunds => 2,
    }
}

/// Items waiting in each in-process queue (a labelled callback, one call per series).
#[metric(callback = queue_length)]
static SHOP_QUEUE_LENGTH: Gauge<Queue>;

fn pool_connections() -> Result<Option<f64>, String> {
    match POOL_MODE.load(Relaxed) {
        RETURNS_ERROR => Err("pool closed".to_owned()),
        PANICS => panic!("pool poisoned"),
        RETURNS_NONE => Ok(None),
        _ => Ok(Some(4.0)),
    }
}

/// Open database connections (a fallible callback).
#[metric(callback = pool_connections)]
static DB_POOL_CONNECTIONS: Gauge;

/// The message broker, read in one round trip per scrape.
struct Broker;

impl Collector for Broker {
    type Labels = Queue;
    fn collect(&self, values: &mut CollectedValues<Queue>) -> Result<(), CollectError> {
        match BROKER_MODE.load(Relaxed) {
            RETURNS_ERROR => return Err(CollectError::new("broker unreachable")),
            PANICS => panic!("broker client bug"),
            _ => {}
        }
        values.set(Queue::Orders, 31.0);
        if BROKER_MODE.load(Relaxed) != LEAVES_A_SERIES_UNSET {
            values.set(Queue::Refunds, 5.0);
        }
        Ok(())
    }
}

static BROKER: Broker = Broker;

/// Messages waiting in each broker queue (a collector).
#[metric(collector = BROKER)]
static BROKER_QUEUE_MESSAGES: Gauge<Queue>;

/// The network interface's byte counter, kept by the kernel.
struct Interface;

impl Collector for Interface {
    type Labels = ();
    fn collect(&self, values: &mut CollectedValues<()>) -> Result<(), CollectError> {
        values.set((), if BYTES_MODE.load(Relaxed) == NEGATIVE { -1.0 } else { 1_048_576.0 });
        Ok(())
    }
}

static INTERFACE: Interface = Interface;

/// Bytes the interface received (a collector of a total).
#[metric(collector = INTERFACE)]
static INTERFACE_RECEIVED_BYTES_TOTAL: FloatCounter;

fn scrape() -> String {
    render_text(Format::Prometheus)
}

/// Every line of the text exposition that belongs to family `name`.
fn family_lines<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|line| {
            let rest = line.strip_prefix("# HELP ").or_else(|| line.strip_prefix("# TYPE ")).unwrap_or(line);
            rest.strip_prefix(name).is_some_and(|after| after.starts_with([' ', '{']))
        })
        .collect()
}

fn failures(text: &str, metric: &str) -> u64 {
    let prefix = format!("metricsmith_collect_failures_total{{metric=\"{metric}\"}} ");
    let line = text.lines().find_map(|line| line.strip_prefix(&prefix));
    line.unwrap_or_else(|| panic!("no failure count for `{metric}`:\n{text}")).parse().expect("a count")
}

#[test]
fn callbacks_are_read_at_every_scrape() {
    let _guard = serialized();
    let text = scrape();
    assert_eq!(
        family_lines(&text, "shop_uptime_seconds"),
        [
            "# HELP shop_uptime_seconds Seconds since the shop opened (a plain callback).",
            "# TYPE shop_uptime_seconds gauge",
            "shop_uptime_seconds 12.5"
        ]
    );
    assert_eq!(
        family_lines(&text, "shop_queue_length")[2..],
        ["shop_queue_length{queue=\"orders\"} 7", "shop_queue_length{queue=\"refunds\"} 2"]
    );
    assert_eq!(
        family_lines(&text, "broker_queue_messages")[2..],
        ["broker_queue_messages{queue=\"orders\"} 31", "broker_queue_messages{queue=\"refunds\"} 5"]
    );
    assert_eq!(
        family_lines(&text, "interface_received_bytes_total")[1..],
        ["# TYPE interface_received_bytes_total counter", "interface_received_bytes_total 1.048576e+06"]
    );
    assert_eq!(family_lines(&text, "db_pool_connections")[2..], ["db_pool_connections 4"]);
    // Healthy families count no failure (other tests' failures stay counted).
    let again = scrape();
    for metric in ["shop_uptime_seconds", "shop_queue_length", "broker_queue_messages", "db_pool_connections"]
    {
        assert_eq!(failures(&again, metric), failures(&text, metric), "{metric}");
    }
    assert_eq!(failures(&again, "shop_uptime_seconds"), 0);
}

/// Sets `mode`, scrapes twice, and checks the family is absent and counted both times
/// while everything else renders; then it recovers.
fn check_failure(mode_cell: &AtomicU8, mode: u8, family: &str, healthy_lines: usize) {
    let counted_before = failures(&scrape(), family);
    mode_cell.store(mode, Relaxed);
    let first = scrape();
    let second = scrape();
    mode_cell.store(WORKS, Relaxed);
    for text in [&first, &second] {
        assert_eq!(
            family_lines(text, family),
            Vec::<&str>::new(),
            "mode {mode}: `{family}` is left out:\n{text}"
        );
        assert_eq!(family_lines(text, "shop_uptime_seconds").len(), 3, "the rest of the scrape is whole");
        assert_eq!(family_lines(text, "shop_queue_length").len(), 4);
    }
    assert_eq!(failures(&first, family), counted_before + 1, "mode {mode}: one failure per scrape");
    assert_eq!(failures(&second, family), counted_before + 2);
    let recovered = scrape();
    assert_eq!(family_lines(&recovered, family).len(), healthy_lines, "mode {mode}: `{family}` is back");
    assert_eq!(failures(&recovered, family), counted_before + 2);
}

#[test]
fn a_failing_callback_leaves_its_family_out_and_is_counted() {
    let _guard = serialized();
    for mode in [RETURNS_ERROR, PANICS, RETURNS_NONE] {
        check_failure(&POOL_MODE, mode, "db_pool_connections", 3);
    }
}

#[test]
fn a_failing_collector_leaves_its_family_out_and_is_counted() {
    let _guard = serialized();
    for mode in [RETURNS_ERROR, PANICS, LEAVES_A_SERIES_UNSET] {
        check_failure(&BROKER_MODE, mode, "broker_queue_messages", 4);
    }
    check_failure(&BYTES_MODE, NEGATIVE, "interface_received_bytes_total", 3);
}

#[test]
fn the_static_of_a_callback_gauge_is_not_what_renders() {
    let _guard = serialized();
    // The declared static holds no values of its own: the callback is the source.
    SHOP_UPTIME_SECONDS.set(99.0);
    assert!(scrape().contains("\nshop_uptime_seconds 12.5\n"));
    let _ =
        (&SHOP_QUEUE_LENGTH, &BROKER_QUEUE_MESSAGES, &INTERFACE_RECEIVED_BYTES_TOTAL, &DB_POOL_CONNECTIONS);
}

#[test]
fn outside_parsers_accept_a_scrape_with_a_failing_family() {
    let _guard = serialized();
    let promtool = require(Tool::Promtool, "outside_parsers_accept_a_scrape_with_a_failing_family");
    let python = require(Tool::PythonClient, "outside_parsers_accept_a_scrape_with_a_failing_family");
    BROKER_MODE.store(RETURNS_ERROR, Relaxed);
    POOL_MODE.store(PANICS, Relaxed);
    let text = scrape();
    let openmetrics = render_text(Format::OpenMetrics);
    BROKER_MODE.store(WORKS, Relaxed);
    POOL_MODE.store(WORKS, Relaxed);
    assert!(!text.contains("# TYPE broker_queue_messages"), "{text}");
    if let Some(promtool) = promtool {
        let report = promtool_check_metrics(&promtool, &text);
        assert!(report.success && report.findings.is_empty(), "{}\n--- input ---\n{text}", report.findings);
    }
    if let Some(python) = python {
        for (parser, exposition) in [(PythonParser::Text, &text), (PythonParser::OpenMetrics, &openmetrics)] {
            let families = python_parse(&python, parser, exposition);
            let names: Vec<&str> = families.iter().map(|family| family.name.as_str()).collect();
            assert!(names.contains(&"shop_queue_length"), "{parser:?}: {names:?}");
            assert!(!names.contains(&"broker_queue_messages"), "{parser:?}: {names:?}");
            assert!(!names.contains(&"db_pool_connections"), "{parser:?}: {names:?}");
            let failures = families
                .iter()
                .find(|family| family.name.starts_with("metricsmith_collect_failures"))
                .expect("the failure counter");
            let broker = failures
                .samples
                .iter()
                .find(|sample| {
                    sample.labels.get("metric").map(String::as_str) == Some("broker_queue_messages")
                })
                .expect("a series per scrape-time family");
            assert!(broker.value >= 1.0, "{parser:?}: {broker:?}");
        }
    }
}
