//! Label values registered at run time (`#[derive(LabelValue)] #[label(capacity = N)]
//! struct T(RuntimeValue);`), alone, in tuples and in `LabelSet` structs beside enums: a
//! family has no series (and no HELP or TYPE) until its values exist; each registered
//! value's series exist at 0 from its registration; a value past the capacity, or an
//! invalid one, lands in `_OTHER` and is counted, never a new series; values are rendered
//! escaped; the scrapes pass our strict reader, promtool and Python's parsers, and the
//! catalog reports what exists and what can.
//!
//! Each test has its own label types and metrics: the registry is shared by the tests of
//! this binary, which run in parallel.

use metricsmith::{
    metric, Counter, Format, Gauge, Histogram, LabelSet, LabelValue, RuntimeLabel, RuntimeValue,
};
use metricsmith_tests::{
    promtool_check_metrics, python_parse, reader, render_text, require, PythonParser, Tool,
};

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Success,
    Declined,
}

fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let samples = reader::samples(text).expect("a well-formed scrape");
    let mut matching = samples.iter().filter(|sample| sample.name == name && sample.has_labels(labels));
    let found = matching.next().map(|sample| sample.value);
    assert!(matching.next().is_none(), "several {name} samples match {labels:?}");
    found
}

fn series_named<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines().filter(|line| line.starts_with(name) && line[name.len()..].starts_with(['{', ' '])).collect()
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
#[label(capacity = 2)]
struct Tenant(RuntimeValue);

/// Requests by tenant.
#[metric]
static TENANT_REQUESTS_TOTAL: Counter<Tenant>;

