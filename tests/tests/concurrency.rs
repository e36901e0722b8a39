//! Many threads on one instrument: no update is lost (every total is exact, also for
//! threads that exit before the read, and for families small and wide: 1 and 1 600
//! series), gauges return to where they started, and scrapes taken while observers run
//! are consistent: histogram buckets cumulative with `+Inf == _count`, nothing going
//! backwards between scrapes, and (with the seqlock core) `_sum` matching the counts.
//!
//! Only the public API is used, so these tests hold whatever storage the instruments
//! use. Loops are bounded by counts; nothing here measures time.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Barrier;
use std::thread;

use metricsmith::{
    counted, metric, Counter, FloatCounter, Format, Gauge, Histogram, LabelValue, Meta, Summary,
};
use metricsmith_tests::reader::{self, histograms, Family};
use metricsmith_tests::wide::{cell, every_cell, Column, Row, WIDE};

/// Updates to each series of a two-label family when `threads` threads each make
/// `updates` calls through [`cell`].
fn updates_per_cell(threads: usize, updates: usize) -> Vec<u64> {
    let mut counts = vec![0u64; WIDE];
    for thread in 0..threads {
        for i in 0..updates {
            let (row, column) = cell(thread, i);
            counts[row.index() * Column::CARDINALITY + column.index()] += 1;
        }
    }
    counts
}

const THREADS: usize = 8;
const UPDATES: usize = 20_000;

/// Runs `work(thread)` on `threads` threads released together.
fn on_threads(threads: usize, work: impl Fn(usize) + Sync) {
    let start = Barrier::new(threads);
    thread::scope(|scope| {
        for thread in 0..threads {
            let (start, work) = (&start, &work);
            scope.spawn(move || {
                start.wait();
                work(thread);
            });
        }
    });
}

/// Renders the registry in `format` and reads it back strictly.
fn scrape(format: Format) -> Vec<Family> {
    let text = metricsmith_tests::render_text(format);
    reader::read(format, &text).unwrap_or_else(|error| panic!("{format:?} scrape is malformed: {error}"))
}

/// The family called `name`, or holding samples called `name` (a counter's `_total`).
fn family<'a>(families: &'a [Family], name: &str) -> &'a Family {
    families
        .iter()
        .find(|family| family.name == name || family.samples.iter().any(|sample| sample.name == name))
        .unwrap_or_else(|| panic!("no family `{name}`"))
}

/// The value of the one sample of `family` labelled with `cell` (or unlabelled).
fn value_of(family: &Family, cell: Option<(Row, Column)>) -> f64 {
    let found = family.samples.iter().find(|sample| match cell {
        None => sample.labels.is_empty(),
        Some((row, column)) => {
            sample.label("row") == Some(row.as_str()) && sample.label("column") == Some(column.as_str())
        }
    });
    found
        .unwrap_or_else(|| {
            panic!("no sample for {:?} in `{}`", cell.map(|(r, c)| (r.as_str(), c.as_str())), family.name)
        })
        .value
}

// --- no lost updates -------------------------------------------------------------------

/// Hits on one unlabelled counter.
#[metric]
static CONTENDED_HITS_TOTAL: Counter;
/// Hits spread over 1 600 series.
#[metric]
static CONTENDED_SPREAD_HITS_TOTAL: Counter<(Row, Column)>;

#[test]
fn counters_lose_no_increment() {
    on_threads(THREADS, |thread| {
        for i in 0..UPDATES {
            if i % 2 == 0 {
                CONTENDED_HITS_TOTAL.inc();
            } else {
                CONTENDED_HITS_TOTAL.inc_by(3);
            }
            CONTENDED_SPREAD_HITS_TOTAL.labels(cell(thread, i)).inc_by(2);
        }
    });
    let expected = (THREADS * UPDATES / 2 * 4) as u64;
    assert_eq!(CONTENDED_HITS_TOTAL.get(), expected);
    let per_cell = updates_per_cell(THREADS, UPDATES);
    for (cell, updates) in every_cell().zip(&per_cell) {
        assert_eq!(
            CONTENDED_SPREAD_HITS_TOTAL.labels(cell).get(),
            updates * 2,
            "{}/{}",
            cell.0.as_str(),
            cell.1.as_str()
        );
    }
    // The scrape says the same as the accessors.
    let families = scrape(Format::OpenMetrics);
    assert_eq!(value_of(family(&families, "contended_hits"), None), expected as f64);
    let spread = family(&families, "contended_spread_hits");
    for (cell, updates) in every_cell().zip(&per_cell) {
        assert_eq!(value_of(spread, Some(cell)), (updates * 2) as f64);
    }
}

