//! The multiprocess mode's targets, in the same run as the rest:
//!
//! - recording: each instrument's operation timed before `multiprocess::init` (cells in
//!   the program's own memory) and after (the same cells, now a shared file mapping);
//!   target ≤ 1.1×. These statics are their own, so the rows above are unaffected, and
//!   this section runs last (`init` maps every family of this binary);
//! - the scrape merging 64 processes × 10 000 series (`src/bin/multiprocess_scrape.rs`)
//!   against Python `prometheus_client`'s `MultiProcessCollector` on the same shape
//!   (`python/multiprocess_scrape.py`); target ≥ 50× faster;
//! - the disk one process's file takes per series.

use std::hint::black_box;
use std::process::Command;

use metricsmith::{counted, in_flight, metric, timed, Counter, FloatCounter, Gauge, Histogram, Summary};

use super::{time, Inputs, Req, MASK};

/// Unlabelled counter.
#[metric]
static MP_PLAIN_TOTAL: Counter;

/// Counter with two enum labels.
#[metric]
static MP_REQUESTS_TOTAL: Counter<Req>;

/// Float counter.
#[metric]
static MP_AMOUNT_TOTAL: FloatCounter;

/// Gauge of the default mode.
#[metric]
static MP_DEPTH: Gauge;

/// Gauge of mode `mostrecent`, which notes when each write happened.
#[metric(multiprocess = "mostrecent")]
static MP_RECENT_DEPTH: Gauge;

/// Labelled histogram, default buckets.
#[metric]
static MP_LATENCY_SECONDS: Histogram<Req>;

/// Summary.
#[metric]
static MP_SIZE_BYTES: Summary;

#[timed]
#[inline(never)]
fn mp_timed(i: usize) {
    black_box(i);
}

#[counted]
#[inline(never)]
fn mp_counted(i: usize) {
    black_box(i);
}

#[in_flight]
#[inline(never)]
fn mp_in_flight(i: usize) {
    black_box(i);
}

/// One timed operation: its row name, and what it does with the iteration number.
type Operation<'a> = (&'static str, Box<dyn Fn(usize) + 'a>);

/// One operation per row, each timed before and after `init`.
fn operations(input: &Inputs) -> Vec<Operation<'_>> {
    let Inputs { labels, values, .. } = input;
    vec![
        ("counter inc, no labels", Box::new(|_| MP_PLAIN_TOTAL.inc())),
        (
            "counter inc, 2 enum labels (random)",
            Box::new(|i| {
                let (method, status) = labels[i & MASK];
                MP_REQUESTS_TOTAL.labels(Req { method, status }).inc();
            }),
        ),
        ("float counter inc_by", Box::new(|i| MP_AMOUNT_TOTAL.inc_by(values[i & MASK]))),
        ("gauge set", Box::new(|i| MP_DEPTH.set(values[i & MASK]))),
        ("gauge inc", Box::new(|_| MP_DEPTH.inc())),
        (
            "histogram observe, 2 enum labels (random)",
            Box::new(|i| {
                let (method, status) = labels[i & MASK];
                MP_LATENCY_SECONDS.labels(Req { method, status }).observe(values[i & MASK]);
            }),
        ),
        ("summary observe", Box::new(|i| MP_SIZE_BYTES.observe(values[i & MASK]))),
        ("#[timed] empty function", Box::new(mp_timed)),
        ("#[counted] empty function", Box::new(mp_counted)),
        ("#[in_flight] empty function", Box::new(mp_in_flight)),
        (
            "gauge set, mode mostrecent (a clock read per write)",
            Box::new(|i| MP_RECENT_DEPTH.set(values[i & MASK])),
        ),
    ]
}

/// The least of three medians: the machine is shared, and a busy neighbour only ever
/// adds time.
fn timed(operation: &dyn Fn(usize)) -> f64 {
    (0..3).map(|_| time(operation)).fold(f64::INFINITY, f64::min)
}

/// A number from the one-line JSON the scrape programs print.
fn field(json: &str, name: &str) -> Option<f64> {
    let rest = json.split(&format!("\"{name}\": ")).nth(1)?;
    rest.split([',', '}']).next()?.trim().parse().ok()
}

fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().map_err(|error| error.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Runs the section and returns its markdown.
pub(super) fn section(input: &Inputs) -> String {
    let operations = operations(input);
    let before: Vec<f64> = operations
        .iter()
        .map(|(name, operation)| {
            let ns = timed(operation);
            eprintln!("{:<90} {:<18} {:>10.2}", format!("multiprocess: {name}"), "before init", ns);
            ns
        })
        .collect();
    let base =
        if std::path::Path::new("/dev/shm").is_dir() { "/dev/shm".into() } else { std::env::temp_dir() };
    let dir = base.join(format!("metricsmith-bench-recording-{}", std::process::id()));
    let mut out = String::from("\n## Multiprocess mode\n\n");
    if let Err(error) = metricsmith::multiprocess::init(&dir) {
        out.push_str(&format!("not measured: `init` failed: {error}\n"));
        return out;
    }
    out.push_str(&format!(
        "Recording, median ns/op (least of 3 medians), before and after `multiprocess::init` (files in `{}`):\n\n\
         | operation | before init | after init | after / before |\n|---|---:|---:|---:|\n",
        base.display()
    ));
    for ((name, operation), before) in operations.iter().zip(before) {
        let after = timed(operation);
        eprintln!("{:<90} {:<18} {:>10.2}", format!("multiprocess: {name}"), "after init", after);
        out.push_str(&format!("| {name} | {before:.2} | {after:.2} | ×{:.2} |\n", after / before));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let ours = run(&mut Command::new(env!("CARGO_BIN_EXE_multiprocess_scrape")));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/multiprocess_scrape.py");
    let python = run(Command::new("python3").arg(script).arg("3"));
    out.push_str("\nScrape merging 64 processes × 10 000 counter series (text 0.0.4):\n\n");
    match (&ours, &python) {
        (Ok(ours), Ok(python)) => {
            let (Some(ours_s), Some(python_s)) =
                (field(ours, "median_seconds"), field(python, "median_seconds"))
            else {
                out.push_str(&format!("unreadable results: {ours} / {python}\n"));
                return out;
            };
            let fastest = field(ours, "fastest_seconds").unwrap_or(f64::NAN);
            out.push_str(&format!(
                "| | metricsmith | Python prometheus_client (MultiProcessCollector + generate_latest) | ratio |\n|---|---:|---:|---:|\n\
                 | median scrape | {:.2} ms (fastest {:.2} ms) | {:.0} ms (fastest {:.0} ms) | ×{:.0} |\n",
                ours_s * 1e3,
                fastest * 1e3,
                python_s * 1e3,
                field(python, "fastest_seconds").unwrap_or(f64::NAN) * 1e3,
                python_s / ours_s
            ));
            let series = 10_000.0;
            out.push_str(&format!(
                "\nDisk, one process's file: metricsmith {:.0} bytes ({:.1} bytes per series, header page and built-in families included; {:.0} bytes allocated), \
                 Python {:.0} bytes ({:.0} bytes per series, preallocated in doubling steps).\n",
                field(ours, "file_bytes").unwrap_or(f64::NAN),
                field(ours, "file_bytes").unwrap_or(f64::NAN) / series,
                field(ours, "file_disk_bytes").unwrap_or(f64::NAN),
                field(python, "file_bytes").unwrap_or(f64::NAN),
                field(python, "file_bytes").unwrap_or(f64::NAN) / series,
            ));
        }
        _ => out.push_str(&format!("not measured: metricsmith {ours:?}, Python {python:?}\n")),
    }
    out
}
