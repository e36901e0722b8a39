//! `metricsmith::push` against a real Pushgateway (Debian package
//! `prometheus-pushgateway`) on loopback: what a push puts where, `push` versus
//! `push_add`, `delete`, grouping values that need encoding, the family filter, and the
//! errors for a rejected push, a closed port and a silent server.
//!
//! Each test starts its own Pushgateway on a loopback port it picks (groups and type
//! checks are per gateway), killed when the test ends. Durations are liveness bounds.

use std::io::Read;
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use metricsmith::push::{PushError, Pushgateway};
use metricsmith::{metric, Counter, Gauge};
use metricsmith_examples::shop::{PaymentMethod, PAYMENT_GATEWAY_DURATION_SECONDS};
use metricsmith_tests::{drive_shop, require, PushgatewayServer, RefusingPort, Tool};

/// Pushes made by these tests; each test reads it after setting it up.
#[metric]
static PUSH_PROBES_TOTAL: Counter;

// One gauge per test that checks a pushed value: the tests run in parallel, and with one
// shared gauge a test's push carried another test's value (seen in CI: 4 where 2 was set).

/// The value `push_puts_the_registry_under_the_job_and_grouping_labels` pushes.
#[metric]
static PUSH_PROBE_LEVEL: Gauge;

/// The value `grouping_values_with_any_text_arrive_unchanged` pushes.
#[metric]
static GROUPING_PROBE_LEVEL: Gauge;

/// The value `push_replaces_the_group_but_push_add_only_the_names_it_pushes` pushes.
#[metric]
static REPLACE_PROBE_LEVEL: Gauge;

/// The value `delete_removes_only_its_group` pushes.
#[metric]
static DELETE_PROBE_LEVEL: Gauge;

/// The value `the_filter_pushes_only_the_families_it_keeps` pushes; its name passes the filter.
#[metric]
static PUSH_PROBE_FILTERED_LEVEL: Gauge;

/// The longest a request to a silent server may take before the test counts a hang.
const LIVENESS: Duration = Duration::from_secs(20);

fn gateway(server: &PushgatewayServer, job: &str) -> Pushgateway {
    Pushgateway::new(server.url()).job(job).timeout(Duration::from_secs(10))
}

fn start(test: &str) -> Option<PushgatewayServer> {
    require(Tool::Pushgateway, test).map(|binary| PushgatewayServer::start(&binary))
}

#[test]
fn push_puts_the_registry_under_the_job_and_grouping_labels() {
    let Some(server) = start("push_puts_the_registry_under_the_job_and_grouping_labels") else { return };
    PUSH_PROBES_TOTAL.inc_by(5);
    PUSH_PROBE_LEVEL.set(2.5);
    // Only this test drives the shop in this binary, so the count is known.
    drive_shop(30, 30);
    let cards = PAYMENT_GATEWAY_DURATION_SECONDS.labels(PaymentMethod::Card).count();
    assert!(cards > 0);

    gateway(&server, "nightly").grouping("instance", "db-2").push().expect("push");

    let group = [("job", "nightly"), ("instance", "db-2")];
    // Counters keep their value; other families arrive too, histograms with every series.
    assert!(server.value("push_probes_total", &group).is_some_and(|value| value >= 5.0));
    assert_eq!(server.value("push_probe_level", &group), Some(2.5));
    let card_count = [("job", "nightly"), ("instance", "db-2"), ("payment_method", "card")];
    assert_eq!(server.value("payment_gateway_duration_seconds_count", &card_count), Some(cards as f64));
    assert!(server.value("push_time_seconds", &group).is_some_and(|time| time > 0.0));
    // Series that were never touched are pushed at 0 as well.
    let declined_transfers =
        [("job", "nightly"), ("outcome", "declined"), ("payment_method", "bank_transfer")];
    assert!(server.value("orders_processed_total", &declined_transfers).is_some());
    // Nothing landed outside the group.
    let elsewhere = server.samples("push_probe_level", &[]);
    assert_eq!(elsewhere.len(), 1, "{elsewhere:?}");
}

#[test]
fn grouping_values_with_any_text_arrive_unchanged() {
    let Some(server) = start("grouping_values_with_any_text_arrive_unchanged") else { return };
    let awkward = [
        // Not last: an empty segment at the end of a URL would pass unencoded.
        ("empty", ""),
        ("path", "/var/tmp/import"),
        ("city", "zürich café"),
        ("symbols", "a+b%c@d?e#f&g=h"),
        ("dot", "."),
        ("dots", ".."),
    ];
    let mut gateway = gateway(&server, "reports/daily");
    for (name, value) in awkward {
        gateway = gateway.grouping(name, value);
    }
    GROUPING_PROBE_LEVEL.set(7.0);
    gateway.push().expect("push");

    let mut group = vec![("job", "reports/daily")];
    group.extend(awkward);
    assert_eq!(server.value("grouping_probe_level", &group), Some(7.0), "{}", server.scrape());

    // The same builder names the same group: delete finds it.
    gateway.delete().expect("delete");
    assert_eq!(server.value("grouping_probe_level", &group), None);
}