/// Increments from threads that exit before anything reads them.
#[metric]
static SHORT_LIVED_HITS_TOTAL: Counter;
/// The same, over 1 600 series.
#[metric]
static SHORT_LIVED_SPREAD_HITS_TOTAL: Counter<(Row, Column)>;
/// The same, as floats.
#[metric]
static SHORT_LIVED_WORK_SECONDS_TOTAL: FloatCounter;

#[test]
fn updates_outlive_the_threads_that_made_them() {
    // Waves of threads, more than any per-thread storage has slots, each gone before
    // the next starts: whatever they wrote must stay counted.
    const WAVES: usize = 4;
    const PER_WAVE: usize = 32;
    const EACH: usize = 500;
    for wave in 0..WAVES {
        on_threads(PER_WAVE, |thread| {
            for i in 0..EACH {
                SHORT_LIVED_HITS_TOTAL.inc();
                SHORT_LIVED_SPREAD_HITS_TOTAL.labels(cell(wave * PER_WAVE + thread, i)).inc();
                SHORT_LIVED_WORK_SECONDS_TOTAL.inc_by(0.25);
            }
        });
        let threads = (wave + 1) * PER_WAVE;
        assert_eq!(SHORT_LIVED_HITS_TOTAL.get(), (threads * EACH) as u64, "after wave {wave}");
        assert_eq!(SHORT_LIVED_WORK_SECONDS_TOTAL.get(), (threads * EACH) as f64 * 0.25);
    }
    let per_cell = updates_per_cell(WAVES * PER_WAVE, EACH);
    for (cell, updates) in every_cell().zip(&per_cell) {
        assert_eq!(SHORT_LIVED_SPREAD_HITS_TOTAL.labels(cell).get(), *updates);
    }
}

/// Float totals on one series.
#[metric]
static CONTENDED_WORK_SECONDS_TOTAL: FloatCounter;
/// Float totals over 1 600 series.
#[metric]
static CONTENDED_SPREAD_WORK_SECONDS_TOTAL: FloatCounter<(Row, Column)>;

#[test]
fn float_counters_lose_no_increment() {
    // Multiples of 0.25 well below 2^53: every partial sum is exact in any order.
    on_threads(THREADS, |thread| {
        for i in 0..UPDATES {
            CONTENDED_WORK_SECONDS_TOTAL.inc_by(0.25);
            CONTENDED_WORK_SECONDS_TOTAL.inc();
            CONTENDED_SPREAD_WORK_SECONDS_TOTAL.labels(cell(thread, i)).inc_by(0.5);
        }
    });
    assert_eq!(CONTENDED_WORK_SECONDS_TOTAL.get(), (THREADS * UPDATES) as f64 * 1.25);
    for (cell, updates) in every_cell().zip(updates_per_cell(THREADS, UPDATES)) {
        assert_eq!(CONTENDED_SPREAD_WORK_SECONDS_TOTAL.labels(cell).get(), updates as f64 * 0.5);
    }
}

/// A level moved up and down from many threads.
#[metric]
static CONTENDED_LEVEL: Gauge;
/// Levels over 1 600 series.
#[metric]
static CONTENDED_SPREAD_LEVEL: Gauge<(Row, Column)>;

#[test]
fn gauges_return_to_their_start() {
    CONTENDED_LEVEL.set(42.0);
    for cell in every_cell() {
        CONTENDED_SPREAD_LEVEL.labels(cell).set(-3.0);
    }
    on_threads(THREADS, |thread| {
        for i in 0..UPDATES {
            match i % 4 {
                0 => CONTENDED_LEVEL.inc(),
                1 => CONTENDED_LEVEL.add(2.5),
                2 => CONTENDED_LEVEL.sub(2.5),
                _ => CONTENDED_LEVEL.dec(),
            }
            let _in_progress = CONTENDED_LEVEL.track_inprogress();
            let series = CONTENDED_SPREAD_LEVEL.labels(cell(thread, i));
            series.add(0.75);
            series.inc();
            series.sub(0.75);
            series.dec();
        }
    });
    assert_eq!(CONTENDED_LEVEL.get(), 42.0);
    for cell in every_cell() {
        assert_eq!(CONTENDED_SPREAD_LEVEL.labels(cell).get(), -3.0);
    }
}