#[test]
fn series_exist_from_registration_and_overflow_lands_in_other_counted() {
    let overflow_before = value(
        &render_text(Format::Prometheus),
        "metricsmith_rejected_values_total",
        &[("kind", "label_value_overflow")],
    )
    .expect("the overflow kind is always exported");
    let text = render_text(Format::Prometheus);
    assert!(
        !text.contains("tenant_requests_total"),
        "no value registered, so no series and no HELP:\n{text}"
    );

    let acme = Tenant::try_register("acme").expect("room for acme");
    let text = render_text(Format::Prometheus);
    assert!(text.contains("# HELP tenant_requests_total Requests by tenant.\n"));
    assert_eq!(series_named(&text, "tenant_requests_total"), ["tenant_requests_total{tenant=\"acme\"} 0"]);

    TENANT_REQUESTS_TOTAL.labels(acme).inc();
    TENANT_REQUESTS_TOTAL.labels(Tenant::get("globex")).inc_by(2);
    for stranger in ["initech", "umbrella", "hooli"] {
        TENANT_REQUESTS_TOTAL.labels(Tenant::get(stranger)).inc();
    }
    assert_eq!(Tenant::get("umbrella"), Tenant::overflow());
    let text = render_text(Format::Prometheus);
    assert_eq!(
        series_named(&text, "tenant_requests_total"),
        [
            "tenant_requests_total{tenant=\"acme\"} 1",
            "tenant_requests_total{tenant=\"globex\"} 2",
            "tenant_requests_total{tenant=\"_OTHER\"} 3",
        ]
    );
    let overflow =
        value(&text, "metricsmith_rejected_values_total", &[("kind", "label_value_overflow")]).unwrap();
    // Three strangers recorded, one more looked up.
    assert_eq!(overflow - overflow_before, 4.0);
    assert_eq!(Tenant::registered().collect::<Vec<_>>(), ["acme", "globex"]);
    assert!(Tenant::try_register("initech").is_err());
    assert_eq!(Tenant::try_register("acme").map(|tenant| tenant.index()), Ok(0));

    let catalog = metricsmith::catalog();
    let tenants = catalog.get("tenant_requests_total").unwrap();
    assert_eq!((tenants.label_sets, tenants.series), (3, 3));
    assert_eq!((tenants.max_label_sets, tenants.max_series), (3, 3));
    assert_eq!(tenants.labels[0].values, ["acme", "globex", "_OTHER"]);
    assert!(metricsmith::check_registry().is_ok(), "{:?}", metricsmith::check_registry());
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
#[label(name = "warehouse", capacity = 4)]
struct Site(RuntimeValue);

#[derive(LabelSet)]
struct ShipmentLabels {
    outcome: Outcome,
    warehouse: Site,
    express: bool,
}

/// Shipments by outcome, warehouse and speed.
#[metric]
static SHIPMENTS_TOTAL: Counter<ShipmentLabels>;

/// Shipment preparation time, by warehouse and outcome.
#[metric(buckets = [1.0, 10.0])]
static SHIPMENT_PREPARATION_SECONDS: Histogram<(Site, Outcome)>;

/// Parcels waiting, by warehouse.
#[metric]
static PARCELS_WAITING: Gauge<Site>;

#[test]
fn runtime_values_work_in_label_sets_and_tuples_beside_enums() {
    let berlin = Site::get("berlin");
    SHIPMENTS_TOTAL
        .labels(ShipmentLabels { outcome: Outcome::Declined, warehouse: berlin, express: true })
        .inc();
    SHIPMENT_PREPARATION_SECONDS.labels((berlin, Outcome::Success)).observe(4.0);
    PARCELS_WAITING.labels(berlin).set(7.0);
    let text = render_text(Format::Prometheus);
    // One warehouse: 2 outcomes × 2 speeds.
    assert_eq!(series_named(&text, "shipments_total").len(), 4);
    let declined = [("outcome", "declined"), ("warehouse", "berlin"), ("express", "true")];
    assert_eq!(value(&text, "shipments_total", &declined), Some(1.0));
    assert_eq!(value(&text, "shipments_total", &[("outcome", "success"), ("express", "false")]), Some(0.0));
    let success = [("warehouse", "berlin"), ("outcome", "success")];
    assert_eq!(value(&text, "shipment_preparation_seconds_count", &success), Some(1.0));
    assert_eq!(
        value(&text, "shipment_preparation_seconds_bucket", &[("outcome", "declined"), ("le", "+Inf")]),
        Some(0.0)
    );
    assert_eq!(value(&text, "parcels_waiting", &[("warehouse", "berlin")]), Some(7.0));

    // A second warehouse adds its series, at 0, to every family labelled by it.
    let rome = Site::try_register("rome").unwrap();
    let text = render_text(Format::OpenMetrics);
    assert_eq!(series_named(&text, "shipments_total").len(), 8);
    let rome_success = [("warehouse", "rome"), ("outcome", "success"), ("le", "10.0")];
    assert_eq!(value(&text, "shipment_preparation_seconds_bucket", &rome_success), Some(0.0));
    assert_eq!(value(&text, "parcels_waiting", &[("warehouse", "rome")]), Some(0.0));
    assert_eq!(rome.index(), 1);
    // The order is the label set's: outcome, then warehouse (registration order), then express.
    let first: Vec<&str> = series_named(&text, "shipments_total").into_iter().take(4).collect();
    assert_eq!(
        first,
        [
            "shipments_total{outcome=\"success\",warehouse=\"berlin\",express=\"false\"} 0",
            "shipments_total{outcome=\"success\",warehouse=\"berlin\",express=\"true\"} 0",
            "shipments_total{outcome=\"success\",warehouse=\"rome\",express=\"false\"} 0",
            "shipments_total{outcome=\"success\",warehouse=\"rome\",express=\"true\"} 0",
        ]
    );
    assert!(
        reader::read(Format::OpenMetrics, &text).is_ok(),
        "{:?}",
        reader::read(Format::OpenMetrics, &text)
    );
    let shipments = metricsmith::catalog();
    let shipments = shipments.get("shipments_total").unwrap();
    // Up to 4 warehouses and `_OTHER`.
    assert_eq!(shipments.max_label_sets, 2 * 5 * 2);
    assert_eq!(shipments.label_sets, 8);
}

#[derive(LabelValue, Clone, Copy, Debug, PartialEq)]
#[label(name = "customer", capacity = 8)]
struct Customer(RuntimeValue);

/// Orders by customer.
#[metric]
static CUSTOMER_ORDERS_TOTAL: Counter<Customer>;

#[test]
fn hostile_values_are_escaped_or_rejected_and_every_parser_reads_them_back() {
    let hostile = "a \"quoted\" \\ back\nslash } value";
    CUSTOMER_ORDERS_TOTAL.labels(Customer::get(hostile)).inc();
    CUSTOMER_ORDERS_TOTAL.labels(Customer::get("é ünïcode ✓")).inc();
    // Empty, too long and non-UTF-8 values are the overflow value.
    CUSTOMER_ORDERS_TOTAL.labels(Customer::get("")).inc();
    CUSTOMER_ORDERS_TOTAL.labels(Customer::get(&"x".repeat(RuntimeValue::MAX_LEN + 1))).inc();
    CUSTOMER_ORDERS_TOTAL.labels(Customer::from_utf8(b"\xff\xfe")).inc();
    assert_eq!(Customer::registered().count(), 2);

    for format in [Format::Prometheus, Format::OpenMetrics] {
        let text = render_text(format);
        let families = reader::read(format, &text).unwrap_or_else(|error| panic!("{error}\n{text}"));
        let orders = families.iter().find(|family| family.name.starts_with("customer_orders")).unwrap();
        let values: Vec<(&str, f64)> =
            orders.samples.iter().map(|sample| (sample.label("customer").unwrap(), sample.value)).collect();
        assert_eq!(values, [(hostile, 1.0), ("é ünïcode ✓", 1.0), ("_OTHER", 3.0)]);
    }
    let text = render_text(Format::Prometheus);
    if let Some(promtool) = require(Tool::Promtool, "hostile runtime label values (promtool)") {
        let report = promtool_check_metrics(&promtool, &text);
        assert!(report.success && report.findings.is_empty(), "promtool:\n{}", report.findings);
    }
    if let Some(python) = require(Tool::PythonClient, "hostile runtime label values (python)") {
        for parser in [PythonParser::Text, PythonParser::OpenMetrics] {
            let families = python_parse(&python, parser, &render_text(parser.format()));
            let orders = families.iter().find(|family| family.name.starts_with("customer_orders")).unwrap();
            let customers: Vec<&str> = orders
                .samples
                .iter()
                .filter_map(|sample| sample.labels.get("customer").map(String::as_str))
                .collect();
            assert!(customers.contains(&hostile), "{parser:?}: {customers:?}");
        }
    }
}
