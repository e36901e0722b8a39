//! metricsmith against its peers, in one run: `cargo bench -p metricsmith-benches`.
//!
//! A small in-house harness (see `BENCHMARKS.md`): each cell is the median over batches
//! of `Instant`-timed loops, with inputs pre-generated and results `black_box`ed. The
//! run ends with one markdown table: operation × crate, median ns/op, and each peer's
//! ratio to metricsmith (> 1 means metricsmith is faster).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_utils::CachePadded;
use metricsmith::{metric, timed, Counter, Format, Gauge, Histogram, LabelSet, DEFAULT_BUCKETS};
use metricsmith_benches::{Row, Table};

// ---------------------------------------------------------------- allocation counter

/// Counts live heap bytes and allocations, for bytes per series and allocations per scrape.
struct Counting;
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System` unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size(), Relaxed);
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size, Relaxed);
        LIVE_BYTES.fetch_sub(layout.size(), Relaxed);
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// ---------------------------------------------------------------- labels

mod http;
mod labels;
mod multiprocess;
use labels::{Method, Region, Status, Tenant, Zone};

/// The two-enum label set of the hot-path rows (6 × 3 = 18 series).
#[derive(LabelSet, Clone, Copy, Debug)]
struct Req {
    method: Method,
    status: Status,
}

#[derive(prometheus_client::encoding::EncodeLabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct ReqPc {
    method: Method,
    status: Status,
}

#[derive(measured::LabelGroup, Clone, Copy, Debug)]
#[label(set = ReqSet)]
struct ReqM {
    method: Method,
    status: Status,
}

#[derive(LabelSet, Clone, Copy, Debug)]
struct Big {
    region: Region,
    tenant: Tenant,
}

#[derive(LabelSet, Clone, Copy, Debug)]
struct Mid {
    region: Region,
    zone: Zone,
}

#[derive(prometheus_client::encoding::EncodeLabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct BigPc {
    region: Region,
    tenant: Tenant,
}

#[derive(prometheus_client::encoding::EncodeLabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct MidPc {
    region: Region,
    zone: Zone,
}

#[derive(measured::LabelGroup, Clone, Copy, Debug)]
#[label(set = BigSet)]
struct BigM {
    region: Region,
    tenant: Tenant,
}

#[derive(measured::LabelGroup, Clone, Copy, Debug)]
#[label(set = MidSet)]
struct MidM {
    region: Region,
    zone: Zone,
}

// ---------------------------------------------------------------- metricsmith metrics

/// An empty function, timed into `function_calls_duration_seconds`.
#[timed]
#[inline(never)]
fn timed_empty(i: usize) {
    black_box(i);
}

/// Unlabelled counter.
#[metric]
static BENCH_PLAIN_TOTAL: Counter;

/// Counter with two enum labels.
#[metric]
static BENCH_REQUESTS_TOTAL: Counter<Req>;

/// Status codes as a label of values registered at run time (the same 3 values as
/// `Status`), beside the enum of row 2.
#[derive(metricsmith::LabelValue, Clone, Copy, Debug)]
#[label(name = "status", capacity = 8)]
struct RuntimeStatus(metricsmith::RuntimeValue);

/// Counter with a method enum and a runtime status label.
#[metric]
static BENCH_RUNTIME_REQUESTS_TOTAL: Counter<(Method, RuntimeStatus)>;

/// Unlabelled gauge.
#[metric]
static BENCH_QUEUE_DEPTH: Gauge;

/// Unlabelled histogram, default buckets.
#[metric]
static BENCH_LATENCY_SECONDS: Histogram;

/// Labelled histogram, default buckets.
#[metric]
static BENCH_REQUEST_LATENCY_SECONDS: Histogram<Req>;

/// Unlabelled histogram, native buckets (schema 3, 160) beside the default ones.
#[metric(native)]
static BENCH_NATIVE_LATENCY_SECONDS: Histogram;

/// Unlabelled histogram, native buckets only.
#[metric(native, buckets = [])]
static BENCH_NATIVE_ONLY_LATENCY_SECONDS: Histogram;

/// 10 000-series counter family, for encoding.
#[metric(max_series = 100000)]
static BENCH_BIG_TOTAL: Counter<Big>;

/// 1 000-series counter family, for encoding.
#[metric(max_series = 100000)]
static BENCH_MID_TOTAL: Counter<Mid>;

/// 100-series counter family, for encoding.
#[metric]
static BENCH_SMALL_TOTAL: Counter<Region>;

/// 100 000-series counter family, for encoding.
#[metric(max_series = 100000)]
static BENCH_HUGE_TOTAL: Counter<Huge>;

#[derive(LabelSet, Clone, Copy, Debug)]
struct Huge {
    region: Region,
    tenant: Tenant,
    zone: Zone,
}

#[derive(prometheus_client::encoding::EncodeLabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct HugePc {
    region: Region,
    tenant: Tenant,
    zone: Zone,
}

#[derive(prometheus_client::encoding::EncodeLabelSet, Clone, Debug, PartialEq, Eq, Hash)]
struct SmallPc {
    region: Region,
}

// ---------------------------------------------------------------- inputs

const INPUTS: usize = 4096;
const MASK: usize = INPUTS - 1;

struct Inputs {
    /// Pre-generated random label pairs, as indices into `Method::ALL` × `Status::ALL`.
    labels: Vec<(Method, Status)>,
    /// The same pairs as a dense series index (for the floors).
    dense: Vec<usize>,
    /// Observation values spread over the default buckets (1 ms … ~20 s, log-uniform).
    values: Vec<f64>,
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn inputs() -> Inputs {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut labels = Vec::with_capacity(INPUTS);
    let mut dense = Vec::with_capacity(INPUTS);
    let mut values = Vec::with_capacity(INPUTS);
    for _ in 0..INPUTS {
        let m = (xorshift(&mut s) % Method::ALL.len() as u64) as usize;
        let st = (xorshift(&mut s) % Status::ALL.len() as u64) as usize;
        labels.push((Method::ALL[m], Status::ALL[st]));
        dense.push(m * Status::ALL.len() + st);
        let unit = (xorshift(&mut s) >> 11) as f64 / (1u64 << 53) as f64;
        values.push(10f64.powf(-3.0 + unit * 4.3));
    }
    Inputs { labels, dense, values }
}

// ---------------------------------------------------------------- harness

/// Wall-clock budget of one cell.
const CELL_BUDGET: Duration = Duration::from_millis(250);

/// Median ns per call of `op(i)` over batches (1 thread).
fn time<F: FnMut(usize)>(mut op: F) -> f64 {
    // Calibrate a batch to ~1 ms.
    let mut batch = 1000usize;
    loop {
        let start = Instant::now();
        for i in 0..batch {
            op(i);
        }
        if start.elapsed() >= Duration::from_micros(1000) || batch >= 1 << 26 {
            break;
        }
        batch *= 2;
    }
    let mut samples = Vec::new();
    let deadline = Instant::now() + CELL_BUDGET;
    while samples.len() < 15 || (Instant::now() < deadline && samples.len() < 301) {
        let start = Instant::now();
        for i in 0..batch {
            op(i);
        }
        samples.push(start.elapsed().as_nanos() as f64 / batch as f64);
    }
    median(samples)
}

/// CPU time consumed by the calling thread.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Samples of a threaded cell whose threads all ran for the whole batch, over all taken.
static THREADED_KEPT: AtomicUsize = AtomicUsize::new(0);
static THREADED_TAKEN: AtomicUsize = AtomicUsize::new(0);
/// Per `time_threads` call, in call order: whether it had to fall back to all batches.
static FELL_BACK: std::sync::Mutex<Vec<bool>> = std::sync::Mutex::new(Vec::new());

/// Flags (†) the cells of a threaded row whose threads rarely overlapped on two CPUs.
fn flag_fallbacks(row: &mut Row) {
    let fell_back: Vec<bool> = FELL_BACK.lock().unwrap().drain(..).collect();
    for (column, fell_back) in row.columns().into_iter().zip(fell_back) {
        if fell_back {
            row.flag(column);
        }
    }
}

/// Median ns per call, as seen by each of `threads` threads calling `op(thread, i)`
/// at once (wall time of a batch / calls per thread).
///
/// On a shared machine the threads may be time-sliced on one core, which measures no
/// contention at all; so a sample counts only when every thread was on a CPU for at
/// least 90 % of its wall time (thread CPU time vs wall time) and the threads' timed
/// loops overlapped for at least 90 % of the longest one. If too few samples pass,
/// all are used, and the shortfall shows in the footnote.
fn time_threads<F: Fn(usize, usize) + Sync>(threads: usize, op: F) -> f64 {
    let batch = 200_000usize;
    let (mut kept, mut all) = (Vec::new(), Vec::new());
    let deadline = Instant::now() + CELL_BUDGET * 3;
    while kept.len() < 9 && (all.len() < 5 || Instant::now() < deadline) {
        // Spin until every thread is running, so they start within ~100 ns of each other
        // (a blocking barrier's wake-up alone can outlast a whole batch).
        let ready = AtomicUsize::new(0);
        let results: Vec<(Instant, Instant, Duration)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (op, ready) = (&op, &ready);
                    scope.spawn(move || {
                        ready.fetch_add(1, Relaxed);
                        while ready.load(Relaxed) < threads {
                            std::hint::spin_loop();
                        }
                        let (start, cpu) = (Instant::now(), thread_cpu_time());
                        for i in 0..batch {
                            op(t, i);
                        }
                        (start, Instant::now(), thread_cpu_time() - cpu)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let worst = results.iter().map(|(start, end, _)| *end - *start).max().unwrap();
        let overlap = {
            let first_end = results.iter().map(|r| r.1).min().unwrap();
            let last_start = results.iter().map(|r| r.0).max().unwrap();
            first_end.saturating_duration_since(last_start)
        };
        let ns = worst.as_nanos() as f64 / batch as f64;
        all.push(ns);
        let on_cpu =
            results.iter().all(|(start, end, cpu)| cpu.as_secs_f64() >= 0.9 * (*end - *start).as_secs_f64());
        if on_cpu && overlap.as_secs_f64() >= 0.9 * worst.as_secs_f64() {
            kept.push(ns);
        }
    }
    THREADED_TAKEN.fetch_add(all.len(), Relaxed);
    FELL_BACK.lock().unwrap().push(kept.len() < 3);
    if kept.len() >= 3 {
        THREADED_KEPT.fetch_add(kept.len(), Relaxed);
        median(kept)
    } else {
        median(all)
    }
}

/// Runs `op` while another thread calls `scrape` in a loop; returns (ns/op, scrapes done).
fn time_while_scraping<F: FnMut(usize), S: Fn() + Sync>(op: F, scrape: S) -> f64 {
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !stop.load(Relaxed) {
                scrape();
            }
        });
        let ns = time(op);
        stop.store(true, Relaxed);
        ns
    })
}

/// Native histograms' observe beside our classic one (the `metricsmith` column holds the
/// native histogram; the note the classic figure and the ratio), and beside
/// prometheus-client 0.26's native histogram (schema 3, the same 160 buckets and zero
/// threshold; 0.23, the version of the other rows, has none).
fn native_histogram_rows(table: &mut Table, values: &[f64], threads: usize) {
    let classic = time(|i| BENCH_LATENCY_SECONDS.observe(values[i & MASK]));
    for (operation, histogram, with_classic) in [
        (
            "native histogram observe (+ 11 classic buckets), no labels, 1 thread",
            &BENCH_NATIVE_LATENCY_SECONDS,
            true,
        ),
        ("native-only histogram observe, no labels, 1 thread", &BENCH_NATIVE_ONLY_LATENCY_SECONDS, false),
    ] {
        let mut row = Row::new(operation);
        let native = time(|i| histogram.observe(values[i & MASK]));
        row.set("metricsmith", native);
        let peer = pc_native_histogram(with_classic);
        row.set("prometheus-client", time(|i| peer.observe(values[i & MASK])));
        row.note(format!(
            "{operation}: {native:.2} ns against {classic:.2} ns for the classic histogram (×{:.2})",
            native / classic
        ));
        table.push(row);
    }
    let classic = time_threads(threads, |t, i| BENCH_LATENCY_SECONDS.observe(values[(i + t * 977) & MASK]));
    let mut row = Row::new(format!(
        "native histogram observe (+ 11 classic buckets), no labels, {threads} threads, one series (per-thread ns/op)"
    ));
    let native =
        time_threads(threads, |t, i| BENCH_NATIVE_LATENCY_SECONDS.observe(values[(i + t * 977) & MASK]));
    row.set("metricsmith", native);
    let peer = pc_native_histogram(true);
    row.set("prometheus-client", time_threads(threads, |t, i| peer.observe(values[(i + t * 977) & MASK])));
    row.note(format!(
        "native, {threads} threads: {native:.2} ns against {classic:.2} ns for the classic histogram (×{:.2})",
        native / classic
    ));
    table.push(row);
}

/// prometheus-client 0.26's native histogram with our defaults (schema 3, 160 buckets,
/// zero threshold 2⁻¹²⁸), with the default classic buckets beside it or without.
fn pc_native_histogram(with_classic: bool) -> prometheus_client_native::metrics::histogram::Histogram {
    use prometheus_client_native::metrics::histogram::{Histogram, NativeHistogramConfig};
    let config = NativeHistogramConfig::with_schema(3).zero_threshold(2f64.powi(-128)).max_buckets(160);
    if with_classic {
        Histogram::new_classic_and_native(DEFAULT_BUCKETS.iter().copied(), config)
    } else {
        Histogram::new_native(config)
    }
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

// ---------------------------------------------------------------- peers' setup

fn pc_hist() -> prometheus_client::metrics::histogram::Histogram {
    prometheus_client::metrics::histogram::Histogram::new(DEFAULT_BUCKETS.iter().copied())
}

type PcHistFamily<L> = prometheus_client::metrics::family::Family<
    L,
    prometheus_client::metrics::histogram::Histogram,
    fn() -> prometheus_client::metrics::histogram::Histogram,
>;

fn metrics_recorder() -> metrics_exporter_prometheus::PrometheusRecorder {
    metrics_exporter_prometheus::PrometheusBuilder::new()
        .set_buckets(&DEFAULT_BUCKETS)
        .unwrap()
        .build_recorder()
}

fn main() {
    let run_start = Instant::now();
    if std::env::var_os("METRICSMITH_BENCH_HTTP_ONLY").is_some() {
        println!("\n{}", http::layer_overhead());
        return;
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let input = inputs();
    let Inputs { labels, dense, values } = &input;
    let mut table = Table::new();
    native_histogram_rows(&mut table, values, threads);
    if std::env::var_os("METRICSMITH_BENCH_NATIVE_ONLY").is_some() {
        table.print(threads);
        return;
    }

    // --- 1. counter inc, no labels, 1 thread
    {
        let mut row = Row::new("counter inc, no labels, 1 thread");
        row.set("metricsmith", time(|_| BENCH_PLAIN_TOTAL.inc()));
        let pc = prometheus_client::metrics::counter::Counter::<u64>::default();
        row.set(
            "prometheus-client",
            time(|_| {
                pc.inc();
            }),
        );
        let tikv = prometheus::IntCounter::new("c_total", "c").unwrap();
        row.set("prometheus", time(|_| tikv.inc()));
        let rec = metrics_recorder();
        let mc = metrics::with_local_recorder(&rec, || metrics::counter!("c_total"));
        row.set("metrics", time(|_| mc.increment(1)));
        let m = measured::Counter::new();
        row.set("measured", time(|_| m.inc()));
        floors_single(&mut row);
        table.push(row);
    }

    // --- 2. counter inc, two enum labels, random sequence, 1 thread
    {
        let mut row = Row::new("counter inc, 2 enum labels (18 series, random), 1 thread");
        row.set(
            "metricsmith",
            time(|i| {
                let (method, status) = labels[i & MASK];
                BENCH_REQUESTS_TOTAL.labels(Req { method, status }).inc();
            }),
        );
        let pc = prometheus_client::metrics::family::Family::<
            ReqPc,
            prometheus_client::metrics::counter::Counter,
        >::default();
        row.set(
            "prometheus-client",
            time(|i| {
                let (method, status) = labels[i & MASK];
                pc.get_or_create(&ReqPc { method, status }).inc();
            }),
        );
        let tikv =
            prometheus::IntCounterVec::new(prometheus::Opts::new("c_total", "c"), &["method", "status"])
                .unwrap();
        row.set(
            "prometheus",
            time(|i| {
                let (method, status) = labels[i & MASK];
                tikv.with_label_values(&[method.as_str(), status.as_str()]).inc();
            }),
        );
        let rec = metrics_recorder();
        metrics::with_local_recorder(&rec, || {
            row.set(
                "metrics",
                time(|i| {
                    let (method, status) = labels[i & MASK];
                    metrics::counter!("c_total", "method" => method.as_str(), "status" => status.as_str())
                        .increment(1);
                }),
            );
        });
        let m = measured::CounterVec::with_label_set(ReqSet::default());
        row.set(
            "measured",
            time(|i| {
                let (method, status) = labels[i & MASK];
                m.inc(ReqM { method, status });
            }),
        );
        floors_dense(&mut row, dense);
        table.push(row);
    }

    // --- 2b. the same with the status a label of values registered at run time
    {
        use metricsmith::RuntimeLabel;
        let handles: Vec<(Method, RuntimeStatus)> =
            labels.iter().map(|(method, status)| (*method, RuntimeStatus::get(status.as_str()))).collect();
        let mut row = Row::new("counter inc, enum + runtime label (handle; 18 series, random), 1 thread");
        row.set("metricsmith", time(|i| BENCH_RUNTIME_REQUESTS_TOTAL.labels(handles[i & MASK]).inc()));
        table.push(row);
        let mut row =
            Row::new("counter inc, enum + runtime label looked up by text (18 series, random), 1 thread");
        row.set(
            "metricsmith",
            time(|i| {
                let (method, status) = labels[i & MASK];
                BENCH_RUNTIME_REQUESTS_TOTAL.labels((method, RuntimeStatus::get(status.as_str()))).inc();
            }),
        );
        table.push(row);
    }

    // --- 3. 2+ threads, same series and random series
    {
        let mut row =
            Row::new(format!("counter inc, no labels, {threads} threads, one series (per-thread ns/op)"));
        row.set("metricsmith", time_threads(threads, |_, _| BENCH_PLAIN_TOTAL.inc()));
        let pc = prometheus_client::metrics::counter::Counter::<u64>::default();
        row.set(
            "prometheus-client",
            time_threads(threads, |_, _| {
                pc.inc();
            }),
        );
        let tikv = prometheus::IntCounter::new("c_total", "c").unwrap();
        row.set("prometheus", time_threads(threads, |_, _| tikv.inc()));
        let rec = metrics_recorder();
        let mc = metrics::with_local_recorder(&rec, || metrics::counter!("c_total"));
        row.set("metrics", time_threads(threads, |_, _| mc.increment(1)));
        let m = measured::Counter::new();
        row.set("measured", time_threads(threads, |_, _| m.inc()));
        floors_threads(&mut row, threads);
        let (contended, alone) = (row.get("fetch_add"), table.rows[0].get("fetch_add"));
        row.note(format!(
            "contention check: fetch_add on one atomic from {threads} threads {contended:.2} ns vs 1 thread {alone:.2} ns; \
             when these are close the threads did not actually overlap (cores busy elsewhere) and the threaded rows \
             measure no contention"
        ));
        flag_fallbacks(&mut row);
        table.push(row);

        let mut row = Row::new(format!(
            "counter inc, 2 enum labels, {threads} threads, random series (per-thread ns/op)"
        ));
        row.set(
            "metricsmith",
            time_threads(threads, |t, i| {
                let (method, status) = labels[(i + t * 977) & MASK];
                BENCH_REQUESTS_TOTAL.labels(Req { method, status }).inc();
            }),
        );
        let pc = prometheus_client::metrics::family::Family::<
            ReqPc,
            prometheus_client::metrics::counter::Counter,
        >::default();
        row.set(
            "prometheus-client",
            time_threads(threads, |t, i| {
                let (method, status) = labels[(i + t * 977) & MASK];
                pc.get_or_create(&ReqPc { method, status }).inc();
            }),
        );
        let tikv =
            prometheus::IntCounterVec::new(prometheus::Opts::new("c_total", "c"), &["method", "status"])
                .unwrap();
        row.set(
            "prometheus",
            time_threads(threads, |t, i| {
                let (method, status) = labels[(i + t * 977) & MASK];
                tikv.with_label_values(&[method.as_str(), status.as_str()]).inc();
            }),
        );
        let rec = Arc::new(metrics_recorder());
        row.set(
            "metrics",
            time_threads(threads, |t, i| {
                let (method, status) = labels[(i + t * 977) & MASK];
                metrics::with_local_recorder(&*rec, || {
                    metrics::counter!("c_total", "method" => method.as_str(), "status" => status.as_str())
                        .increment(1);
                });
            }),
        );
        let m = measured::CounterVec::with_label_set(ReqSet::default());
        row.set(
            "measured",
            time_threads(threads, |t, i| {
                let (method, status) = labels[(i + t * 977) & MASK];
                m.inc(ReqM { method, status });
            }),
        );
        let cells: Vec<AtomicU64> = (0..18).map(|_| AtomicU64::new(0)).collect();
        row.set(
            "fetch_add",
            time_threads(threads, |t, i| {
                cells[dense[(i + t * 977) & MASK]].fetch_add(1, Relaxed);
            }),
        );
        flag_fallbacks(&mut row);
        table.push(row);
    }

    // --- 4. gauge set / add
    {
        let mut row = Row::new("gauge set (f64), 1 thread");
        row.set("metricsmith", time(|i| BENCH_QUEUE_DEPTH.set(values[i & MASK])));
        let pc = prometheus_client::metrics::gauge::Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        row.set(
            "prometheus-client",
            time(|i| {
                pc.set(values[i & MASK]);
            }),
        );
        let tikv = prometheus::Gauge::new("g", "g").unwrap();
        row.set("prometheus", time(|i| tikv.set(values[i & MASK])));
        let rec = metrics_recorder();
        let mg = metrics::with_local_recorder(&rec, || metrics::gauge!("g"));
        row.set("metrics", time(|i| mg.set(values[i & MASK])));
        let m = measured::FloatGauge::new();
        row.set("measured", time(|i| m.set(values[i & MASK])));
        let cell = AtomicU64::new(0);
        row.set("fetch_add", time(|i| cell.store(values[i & MASK].to_bits(), Relaxed)));
        row.note("gauge set row: the fetch_add column is a relaxed atomic store of the f64 bits".to_owned());
        table.push(row);

        let mut row = Row::new("gauge add (f64), 1 thread");
        row.set("metricsmith", time(|i| BENCH_QUEUE_DEPTH.add(values[i & MASK])));
        let pc = prometheus_client::metrics::gauge::Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        row.set(
            "prometheus-client",
            time(|i| {
                pc.inc_by(values[i & MASK]);
            }),
        );
        let tikv = prometheus::Gauge::new("g", "g").unwrap();
        row.set("prometheus", time(|i| tikv.add(values[i & MASK])));
        let mg = metrics::with_local_recorder(&rec, || metrics::gauge!("g2"));
        row.set("metrics", time(|i| mg.increment(values[i & MASK])));
        let m = measured::FloatGauge::new();
        row.set("measured", time(|i| m.inc_by(values[i & MASK])));
        table.push(row);
    }

    // --- 5. histogram observe, 11 default buckets, random values
    {
        let mut row = Row::new("histogram observe, no labels, 1 thread");
        row.set("metricsmith", time(|i| BENCH_LATENCY_SECONDS.observe(values[i & MASK])));
        let pc = pc_hist();
        row.set("prometheus-client", time(|i| pc.observe(values[i & MASK])));
        let tikv = prometheus::Histogram::with_opts(prometheus::HistogramOpts::new("h", "h")).unwrap();
        row.set("prometheus", time(|i| tikv.observe(values[i & MASK])));
        let rec = metrics_recorder();
        let mh = metrics::with_local_recorder(&rec, || metrics::histogram!("h"));
        row.set("metrics", time(|i| mh.record(values[i & MASK])));
        let m = measured::Histogram::<11>::with_metadata(
            measured::metric::histogram::Thresholds::with_buckets(DEFAULT_BUCKETS),
        );
        row.set("measured", time(|i| m.observe(values[i & MASK])));
        // Floors: the part of an observation no histogram avoids — find the bucket, bump it.
        let floor_buckets: [AtomicU64; 12] = std::array::from_fn(|_| AtomicU64::new(0));
        let search = |value: f64| {
            black_box(&DEFAULT_BUCKETS).iter().map(|bound| usize::from(value > *bound)).sum::<usize>()
        };
        row.set(
            "u64 add",
            time(|i| {
                let cell = &floor_buckets[search(values[i & MASK])];
                cell.store(cell.load(Relaxed) + 1, Relaxed);
            }),
        );
        row.set("fetch_add", time(|i| _ = floor_buckets[search(values[i & MASK])].fetch_add(1, Relaxed)));
        row.note(
            "histogram floors: the same branch-free search over the 11 default bounds, then the chosen bucket's \
             load+store (u64 add) or fetch_add — no sum, no sequence, no shard"
                .to_owned(),
        );
        table.push(row);

        let mut row = Row::new("histogram observe, 2 enum labels (random), 1 thread");
        row.set(
            "metricsmith",
            time(|i| {
                let (method, status) = labels[i & MASK];
                BENCH_REQUEST_LATENCY_SECONDS.labels(Req { method, status }).observe(values[i & MASK]);
            }),
        );
        let pc: PcHistFamily<ReqPc> =
            prometheus_client::metrics::family::Family::new_with_constructor(pc_hist);
        row.set(
            "prometheus-client",
            time(|i| {
                let (method, status) = labels[i & MASK];
                pc.get_or_create(&ReqPc { method, status }).observe(values[i & MASK]);
            }),
        );
        let tikv =
            prometheus::HistogramVec::new(prometheus::HistogramOpts::new("h", "h"), &["method", "status"])
                .unwrap();
        row.set(
            "prometheus",
            time(|i| {
                let (method, status) = labels[i & MASK];
                tikv.with_label_values(&[method.as_str(), status.as_str()]).observe(values[i & MASK]);
            }),
        );
        metrics::with_local_recorder(&rec, || {
            row.set(
                "metrics",
                time(|i| {
                    let (method, status) = labels[i & MASK];
                    metrics::histogram!("h2", "method" => method.as_str(), "status" => status.as_str())
                        .record(values[i & MASK]);
                }),
            );
        });
        let m = measured::HistogramVec::with_label_set_and_metadata(
            ReqSet::default(),
            measured::metric::histogram::Thresholds::with_buckets(DEFAULT_BUCKETS),
        );
        row.set(
            "measured",
            time(|i| {
                let (method, status) = labels[i & MASK];
                m.observe(ReqM { method, status }, values[i & MASK]);
            }),
        );
        table.push(row);

        let mut row = Row::new(format!(
            "histogram observe, no labels, {threads} threads, one series (per-thread ns/op)"
        ));
        row.set(
            "metricsmith",
            time_threads(threads, |t, i| BENCH_LATENCY_SECONDS.observe(values[(i + t * 977) & MASK])),
        );
        let pc = pc_hist();
        row.set("prometheus-client", time_threads(threads, |t, i| pc.observe(values[(i + t * 977) & MASK])));
        let tikv = prometheus::Histogram::with_opts(prometheus::HistogramOpts::new("h", "h")).unwrap();
        row.set("prometheus", time_threads(threads, |t, i| tikv.observe(values[(i + t * 977) & MASK])));
        let mh = metrics::with_local_recorder(&rec, || metrics::histogram!("h3"));
        row.set("metrics", time_threads(threads, |t, i| mh.record(values[(i + t * 977) & MASK])));
        let m = measured::Histogram::<11>::with_metadata(
            measured::metric::histogram::Thresholds::with_buckets(DEFAULT_BUCKETS),
        );
        row.set("measured", time_threads(threads, |t, i| m.observe(values[(i + t * 977) & MASK])));
        flag_fallbacks(&mut row);
        table.push(row);
    }
    {
        let mut row = Row::new(format!(
            "histogram observe, 2 enum labels, {threads} threads, random series (per-thread ns/op)"
        ));
        let input = |t: usize, i: usize| {
            let k = (i + t * 977) & MASK;
            (labels[k], values[k])
        };
        row.set(
            "metricsmith",
            time_threads(threads, |t, i| {
                let ((method, status), value) = input(t, i);
                BENCH_REQUEST_LATENCY_SECONDS.labels(Req { method, status }).observe(value);
            }),
        );
        let pc: PcHistFamily<ReqPc> =
            prometheus_client::metrics::family::Family::new_with_constructor(pc_hist);
        row.set(
            "prometheus-client",
            time_threads(threads, |t, i| {
                let ((method, status), value) = input(t, i);
                pc.get_or_create(&ReqPc { method, status }).observe(value);
            }),
        );
        let tikv =
            prometheus::HistogramVec::new(prometheus::HistogramOpts::new("h", "h"), &["method", "status"])
                .unwrap();
        row.set(
            "prometheus",
            time_threads(threads, |t, i| {
                let ((method, status), value) = input(t, i);
                tikv.with_label_values(&[method.as_str(), status.as_str()]).observe(value);
            }),
        );
        flag_fallbacks(&mut row);
        table.push(row);
    }

    // --- 6. #[timed] on an empty function vs the hand-written Instant pair + observe.
    {
        let mut row =
            Row::new("#[timed] empty fn (metricsmith) vs hand-written Instant pair + observe (peers)");
        row.set("metricsmith", time(timed_empty));
        let pc = pc_hist();
        row.set(
            "prometheus-client",
            time(|i| {
                let start = Instant::now();
                black_box(i);
                pc.observe(start.elapsed().as_secs_f64());
            }),
        );
        let tikv = prometheus::Histogram::with_opts(prometheus::HistogramOpts::new("t", "t")).unwrap();
        row.set(
            "prometheus",
            time(|i| {
                let start = Instant::now();
                black_box(i);
                tikv.observe(start.elapsed().as_secs_f64());
            }),
        );
        table.push(row);

        let mut row = Row::new("hand-written Instant pair + observe into a metricsmith histogram");
        row.set(
            "metricsmith",
            time(|i| {
                let start = Instant::now();
                black_box(i);
                BENCH_LATENCY_SECONDS.observe(start.elapsed().as_secs_f64());
            }),
        );
        table.push(row);
    }

    // --- 7. encoding
    let (big_pc, mid_pc) = pc_registries();
    let (big_tikv, mid_tikv) = (
        tikv_registry(Region::ALL.len(), Tenant::ALL.len()),
        tikv_registry(Region::ALL.len(), Zone::ALL.len()),
    );
    let (big_metrics, mid_metrics) = (metrics_filled(true), metrics_filled(false));
    let (big_measured, mid_measured) = measured_filled();
    let mut out = Vec::new();
    metricsmith::render(Format::Prometheus, &mut out);
    let ms_series = sample_lines(&out);
    let ms_bytes = out.len();
    for (format, label) in FORMATS {
        let mut row = Row::new(format!(
            "encode, whole metricsmith registry ({ms_series} samples, {} KiB), {label}: ns/sample",
            ms_bytes / 1024
        ));
        let mut buf = Vec::with_capacity(ms_bytes * 2);
        row.set(
            "metricsmith",
            time_scrape(ms_series, || {
                buf.clear();
                metricsmith::render(format, &mut buf);
                black_box(&buf);
            }),
        );
        let allocs = allocs_per_call(|| {
            buf.clear();
            metricsmith::render(format, &mut buf);
        });
        row.note(format!("metricsmith allocations per scrape (reused buffer): {allocs:.1}"));
        table.push(row);
    }
    for (n, pc_reg, tikv_reg, rec, m, ms_family) in [
        (
            10_000usize,
            &big_pc,
            &big_tikv,
            &big_metrics,
            &big_measured as &dyn MeasuredEncode,
            &BENCH_BIG_TOTAL as &'static dyn metricsmith::Family,
        ),
        (1_000, &mid_pc, &mid_tikv, &mid_metrics, &mid_measured as &dyn MeasuredEncode, &BENCH_MID_TOTAL),
    ] {
        let mut row = Row::new(format!("encode counter family, {n} series, text: ns/series"));
        let mut ms = FamilyScrape::new(ms_family);
        let ms_allocs = scrape_cell(&mut row, "metricsmith", n, || ms.scrape(Format::Prometheus));
        let mut s = String::new();
        let pc_allocs = scrape_cell(&mut row, "prometheus-client", n, || {
            s.clear();
            prometheus_client::encoding::text::encode(&mut s, pc_reg).unwrap();
            black_box(&s);
        });
        let mut buf = Vec::new();
        let tikv_allocs = scrape_cell(&mut row, "prometheus", n, || {
            buf.clear();
            prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &tikv_reg.gather(), &mut buf)
                .unwrap();
            black_box(&buf);
        });
        let handle = rec.handle();
        let metrics_allocs = scrape_cell(&mut row, "metrics", n, || {
            black_box(handle.render());
        });
        row.set("measured", time_scrape(n, || m.encode()));
        let measured_allocs = allocs_per_call(|| m.encode());
        ms.scrape(Format::Prometheus);
        s.clear();
        prometheus_client::encoding::text::encode(&mut s, pc_reg).unwrap();
        buf.clear();
        prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &tikv_reg.gather(), &mut buf).unwrap();
        row.note(format!(
            "{n} series, bytes per scrape: metricsmith {}, prometheus-client {}, prometheus {}, metrics {}, measured {}",
            ms.buf.len(),
            s.len(),
            buf.len(),
            handle.render().len(),
            m.len()
        ));
        row.note(format!(
            "{n} series, allocations per scrape (buffers reused where the API allows): metricsmith {ms_allocs:.1}, \
             prometheus-client {pc_allocs:.1}, prometheus {tikv_allocs:.1}, metrics {metrics_allocs:.1}, measured {measured_allocs:.1}"
        ));
        let ns_per_series = row.get("metricsmith");
        row.note(format!(
            "{n} series: metricsmith renders {:.0} MB/s ({} bytes in {:.2} ms)",
            ms.buf.len() as f64 / (ns_per_series * n as f64) * 1e3,
            ms.buf.len(),
            ns_per_series * n as f64 / 1e6
        ));
        table.push(row);
    }

    // --- 7b. encoding a histogram family (18 series × 11 buckets: 14 lines a series)
    {
        let series = Method::ALL.len() * Status::ALL.len();
        let mut row =
            Row::new(format!("encode histogram family, {series} series × 11 buckets, text: ns/series"));
        let mut ms = FamilyScrape::new(&BENCH_REQUEST_LATENCY_SECONDS);
        let ms_allocs = scrape_cell(&mut row, "metricsmith", series, || ms.scrape(Format::Prometheus));
        let mut reg = prometheus_client::registry::Registry::default();
        let pc: PcHistFamily<ReqPc> =
            prometheus_client::metrics::family::Family::new_with_constructor(pc_hist);
        reg.register("h", "h", pc.clone());
        let treg = prometheus::Registry::new();
        let tikv =
            prometheus::HistogramVec::new(prometheus::HistogramOpts::new("h", "h"), &["method", "status"])
                .unwrap();
        treg.register(Box::new(tikv.clone())).unwrap();
        for &method in Method::ALL {
            for &status in Status::ALL {
                pc.get_or_create(&ReqPc { method, status }).observe(0.3);
                tikv.with_label_values(&[method.as_str(), status.as_str()]).observe(0.3);
            }
        }
        let mut s = String::new();
        let pc_allocs = scrape_cell(&mut row, "prometheus-client", series, || {
            s.clear();
            prometheus_client::encoding::text::encode(&mut s, &reg).unwrap();
            black_box(&s);
        });
        let mut buf = Vec::new();
        let tikv_allocs = scrape_cell(&mut row, "prometheus", series, || {
            buf.clear();
            prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &treg.gather(), &mut buf).unwrap();
            black_box(&buf);
        });
        row.note(format!(
            "histogram family: bytes per scrape metricsmith {}, prometheus-client {}, prometheus {}; allocations per scrape \
             metricsmith {ms_allocs:.1}, prometheus-client {pc_allocs:.1}, prometheus {tikv_allocs:.1}",
            ms.buf.len(),
            s.len(),
            buf.len()
        ));
        table.push(row);
        let mut row =
            Row::new(format!("encode histogram family, {series} series × 11 buckets, protobuf: ns/series"));
        let allocs = scrape_cell(&mut row, "metricsmith", series, || ms.scrape(Format::Protobuf));
        row.note(format!(
            "histogram family, protobuf: metricsmith {} bytes, {allocs:.1} allocations per scrape",
            ms.buf.len()
        ));
        table.push(row);
    }

    // --- 7c. scaling: one counter family at 100 … 100 000 series, both formats
    let (small_measured, huge_measured) = measured_scaling_filled();
    for (n, ms_family, pc_reg, m) in [
        (
            Region::ALL.len(),
            &BENCH_SMALL_TOTAL as &'static dyn metricsmith::Family,
            pc_small_registry(),
            &small_measured as &dyn MeasuredEncode,
        ),
        (
            Region::ALL.len() * Tenant::ALL.len() * Zone::ALL.len(),
            &BENCH_HUGE_TOTAL,
            pc_huge_registry(),
            &huge_measured,
        ),
    ] {
        for (format, label) in FORMATS {
            let mut row = Row::new(format!(
                "encode counter family, {n} series, {label}: ns/series (peers: their own text format)"
            ));
            let mut ms = FamilyScrape::new(ms_family);
            let ms_allocs = scrape_cell(&mut row, "metricsmith", n, || ms.scrape(format));
            let mut s = String::new();
            let pc_allocs = scrape_cell(&mut row, "prometheus-client", n, || {
                s.clear();
                prometheus_client::encoding::text::encode(&mut s, &pc_reg).unwrap();
                black_box(&s);
            });
            let measured_allocs = scrape_cell(&mut row, "measured", n, || m.encode());
            let ns = row.get("metricsmith");
            row.note(format!(
                "{n} series, {label}: metricsmith {} bytes, {:.0} MB/s, {ms_allocs:.1} allocations per scrape; \
                 prometheus-client {} bytes, {pc_allocs:.1} allocations; measured {} bytes, {measured_allocs:.1} allocations",
                ms.buf.len(),
                ms.buf.len() as f64 / (ns * n as f64) * 1e3,
                s.len(),
                m.len()
            ));
            table.push(row);
        }
    }

    // --- 7d. gzip: what a scrape weighs and costs with and without it
    fill_counters();
    for (n, family) in
        [(10_000usize, &BENCH_BIG_TOTAL as &'static dyn metricsmith::Family), (100_000, &BENCH_HUGE_TOTAL)]
    {
        for (format, label) in FORMATS {
            let mut row = Row::new(format!(
                "scrape counter family, {n} series (random values), {label}: render + gzip (fast), ns/series"
            ));
            let mut ms = FamilyScrape::new(family);
            let render_ns = time_scrape(n, || ms.scrape(format));
            row.set(
                "metricsmith",
                time_scrape(n, || {
                    ms.scrape(format);
                    black_box(gzip(&ms.buf));
                }),
            );
            let compressed = gzip(&ms.buf).len();
            row.note(format!(
                "{n} series, {label}: {} bytes, {compressed} gzip'd ({:.1}× smaller); render alone {render_ns:.1} ns/series \
                 ({:.2} ms), with gzip {:.2} ms",
                ms.buf.len(),
                ms.buf.len() as f64 / compressed as f64,
                render_ns * n as f64 / 1e6,
                row.get("metricsmith") * n as f64 / 1e6
            ));
            table.push(row);
        }
    }
    {
        // The built-in endpoint end to end over loopback (request, render, gzip, transfer,
        // read), the whole registry.
        let server = metricsmith::serve("127.0.0.1:0").expect("serve on loopback");
        let mut out = Vec::new();
        metricsmith::render(Format::Prometheus, &mut out);
        let samples = sample_lines(&out);
        for (coding, accept_encoding) in [("identity", None), ("gzip", Some("gzip"))] {
            let mut row = Row::new(format!(
                "scrape /metrics over loopback HTTP, whole registry ({samples} samples), text 0.0.4, {coding}: ns/sample"
            ));
            let mut received = 0;
            row.set(
                "metricsmith",
                time_scrape(samples, || {
                    received = http_scrape(server.local_addr(), accept_encoding);
                }),
            );
            row.note(format!(
                "whole registry over HTTP, {coding}: {received} bytes received, {:.1} ms per scrape",
                row.get("metricsmith") * samples as f64 / 1e6
            ));
            table.push(row);
        }
        server.shutdown();
    }

    // --- 8. observe while another thread scrapes
    {
        let mut row = Row::new("histogram observe (labelled) while another thread scrapes in a loop");
        row.set(
            "metricsmith",
            time_while_scraping(
                |i| {
                    let (method, status) = labels[i & MASK];
                    BENCH_REQUEST_LATENCY_SECONDS.labels(Req { method, status }).observe(values[i & MASK]);
                },
                || {
                    let mut buf = Vec::new();
                    metricsmith::render(Format::Prometheus, &mut buf);
                    black_box(buf);
                },
            ),
        );
        let mut reg = prometheus_client::registry::Registry::default();
        let pc: PcHistFamily<ReqPc> =
            prometheus_client::metrics::family::Family::new_with_constructor(pc_hist);
        reg.register("h", "h", pc.clone());
        row.set(
            "prometheus-client",
            time_while_scraping(
                |i| {
                    let (method, status) = labels[i & MASK];
                    pc.get_or_create(&ReqPc { method, status }).observe(values[i & MASK]);
                },
                || {
                    let mut s = String::new();
                    prometheus_client::encoding::text::encode(&mut s, &reg).unwrap();
                    black_box(s);
                },
            ),
        );
        let treg = prometheus::Registry::new();
        let tikv =
            prometheus::HistogramVec::new(prometheus::HistogramOpts::new("h", "h"), &["method", "status"])
                .unwrap();
        treg.register(Box::new(tikv.clone())).unwrap();
        row.set(
            "prometheus",
            time_while_scraping(
                |i| {
                    let (method, status) = labels[i & MASK];
                    tikv.with_label_values(&[method.as_str(), status.as_str()]).observe(values[i & MASK]);
                },
                || {
                    let mut buf = Vec::new();
                    prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &treg.gather(), &mut buf)
                        .unwrap();
                    black_box(buf);
                },
            ),
        );
        let rec = metrics_recorder();
        let handle = rec.handle();
        let hs: Vec<metrics::Histogram> = metrics::with_local_recorder(&rec, || {
            labels
                .iter()
                .map(|(m, s)| metrics::histogram!("h", "method" => m.as_str(), "status" => s.as_str()))
                .collect()
        });
        row.set(
            "metrics",
            time_while_scraping(
                |i| hs[i & MASK].record(values[i & MASK]),
                || {
                    black_box(handle.render());
                },
            ),
        );
        row.note(
            "metrics: handles resolved up front (its `histogram!` lookup needs the recorder on this thread)"
                .to_owned(),
        );
        let m = MeasuredHist {
            h: measured::HistogramVec::with_label_set_and_metadata(
                ReqSet::default(),
                measured::metric::histogram::Thresholds::with_buckets(DEFAULT_BUCKETS),
            ),
        };
        let enc = std::sync::Mutex::new(measured::text::BufferedTextEncoder::new());
        row.set(
            "measured",
            time_while_scraping(
                |i| {
                    let (method, status) = labels[i & MASK];
                    m.h.observe(ReqM { method, status }, values[i & MASK]);
                },
                || {
                    let mut enc = enc.lock().unwrap();
                    measured::MetricGroup::collect_group_into(&m, &mut *enc).unwrap();
                    black_box(enc.finish());
                },
            ),
        );
        table.push(row);
    }

    // --- 9. bytes per series (10 000-series counter family, live heap delta)
    {
        let mut row = Row::new("memory: bytes per counter series (10 000 series)");
        // Static storage: one AtomicU64 per series, no heap.
        row.set("metricsmith", std::mem::size_of::<AtomicU64>() as f64);
        row.set("prometheus-client", heap_per_series(|| Box::new(pc_registries().0)));
        row.set(
            "prometheus",
            heap_per_series(|| Box::new(tikv_registry(Region::ALL.len(), Tenant::ALL.len()))),
        );
        row.set("metrics", heap_per_series(|| Box::new(metrics_filled(true))));
        row.set("measured", heap_per_series(|| Box::new(measured_filled().0)));
        row.note("memory row: bytes, not ns; metricsmith's is static (.bss), the peers' the live heap delta after creating 10 000 series".to_owned());
        table.push(row);
    }

    let (kept, taken) = (THREADED_KEPT.load(Relaxed), THREADED_TAKEN.load(Relaxed));
    if let Some(row) = table.rows.iter_mut().find(|r| r.operation.contains("threads")) {
        row.note(format!(
            "threaded rows: {kept} of {taken} batches had every thread on a CPU for ≥ 90 % of the batch, and the threads overlapping for ≥ 90 % of it, and were kept; \
             a cell with fewer than 3 such batches uses all of its batches and is marked †"
        ));
    }
    let http = http::layer_overhead();
    // Last: `multiprocess::init` maps every family of this binary.
    let multiprocess = multiprocess::section(&input);
    table.print(threads);
    println!("{http}");
    println!("{multiprocess}");
    eprintln!("total bench wall time: {:.1} s", run_start.elapsed().as_secs_f64());
}

// ---------------------------------------------------------------- floors

fn floors_single(row: &mut Row) {
    let mut plain = 0u64;
    row.set(
        "u64 add",
        time(|_| {
            plain = black_box(plain) + 1;
        }),
    );
    thread_local!(static LOCAL: Cell<u64> = const { Cell::new(0) });
    row.set("thread-local add", time(|_| LOCAL.with(|c| c.set(black_box(c.get()) + 1))));
    let cell = AtomicU64::new(0);
    row.set(
        "fetch_add",
        time(|_| {
            black_box(&cell).fetch_add(1, Relaxed);
        }),
    );
    let padded: Vec<CachePadded<AtomicU64>> = (0..2).map(|_| CachePadded::new(AtomicU64::new(0))).collect();
    row.set(
        "padded per-thread",
        time(|_| {
            black_box(&padded[0]).fetch_add(1, Relaxed);
        }),
    );
}

fn floors_dense(row: &mut Row, dense: &[usize]) {
    let mut plain = [0u64; 18];
    row.set(
        "u64 add",
        time(|i| {
            let cell = &mut black_box(&mut plain)[dense[i & MASK]];
            *cell += 1;
        }),
    );
    let cells: Vec<AtomicU64> = (0..18).map(|_| AtomicU64::new(0)).collect();
    row.set(
        "fetch_add",
        time(|i| {
            black_box(&cells)[dense[i & MASK]].fetch_add(1, Relaxed);
        }),
    );
}

fn floors_threads(row: &mut Row, threads: usize) {
    let cell = AtomicU64::new(0);
    row.set(
        "fetch_add",
        time_threads(threads, |_, _| {
            black_box(&cell).fetch_add(1, Relaxed);
        }),
    );
    let padded: Vec<CachePadded<AtomicU64>> =
        (0..threads).map(|_| CachePadded::new(AtomicU64::new(0))).collect();
    row.set(
        "padded per-thread",
        time_threads(threads, |t, _| {
            black_box(&padded[t]).fetch_add(1, Relaxed);
        }),
    );
    thread_local!(static LOCAL: Cell<u64> = const { Cell::new(0) });
    row.set("thread-local add", time_threads(threads, |_, _| LOCAL.with(|c| c.set(black_box(c.get()) + 1))));
}

// ---------------------------------------------------------------- encoding setup

/// The exposition formats, as the rows name them.
const FORMATS: [(Format, &str); 3] = [
    (Format::Prometheus, "text 0.0.4"),
    (Format::OpenMetrics, "OpenMetrics"),
    (Format::Protobuf, "protobuf"),
];

/// gzip at the level the endpoint uses (flate2's fastest, pure-Rust backend).
fn gzip(body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(body).unwrap();
    encoder.finish().unwrap()
}

/// Random counter values (up to a million) in the 10 000- and 100 000-series families,
/// which the encoding rows above render as zeros: zeros compress far better than a real
/// scrape does.
fn fill_counters() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for index in 0..BENCH_BIG_TOTAL_SERIES {
        BENCH_BIG_TOTAL
            .labels(Big::from_combination_index(index).unwrap())
            .inc_by(xorshift(&mut state) % 1_000_000);
    }
    for index in 0..BENCH_HUGE_TOTAL_SERIES {
        BENCH_HUGE_TOTAL
            .labels(Huge::from_combination_index(index).unwrap())
            .inc_by(xorshift(&mut state) % 1_000_000);
    }
}

const BENCH_BIG_TOTAL_SERIES: usize = <Big as LabelSet>::COMBINATIONS;
const BENCH_HUGE_TOTAL_SERIES: usize = <Huge as LabelSet>::COMBINATIONS;

/// One `GET /metrics` on a new connection, read to the end; the bytes received.
fn http_scrape(addr: std::net::SocketAddr, accept_encoding: Option<&str>) -> usize {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let encoding = accept_encoding.map(|coding| format!("Accept-Encoding: {coding}\r\n")).unwrap_or_default();
    write!(stream, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: text/plain\r\n{encoding}Connection: close\r\n\r\n")
        .unwrap();
    let mut received = Vec::new();
    stream.read_to_end(&mut received).unwrap();
    black_box(received.len())
}

/// ns per series of one scrape.
fn time_scrape<F: FnMut()>(series: usize, mut scrape: F) -> f64 {
    scrape(); // warm (first-scrape allocations)
    let mut samples = Vec::new();
    let deadline = Instant::now() + CELL_BUDGET * 2;
    while samples.len() < 5 || (Instant::now() < deadline && samples.len() < 101) {
        let start = Instant::now();
        scrape();
        samples.push(start.elapsed().as_nanos() as f64 / series as f64);
    }
    median(samples)
}

fn allocs_per_call<F: FnMut()>(mut f: F) -> f64 {
    f();
    let before = ALLOCS.load(Relaxed);
    for _ in 0..10 {
        f();
    }
    (ALLOCS.load(Relaxed) - before) as f64 / 10.0
}

fn heap_per_series<T>(make: impl FnOnce() -> Box<T>) -> f64 {
    let before = LIVE_BYTES.load(Relaxed);
    let kept = make();
    let after = LIVE_BYTES.load(Relaxed);
    drop(black_box(kept));
    after.saturating_sub(before) as f64 / 10_000.0
}

/// One metricsmith family rendered into a reused buffer (label text cached, as in the
/// registry), so its encoding is measured alone, as the peers' are.
struct FamilyScrape {
    renderer: metricsmith::__private::FamilyRenderer,
    buf: Vec<u8>,
}

impl FamilyScrape {
    fn new(family: &'static dyn metricsmith::Family) -> Self {
        static META: metricsmith::Meta = metricsmith::Meta {
            name: "bench_family",
            help: "h",
            file: file!(),
            line: line!(),
            module: "bench",
        };
        FamilyScrape { renderer: metricsmith::__private::FamilyRenderer::new(&META, family), buf: Vec::new() }
    }

    fn scrape(&mut self, format: Format) {
        self.buf.clear();
        self.renderer.render(format, &mut self.buf);
        black_box(&self.buf);
    }
}

/// Times `scrape` into `column` of `row` (ns per series) and returns its allocations per
/// call after the first.
fn scrape_cell(row: &mut Row, column: &'static str, series: usize, mut scrape: impl FnMut()) -> f64 {
    row.set(column, time_scrape(series, &mut scrape));
    allocs_per_call(scrape)
}

fn sample_lines(out: &[u8]) -> usize {
    out.split(|b| *b == b'\n').filter(|l| !l.is_empty() && l[0] != b'#').count()
}

fn pc_registries() -> (prometheus_client::registry::Registry, prometheus_client::registry::Registry) {
    use prometheus_client::metrics::{counter::Counter as C, family::Family};
    let mut big = prometheus_client::registry::Registry::default();
    let f = Family::<BigPc, C>::default();
    big.register("bench_big", "10 000-series counter family, for encoding.", f.clone());
    for &region in Region::ALL {
        for &tenant in Tenant::ALL {
            f.get_or_create(&BigPc { region, tenant }).inc();
        }
    }
    let mut mid = prometheus_client::registry::Registry::default();
    let f = Family::<MidPc, C>::default();
    mid.register("bench_mid", "1 000-series counter family, for encoding.", f.clone());
    for &region in Region::ALL {
        for &zone in Zone::ALL {
            f.get_or_create(&MidPc { region, zone }).inc();
        }
    }
    (big, mid)
}

fn pc_small_registry() -> prometheus_client::registry::Registry {
    use prometheus_client::metrics::{counter::Counter as C, family::Family};
    let mut registry = prometheus_client::registry::Registry::default();
    let family = Family::<SmallPc, C>::default();
    registry.register("bench_small", "100-series counter family, for encoding.", family.clone());
    for &region in Region::ALL {
        family.get_or_create(&SmallPc { region }).inc();
    }
    registry
}

fn pc_huge_registry() -> prometheus_client::registry::Registry {
    use prometheus_client::metrics::{counter::Counter as C, family::Family};
    let mut registry = prometheus_client::registry::Registry::default();
    let family = Family::<HugePc, C>::default();
    registry.register("bench_huge", "100 000-series counter family, for encoding.", family.clone());
    for &region in Region::ALL {
        for &tenant in Tenant::ALL {
            for &zone in Zone::ALL {
                family.get_or_create(&HugePc { region, tenant, zone }).inc();
            }
        }
    }
    registry
}

fn tikv_registry(a: usize, b: usize) -> prometheus::Registry {
    let reg = prometheus::Registry::new();
    let second = if b == Tenant::ALL.len() { "tenant" } else { "zone" };
    let vec = prometheus::IntCounterVec::new(
        prometheus::Opts::new("bench_total", "counter family, for encoding."),
        &["region", second],
    )
    .unwrap();
    reg.register(Box::new(vec.clone())).unwrap();
    for &region in &Region::ALL[..a] {
        for j in 0..b {
            let v = if b == Tenant::ALL.len() { Tenant::ALL[j].as_str() } else { Zone::ALL[j].as_str() };
            vec.with_label_values(&[region.as_str(), v]).inc();
        }
    }
    reg
}

fn metrics_filled(big: bool) -> metrics_exporter_prometheus::PrometheusRecorder {
    let rec = metrics_recorder();
    metrics::with_local_recorder(&rec, || {
        metrics::describe_counter!("bench_total", "counter family, for encoding.");
        for &region in Region::ALL {
            if big {
                for &t in Tenant::ALL {
                    metrics::counter!("bench_total", "region" => region.as_str(), "tenant" => t.as_str())
                        .increment(1);
                }
            } else {
                for &z in Zone::ALL {
                    metrics::counter!("bench_total", "region" => region.as_str(), "zone" => z.as_str())
                        .increment(1);
                }
            }
        }
    });
    rec
}

#[derive(measured::MetricGroup)]
struct MeasuredBig {
    /// 10 000-series counter family, for encoding.
    bench_big_total: measured::CounterVec<BigSet>,
}

#[derive(measured::MetricGroup)]
struct MeasuredMid {
    /// 1 000-series counter family, for encoding.
    bench_mid_total: measured::CounterVec<MidSet>,
}

#[derive(measured::MetricGroup)]
struct MeasuredHist {
    /// Labelled histogram.
    h: measured::HistogramVec<ReqSet, 11>,
}

#[derive(measured::MetricGroup)]
struct MeasuredSmall {
    /// 100-series counter family, for encoding.
    bench_small_total: measured::CounterVec<SmallSet>,
}

#[derive(measured::MetricGroup)]
struct MeasuredHuge {
    /// 100 000-series counter family, for encoding.
    bench_huge_total: measured::CounterVec<HugeSet>,
}

#[derive(measured::LabelGroup, Clone, Copy, Debug)]
#[label(set = SmallSet)]
struct SmallM {
    region: Region,
}

#[derive(measured::LabelGroup, Clone, Copy, Debug)]
#[label(set = HugeSet)]
struct HugeM {
    region: Region,
    tenant: Tenant,
    zone: Zone,
}

fn measured_scaling_filled() -> (MeasuredSmall, MeasuredHuge) {
    let small =
        MeasuredSmall { bench_small_total: measured::CounterVec::with_label_set(SmallSet::default()) };
    let huge = MeasuredHuge { bench_huge_total: measured::CounterVec::with_label_set(HugeSet::default()) };
    for &region in Region::ALL {
        small.bench_small_total.inc(SmallM { region });
        for &tenant in Tenant::ALL {
            for &zone in Zone::ALL {
                huge.bench_huge_total.inc(HugeM { region, tenant, zone });
            }
        }
    }
    (small, huge)
}

trait MeasuredEncode {
    fn encode(&self);
    fn len(&self) -> usize;
}

thread_local!(static MEASURED_ENC: std::cell::RefCell<measured::text::BufferedTextEncoder> = std::cell::RefCell::new(measured::text::BufferedTextEncoder::new()));

impl<T: measured::MetricGroup<measured::text::BufferedTextEncoder>> MeasuredEncode for T {
    fn encode(&self) {
        MEASURED_ENC.with(|enc| {
            let mut enc = enc.borrow_mut();
            self.collect_group_into(&mut *enc).unwrap();
            black_box(enc.finish());
        });
    }
    fn len(&self) -> usize {
        MEASURED_ENC.with(|enc| {
            let mut enc = enc.borrow_mut();
            self.collect_group_into(&mut *enc).unwrap();
            enc.finish().len()
        })
    }
}

fn measured_filled() -> (MeasuredBig, MeasuredMid) {
    let big = MeasuredBig { bench_big_total: measured::CounterVec::with_label_set(BigSet::default()) };
    let mid = MeasuredMid { bench_mid_total: measured::CounterVec::with_label_set(MidSet::default()) };
    for &region in Region::ALL {
        for &tenant in Tenant::ALL {
            big.bench_big_total.inc(BigM { region, tenant });
        }
        for &zone in Zone::ALL {
            mid.bench_mid_total.inc(MidM { region, zone });
        }
    }
    (big, mid)
}