/// Bucket bounds whose values are exact in binary, so sums of observations are exact.
const VALUES: [f64; 5] = [0.5, 1.0, 2.0, 4.0, 8.0];

/// Latencies on one series.
#[metric(buckets = [0.5, 1.0, 2.0, 4.0])]
static CONTENDED_LATENCY_SECONDS: Histogram;
/// Latencies over 1 600 series.
// 1 600 label combinations × 7 series each (4 buckets, `+Inf`, `_count`, `_sum`).
#[metric(buckets = [0.5, 1.0, 2.0, 4.0], max_series = 11200)]
static CONTENDED_SPREAD_LATENCY_SECONDS: Histogram<(Row, Column)>;
/// Payload sizes on one series.
#[metric]
static CONTENDED_PAYLOAD_BYTES: Summary;
/// Payload sizes over 1 600 series.
#[metric]
static CONTENDED_SPREAD_PAYLOAD_BYTES: Summary<(Row, Column)>;

#[test]
fn histograms_and_summaries_lose_no_observation() {
    on_threads(THREADS, |thread| {
        for i in 0..UPDATES {
            // The value equals a bound (bounds are inclusive) or lands in +Inf.
            let value = VALUES[i % VALUES.len()];
            CONTENDED_LATENCY_SECONDS.observe(value);
            CONTENDED_PAYLOAD_BYTES.observe(value);
            CONTENDED_SPREAD_LATENCY_SECONDS.labels(cell(thread, i)).observe(1.0);
            CONTENDED_SPREAD_PAYLOAD_BYTES.labels(cell(thread, i)).observe(2.0);
        }
    });
    let total = (THREADS * UPDATES) as u64;
    let per_value = total / VALUES.len() as u64;
    let sum = per_value as f64 * VALUES.iter().sum::<f64>();
    assert_eq!(CONTENDED_LATENCY_SECONDS.bucket_counts(), [1, 2, 3, 4, 5].map(|n| n * per_value));
    assert_eq!(CONTENDED_LATENCY_SECONDS.count(), total);
    assert_eq!(CONTENDED_LATENCY_SECONDS.sum(), sum);
    assert_eq!(CONTENDED_PAYLOAD_BYTES.count(), total);
    assert_eq!(CONTENDED_PAYLOAD_BYTES.sum(), sum);
    for (cell, updates) in every_cell().zip(updates_per_cell(THREADS, UPDATES)) {
        let series = CONTENDED_SPREAD_LATENCY_SECONDS.labels(cell);
        assert_eq!(series.bucket_counts(), [0, updates, updates, updates, updates]);
        assert_eq!((series.count(), series.sum()), (updates, updates as f64));
        let summary = CONTENDED_SPREAD_PAYLOAD_BYTES.labels(cell);
        assert_eq!((summary.count(), summary.sum()), (updates, updates as f64 * 2.0));
    }
}

/// Calls of [`contended_call`], counted by the macro.
#[counted(name = "contended_calls_total")]
fn contended_call(fail: bool) -> Result<(), ()> {
    if fail {
        Err(())
    } else {
        Ok(())
    }
}

#[test]
fn counted_functions_lose_no_call() {
    on_threads(THREADS, |_| {
        for i in 0..UPDATES / 4 {
            let _ = contended_call(i % 3 == 0);
        }
    });
    let families = scrape(Format::Prometheus);
    let calls = family(&families, "contended_calls_total");
    let result = |result: &str| {
        calls.samples.iter().find(|sample| sample.label("result") == Some(result)).map(|sample| sample.value)
    };
    let per_thread_errors = (0..UPDATES / 4).filter(|i| i % 3 == 0).count();
    assert_eq!(result("error"), Some((THREADS * per_thread_errors) as f64));
    assert_eq!(result("ok"), Some((THREADS * (UPDATES / 4 - per_thread_errors)) as f64));
}