#[test]
fn push_replaces_the_group_but_push_add_only_the_names_it_pushes() {
    let Some(server) = start("push_replaces_the_group_but_push_add_only_the_names_it_pushes") else { return };
    let group = [("job", "worker"), ("instance", "w1")];
    let other_group = [("job", "worker"), ("instance", "w2")];
    let foreign = "# TYPE foreign_level gauge\nforeign_level 42\n";
    assert_eq!(server.raw("PUT", "/metrics/job/worker/instance/w1", foreign).0, 200);
    assert_eq!(server.raw("PUT", "/metrics/job/worker/instance/w2", foreign).0, 200);
    REPLACE_PROBE_LEVEL.set(1.0);
    let gateway = gateway(&server, "worker").grouping("instance", "w1");

    // POST keeps the group's metrics under other names.
    gateway.push_add().expect("push_add");
    assert_eq!(server.value("foreign_level", &group), Some(42.0));
    assert_eq!(server.value("replace_probe_level", &group), Some(1.0));

    // ... and replaces those under the names it pushes.
    REPLACE_PROBE_LEVEL.set(2.0);
    gateway.push_add().expect("push_add");
    assert_eq!(server.value("replace_probe_level", &group), Some(2.0));

    // PUT replaces the whole group, and only that group.
    gateway.push().expect("push");
    assert_eq!(server.value("foreign_level", &group), None);
    assert_eq!(server.value("replace_probe_level", &group), Some(2.0));
    assert_eq!(server.value("foreign_level", &other_group), Some(42.0));
}

#[test]
fn delete_removes_only_its_group() {
    let Some(server) = start("delete_removes_only_its_group") else { return };
    DELETE_PROBE_LEVEL.set(3.0);
    let first = gateway(&server, "batch").grouping("shard", "1");
    let second = gateway(&server, "batch").grouping("shard", "2");
    first.push().expect("push shard 1");
    second.push().expect("push shard 2");
    assert_eq!(server.samples("delete_probe_level", &[("job", "batch")]).len(), 2);

    first.delete().expect("delete shard 1");
    assert_eq!(server.value("delete_probe_level", &[("job", "batch"), ("shard", "1")]), None);
    assert_eq!(server.value("push_time_seconds", &[("job", "batch"), ("shard", "1")]), None);
    assert_eq!(server.value("delete_probe_level", &[("job", "batch"), ("shard", "2")]), Some(3.0));

    // Deleting what is already gone is no error.
    first.delete().expect("delete again");
}

#[test]
fn the_filter_pushes_only_the_families_it_keeps() {
    let Some(server) = start("the_filter_pushes_only_the_families_it_keeps") else { return };
    PUSH_PROBE_FILTERED_LEVEL.set(4.0);
    gateway(&server, "filtered").filter(|family| family.starts_with("push_probe")).push().expect("push");

    let group = [("job", "filtered")];
    assert_eq!(server.value("push_probe_filtered_level", &group), Some(4.0));
    assert!(server.value("push_probes_total", &group).is_some());
    let pushed: Vec<String> = metricsmith_tests::reader::samples(&server.scrape())
        .unwrap()
        .into_iter()
        .filter(|sample| sample.has_labels(&group))
        .map(|sample| sample.name)
        .collect();
    // The gateway adds its own two per group.
    let added_by_the_gateway = ["push_time_seconds", "push_failure_time_seconds"];
    let unexpected: Vec<&String> = pushed
        .iter()
        .filter(|name| !name.starts_with("push_probe") && !added_by_the_gateway.contains(&name.as_str()))
        .collect();
    assert!(unexpected.is_empty(), "families that the filter drops were pushed: {unexpected:?}");
    assert!(server.value("orders_processed_total", &group).is_none());
}

#[test]
fn a_push_the_gateway_rejects_reports_its_status_and_reason() {
    let Some(server) = start("a_push_the_gateway_rejects_reports_its_status_and_reason") else { return };
    // Another group holds `push_probes_total` as a gauge: a counter of that name contradicts it.
    let gauge = "# TYPE push_probes_total gauge\npush_probes_total 1\n";
    assert_eq!(server.raw("PUT", "/metrics/job/other", gauge).0, 200);

    let error = gateway(&server, "typed").push().expect_err("the gateway rejects the push");
    match &error {
        PushError::Rejected { method, url, status, message } => {
            assert_eq!((*method, *status), ("PUT", 400));
            assert_eq!(url, &format!("{}/metrics/job/typed", server.url()));
            assert!(message.contains("push_probes_total"), "{message}");
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    let shown = error.to_string();
    assert!(shown.starts_with("the pushgateway answered PUT http://127.0.0.1:"), "{shown}");
    assert!(shown.contains("with status 400: pushed metrics are invalid"), "{shown}");
    // Nothing of the rejected push was stored.
    assert_eq!(server.value("push_probe_level", &[("job", "typed")]), None);
}

#[test]
fn a_closed_port_is_a_transport_error() {
    // Held, not bound and released: a parallel test's gateway could take a released port.
    let refusing = RefusingPort::hold();
    let port = refusing.port();
    let gateway = Pushgateway::new(format!("127.0.0.1:{port}")).job("lost");
    for (result, method) in
        [(gateway.push(), "PUT"), (gateway.push_add(), "POST"), (gateway.delete(), "DELETE")]
    {
        match result {
            Err(error @ PushError::Transport { .. }) => {
                let shown = error.to_string();
                assert!(
                    shown.starts_with(&format!("{method} http://127.0.0.1:{port}/metrics/job/lost failed: "))
                );
                assert!(std::error::Error::source(&error).is_some());
            }
            other => panic!("{method}: expected a transport error, got {other:?}"),
        }
    }
}

#[test]
fn a_gateway_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Accepts and reads, never answers; ends when the test's client has gone.
    let silent = thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut sink = [0; 1024];
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
        }
    });
    let (done, outcome) = mpsc::channel();
    thread::spawn(move || {
        let gateway = Pushgateway::new(addr.to_string()).job("slow").timeout(Duration::from_millis(300));
        let _ = done.send(gateway.push());
    });
    let result = outcome.recv_timeout(LIVENESS).expect("the push gave up within its timeout");
    match result {
        Err(PushError::Transport { source, .. }) => {
            assert!(source.to_string().to_lowercase().contains("timeout"), "{source}")
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    silent.join().unwrap();
}
