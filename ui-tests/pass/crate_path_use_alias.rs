// The crate reached through a `use` alias: `crate = ms` re-points the generated code.
use metricsmith as ms;

#[derive(ms::LabelValue)]
#[label(crate = ms)]
enum Outcome {
    Success,
    Declined,
}

/// Orders processed, by outcome.
#[ms::metric(crate = ms)]
static ORDERS_PROCESSED_TOTAL: ms::Counter<Outcome>;

/// Orders waiting in the queue.
#[ms::metric(crate = ms)]
static ORDER_QUEUE_DEPTH: ms::Gauge;

fn main() {
    ORDERS_PROCESSED_TOTAL.labels(Outcome::Success).inc();
    ORDER_QUEUE_DEPTH.set(2.0);
    assert_eq!(ORDERS_PROCESSED_TOTAL.labels(Outcome::Success).get(), 1);
    assert_eq!(ORDER_QUEUE_DEPTH.get(), 2.0);

    let mut out = Vec::new();
    ms::render(ms::Format::Prometheus, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("orders_processed_total{outcome=\"declined\"} 0\n"), "{text}");
}