// --- consistent scrapes ----------------------------------------------------------------

const OBSERVERS: usize = 3;
/// Each observer waits for the scraper before each chunk, so scrapes fall between,
/// and during, all stages of the run.
const CHUNKS: usize = 12;
const CHUNK: usize = 4_000;
/// Scrapes of the histogram alone per scrape of the registry: one series, or 1 600.
const NARROW_QUICK: usize = 200;
const WIDE_QUICK: usize = 2;

/// Checks successive scrapes of one histogram family.
struct Watch {
    exact_sum: bool,
    /// Per series, the buckets of the previous scrape.
    previous: Vec<Vec<u64>>,
    /// Scrapes checked, and those that caught the run half-way.
    scrapes: usize,
    partial: usize,
}

impl Watch {
    /// Checks one scrape of the family: each series' buckets never below the previous
    /// scrape's and, with `exact_sum`, `_sum` equal to each bucket's new count times its
    /// value. (The reader has checked cumulative buckets and `+Inf == _count`.)
    fn check(&mut self, family: &Family) {
        let series = histograms(family).expect("checked by the reader");
        self.previous.resize(series.len(), Vec::new());
        for (series, previous) in series.iter().zip(&mut self.previous) {
            let buckets: Vec<u64> = series.buckets.iter().map(|(_, count)| *count).collect();
            let backwards = buckets.iter().zip(previous.iter()).any(|(now, before)| now < before);
            assert!(!backwards, "{:?}: buckets went from {previous:?} to {buckets:?}", series.labels);
            if self.exact_sum {
                let mut below = 0;
                let mut expected = 0.0;
                for (count, value) in buckets.iter().zip(VALUES) {
                    expected += (count - below) as f64 * value;
                    below = *count;
                }
                assert_eq!(
                    series.sum,
                    Some(expected),
                    "{:?}: _sum against buckets {buckets:?}",
                    series.labels
                );
            }
            *previous = buckets;
        }
        let total = self.total();
        if total > 0 && total < (OBSERVERS * CHUNKS * CHUNK) as u64 {
            self.partial += 1;
        }
        self.scrapes += 1;
    }

    fn total(&self) -> u64 {
        self.previous.iter().map(|buckets| buckets.last().copied().unwrap_or(0)).sum()
    }
}

/// What [`scrapes_stay_consistent`] watches.
struct Target {
    /// The histogram, also scraped on its own, through the same encoder, `quick` times
    /// per full scrape: many more scrapes than rendering the registry would allow.
    histogram: &'static dyn metricsmith::Family,
    histogram_name: &'static str,
    quick: usize,
    /// A counter incremented with each observation: never goes backwards.
    counter: &'static str,
    /// A gauge held up during each observation: between 0 and the observer count.
    gauge: &'static str,
    exact_sum: bool,
}

