//! A real Prometheus server (Debian package `prometheus`) scrapes `metricsmith::serve()`
//! with the rules generated from the catalog loaded: it sees `build_info`, the process
//! collector, a labelled callback gauge and a collector with the values the program
//! reports, no trace of a failing collector but its failure count, and evaluates the
//! generated recording rules per instrumented function.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

use metricsmith::{metric, CollectError, CollectedValues, Collector, Gauge, LabelValue};
use metricsmith_tests::{drive_shop, require, PrometheusServer, Tool, PROCESS_FAMILIES};

metricsmith::build_info!(commit = "c0ffee1", branch = "release");

#[derive(LabelValue, Clone, Copy)]
enum Pool {
    Primary,
    Replica,
}

fn pool_size(pool: Pool) -> usize {
    match pool {
        Pool::Primary => 8,
        Pool::Replica => 3,
    }
}

/// Connections per database pool, read at scrape time.
#[metric(callback = pool_size)]
static DB_POOL_SIZE: Gauge<Pool>;

static LEDGER_DOWN: AtomicBool = AtomicBool::new(true);

/// An outside ledger service that is down for this test.
struct Ledger;

impl Collector for Ledger {
    type Labels = ();
    fn collect(&self, values: &mut CollectedValues<()>) -> Result<(), CollectError> {
        if LEDGER_DOWN.load(Relaxed) {
            return Err(CollectError::new("ledger unreachable"));
        }
        values.set((), 1.0);
        Ok(())
    }
}

static LEDGER: Ledger = Ledger;

/// Entries waiting in the ledger service.
#[metric(collector = LEDGER)]
static LEDGER_BACKLOG: Gauge;

#[test]
fn prometheus_sees_build_info_process_scrape_time_values_and_evaluates_the_rules() {
    let test = "prometheus_sees_build_info_process_scrape_time_values_and_evaluates_the_rules";
    let Some(prometheus) = require(Tool::Prometheus, test) else {
        return;
    };
    drive_shop(20, 15);
    let _ = (&DB_POOL_SIZE, &LEDGER_BACKLOG);
    let rules = metricsmith::catalog().rules();
    let endpoint = metricsmith::serve("127.0.0.1:0").expect("serve on an ephemeral loopback port");
    let mut server = PrometheusServer::start_with_rules(&prometheus, endpoint.local_addr(), Some(&rules));
    let job = PrometheusServer::JOB;
    server.wait_for_value(&format!("up{{job=\"{job}\"}}"), 1.0);

    let version = env!("CARGO_PKG_VERSION");
    server.wait_for_value(
        &format!("build_info{{job=\"{job}\",version=\"{version}\",commit=\"c0ffee1\",branch=\"release\"}}"),
        1.0,
    );
    server.wait_for_value(&format!("db_pool_size{{job=\"{job}\",pool=\"primary\"}}"), 8.0);
    server.wait_for_value(&format!("db_pool_size{{job=\"{job}\",pool=\"replica\"}}"), 3.0);
    for family in PROCESS_FAMILIES {
        server.wait_for_value(&format!("count({family}{{job=\"{job}\"}} > 0)"), 1.0);
    }
    // The failing collector: no series, but its failures are counted, scrape after scrape.
    server.wait_for_value(
        &format!("metricsmith_collect_failures_total{{job=\"{job}\",metric=\"ledger_backlog\"}} > bool 1"),
        1.0,
    );
    assert_eq!(server.query("ledger_backlog").expect("query"), []);
    // The generated recording rules: one series per instrumented function (the shop's
    // `charge`).
    server.wait_for_value("count(function:function_calls:rate5m{function=\"charge\"})", 1.0);
    server.wait_for_value("count(function:function_calls_errors:ratio_rate5m{function=\"charge\"})", 1.0);
    // (NaN once the calls are older than a scrape interval: no rate, no quantile.)
    server.wait_for_value(
        "count(function:function_calls_duration_seconds:p99_rate5m{function=\"charge\"})",
        1.0,
    );
    drop(server);
    endpoint.shutdown();
}
