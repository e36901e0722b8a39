//! What the `testing` feature costs recording: `cargo bench -p metricsmith-benches --bench
//! testing_feature` measures today's code (the feature off), `--features testing` the same
//! loops with the capture check compiled in (no capture entered: what every other test of a
//! crate that enables the feature pays) and inside a `metricsmith::testing::Capture`.
//!
//! Each row is the median ns/op over batches of `Instant`-timed loops, as in the `peers`
//! bench. Timings on a shared machine are noisy; instruction counts are not:
//! `-- --ops N LOOP` runs exactly `N` operations of one loop and nothing else, for
//! `valgrind --tool=callgrind` (see BENCHMARKS.md, "The testing feature"). `LOOP` is one of
//! the names `--list` prints.

use std::hint::black_box;
use std::time::{Duration, Instant};

use metricsmith::{metric, Counter, Gauge, Histogram, LabelValue};

#[derive(LabelValue, Clone, Copy, Debug)]
enum Route {
    Home,
    Search,
    Cart,
    Checkout,
    Account,
    Help,
}

/// Unlabelled counter.
#[metric]
static BENCH_PLAIN_TOTAL: Counter;

/// Counter with one label.
#[metric]
static BENCH_ROUTED_TOTAL: Counter<Route>;

/// Unlabelled gauge.
#[metric]
static BENCH_QUEUE_DEPTH: Gauge;

/// Unlabelled histogram, default buckets.
#[metric]
static BENCH_LATENCY_SECONDS: Histogram;

const ROUTES: [Route; 6] =
    [Route::Home, Route::Search, Route::Cart, Route::Checkout, Route::Account, Route::Help];

/// Observation values spread over the default buckets (1 ms … ~20 s, log-uniform).
fn values() -> Vec<f64> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            10f64.powf(-3.0 + unit * 4.3)
        })
        .collect()
}

/// One loop body: operation `i`.
type Op<'a> = Box<dyn Fn(usize) + 'a>;

/// The loops, by name.
fn loops(values: &[f64]) -> Vec<(&'static str, Op<'_>)> {
    vec![
        ("counter-inc", Box::new(|_| BENCH_PLAIN_TOTAL.inc())),
        ("counter-inc-labelled", Box::new(|i| BENCH_ROUTED_TOTAL.labels(ROUTES[i % 6]).inc())),
        ("gauge-add", Box::new(|_| BENCH_QUEUE_DEPTH.add(1.0))),
        ("histogram-observe", Box::new(move |i| BENCH_LATENCY_SECONDS.observe(values[i & 4095]))),
    ]
}

/// Median ns per call of `op(i)` over batches of about 1 ms, for about 250 ms.
fn time(op: &dyn Fn(usize)) -> f64 {
    let mut batch = 1000usize;
    loop {
        let start = Instant::now();
        (0..batch).for_each(|i| op(black_box(i)));
        if start.elapsed() >= Duration::from_millis(1) || batch >= 1 << 26 {
            break;
        }
        batch *= 2;
    }
    let mut samples = Vec::new();
    let deadline = Instant::now() + Duration::from_millis(250);
    while samples.len() < 15 || (Instant::now() < deadline && samples.len() < 301) {
        let start = Instant::now();
        (0..batch).for_each(|i| op(black_box(i)));
        samples.push(start.elapsed().as_nanos() as f64 / batch as f64);
    }
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Runs `op` `ops` times, inside a capture when `captured`.
fn run(op: &dyn Fn(usize), ops: usize, captured: bool) {
    let body = || (0..ops).for_each(|i| op(black_box(i)));
    if captured {
        #[cfg(feature = "testing")]
        return metricsmith::testing::Capture::new().run(body);
        #[cfg(not(feature = "testing"))]
        panic!("a captured loop needs `--features testing`");
    }
    body()
}

fn main() {
    let values = values();
    let loops = loops(&values);
    let args: Vec<String> = std::env::args().skip(1).filter(|arg| arg != "--bench").collect();
    let feature = if cfg!(feature = "testing") { "on" } else { "off" };
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["--list"] => {
            for (name, _) in &loops {
                println!("{name}\n{name}-captured");
            }
        }
        ["--ops", ops, name] => {
            let ops: usize = ops.parse().expect("--ops takes a number");
            let (base, captured) = match name.strip_suffix("-captured") {
                Some(base) => (base, true),
                None => (name, false),
            };
            let (_, op) =
                loops.iter().find(|(loop_name, _)| *loop_name == base).expect("a loop --list names");
            run(op, ops, captured);
        }
        _ => {
            println!("| loop (`testing` feature {feature}) | outside a capture | inside a capture |");
            println!("|---|---:|---:|");
            for (name, op) in &loops {
                let outside = time(op);
                let inside = if cfg!(feature = "testing") {
                    #[cfg(feature = "testing")]
                    let inside = metricsmith::testing::Capture::new().run(|| time(op));
                    #[cfg(not(feature = "testing"))]
                    let inside = f64::NAN;
                    format!("{inside:.2} ns")
                } else {
                    "—".to_owned()
                };
                println!("| {name} | {outside:.2} ns | {inside} |");
            }
        }
    }
}