/// Sets its flag when dropped, also while unwinding.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Observers fill the target histogram (through `observe(thread, i)`, values from
/// [`VALUES`]), its counter and gauge, while one thread scrapes the registry and the
/// histogram alone; every scrape is read strictly and checked by a [`Watch`].
fn scrapes_stay_consistent(target: Target, observe: impl Fn(usize, usize) + Sync) {
    let scrapes = AtomicUsize::new(0);
    let running = AtomicUsize::new(OBSERVERS);
    // Set when the scraper stops for any reason, a failed assertion included, so the
    // observers waiting for it stop too instead of waiting forever.
    let scraper_gone = AtomicBool::new(false);
    // Set once an observer has finished its first chunk (or stopped): the scraper starts
    // then, so its first round falls within the run whatever the scheduler does. (It
    // started at once: had the observers not run until it had scraped past the last
    // chunk's gate, every scrape would have seen nothing or everything.)
    let first_chunk_done = AtomicBool::new(false);
    let meta: &'static Meta = Box::leak(Box::new(Meta {
        name: target.histogram_name,
        help: "Observations scraped on their own.",
        file: file!(),
        line: line!(),
        module: module_path!(),
    }));
    let watch = thread::scope(|scope| {
        for thread in 0..OBSERVERS {
            let (scrapes, running, observe, scraper_gone) = (&scrapes, &running, &observe, &scraper_gone);
            let first_chunk = SetOnDrop(&first_chunk_done);
            scope.spawn(move || {
                let mut first_chunk = Some(first_chunk);
                for chunk in 0..CHUNKS {
                    while scrapes.load(Ordering::SeqCst) < chunk {
                        if scraper_gone.load(Ordering::SeqCst) {
                            return;
                        }
                        thread::yield_now();
                    }
                    for i in chunk * CHUNK..(chunk + 1) * CHUNK {
                        observe(thread, i);
                    }
                    drop(first_chunk.take());
                }
                running.fetch_sub(1, Ordering::SeqCst);
            });
        }
        let (scrapes, running, target, first_chunk_done) = (&scrapes, &running, &target, &first_chunk_done);
        let gone = SetOnDrop(&scraper_gone);
        let scraper = scope.spawn(move || {
            let _gone = gone;
            while !first_chunk_done.load(Ordering::SeqCst) {
                thread::yield_now();
            }
            let mut watch =
                Watch { exact_sum: target.exact_sum, previous: Vec::new(), scrapes: 0, partial: 0 };
            let mut previous_counter = 0.0;
            let mut out = Vec::new();
            loop {
                let finished = running.load(Ordering::SeqCst) == 0;
                let round = scrapes.load(Ordering::SeqCst);
                let format = if round % 2 == 0 { Format::Prometheus } else { Format::OpenMetrics };
                for _ in 0..target.quick {
                    out.clear();
                    metricsmith::__private::render_family(format, meta, target.histogram, &mut out);
                    if format == Format::OpenMetrics {
                        out.extend_from_slice(b"# EOF\n");
                    }
                    let text = std::str::from_utf8(&out).expect("UTF-8");
                    let families =
                        reader::read(format, text).unwrap_or_else(|error| panic!("{error}\n{text}"));
                    watch.check(&families[0]);
                }
                // The whole registry is rendered; only the families under test are read.
                let text = metricsmith_tests::render_text(format);
                let counter_family = target.counter.strip_suffix("_total").unwrap_or(target.counter);
                let names = [target.histogram_name, target.counter, counter_family, target.gauge];
                let text = reader::select(&text, &names);
                let families =
                    reader::read(format, &text).unwrap_or_else(|error| panic!("{format:?}: {error}"));
                watch.check(family(&families, target.histogram_name));
                let counter = value_of(family(&families, target.counter), None);
                assert!(
                    counter >= previous_counter,
                    "`{}` went from {previous_counter} to {counter}",
                    target.counter
                );
                previous_counter = counter;
                let level = value_of(family(&families, target.gauge), None);
                let in_range = (0.0..=OBSERVERS as f64).contains(&level) && level.fract() == 0.0;
                assert!(in_range, "`{}` read {level}", target.gauge);
                scrapes.fetch_add(1, Ordering::SeqCst);
                if finished {
                    break;
                }
            }
            assert_eq!(previous_counter, (OBSERVERS * CHUNKS * CHUNK) as f64);
            watch
        });
        scraper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    let expected = (OBSERVERS * CHUNKS * CHUNK) as u64;
    assert_eq!(watch.total(), expected, "the last scrape holds every observation");
    assert!(watch.partial > 0, "none of {} scrapes fell within the run", watch.scrapes);
}

/// Observations on one series, scraped while they happen.
#[metric(buckets = [0.5, 1.0, 2.0, 4.0])]
static SCRAPED_NARROW_SECONDS: Histogram;
/// Observations counted alongside the narrow histogram.
#[metric]
static SCRAPED_NARROW_EVENTS_TOTAL: Counter;
/// Observers in the middle of an observation on the narrow histogram.
#[metric]
static SCRAPED_NARROW_IN_PROGRESS: Gauge;

fn observe_narrow(_thread: usize, i: usize) {
    let _in_progress = SCRAPED_NARROW_IN_PROGRESS.track_inprogress();
    SCRAPED_NARROW_SECONDS.observe(VALUES[i % VALUES.len()]);
    SCRAPED_NARROW_EVENTS_TOTAL.inc();
}

/// Observations over 1 600 series, scraped while they happen.
// 1 600 label combinations × 7 series each (4 buckets, `+Inf`, `_count`, `_sum`).
#[metric(buckets = [0.5, 1.0, 2.0, 4.0], max_series = 11200)]
static SCRAPED_WIDE_SECONDS: Histogram<(Row, Column)>;
/// Observations counted alongside the wide histogram.
#[metric]
static SCRAPED_WIDE_EVENTS_TOTAL: Counter;
/// Observers in the middle of an observation on the wide histogram.
#[metric]
static SCRAPED_WIDE_IN_PROGRESS: Gauge;

fn observe_wide(thread: usize, i: usize) {
    let _in_progress = SCRAPED_WIDE_IN_PROGRESS.track_inprogress();
    SCRAPED_WIDE_SECONDS.labels(cell(thread, i)).observe(VALUES[(i / 7) % VALUES.len()]);
    SCRAPED_WIDE_EVENTS_TOTAL.inc();
}

#[test]
fn scrapes_during_observations_are_cumulative_and_monotonic() {
    let target = Target {
        histogram: &SCRAPED_NARROW_SECONDS,
        histogram_name: "scraped_narrow_seconds",
        quick: NARROW_QUICK,
        counter: "scraped_narrow_events_total",
        gauge: "scraped_narrow_in_progress",
        exact_sum: false,
    };
    scrapes_stay_consistent(target, observe_narrow);
}

#[test]
fn scrapes_of_a_wide_histogram_during_observations_are_cumulative_and_monotonic() {
    let target = Target {
        histogram: &SCRAPED_WIDE_SECONDS,
        histogram_name: "scraped_wide_seconds",
        quick: WIDE_QUICK,
        counter: "scraped_wide_events_total",
        gauge: "scraped_wide_in_progress",
        exact_sum: false,
    };
    scrapes_stay_consistent(target, observe_wide);
}

/// Observations whose `_sum` is checked exactly in every scrape.
#[metric(buckets = [0.5, 1.0, 2.0, 4.0])]
static SUMMED_NARROW_SECONDS: Histogram;
/// Observations counted alongside.
#[metric]
static SUMMED_NARROW_EVENTS_TOTAL: Counter;
/// Observers in the middle of an observation.
#[metric]
static SUMMED_NARROW_IN_PROGRESS: Gauge;
/// Observations over 1 600 series whose `_sum` is checked exactly in every scrape.
// 1 600 label combinations × 7 series each (4 buckets, `+Inf`, `_count`, `_sum`).
#[metric(buckets = [0.5, 1.0, 2.0, 4.0], max_series = 11200)]
static SUMMED_WIDE_SECONDS: Histogram<(Row, Column)>;
/// Observations counted alongside.
#[metric]
static SUMMED_WIDE_EVENTS_TOTAL: Counter;
/// Observers in the middle of an observation.
#[metric]
static SUMMED_WIDE_IN_PROGRESS: Gauge;

#[test]
fn every_scrape_has_a_sum_that_matches_its_buckets() {
    let narrow = Target {
        histogram: &SUMMED_NARROW_SECONDS,
        histogram_name: "summed_narrow_seconds",
        quick: NARROW_QUICK,
        counter: "summed_narrow_events_total",
        gauge: "summed_narrow_in_progress",
        exact_sum: true,
    };
    scrapes_stay_consistent(narrow, |_, i| {
        let _in_progress = SUMMED_NARROW_IN_PROGRESS.track_inprogress();
        SUMMED_NARROW_SECONDS.observe(VALUES[i % VALUES.len()]);
        SUMMED_NARROW_EVENTS_TOTAL.inc();
    });
    let wide = Target {
        histogram: &SUMMED_WIDE_SECONDS,
        histogram_name: "summed_wide_seconds",
        quick: WIDE_QUICK,
        counter: "summed_wide_events_total",
        gauge: "summed_wide_in_progress",
        exact_sum: true,
    };
    scrapes_stay_consistent(wide, |thread, i| {
        let _in_progress = SUMMED_WIDE_IN_PROGRESS.track_inprogress();
        SUMMED_WIDE_SECONDS.labels(cell(thread, i)).observe(VALUES[(i / 7) % VALUES.len()]);
        SUMMED_WIDE_EVENTS_TOTAL.inc();
    });
}
