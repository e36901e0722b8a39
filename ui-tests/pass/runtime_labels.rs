//! Labels whose values are registered at run time, beside enums and `bool`s, in every
//! place a label goes; generated code survives shadowed prelude names and
//! `#![deny(warnings)]`.
#![deny(warnings)]

use metricsmith::{metric, timed, Counter, Format, Gauge, Histogram, LabelSet, LabelValue, RuntimeLabel, RuntimeValue};

#[allow(dead_code)]
type Result = ();
#[allow(dead_code)]
type Option = ();
#[allow(dead_code)]
struct Ok;

#[derive(Clone, Copy, LabelValue)]
enum Outcome {
    Success,
    Declined,
}

#[derive(Clone, Copy, Debug, PartialEq, LabelValue)]
#[label(capacity = 16)]
struct Tenant(RuntimeValue);

#[derive(Clone, Copy, LabelValue)]
#[label(name = "warehouse", capacity = 4)]
pub struct Site(pub RuntimeValue);

#[derive(LabelSet)]
struct OrderLabels {
    outcome: Outcome,
    tenant: Tenant,
    express: bool,
}

/// Orders by outcome, tenant and speed.
#[metric]
static ORDERS_TOTAL: Counter<OrderLabels>;

/// Orders by tenant and warehouse.
#[metric]
static TENANT_SITE_ORDERS_TOTAL: Counter<(Tenant, Site)>;

/// Parcels waiting per warehouse.
#[metric]
static PARCELS_WAITING: Gauge<Site>;

/// Shipping time per warehouse.
#[metric(buckets = [1.0, 10.0])]
static SHIPPING_SECONDS: Histogram<Site>;

#[timed(name = "pack_duration_seconds", labels(warehouse = site))]
fn pack(site: Site) {
    let _ = site;
}

fn main() {
    let acme = Tenant::try_register("acme").expect("room");
    let berlin = Site::get("berlin");
    ORDERS_TOTAL.labels(OrderLabels { outcome: Outcome::Success, tenant: acme, express: false }).inc();
    TENANT_SITE_ORDERS_TOTAL.labels((acme, berlin)).inc();
    PARCELS_WAITING.labels(berlin).set(3.0);
    SHIPPING_SECONDS.labels(berlin).observe(2.0);
    pack(berlin);
    assert_eq!(Tenant::get("acme"), acme);
    assert_eq!(<Tenant as RuntimeLabel>::CAPACITY, 16);
    assert_eq!(<Tenant as LabelValue>::CARDINALITY, 17);
    let mut out = Vec::new();
    metricsmith::render(Format::Prometheus, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("orders_total{outcome=\"success\",tenant=\"acme\",express=\"false\"} 1\n"), "{text}");
    assert!(text.contains("tenant_site_orders_total{tenant=\"acme\",warehouse=\"berlin\"} 1\n"), "{text}");
    assert!(text.contains("pack_duration_seconds_count{warehouse=\"berlin\"} 1\n"), "{text}");
}
