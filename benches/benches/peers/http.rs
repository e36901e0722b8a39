//! The HTTP layer's overhead per request: one axum app called in-process (a request
//! built, routed to a one-line handler, its body read to the end), without a metrics
//! layer, with a layer that does nothing (what any layer costs in axum), with
//! `metricsmith::axum::layer()`, and with `axum-prometheus`'s layer. The overhead of a
//! layer is its median minus the bare app's; the variants take turns batch by batch, so a
//! noisy neighbour slows them all alike.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use axum::Router;
use tower_service::Service;

/// Requests per timed batch.
const BATCH: usize = 2_000;
/// Wall-clock budget of the whole comparison.
const BUDGET: Duration = Duration::from_secs(6);

fn app() -> Router {
    Router::new().route("/orders/{id}", get(|| async { "an order" }))
}

/// The paths requested in turn: one route, several ids.
const PATHS: [&str; 4] = ["/orders/1", "/orders/22", "/orders/333", "/orders/4444"];

/// ns per request of one batch on `app`.
#[inline(always)]
fn batch(runtime: &tokio::runtime::Runtime, app: &mut Router) -> f64 {
    runtime.block_on(async {
        let start = Instant::now();
        for i in 0..BATCH {
            let request = Request::get(PATHS[i % PATHS.len()]).body(Body::empty()).unwrap();
            let response = app.call(request).await.unwrap();
            // Read to the end: a layer may record when the body ends.
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            black_box(body);
        }
        start.elapsed().as_nanos() as f64 / BATCH as f64
    })
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

// One function per variant (each unlike the others, so none are merged), so an
// instruction profiler (callgrind) tells their costs apart: `METRICSMITH_BENCH_HTTP_INSTRUCTIONS=1` runs each once, untimed (see BENCHMARKS.md).
#[inline(never)]
fn bare_app(runtime: &tokio::runtime::Runtime, app: &mut Router) -> f64 {
    black_box(0);
    batch(runtime, app)
}
#[inline(never)]
fn noop_layer(runtime: &tokio::runtime::Runtime, app: &mut Router) -> f64 {
    black_box(1);
    batch(runtime, app)
}
#[inline(never)]
fn metricsmith_layer(runtime: &tokio::runtime::Runtime, app: &mut Router) -> f64 {
    black_box(2);
    batch(runtime, app)
}
#[inline(never)]
fn axum_prometheus_layer(runtime: &tokio::runtime::Runtime, app: &mut Router) -> f64 {
    black_box(3);
    batch(runtime, app)
}

type Variant = (&'static str, Router, fn(&tokio::runtime::Runtime, &mut Router) -> f64);

/// The markdown table of the variants and their overheads.
pub(crate) fn layer_overhead() -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime");
    // Installs its global recorder, and spawns the recorder's upkeep on the runtime.
    let (prometheus_layer, handle) =
        runtime.block_on(async { axum_prometheus::PrometheusMetricLayer::pair() });
    let mut variants: [Variant; 4] = [
        ("axum app, no metrics layer", app(), bare_app),
        // What any layer costs in axum (its `Router::layer` boxes the layered route).
        (
            "the same with a no-op layer (`tower_layer::Identity`)",
            app().layer(tower_layer::Identity::new()),
            noop_layer,
        ),
        ("`metricsmith::axum::layer()`", app().layer(metricsmith::axum::layer()), metricsmith_layer),
        (
            "`axum-prometheus` 0.10 `PrometheusMetricLayer`",
            app().layer(prometheus_layer),
            axum_prometheus_layer,
        ),
    ];
    // Warm-up: first requests register routes, methods and codes, and allocate.
    for (_, app, run) in &mut variants {
        run(&runtime, app);
    }
    if std::env::var_os("METRICSMITH_BENCH_HTTP_INSTRUCTIONS").is_some() {
        for (_, app, run) in &mut variants {
            run(&runtime, app);
        }
        return format!("ran {BATCH} requests per variant once, for an instruction profiler");
    }
    let mut samples: [Vec<f64>; 4] = Default::default();
    let deadline = Instant::now() + BUDGET;
    while samples[0].len() < 15 || (Instant::now() < deadline && samples[0].len() < 301) {
        for (index, (_, app, run)) in variants.iter_mut().enumerate() {
            samples[index].push(run(&runtime, app));
        }
    }
    // Both layers recorded every request.
    assert!(handle.render().contains("axum_http_requests_total"), "axum-prometheus recorded nothing");
    let batches = samples[0].len();
    let medians = samples.map(median);
    let overhead = |index: usize| medians[index] - medians[0];
    let mut out = String::from(
        "| axum app, 1 route, in-process request (median ns/request) | ns | overhead over the bare app |\n|---|---:|---:|\n",
    );
    for (index, (name, _, _)) in variants.iter().enumerate() {
        let extra = if index == 0 { "–".to_owned() } else { format!("{:.0}", overhead(index)) };
        out.push_str(&format!("| {name} | {:.0} | {extra} |\n", medians[index]));
    }
    out.push_str(&format!(
        "\n- overhead ratio axum-prometheus / metricsmith: ×{:.1}; beyond the no-op layer: ×{:.1} ({} batches of {BATCH} requests per variant, taking turns)\n",
        overhead(3) / overhead(2),
        (overhead(3) - overhead(1)) / (overhead(2) - overhead(1)),
        batches
    ));
    out
}
